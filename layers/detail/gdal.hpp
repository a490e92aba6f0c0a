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

/// Opens a vector source for reading (or for update). Throws LayerError naming the source,
/// with a hint (missing file, directory, unsupported format, unreachable server). A
/// PostgreSQL source must have the PostGIS extension (`server` receives check_postgis's
/// answer); messages never show its password.
GDALDatasetUniquePtr open_vector(const std::string& source,
                                 const std::vector<std::string>& open_options = {}, bool update = false,
                                 std::string* server = nullptr);

/// True when the source is a CSV file (read with coordinate-column detection).
bool is_csv(const std::string& source);

/// "EPSG:4326" when the CRS has an authority code, else its name; "" for none.
std::string crs_label(const OGRSpatialReference* srs);

/// A source string (or any text) safe to print: passwords of PostgreSQL connection strings
/// ("password=x", "password='x y'", "postgresql://user:x@host") become "***".
std::string redact(const std::string& source);

/// `text` (typically GDAL's error message about `source`) with `source`'s password removed
/// wherever it appears, as well as redacted as by redact().
std::string scrub(const std::string& text, const std::string& source);

/// GDAL's message about a failed database statement, made readable: the server's
/// "ERROR:" line when there is one (not the statement and the row's values GDAL adds),
/// on one line.
std::string server_message(const std::string& gdal_message);

/// True for a PostgreSQL source: "PG:..." or a postgresql:// URI.
bool is_postgres(const std::string& source);

/// For a PostgreSQL dataset: "PostgreSQL 15.4, PostGIS 3.3.2". Throws LayerError (naming the
/// redacted `source`) when the database has no PostGIS extension.
std::string check_postgis(GDALDataset& ds, const std::string& source);

}  // namespace fergana::layers::detail
