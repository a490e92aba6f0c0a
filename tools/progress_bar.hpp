#pragma once
// The CLI's drawing of the engine's progress callback: a bar on stderr when
// it is a terminal, nothing otherwise (logs and pipes stay clean).

#include "geo/progress.hpp"

namespace fergana::tools {

/// A Progress callback that draws on stderr if it is a terminal and `quiet` is false.
Progress make_progress_bar(bool quiet);

}  // namespace fergana::tools
