#pragma once
// Where the bundled Fergana Valley dataset is.

#include <string>

namespace fergana::layers {

/// The bundled dataset: $FERGANA_DATA if set, else data/fergana.gpkg of the source tree
/// this binary was built from (found next to build/bin/), else the configured source dir.
std::string default_data_source();

}  // namespace fergana::layers
