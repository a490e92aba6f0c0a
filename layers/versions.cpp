#include "layers/versions.hpp"

#include "geo/geos.hpp"
#include "geo/proj.hpp"

#include <gdal.h>

namespace fergana::layers {

std::vector<std::pair<std::string, std::string>> library_versions() {
    return {
        {"GDAL", GDALVersionInfo("RELEASE_NAME")},
        {"GEOS", geo::geos_version()},
        {"PROJ", geo::proj_version()},
    };
}

}  // namespace fergana::layers
