#include "layers/bundled.hpp"

#include <cstdlib>
#include <filesystem>

#ifndef FERGANA_SOURCE_DIR
#error "FERGANA_SOURCE_DIR must be defined by the build"
#endif

namespace fergana::layers {

std::string default_data_source() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("FERGANA_DATA"); env != nullptr && *env != '\0') {
        return env;
    }
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        // build/bin/fergana -> <source>/data/fergana.gpkg
        const fs::path candidate = exe.parent_path().parent_path().parent_path() / "data" / "fergana.gpkg";
        if (fs::exists(candidate, ec)) {
            return candidate.string();
        }
    }
    return (fs::path(FERGANA_SOURCE_DIR) / "data" / "fergana.gpkg").string();
}

}  // namespace fergana::layers
