#include "layers/detail/gdal.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <regex>

namespace fergana::layers::detail {

void ensure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // GDAL otherwise prints warnings and errors to stderr itself.
        CPLSetErrorHandler(CPLQuietErrorHandler);
        // Large GeoJSON objects (whole-country polygons) are refused by default.
        if (CPLGetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", nullptr) == nullptr) {
            CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
        }
    });
}

std::string last_gdal_error(const std::string& fallback) {
    const char* message = CPLGetLastErrorMsg();
    if (message == nullptr || *message == '\0') {
        return fallback;
    }
    return message;
}

std::string redact(const std::string& source) {
    static const std::regex password(R"((password\s*=\s*)('[^']*'|[^\s]*))", std::regex::icase);
    if (source.rfind("PG:", 0) != 0 && source.rfind("pg:", 0) != 0 &&
        source.find("postgresql://") == std::string::npos) {
        return source;
    }
    std::string out = std::regex_replace(source, password, "$1***");
    static const std::regex url_password(R"((postgres(?:ql)?://[^:/@]+:)[^@]*@)");
    return std::regex_replace(out, url_password, "$1***@");
}

bool is_csv(const std::string& source) {
    if (source.rfind("CSV:", 0) == 0) return true;
    const std::string ext = std::filesystem::path(source).extension().string();
    return ext.size() == 4 && (ext[1] | 0x20) == 'c' && (ext[2] | 0x20) == 's' && (ext[3] | 0x20) == 'v';
}

GDALDatasetUniquePtr open_vector(const std::string& source,
                                 const std::vector<std::string>& open_options) {
    ensure_gdal();
    namespace fs = std::filesystem;
    Location where{redact(source), {}, {}, {}};
    const bool looks_like_file = source.find(':') == std::string::npos ||
                                 source.rfind("/vsi", 0) == 0 || fs::exists(source);
    if (looks_like_file && source.rfind("/vsi", 0) != 0) {
        std::error_code ec;
        if (!fs::exists(source, ec)) {
            throw LayerError("no such file or directory", where,
                             "check the path; relative paths are taken from the current directory");
        }
        if (fs::is_directory(source, ec)) {
            // GDAL can read a directory of shapefiles, but a directory is usually a mistake.
            bool has_vectors = false;
            for (const auto& entry : fs::directory_iterator(source, ec)) {
                if (entry.path().extension() == ".shp") has_vectors = true;
            }
            if (!has_vectors) {
                throw LayerError("is a directory, not a vector file", where,
                                 "name a file such as data/fergana.gpkg");
            }
        }
    }
    if (looks_like_file && source.rfind("/vsi", 0) != 0 && ::access(source.c_str(), R_OK) != 0) {
        throw LayerError("cannot read: permission denied", where, "check the file's permissions");
    }
    std::vector<const char*> options;
    for (const std::string& o : open_options) options.push_back(o.c_str());
    options.push_back(nullptr);
    CPLErrorReset();
    GDALDatasetUniquePtr ds(GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                              nullptr, options.data(), nullptr));
    if (!ds) {
        throw LayerError("cannot open as a vector source: " +
                             last_gdal_error("not a recognised vector format"),
                         where,
                         "fergana reads any GDAL vector format (GeoPackage, GeoJSON, Shapefile, "
                         "FlatGeobuf, KML, CSV, PG:...)");
    }
    return ds;
}

std::string crs_label(const OGRSpatialReference* srs) {
    if (srs == nullptr) {
        return {};
    }
    const char* authority = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    if (authority != nullptr && code != nullptr) {
        return std::string(authority) + ":" + code;
    }
    const char* name = srs->GetName();
    return name ? name : "unnamed CRS";
}

}  // namespace fergana::layers::detail
