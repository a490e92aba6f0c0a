#pragma once
// Internal to layers/: GDAL helpers. Includes GDAL headers, so it must never be
// included from a public header (layers/*.hpp) — only from .cpp files.

#include "geo/error.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <string>
#include <vector>

namespace fergana::layers::detail {

/// Registers GDAL's drivers once and routes GDAL's messages away from stderr
/// (we report them ourselves, with the file and layer).
void ensure_gdal();

/// GDAL's last error message, or `fallback` when there is none.
std::string last_gdal_error(const std::string& fallback = {});

/// Opens a vector source for reading. Throws LayerError naming the source,
/// with a hint (missing file, directory, unsupported format).
GDALDatasetUniquePtr open_vector(const std::string& source,
                                 const std::vector<std::string>& open_options = {});

/// True when the source is a CSV file (read with coordinate-column detection).
bool is_csv(const std::string& source);

/// "EPSG:4326" when the CRS has an authority code, else its name; "" for none.
std::string crs_label(const OGRSpatialReference* srs);

/// A source string safe to print: the password of a PG: connection string is redacted.
std::string redact(const std::string& source);

}  // namespace fergana::layers::detail
