#pragma once
// QGIS style files (.qml) written beside GeoJSON outputs: QGIS loads NAME.qml with
// NAME.geojson. The style reads the simplestyle properties (marker-color,
// marker-size, stroke, stroke-width, fill, fill-opacity) as data-defined overrides,
// so QGIS shows the layer as geojson.io and our maps do.

#include "layers/output.hpp"

#include <string>

namespace fergana::tools {

/// The QML text for a table (marker, line or fill symbol by its geometries).
std::string qml_for(const layers::OutputTable& table);

/// "out/proximity.geojson" -> "out/proximity.qml".
std::string qml_path(const std::string& geojson_path);

}  // namespace fergana::tools
