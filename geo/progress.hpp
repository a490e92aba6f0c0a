#pragma once
// Progress reporting. The engine never prints: long work calls a Progress
// callback with the fraction done (0..1) and the stage's name, and the caller
// (the CLI) decides whether and how to draw it.

#include <functional>
#include <string_view>

namespace fergana {

using Progress = std::function<void(double fraction, std::string_view stage)>;

/// Calls `progress` when it is set.
inline void report(const Progress& progress, double fraction, std::string_view stage) {
    if (progress) {
        progress(fraction, stage);
    }
}

}  // namespace fergana
