#pragma once
// A description of every layer of a GDAL vector source, as `fergana layers`
// prints it: name, geometry type, feature count, CRS, extent and fields.

#include "geo/geometry.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fergana::layers {

struct FieldInfo {
    std::string name;
    std::string type;  // GDAL's field type name: String, Integer, Integer64, Real, Date...
};

struct LayerInfo {
    std::string name;
    std::string geometry_type;   // e.g. "Multi Polygon", "Point", "None"
    std::int64_t feature_count = 0;
    std::string crs;             // e.g. "EPSG:4326"; empty when the layer has none
    geo::Box extent;             // in the layer's own CRS; empty when unknown
    std::vector<FieldInfo> fields;
};

struct SourceInfo {
    std::string source;  // as given (passwords redacted)
    std::string driver;  // GDAL driver short name, e.g. "GPKG"
    std::vector<LayerInfo> layers;
};

/// A source string safe to print or record: the password of a PG: connection is redacted.
std::string redact_source(const std::string& source);

/// True when GDAL/PROJ understand `crs` (EPSG:n, WKT, PROJ string).
bool crs_is_known(const std::string& crs);

/// Opens `source` read-only and describes each of its layers. Throws LayerError.
SourceInfo describe_source(const std::string& source);

}  // namespace fergana::layers
