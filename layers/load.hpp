#pragma once
// Loading: from GDAL sources to a typed, validated, WGS84 Dataset.
//
// The path of a feature: open the source (layers/detail/gdal) -> pick the layer
// for the role -> check geometry type and CRS -> per feature: convert the OGR
// geometry (detail/ogr_convert), reproject to WGS84 lon/lat, check coordinates,
// repair invalid polygons with GEOS make-valid, read the canonical fields ->
// make the typed feature (features.hpp). Then checks across features and layers:
// duplicate ids, swapped lon/lat, overlapping countries (enclaves without holes).

#include "geo/progress.hpp"
#include "layers/dataset.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::layers {

/// Where one role is read from: a GDAL source and a layer name in it.
struct RoleSource {
    std::string source;  // empty: LoadOptions::data
    std::string layer;   // empty: the layer named after the role, or the only layer of `source`
};

struct LoadOptions {
    /// A dataset holding layers named after the roles. Empty: the bundled data/fergana.gpkg.
    std::string data;
    /// Per-role source and layer (--incidents SRC, --incidents-layer NAME).
    std::map<Role, RoleSource> roles;
    /// Per role, canonical field -> source field (--field incidents.id=tkid).
    std::map<Role, std::map<std::string, std::string>> fields;
    /// CRS for layers that have none (--assume-crs EPSG:n). Empty: such a layer is an error.
    std::string assume_crs;
    /// Every finding is an error, repairs and warnings included (--strict).
    bool strict = false;
    /// The roles to load; empty: all roles found.
    std::vector<Role> wanted;
    /// Return the dataset with its error findings instead of throwing (`fergana layers`
    /// lists them all). Layers that cannot be opened or used at all still throw.
    bool keep_going = false;
    /// Refuse a layer with more features than this (--max-features); 0: no limit. Counted
    /// after the source's filters (bbox, incident dates and types).
    std::int64_t max_features = 0;
    /// Threads for reading a large layer in parts (a GeoPackage's incidents, by FID range,
    /// one connection each); 0 (default): one per hardware thread. The result is the same
    /// whatever the number.
    unsigned threads = 0;
    /// A layer is read in parts when it has at least this many features per part; 0: never.
    std::size_t parallel_read_from = 100000;

    /// Read only the features meeting this box, WGS84 lon/lat (--bbox, a map's extent);
    /// nullopt (the default): everything. The source filters first, with the box widened
    /// into its own CRS (its spatial index; on the server for PostGIS), then the loader keeps
    /// exactly the features whose geometry meets the box (edges included).
    std::optional<geo::Box> bbox;
    /// The roles `bbox` applies to; empty (the default): every role. `proximity` windows the
    /// incidents only, so distances still reach borders and settlements outside the box.
    std::vector<Role> bbox_roles;

    /// Incidents only: the dates and types the command will keep (--from, --to, --type;
    /// types lower-case). Default: none. A PostGIS or GeoPackage source gets them as a
    /// conservative WHERE clause (layers/detail/pushdown.hpp) so fewer rows are read; it
    /// never drops an incident analysis::IncidentFilter keeps, and commands still apply that
    /// filter. Rows the source drops are not validated.
    std::optional<Date> incidents_from;
    std::optional<Date> incidents_to;
    std::vector<std::string> incident_types;

    /// Incidents only: what of them no output of the command will use (its --select leaves
    /// it out), so that it is neither read nor checked, as ogr2ogr -select reads only what it
    /// is asked for. Canonical field names ("type", "precision_m", ...), and the source's
    /// other fields (the attributes). The source's query leaves those columns out (GDAL's
    /// ignored fields), and the incidents hold them empty. Never the id, nor a field that
    /// incidents_from, incidents_to or incident_types filter on.
    std::vector<std::string> incident_fields_unused;
    bool incident_attributes_unused = false;
};

/// Parses "incidents.id=tkid" into options.fields. Throws UsageError naming the problem.
void add_field_mapping(LoadOptions& options, std::string_view mapping);

/// Loads every wanted role. Throws LayerError (with file, layer, feature and field)
/// when a role's layer cannot be used, or when any finding is an error.
Dataset load_dataset(const LoadOptions& options, const Progress& progress = {});

}  // namespace fergana::layers
