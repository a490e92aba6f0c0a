#include "tools/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

namespace fergana::tools {

Progress make_progress_bar(bool quiet) {
    if (quiet || isatty(STDERR_FILENO) == 0) {
        return {};
    }
    auto last = std::make_shared<int>(-1);
    return [last](double fraction, std::string_view stage) {
        const int percent = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100.0);
        if (percent == *last && percent != 100) {
            return;
        }
        *last = percent;
        constexpr int width = 30;
        const int filled = percent * width / 100;
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.resize(width, '.');
        std::fprintf(stderr, "\r[%s] %3d%% %-40.*s", bar.c_str(), percent,
                     static_cast<int>(std::min<std::size_t>(stage.size(), 40)), stage.data());
        if (percent >= 100) {
            std::fprintf(stderr, "\r%*s\r", width + 50, "");
        }
        std::fflush(stderr);
    };
}

}  // namespace fergana::tools
