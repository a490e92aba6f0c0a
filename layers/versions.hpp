#pragma once
// The versions of the libraries fergana is running with, for --version and provenance.

#include <string>
#include <utility>
#include <vector>

namespace fergana::layers {

/// {"GDAL", "3.6.2"}, {"GEOS", "3.11.1-CAPI-1.17.1"}, {"PROJ", "9.1.1"}.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace fergana::layers
