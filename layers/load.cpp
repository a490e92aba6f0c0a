#include "layers/load.hpp"

#include "geo/geodesic.hpp"
#include "geo/geos.hpp"
#include "geo/memory.hpp"
#include "geo/parallel.hpp"
#include "layers/bundled.hpp"
#include "layers/detail/gdal.hpp"
#include "layers/detail/ogr_convert.hpp"
#include "layers/detail/pushdown.hpp"
#include "layers/detail/utf8.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <set>
#include <thread>
#include <unordered_map>

namespace fergana::layers {

namespace {

// ASCII only, whatever the locale: field names, ISO3 codes, types.
char lower_ascii(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool space_ascii(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower_ascii(c);
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && space_ascii(s.front())) s.remove_prefix(1);
    while (!s.empty() && space_ascii(s.back())) s.remove_suffix(1);
    return s;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    text = trim(text);
    std::int64_t value = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return value;
    // "1200.0" from a Real column is an integer too.
    double real = 0.0;
    r = std::from_chars(text.data(), text.data() + text.size(), real);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(real) && real == std::floor(real) &&
        std::fabs(real) < 9e15) {
        return static_cast<std::int64_t>(real);
    }
    return std::nullopt;
}

std::optional<double> parse_real(std::string_view text) {
    text = trim(text);
    double value = 0.0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(value)) {
        return value;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// One role's layer: opened, checked, and read feature by feature.

struct FieldBinding {
    int index = -1;           // -1: the source has no such field
    std::string source_name;  // the source field's name
    bool is_date = false;     // a Date or DateTime field: read as a Date (the date part)
};

/// A feature as read, before it becomes a typed feature: geometry in WGS84 and
/// the canonical fields as text (nullopt when NULL or absent).
struct RawFeature {
    GIntBig fid_number = 0;
    geo::Geometry geometry;
    std::vector<std::optional<std::string>> values;  // in RoleSpec::fields order
    /// A date-typed source field's value, as read (its `values` slot is then empty).
    std::vector<std::optional<Date>> dates;
    Attributes attributes;
    /// The first of the id, ISO3 and name fields with a value (values.size(): none).
    std::size_t label_field = 0;

    /// How messages name the feature: its id, ISO3 or name, else the FID. Made only when a
    /// message needs it; call it before the label's value is moved out.
    [[nodiscard]] std::string label() const {
        if (label_field < values.size() && values[label_field]) return std::string(trim(*values[label_field]));
        return fid();
    }
    /// The source FID as text: what names a feature without an id. Made when asked (of a
    /// million incidents with ids, none is).
    [[nodiscard]] std::string fid() const { return std::to_string(fid_number); }
};

/// Databases opened once per load and shared by the roles read from them: a connection
/// (and GDAL's look at the catalogue) costs far more than opening a file. The default source
/// is kept here too once opened to list its layers: opening a GeoPackage parses its whole
/// schema (about 4 ms for the bundled one), once per connection.
struct OpenDatabases {
    struct Entry {
        GDALDatasetUniquePtr dataset;
        std::string server;
    };
    std::map<std::string, Entry> entries;  // by connection string

    GDALDataset& open(const std::string& source, std::string& server) {
        Entry& e = entries[source];
        if (!e.dataset) e.dataset = detail::open_vector(source, {}, false, &e.server);
        server = e.server;
        return *e.dataset;
    }
    [[nodiscard]] bool has(const std::string& source) const {
        const auto it = entries.find(source);
        return it != entries.end() && it->second.dataset;
    }
};

class RoleReader {
public:
    RoleReader(Role role, const RoleSource& where, bool explicit_source, const LoadOptions& options, Findings& findings,
               OpenDatabases& databases);
    RoleReader(const RoleReader&) = delete;
    RoleReader& operator=(const RoleReader&) = delete;
    ~RoleReader() {
        // A shared database's layer is read again by the next role taking it: unfiltered.
        if (m_layer != nullptr && !m_owned) {
            m_layer->SetSpatialFilter(nullptr);
            m_layer->SetAttributeFilter(nullptr);
        }
    }

    const LayerOrigin& origin() const noexcept { return m_origin; }
    const std::vector<FieldBinding>& bindings() const noexcept { return m_bindings; }

    /// Calls fn(RawFeature&&) for each usable feature; reports the others as findings.
    template <typename Fn>
    void read(Fn&& fn, const Progress& progress, double progress_from, double progress_to) {
        finish(read_features(fn, progress, progress_from, progress_to));
    }

    /// What read_features saw of the layer as a whole, reported once by finish().
    struct ReadStats {
        std::int64_t features = 0;
        detail::ConversionNotes notes;
        void add(const ReadStats& other) {
            features += other.features;
            notes.dropped_z_or_m |= other.notes.dropped_z_or_m;
            notes.linearised |= other.notes.linearised;
        }
    };
    /// read() in two halves, for readers of one layer on several threads: the features,
    /// then (once, with the stats of every reader summed) the layer's own findings.
    template <typename Fn>
    ReadStats read_features(Fn&& fn, const Progress& progress, double progress_from, double progress_to);
    void finish(const ReadStats& stats);

    /// Findings go to `findings` from now on (a shard's own list, merged in order later).
    void report_to(Findings& findings) noexcept { m_findings = &findings; }
    /// The FID range [first, last] the source holds, when it can be read in parts on
    /// several connections: a GeoPackage layer read without a spatial window (its features
    /// then come in FID order, so parts in FID order keep the order of one read).
    [[nodiscard]] std::optional<std::pair<GIntBig, GIntBig>> shardable_fid_range();
    /// Reads only the features whose FID is in [first, last] (with the source's other filters).
    void restrict_fids(GIntBig first, GIntBig last);
    void set_parts(std::size_t parts) noexcept { m_origin.parts = parts; }
    /// The number of features the source will return with its filters (a count query).
    [[nodiscard]] std::size_t count_rows() {
        const GIntBig n = m_layer->GetFeatureCount(TRUE);
        if (n < 0)
            throw LayerError("cannot count the features of a part of the layer", where(), "read it with --threads 1");
        m_count = n;
        return static_cast<std::size_t>(n);
    }
    /// Adds another reader's counts and extent (a part of the same layer) to this origin.
    void add_origin_counts(const LayerOrigin& part) {
        m_origin.read += part.read;
        m_origin.skipped += part.skipped;
        if (part.read > part.skipped) m_origin.extent.extend(part.extent);
    }

    Location where(const std::string& feature = {}, const std::string& field = {}) const {
        return Location{m_origin.source, m_origin.layer, feature, field};
    }

private:
    Role m_role;
    const RoleSpec& m_spec;
    const LoadOptions& m_options;
    Findings* m_findings;
    GDALDatasetUniquePtr m_owned;  // a file's dataset; a database's is in OpenDatabases
    GDALDataset* m_dataset = nullptr;
    OGRLayer* m_layer = nullptr;
    LayerOrigin m_origin;
    std::vector<FieldBinding> m_bindings;
    std::vector<int> m_attribute_fields;  // source fields kept as attributes
    std::string m_source;                 // as given: may hold a password, never printed
    OGRSpatialReference m_source_srs;     // the layer's CRS (or the assumed one), GIS axis order
    std::unique_ptr<OGRCoordinateTransformation> m_transform;
    std::string m_coordinate_columns;  // CSV: "lon/lat" as detected, for messages
    GIntBig m_count = -1;              // features the source will return; -1: unknown
    std::string m_where;               // the attribute filter the source took ("" none)
    geo::GeosContext m_geos;
    std::optional<geo::Box> m_window;  // LoadOptions::bbox, when it applies to this role
    geo::GeosGeom m_window_geometry;
    geo::GeosPrepared m_window_prepared;  // refers to m_window_geometry: declared after it

public:
    /// Features the source expects to return (GDAL's fast count, no scan); 0 when unknown.
    /// Only a hint for reserving memory: filters may keep fewer.
    [[nodiscard]] std::size_t expected_count() const {
        const GIntBig n = m_count >= 0 ? m_count : m_layer->GetFeatureCount(FALSE);
        return n > 0 ? static_cast<std::size_t>(n) : 0;
    }

private:
    void pick_layer(const RoleSource& where, bool explicit_source);
    void check_geometry_type();
    void set_up_crs();
    void bind_fields();
    void set_up_filters();
    std::optional<geo::Box> source_box(const geo::Box& wgs84_box) const;
    std::string incident_filter() const;
    bool in_window(const geo::Geometry& g);
    // The feature `raw` names the feature in messages (its label is made only for one).
    bool accept(const geo::Geometry& g, const RawFeature& raw);
    /// The text, with invalid UTF-8 bytes replaced by U+FFFD (reported as a repair).
    std::string valid_utf8(const char* text, const RawFeature& raw, const std::string& field);
    bool check_coordinates(const geo::Geometry& g, const RawFeature& raw);
    void repair(geo::Geometry& g, const RawFeature& raw);
    void add(Severity severity, std::string code, const std::string& fid, std::string message, std::string hint = {},
             std::string field = {}) {
        m_findings->add(
            Finding{severity, std::move(code), where(fid, std::move(field)), std::move(message), std::move(hint)});
    }
};

RoleReader::RoleReader(Role role, const RoleSource& where, bool explicit_source, const LoadOptions& options,
                       Findings& findings, OpenDatabases& databases)
    : m_role(role), m_spec(spec(role)), m_options(options), m_findings(&findings) {
    m_source = where.source;
    m_origin.source = detail::redact(where.source);
    std::vector<std::string> open_options;
    if (detail::is_csv(where.source)) {
        open_options = {"X_POSSIBLE_NAMES=lon,lng,long,longitude,x", "Y_POSSIBLE_NAMES=lat,latitude,y",
                        "GEOM_POSSIBLE_NAMES=wkt,geometry,geom,the_geom"};
    }
    if (detail::is_postgres(where.source) || (open_options.empty() && databases.has(where.source))) {
        m_dataset = &databases.open(where.source, m_origin.server);
        CPLErrorReset();  // what follows checks errors of opening, which was earlier or is done
    } else {
        m_owned = detail::open_vector(where.source, open_options);
        m_dataset = m_owned.get();
    }
    m_origin.driver = m_dataset->GetDriver() ? m_dataset->GetDriver()->GetDescription() : "";
    pick_layer(where, explicit_source);
    m_origin.present = true;
    check_geometry_type();
    set_up_crs();
    bind_fields();
    set_up_filters();
    if (m_options.max_features > 0) {
        const GIntBig n = m_count >= 0 ? m_count : m_layer->GetFeatureCount(FALSE);
        if (n > m_options.max_features) {
            throw LayerError("layer has " + std::to_string(n) + " features, more than --max-features " +
                                 std::to_string(m_options.max_features),
                             this->where(), "raise --max-features, or filter the source first");
        }
    }
}

void RoleReader::pick_layer(const RoleSource& where, bool explicit_source) {
    const std::string role_name(to_string(m_role));
    if (!where.layer.empty()) {
        m_layer = m_dataset->GetLayerByName(where.layer.c_str());
        if (m_layer == nullptr) {
            std::string names;
            for (OGRLayer* l : m_dataset->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
            const bool database = detail::is_postgres(where.source);
            throw LayerError(std::string(database ? "no table '" : "no layer '") + where.layer + "' for role " +
                                 role_name + (database ? " (or it has no geometry column)" : ""),
                             Location{m_origin.source, {}, {}, {}},
                             (database ? "tables with geometry there: " : "layers there: ") +
                                 (names.empty() ? std::string("none") : names) +
                                 (database ? "; name one as schema.table" : ""));
        }
    } else {
        for (OGRLayer* l : m_dataset->GetLayers()) {
            if (lower(l->GetName()) == role_name) m_layer = l;
        }
        if (m_layer == nullptr && explicit_source && m_dataset->GetLayerCount() == 1) {
            m_layer = m_dataset->GetLayer(0);
        }
        if (m_layer == nullptr) {
            std::string names;
            for (OGRLayer* l : m_dataset->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
            throw LayerError("no layer named '" + role_name + "' and more than one layer to choose from",
                             Location{m_origin.source, {}, {}, {}},
                             "name one with --" + role_name + "-layer (layers there: " + names + ")");
        }
    }
    m_origin.layer = m_layer->GetName();
}

void RoleReader::check_geometry_type() {
    const OGRwkbGeometryType type = wkbFlatten(m_layer->GetGeomType());
    const std::string role_name(to_string(m_role));
    if (type == wkbNone) {
        if (m_origin.driver == "CSV") {
            throw LayerError("CSV has no coordinate columns", where(),
                             "name them lon/lng/longitude/x and lat/latitude/y, or give a WKT column "
                             "named wkt or geometry");
        }
        throw LayerError("layer has no geometry; the " + role_name + " role needs one", where());
    }
    const bool point = type == wkbPoint || type == wkbMultiPoint;
    const bool line =
        type == wkbLineString || type == wkbMultiLineString || OGR_GT_IsCurve(type) || type == wkbMultiCurve;
    const bool polygon =
        type == wkbPolygon || type == wkbMultiPolygon || OGR_GT_IsSurface(type) || type == wkbMultiSurface;
    if ((point && !m_spec.points) || (line && !m_spec.lines) || (polygon && !m_spec.polygons)) {
        std::string wants;
        if (m_spec.points) wants += "points";
        if (m_spec.lines) wants += std::string(wants.empty() ? "" : " or ") + "lines";
        if (m_spec.polygons) wants += std::string(wants.empty() ? "" : " or ") + "polygons";
        throw LayerError(std::string("wrong geometry type: the layer holds ") + OGRGeometryTypeToName(type) + ", the " +
                             role_name + " role takes " + wants,
                         where(), "check that the right layer is given for --" + role_name);
    }
}

void RoleReader::set_up_crs() {
    const OGRSpatialReference* layer_srs = m_layer->GetSpatialRef();
    OGRSpatialReference source_srs;
    if (layer_srs != nullptr) {
        source_srs = *layer_srs;
        m_origin.crs = detail::crs_label(layer_srs);
    } else if (!m_options.assume_crs.empty()) {
        if (source_srs.SetFromUserInput(m_options.assume_crs.c_str()) != OGRERR_NONE) {
            throw ProjectionError("--assume-crs '" + m_options.assume_crs + "' is not a CRS PROJ knows", where(),
                                  "give a CRS as EPSG:n");
        }
        m_origin.crs = m_options.assume_crs + " (assumed)";
        add(Severity::Repair, "assumed_crs", {},
            "layer has no CRS; taken as " + m_options.assume_crs + " (--assume-crs)");
    } else if (m_origin.driver == "CSV") {
        // Columns named lon/lat (not x/y, not WKT) say WGS84 degrees; anything else needs
        // --assume-crs.
        const OGRFeatureDefn* defn = m_layer->GetLayerDefn();
        std::string lon_column;
        std::string lat_column;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const std::string name = lower(defn->GetFieldDefn(i)->GetNameRef());
            if (name == "lon" || name == "lng" || name == "long" || name == "longitude")
                lon_column = defn->GetFieldDefn(i)->GetNameRef();
            if (name == "lat" || name == "latitude") lat_column = defn->GetFieldDefn(i)->GetNameRef();
        }
        if (lon_column.empty() || lat_column.empty()) {
            throw LayerError("CSV coordinates have no CRS", where(),
                             "give --assume-crs EPSG:n (EPSG:4326 for longitude/latitude degrees)");
        }
        m_coordinate_columns = lon_column + "/" + lat_column;
        source_srs.importFromEPSG(4326);
        m_origin.crs = "EPSG:4326 (CSV " + m_coordinate_columns + " columns)";
    } else {
        throw LayerError("layer has no CRS", where(),
                         "give --assume-crs EPSG:n (e.g. EPSG:4326), or add a .prj / CRS to the source");
    }
    source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    m_source_srs = source_srs;
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* same_options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", "CRITERION=EQUIVALENT", nullptr};
    if (!source_srs.IsSame(&wgs84, same_options)) {
        CPLErrorReset();
        m_transform.reset(OGRCreateCoordinateTransformation(&source_srs, &wgs84));
        if (!m_transform) {
            throw ProjectionError("cannot transform from " + m_origin.crs +
                                      " to WGS84: " + detail::last_gdal_error("PROJ found no transformation"),
                                  where());
        }
    }
}

void RoleReader::bind_fields() {
    const OGRFeatureDefn* defn = m_layer->GetLayerDefn();
    static const std::map<std::string, std::string> no_mapping;
    const auto mapped = m_options.fields.find(m_role);
    const auto& mapping = mapped == m_options.fields.end() ? no_mapping : mapped->second;
    std::set<int> used;
    auto find_field = [&](std::string_view name) {
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (lower(defn->GetFieldDefn(i)->GetNameRef()) == lower(name)) return i;
        }
        return -1;
    };
    // Incident fields the command will not use (LoadOptions::incident_fields_unused), unless
    // needed to name a feature or to filter on.
    auto unused = [&](std::string_view name) {
        if (m_role != Role::Incidents || name == "id") return false;
        if (name == "date" && (m_options.incidents_from || m_options.incidents_to)) return false;
        if (name == "type" && !m_options.incident_types.empty()) return false;
        const auto& list = m_options.incident_fields_unused;
        return std::find(list.begin(), list.end(), name) != list.end();
    };
    std::vector<std::size_t> unused_bindings;  // into m_bindings
    for (const CanonicalField& field : m_spec.fields) {
        FieldBinding b;
        if (const auto m = mapping.find(std::string(field.name)); m != mapping.end()) {
            b.index = find_field(m->second);
            if (b.index < 0) {
                std::string names;
                for (int i = 0; i < defn->GetFieldCount(); ++i) {
                    names += (i ? ", " : "") + std::string(defn->GetFieldDefn(i)->GetNameRef());
                }
                throw LayerError("--field " + std::string(to_string(m_role)) + "." + std::string(field.name) + "=" +
                                     m->second + ": the layer has no field '" + m->second + "'",
                                 where({}, m->second), "fields there: " + names);
            }
        } else {
            b.index = find_field(field.name);
            for (std::size_t a = 0; b.index < 0 && a < field.aliases.size(); ++a) {
                b.index = find_field(field.aliases[a]);
            }
        }
        if (b.index >= 0) {
            b.source_name = defn->GetFieldDefn(b.index)->GetNameRef();
            const OGRFieldType type = defn->GetFieldDefn(b.index)->GetType();
            b.is_date = type == OFTDate || type == OFTDateTime;
            used.insert(b.index);
            if (unused(field.name)) unused_bindings.push_back(m_bindings.size());
        }
        m_bindings.push_back(std::move(b));
    }
    // The columns still read: a column an unused field shares with a kept one (through --field)
    // is read all the same, and so is one whose name differs from a kept column's only in case
    // (GDAL finds ignored fields by name, ignoring case).
    std::set<int> kept;
    for (std::size_t i = 0; i < m_bindings.size(); ++i) {
        if (m_bindings[i].index >= 0 &&
            std::find(unused_bindings.begin(), unused_bindings.end(), i) == unused_bindings.end()) {
            kept.insert(m_bindings[i].index);
        }
    }
    std::vector<std::string> ignored;  // source field names GDAL need not read
    for (const std::size_t i : unused_bindings) {
        FieldBinding& b = m_bindings[i];
        if (kept.count(b.index) == 0) ignored.push_back(b.source_name);
        b.index = -1;  // never asked for: the feature holds no value
    }
    const bool attributes_unused = m_role == Role::Incidents && m_options.incident_attributes_unused;
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const std::string name = lower(defn->GetFieldDefn(i)->GetNameRef());
        const bool coordinate = m_origin.driver == "CSV" &&
                                (name == "lon" || name == "lng" || name == "long" || name == "longitude" ||
                                 name == "lat" || name == "latitude" || name == "x" || name == "y" || name == "wkt");
        if (used.count(i) != 0 || coordinate) continue;
        if (attributes_unused) {
            ignored.push_back(defn->GetFieldDefn(i)->GetNameRef());
        } else {
            m_attribute_fields.push_back(i);
        }
    }
    std::erase_if(ignored, [&](const std::string& name) {
        return std::any_of(kept.begin(), kept.end(), [&](int k) {
            return lower(defn->GetFieldDefn(k)->GetNameRef()) == lower(name);
        });
    });
    if (!ignored.empty()) {
        // A GeoPackage or PostGIS source leaves these columns out of its query. A driver that
        // cannot ignore fields reads them, and they go unused all the same.
        std::vector<const char*> names;
        for (const std::string& name : ignored) names.push_back(name.c_str());
        names.push_back(nullptr);
        CPLErrorReset();
        (void)m_layer->SetIgnoredFields(names.data());
        CPLErrorReset();
    }
}

void RoleReader::set_up_filters() {
    std::string described;
    const auto& roles = m_options.bbox_roles;
    if (m_options.bbox && (roles.empty() || std::find(roles.begin(), roles.end(), m_role) != roles.end())) {
        m_window = *m_options.bbox;
        const geo::Box& b = *m_window;
        m_window_geometry = m_geos.from_geometry(geo::Geometry::polygon({{{{b.min_lon, b.min_lat},
                                                                           {b.max_lon, b.min_lat},
                                                                           {b.max_lon, b.max_lat},
                                                                           {b.min_lon, b.max_lat},
                                                                           {b.min_lon, b.min_lat}}}}));
        m_window_prepared = m_geos.prepare(*m_window_geometry);
        if (const auto box = source_box(b)) {
            m_layer->SetSpatialFilterRect(box->min_lon, box->min_lat, box->max_lon, box->max_lat);
            char text[160];
            std::snprintf(text, sizeof text, "bbox %.9g,%.9g,%.9g,%.9g", box->min_lon, box->min_lat, box->max_lon,
                          box->max_lat);
            described = text;
            if (m_transform) described += " (" + m_origin.crs + ")";
        }
    }
    if (const std::string where = incident_filter(); !where.empty()) {
        CPLErrorReset();
        bool accepted = m_layer->SetAttributeFilter(where.c_str()) == OGRERR_NONE;
        if (accepted) {
            // A database checks the SQL only when it runs it: count now, so a clause the source
            // cannot take is dropped here (the in-memory filter still applies) instead of
            // ending the read early and silently.
            m_count = m_layer->GetFeatureCount(TRUE);
            accepted = m_count >= 0 && CPLGetLastErrorType() != CE_Failure;
        }
        if (accepted) {
            m_where = where;
            described += (described.empty() ? "" : "; ") + std::string("where ") + where;
        } else {
            m_layer->SetAttributeFilter(nullptr);
            m_count = -1;
            CPLErrorReset();
        }
    }
    m_origin.source_filter = described;
}

std::optional<geo::Box> RoleReader::source_box(const geo::Box& b) const {
    if (!m_transform) {
        // WGS84 already; widened by a hair against rounding in the source's own test.
        const double pad = 1e-9 * std::max({1.0, std::fabs(b.min_lon), std::fabs(b.max_lon)});
        return geo::Box{b.min_lon - pad, b.min_lat - pad, b.max_lon + pad, b.max_lat + pad};
    }
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> inverse(OGRCreateCoordinateTransformation(&wgs84, &m_source_srs));
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    CPLErrorReset();
    // The box's edges densified, then the envelope widened by 0.1% a side: conservative.
    if (!inverse ||
        !inverse->TransformBounds(b.min_lon, b.min_lat, b.max_lon, b.max_lat, &min_x, &min_y, &max_x, &max_y, 21) ||
        !std::isfinite(min_x) || !std::isfinite(min_y) || !std::isfinite(max_x) || !std::isfinite(max_y)) {
        CPLErrorReset();
        return std::nullopt;  // the loader's own test still applies
    }
    const double pad_x = 1e-3 * (max_x - min_x) + 1e-9 * std::max(1.0, std::fabs(max_x));
    const double pad_y = 1e-3 * (max_y - min_y) + 1e-9 * std::max(1.0, std::fabs(max_y));
    return geo::Box{min_x - pad_x, min_y - pad_y, max_x + pad_x, max_y + pad_y};
}

std::string RoleReader::incident_filter() const {
    if (m_role != Role::Incidents) return {};
    if (!m_options.incidents_from && !m_options.incidents_to && m_options.incident_types.empty()) return {};
    detail::SqlDialect dialect;
    if (m_origin.driver == "PostgreSQL") {
        dialect = detail::SqlDialect::PostgreSQL;
    } else if (m_origin.driver == "GPKG") {
        dialect = detail::SqlDialect::SQLite;
    } else {
        return {};  // other drivers would evaluate it in OGR SQL, no faster than our own filter
    }
    detail::IncidentPushdown p;
    p.from = m_options.incidents_from;
    p.to = m_options.incidents_to;
    p.types = m_options.incident_types;
    const OGRFeatureDefn* defn = m_layer->GetLayerDefn();
    for (std::size_t i = 0; i < m_spec.fields.size(); ++i) {
        const int index = m_bindings[i].index;
        if (index < 0) continue;
        const OGRFieldDefn* field = defn->GetFieldDefn(index);
        if (m_spec.fields[i].name == "date") {
            switch (field->GetType()) {
                case OFTString: p.date_column = detail::DateColumn::Text; break;
                case OFTDate: p.date_column = detail::DateColumn::Date; break;
                case OFTDateTime: p.date_column = detail::DateColumn::DateTime; break;
                default: continue;  // a date in a number column: not ours to guess
            }
            p.date_field = field->GetNameRef();
        } else if (m_spec.fields[i].name == "type" && field->GetType() == OFTString) {
            p.type_field = field->GetNameRef();
        }
    }
    return detail::incident_where(p, dialect);
}

bool RoleReader::in_window(const geo::Geometry& g) {
    if (!m_window) return true;
    const geo::Box bounds = g.bounds();
    if (!bounds.intersects(*m_window)) return false;
    if (g.has_points() && !g.has_lines() && !g.has_polygons()) return true;  // a point in the box meets it
    return m_geos.prepared_intersects(*m_window_prepared, *m_geos.from_geometry(g));
}

namespace {
bool is_valid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        // Eight ASCII bytes at a time: nearly every text is ASCII.
        if (i + 8 <= s.size()) {
            std::uint64_t word = 0;
            std::memcpy(&word, s.data() + i, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        const std::size_t n = detail::utf8_sequence(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}
}  // namespace

std::string RoleReader::valid_utf8(const char* text, const RawFeature& raw, const std::string& field) {
    const std::string_view s(text);
    if (is_valid_utf8(s)) return std::string(s);  // nearly always: one copy, no per-byte appends
    std::string out;
    bool repaired = false;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = detail::utf8_sequence(s, i);
        if (n > 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            repaired = true;
            ++i;
        }
    }
    if (repaired) {
        add(Severity::Repair, "invalid_utf8", raw.fid(), "text is not valid UTF-8: invalid bytes replaced by U+FFFD",
            "re-encode the source as UTF-8 (for Shapefiles, check the .cpg)", field);
    }
    return out;
}

bool RoleReader::accept(const geo::Geometry& g, const RawFeature& raw) {
    const bool bad = (g.has_points() && !m_spec.points) || (g.has_lines() && !m_spec.lines) ||
                     (g.has_polygons() && !m_spec.polygons);
    if (bad) {
        add(Severity::Error, "wrong_geometry_type", raw.label(),
            "a " + std::string(geo::to_string(g.type())) + " does not fit the " + std::string(to_string(m_role)) +
                " role",
            "check that the right layer is given for --" + std::string(to_string(m_role)));
        return false;
    }
    return true;
}

bool RoleReader::check_coordinates(const geo::Geometry& g, const RawFeature& raw) {
    bool finite = true;
    bool in_range = true;
    bool swapped_fits = true;
    g.for_each_vertex([&](const geo::LonLat& p) {
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) finite = false;
        if (p.lon < -180.0 || p.lon > 180.0 || p.lat < -90.0 || p.lat > 90.0) in_range = false;
        if (std::fabs(p.lon) > 90.0 || std::fabs(p.lat) > 180.0) swapped_fits = false;
    });
    if (!finite) {
        add(Severity::Error, "non_finite_coordinates", raw.label(), "coordinates are NaN or infinite",
            "fix or remove the feature");
        return false;
    }
    if (!in_range) {
        add(Severity::Error, "coordinates_out_of_range", raw.label(),
            "coordinates outside longitude -180..180 / latitude -90..90",
            swapped_fits ? "they look like latitude,longitude: swap the axes (or the lon/lat columns)"
                         : "is the layer's CRS right? give --assume-crs for a projected source");
        return false;
    }
    return true;
}

void RoleReader::repair(geo::Geometry& g, const RawFeature& raw) {
    if (!g.has_polygons()) {
        return;  // lines and points are always valid for our use
    }
    geo::GeosGeom h = m_geos.from_geometry(g);
    std::string reason;
    if (m_geos.is_valid(*h, &reason)) {
        return;
    }
    geo::GeosGeom fixed = m_geos.make_valid(*h);
    geo::Geometry repaired = m_geos.to_geometry(*fixed);
    // A polygon role keeps the polygonal part (make-valid may add collapsed lines).
    if (!m_spec.lines) {
        repaired = geo::Geometry::multi_polygon(std::move(repaired.polygons()));
    }
    add(Severity::Repair, "invalid_geometry", raw.label(), "invalid geometry (" + reason + ") repaired with GEOS make-valid",
        "the repaired geometry is used; fix the source to silence this");
    g = std::move(repaired);
}

template <typename Fn>
RoleReader::ReadStats RoleReader::read_features(Fn&& fn, const Progress& progress, double progress_from,
                                                double progress_to) {
    const GIntBig total = std::max<GIntBig>(1, m_count >= 0 ? m_count : m_layer->GetFeatureCount(FALSE));
    const std::string stage = "reading " + std::string(to_string(m_role));
    m_layer->ResetReading();
    detail::ConversionNotes layer_notes;
    std::int64_t n = 0;
    // A database read can fail half-way (a lost connection, a statement error): GDAL then
    // ends the read as if the table were done. Such a failure must not pass as a short table.
    const bool database = m_origin.driver == "PostgreSQL";
    // The fields that name a feature in messages, in order of preference: id, ISO3, name.
    std::vector<std::size_t> label_fields;
    for (std::size_t i = 0; i < m_bindings.size(); ++i) {
        const std::string_view name = m_spec.fields[i].name;
        if (name == "id" || name == "iso3" || name == "name") label_fields.push_back(i);
    }
    // The fields the source has: the others stay empty in every feature.
    std::vector<std::size_t> bound;
    for (std::size_t i = 0; i < m_bindings.size(); ++i) {
        if (m_bindings[i].index >= 0) bound.push_back(i);
    }
    RawFeature raw;
    raw.values.resize(m_bindings.size());
    raw.dates.resize(m_bindings.size());
    for (;;) {
        if (database) CPLErrorReset();
        OGRFeatureUniquePtr feature(m_layer->GetNextFeature());
        if (!feature) {
            if (database && CPLGetLastErrorType() == CE_Failure) {
                throw LayerError("reading stopped after " + std::to_string(n) +
                                     " feature(s): " + detail::scrub(detail::last_gdal_error(), m_source),
                                 where(), "check the connection and the server's log");
            }
            break;
        }
        ++n;
        ++m_origin.read;
        if ((n & 0xFFFF) == 0) {
            report(progress,
                   progress_from + (progress_to - progress_from) * static_cast<double>(n) / static_cast<double>(total),
                   stage);
        }
        // One RawFeature for the whole read: its buffers are reused; fn may move members out,
        // and each is set again here.
        raw.fid_number = feature->GetFID();
        raw.attributes.clear();
        for (const std::size_t i : bound) {
            const FieldBinding& b = m_bindings[i];
            auto& value = raw.values[i];
            auto& date = raw.dates[i];
            value.reset();
            date.reset();
            if (!feature->IsFieldSetAndNotNull(b.index)) continue;
            if (b.is_date) {
                int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
                float s = 0;
                feature->GetFieldAsDateTime(b.index, &y, &mo, &d, &h, &mi, &s, &tz);
                date = Date::from_ymd(y, mo, d);
                if (date) continue;
                value = std::string(feature->GetFieldAsString(b.index));
            } else {
                value = valid_utf8(feature->GetFieldAsString(b.index), raw, b.source_name);
            }
        }
        raw.label_field = raw.values.size();
        for (std::size_t i : label_fields) {
            if (raw.values[i] && !trim(*raw.values[i]).empty()) {
                raw.label_field = i;
                break;
            }
        }
        OGRGeometry* ogr = feature->GetGeometryRef();
        if (ogr == nullptr || ogr->IsEmpty()) {
            ++m_origin.skipped;
            if (!m_coordinate_columns.empty()) {
                add(Severity::Error, "missing_coordinates", raw.label(),
                    "missing or non-numeric coordinates (columns " + m_coordinate_columns + ")",
                    "every row needs numeric longitude and latitude", m_coordinate_columns);
            } else {
                add(Severity::Warning, ogr == nullptr ? "null_geometry" : "empty_geometry", raw.label(),
                    ogr == nullptr ? "NULL geometry: feature skipped" : "empty geometry: feature skipped");
            }
            continue;
        }
        if (m_transform) {
            CPLErrorReset();
            if (ogr->transform(m_transform.get()) != OGRERR_NONE) {
                add(Severity::Error, "reprojection_failed", raw.label(),
                    "cannot reproject to WGS84: " + detail::last_gdal_error("coordinates outside the CRS's area"),
                    "is the layer's CRS right?");
                continue;
            }
        }
        detail::ConversionNotes notes;
        if (wkbFlatten(ogr->getGeometryType()) == wkbPoint && raw.geometry.type() == geo::GeometryType::Point &&
            raw.geometry.points().size() == 1) {
            // A point layer: the previous feature's point is overwritten, no allocation per feature.
            const OGRPoint& p = *ogr->toPoint();
            raw.geometry.points().front() = {p.getX(), p.getY()};
            notes.dropped_z_or_m = ogr->Is3D() || ogr->IsMeasured();
        } else {
            raw.geometry = detail::from_ogr(*ogr, notes);
        }
        layer_notes.dropped_z_or_m |= notes.dropped_z_or_m;
        layer_notes.linearised |= notes.linearised;
        if (notes.closed_rings > 0) {
            add(Severity::Repair, "unclosed_ring", raw.label(),
                std::to_string(notes.closed_rings) + " unclosed ring(s) closed by repeating the first vertex");
        }
        if (notes.dropped_rings > 0) {
            add(Severity::Repair, "degenerate_ring", raw.label(),
                std::to_string(notes.dropped_rings) + " ring(s) with fewer than 4 vertices dropped");
        }
        if (raw.geometry.empty()) {
            ++m_origin.skipped;
            add(Severity::Warning, "empty_geometry", raw.label(), "nothing usable left of the geometry: feature skipped");
            continue;
        }
        if (!check_coordinates(raw.geometry, raw) || !accept(raw.geometry, raw)) {
            ++m_origin.skipped;
            continue;
        }
        repair(raw.geometry, raw);
        if (raw.geometry.empty()) {
            ++m_origin.skipped;
            add(Severity::Warning, "empty_geometry", raw.label(), "geometry collapsed when repaired: feature skipped");
            continue;
        }
        if (!in_window(raw.geometry)) continue;  // outside LoadOptions::bbox: not wanted, not a finding
        for (int index : m_attribute_fields) {
            if (feature->IsFieldSetAndNotNull(index)) {
                raw.attributes.emplace_back(feature->GetFieldDefnRef(index)->GetNameRef(),
                                            valid_utf8(feature->GetFieldAsString(index), raw,
                                                       feature->GetFieldDefnRef(index)->GetNameRef()));
            }
        }
        m_origin.extent.extend(raw.geometry.bounds());
        fn(std::move(raw));
    }
    return ReadStats{n, layer_notes};
}

void RoleReader::finish(const ReadStats& stats) {
    if (stats.features == 0) {
        add(Severity::Warning, "empty_layer", {}, "the layer has no features");
    }
    if (stats.notes.dropped_z_or_m) {
        add(Severity::Repair, "z_or_m_dropped", {}, "Z or M values dropped: fergana works on lon/lat");
    }
    if (stats.notes.linearised) {
        add(Severity::Repair, "curves_linearised", {}, "curved geometries approximated by line segments");
    }
}

namespace {
/// An SQL identifier in double quotes, quotes inside doubled.
std::string quoted_identifier(std::string_view name) {
    std::string q = "\"";
    for (char c : name) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}
}  // namespace

std::optional<std::pair<GIntBig, GIntBig>> RoleReader::shardable_fid_range() {
    if (m_origin.driver != "GPKG" || m_window) return std::nullopt;
    const char* fid_column = m_layer->GetFIDColumn();
    if (fid_column == nullptr || *fid_column == '\0') return std::nullopt;
    const auto quoted = quoted_identifier;
    // Each end by the primary key's index: SQLite scans the whole table for MIN() and MAX() in
    // one statement (0.1 s for a million rows), not for these.
    const std::string fid = quoted(fid_column);
    const std::string table = quoted(m_layer->GetName());
    const std::string sql = "SELECT (SELECT " + fid + " FROM " + table + " ORDER BY " + fid + " LIMIT 1), (SELECT " +
                            fid + " FROM " + table + " ORDER BY " + fid + " DESC LIMIT 1)";
    CPLErrorReset();
    OGRLayer* result = m_dataset->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result == nullptr) {
        CPLErrorReset();
        return std::nullopt;
    }
    std::optional<std::pair<GIntBig, GIntBig>> range;
    if (OGRFeatureUniquePtr f(result->GetNextFeature());
        f && f->GetFieldCount() == 2 && f->IsFieldSetAndNotNull(0) && f->IsFieldSetAndNotNull(1)) {
        range.emplace(f->GetFieldAsInteger64(0), f->GetFieldAsInteger64(1));
    }
    m_dataset->ReleaseResultSet(result);
    return range;
}

void RoleReader::restrict_fids(GIntBig first, GIntBig last) {
    const std::string fid = quoted_identifier(m_layer->GetFIDColumn());
    const std::string range = fid + " >= " + std::to_string(first) + " AND " + fid + " <= " + std::to_string(last);
    const std::string where = m_where.empty() ? range : "(" + m_where + ") AND (" + range + ")";
    CPLErrorReset();
    if (m_layer->SetAttributeFilter(where.c_str()) != OGRERR_NONE) {
        throw LayerError("cannot read the layer in parts: " + detail::last_gdal_error(), this->where(),
                         "read it on one thread with --threads 1");
    }
    m_count = last - first + 1;  // at most: a hint for progress and reserving
}

// ---------------------------------------------------------------------------
// From raw features to typed features.

/// The position of a canonical field in a role's fields, the order of RawFeature's values; none
/// for a name the role lacks. A handful of fields: a linear search.
std::optional<std::size_t> find_canonical(const RoleSpec& role_spec, std::string_view name) {
    for (std::size_t i = 0; i < role_spec.fields.size(); ++i) {
        if (role_spec.fields[i].name == name) return i;
    }
    return std::nullopt;
}

/// find_canonical for a name the role must have (a name it lacks is a bug here).
std::size_t field_position(const RoleSpec& role_spec, std::string_view name) {
    if (const auto i = find_canonical(role_spec, name)) return *i;
    throw std::out_of_range("no canonical field " + std::string(name) + " in " + std::string(to_string(role_spec.role)));
}

class Maker {
public:
    Maker(const RoleReader& reader, const RoleSpec& role_spec, Findings& findings)
        : m_reader(reader), m_spec(role_spec), m_findings(findings) {}

    /// text(), moving the value out of the raw feature instead of copying it.
    std::string take(RawFeature& raw, const char* field) const { return take(raw, index_of(field)); }
    /// The same by the field's position in the role's RoleSpec::fields (field_position()): for
    /// the roles read by the million, whose makers look their fields up once.
    std::string take(RawFeature& raw, std::size_t i) const {
        auto& v = raw.values[i];
        if (!v) return raw.dates[i] ? raw.dates[i]->to_string() : std::string();
        std::string out = std::move(*v);
        const std::string_view kept = trim(out);
        if (kept.size() != out.size()) out = std::string(kept);
        return out;
    }
    /// The trimmed text of a canonical field.
    std::string text(const RawFeature& raw, const char* field) const { return text(raw, index_of(field)); }
    std::string text(const RawFeature& raw, std::size_t i) const {
        const auto& v = raw.values[i];
        if (!v) return raw.dates[i] ? raw.dates[i]->to_string() : std::string();
        return std::string(trim(*v));
    }
    /// Whether the feature has a value for the field at position i.
    static bool has(const RawFeature& raw, std::size_t i) noexcept { return raw.values[i] || raw.dates[i]; }

    std::optional<std::int64_t> integer(const RawFeature& raw, const std::string& id, const char* field) {
        return integer(raw, id, index_of(field));
    }
    std::optional<std::int64_t> integer(const RawFeature& raw, const std::string& id, std::size_t i) {
        if (!has(raw, i)) return std::nullopt;
        const std::string t = text(raw, i);
        if (t.empty()) return std::nullopt;
        auto v = parse_integer(t);
        if (!v) {
            error(raw, id, "bad_number", std::string(m_spec.fields[i].name), "'" + t + "' is not a whole number");
        }
        return v;
    }

    std::optional<double> real(const RawFeature& raw, const std::string& id, const char* field) {
        return real(raw, id, index_of(field));
    }
    std::optional<double> real(const RawFeature& raw, const std::string& id, std::size_t i) {
        if (!has(raw, i)) return std::nullopt;
        const std::string t = text(raw, i);
        if (t.empty()) return std::nullopt;
        auto v = parse_real(t);
        if (!v) {
            error(raw, id, "bad_number", std::string(m_spec.fields[i].name), "'" + t + "' is not a number");
        }
        return v;
    }

    Validity validity(const RawFeature& raw, const std::string& id) {
        Validity v;
        for (const char* field : {"valid_from", "valid_to"}) {
            const std::string t = text(raw, field);
            if (t.empty()) continue;
            auto d = parse_date(t);
            if (!d) {
                error(raw, id, "bad_date", field, "'" + t + "' is not a date (YYYY-MM-DD)");
                continue;
            }
            (std::string_view(field) == "valid_from" ? v.from : v.to) = d;
        }
        if (v.from && v.to && *v.to <= *v.from) {
            error(raw, id, "bad_date", "valid_to",
                  "valid_to " + v.to->to_string() + " is not after valid_from " + v.from->to_string());
        }
        return v;
    }

    /// The id that messages name: the canonical id, else the FID.
    static std::string display_id(const std::string& id, const RawFeature& raw) { return id.empty() ? raw.label() : id; }

    void error(const RawFeature& raw, const std::string& id, const char* code, const std::string& field,
               std::string message, std::string hint = {}) {
        add(Severity::Error, code, raw, id, field, std::move(message), std::move(hint));
    }
    void warning(const RawFeature& raw, const std::string& id, const char* code, const std::string& field,
                 std::string message, std::string hint = {}) {
        add(Severity::Warning, code, raw, id, field, std::move(message), std::move(hint));
    }

private:
    const RoleReader& m_reader;
    const RoleSpec& m_spec;
    Findings& m_findings;

    std::size_t index_of(std::string_view field) const { return field_position(m_spec, field); }

    void add(Severity s, const char* code, const RawFeature& raw, const std::string& id, const std::string& field,
             std::string message, std::string hint) {
        // Name the source field the user knows, not only the canonical one.
        std::string field_name = field;
        if (const auto i = find_canonical(m_spec, field)) {
            const auto& b = m_reader.bindings()[*i];
            if (!b.source_name.empty() && lower(b.source_name) != field) {
                field_name = b.source_name + " (" + field + ")";
            }
        }
        m_findings.add(
            Finding{s, code, m_reader.where(display_id(id, raw), field_name), std::move(message), std::move(hint)});
    }
};

std::string normalise_pair(std::string pair) {
    // "TJK-KGZ" -> "KGZ-TJK"
    for (char& c : pair) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const auto dash = pair.find('-');
    if (dash == std::string::npos) return pair;
    std::string a = pair.substr(0, dash);
    std::string b = pair.substr(dash + 1);
    if (b < a) std::swap(a, b);
    return a + "-" + b;
}

/// An incident from a raw feature, appended to `out` (a vector, or a part's Slice); what is
/// wrong goes to the Maker's findings. An incident that cannot be used is not appended.
template <typename Out>
void make_incident(Maker& m, RawFeature&& raw, Out& out) {
    // The fields' positions, looked up once: a million incidents are read in half a second.
    static const RoleSpec& incidents = spec(Role::Incidents);
    static const struct {
        std::size_t id, date, type, fatalities, injured, displaced, description, source, precision_m;
    } f{field_position(incidents, "id"),          field_position(incidents, "date"),
        field_position(incidents, "type"),        field_position(incidents, "fatalities"),
        field_position(incidents, "injured"),     field_position(incidents, "displaced"),
        field_position(incidents, "description"), field_position(incidents, "source"),
        field_position(incidents, "precision_m")};
    // Made in its slot of the result: no incident moved from a temporary, a million times.
    Incident& i = out.emplace_back();
    i.id = m.take(raw, f.id);
    if (i.id.empty()) i.id = raw.fid();
    if (const auto day = raw.dates[f.date]) {
        i.date = DateRange{*day, *day};
    } else if (const std::string date = m.take(raw, f.date); !date.empty()) {
        i.date = parse_date_range(date);
        if (!i.date) {
            m.error(raw, i.id, "bad_date", "date", "'" + date + "' is not a date",
                    "use YYYY-MM-DD, or a range YYYY-MM-DD/YYYY-MM-DD");
        }
    }
    i.type = m.take(raw, f.type);
    for (char& c : i.type) c = lower_ascii(c);
    // The details, only when the feature has any (most have none).
    if (Maker::has(raw, f.fatalities) || Maker::has(raw, f.injured) || Maker::has(raw, f.displaced) ||
        Maker::has(raw, f.description) || Maker::has(raw, f.source) || !raw.attributes.empty()) {
        IncidentDetails d;
        d.fatalities = m.integer(raw, i.id, f.fatalities);
        d.injured = m.integer(raw, i.id, f.injured);
        d.displaced = m.integer(raw, i.id, f.displaced);
        for (auto* count : {&d.fatalities, &d.injured, &d.displaced}) {
            if (*count && **count < 0) {
                m.error(raw, i.id, "negative_value", "fatalities/injured/displaced",
                        "negative count " + std::to_string(**count));
            }
        }
        d.description = m.take(raw, f.description);
        d.source = m.take(raw, f.source);
        d.attributes = std::move(raw.attributes);
        if (!d.empty()) i.mutable_details() = std::move(d);
    }
    i.precision_m = m.real(raw, i.id, f.precision_m);
    if (raw.geometry.points().size() != 1) {
        m.error(raw, i.id, "wrong_geometry_type", {}, "an incident must be one point");
        out.pop_back();
        return;
    }
    i.position = raw.geometry.points().front();
}

/// A part's run of slots in the result vector (already constructed): emplace_back hands them
/// out in order, so parts write straight into the result, each into its own run.
template <typename T>
struct Slice {
    T* next = nullptr;
    T* end = nullptr;
    std::size_t written = 0;
    /// The next slot, to be filled in place (it holds a default-constructed T).
    T& emplace_back() {
        if (next == end) throw std::runtime_error("the layer grew while it was read");
        ++written;
        return *next++;
    }
    /// Gives the last slot back, as default-constructed as it was.
    void pop_back() {
        --written;
        *--next = T{};
    }
};

/// Reads a role's features, each made by make(maker, raw, out). A large layer whose source
/// allows it (RoleReader::shardable_fid_range) is read in parts by FID range, one
/// connection and thread each (LoadOptions::threads): GDAL's reading and the typing of the
/// features are most of the time of loading a million incidents. Each part writes into its
/// own run of the result (sized by the part's row count), so no feature is copied between
/// arrays and the result's memory is faulted in on every core; runs shortened by skipped
/// features are closed up at the end. Features, findings and counts come out as from one
/// read: parts in FID order, each part's findings after the previous part's, the layer's
/// own findings last.
template <typename T, typename Make>
void read_in_parts(RoleReader& reader, Role role, const RoleSource& where, bool explicit_source,
                   const LoadOptions& options, Findings& findings, std::vector<T>& out, Make make,
                   const Progress& progress, double from, double to) {
    const std::size_t expected = reader.expected_count();
    std::size_t parts = options.threads != 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
    if (options.parallel_read_from > 0) {
        parts = std::min(parts, std::max<std::size_t>(1, expected / options.parallel_read_from));
    } else {
        parts = 1;
    }
    std::optional<std::pair<GIntBig, GIntBig>> range;
    if (parts > 1) range = reader.shardable_fid_range();
    // Parts need a FID range at least `parts` wide and, for the arithmetic below, narrower than
    // 2^62 (a hostile file may hold FIDs at both ends of the 64-bit range): else one read.
    if (range) {
        const bool ordered = range->second >= range->first;
        // The difference as unsigned: exact for any two ordered 64-bit values.
        const std::uint64_t width = static_cast<std::uint64_t>(range->second) - static_cast<std::uint64_t>(range->first);
        if (!ordered || width < parts - 1 || width >= (std::uint64_t{1} << 62U)) range.reset();
    }

    if (!range) {
        // Reserved up front: growing a vector of a million features copies and faults in its
        // memory several times over.
        out.reserve(out.size() + expected);
        advise_huge_pages(out.data(), out.capacity() * sizeof(T));
        Maker m(reader, spec(role), findings);
        reader.read([&](RawFeature&& raw) { make(m, std::move(raw), out); }, progress, from, to);
        return;
    }

    struct Part {
        RoleReader* reader = nullptr;
        std::unique_ptr<RoleReader> owned;  // parts after the first: a connection of their own
        Findings opening;                   // what opening the layer again found: already reported
        Findings findings;                  // what reading this part found
        std::size_t offset = 0;             // its run in `out`, from `base`
        std::size_t slots = 0;
        Slice<T> slice;
        RoleReader::ReadStats stats;
        std::exception_ptr error;
    };
    std::vector<Part> all(parts);
    const GIntBig first = range->first;
    const GIntBig span = range->second - range->first + 1;
    auto bound = [&](std::size_t k) {  // first FID of part k
        return first + static_cast<GIntBig>(static_cast<long double>(span) * static_cast<long double>(k) /
                                            static_cast<long double>(parts));
    };
    // Dense FIDs (the usual GeoPackage): a part's FID span bounds its rows. Else count them.
    const bool sparse = static_cast<std::size_t>(span) > expected + expected / 8 + 1024;
    OpenDatabases unused;  // parts are files: each opens its own
    std::size_t total = 0;
    for (std::size_t k = 0; k < parts; ++k) {
        Part& part = all[k];
        if (k == 0) {
            part.reader = &reader;
        } else {
            part.owned = std::make_unique<RoleReader>(role, where, explicit_source, options, part.opening, unused);
            part.reader = part.owned.get();
            part.reader->report_to(part.findings);
        }
        part.reader->restrict_fids(bound(k), bound(k + 1) - 1);
        part.slots = sparse ? part.reader->count_rows() : static_cast<std::size_t>(bound(k + 1) - bound(k));
        part.offset = total;
        total += part.slots;
    }
    const std::size_t base = out.size();
    reserve_fresh(out, total, options.threads);
    out.resize(base + total);
    for (Part& part : all) {
        part.slice.next = out.data() + base + part.offset;
        part.slice.end = part.slice.next + part.slots;
    }

    auto read_part = [&](Part& part, const Progress& report_to, double progress_to) {
        try {
            Maker m(*part.reader, spec(role), part.reader == &reader ? findings : part.findings);
            part.stats = part.reader->read_features([&](RawFeature&& raw) { make(m, std::move(raw), part.slice); },
                                                    report_to, from, progress_to);
        } catch (...) {
            part.error = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(parts - 1);
    for (std::size_t k = 1; k < parts; ++k) threads.emplace_back([&, k] { read_part(all[k], {}, to); });
    read_part(all[0], progress, from + (to - from) / static_cast<double>(parts));
    for (std::thread& t : threads) t.join();
    for (Part& part : all) {
        if (part.error) {
            out.resize(base);
            std::rethrow_exception(part.error);
        }
    }

    // Close up the runs (a part's skipped features leave slots unused), then merge the rest.
    T* end = out.data() + base + all[0].slice.written;
    RoleReader::ReadStats stats = all[0].stats;
    for (std::size_t k = 1; k < parts; ++k) {
        Part& part = all[k];
        T* run = out.data() + base + part.offset;
        if (run != end) std::move(run, run + part.slice.written, end);
        end += part.slice.written;
        findings.absorb(std::move(part.findings));
        reader.add_origin_counts(part.reader->origin());
        stats.add(part.stats);
    }
    out.erase(out.begin() + (end - out.data()), out.end());
    reader.set_parts(parts);
    reader.finish(stats);
}

void load_role(Role role, const RoleSource& where, bool explicit_source, const LoadOptions& options, Dataset& data,
               const Progress& progress, double from, double to, OpenDatabases& databases) {
    RoleReader reader(role, where, explicit_source, options, data.findings, databases);
    Maker m(reader, spec(role), data.findings);
    switch (role) {
        case Role::Countries:
            reader.read(
                [&](RawFeature&& raw) {
                    Country c;
                    c.ref.id = raw.fid();
                    c.iso3 = m.text(raw, "iso3");
                    for (char& ch : c.iso3) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
                    if (c.iso3.empty())
                        m.error(raw, {}, "missing_field", "iso3", "no ISO3 code",
                                "map the field with --field countries.iso3=FIELD");
                    c.ref.id = c.iso3.empty() ? raw.fid() : c.iso3;
                    c.name = m.text(raw, "name");
                    c.source = m.text(raw, "source");
                    c.valid = m.validity(raw, c.ref.id);
                    c.geometry = std::move(raw.geometry);
                    c.attributes = std::move(raw.attributes);
                    data.countries.features.push_back(std::move(c));
                },
                progress, from, to);
            data.countries.origin = reader.origin();
            break;
        case Role::Borders:
            reader.read(
                [&](RawFeature&& raw) {
                    Border b;
                    b.ref.id = raw.fid();
                    b.pair = normalise_pair(m.text(raw, "pair"));
                    b.source = m.text(raw, "source");
                    const std::string status = lower(m.text(raw, "status"));
                    if (status.empty()) {
                        b.status = BorderStatus::Unknown;
                    } else if (auto s = border_status_from_string(status)) {
                        b.status = *s;
                    } else {
                        m.error(raw, {}, "bad_status", "status", "'" + status + "' is not a border status",
                                "use agreed, delimited, demarcated, disputed or unknown");
                    }
                    b.valid = m.validity(raw, raw.fid());
                    b.geometry = std::move(raw.geometry);
                    b.attributes = std::move(raw.attributes);
                    data.borders.features.push_back(std::move(b));
                },
                progress, from, to);
            data.borders.origin = reader.origin();
            break;
        case Role::Claims:
            reader.read(
                [&](RawFeature&& raw) {
                    Claim c;
                    c.ref.id = raw.fid();
                    c.claimant = m.text(raw, "claimant");
                    if (c.claimant.empty())
                        m.error(raw, {}, "missing_field", "claimant", "no claimant",
                                "map the field with --field claims.claimant=FIELD");
                    c.pair = normalise_pair(m.text(raw, "pair"));
                    c.source = m.text(raw, "source");
                    c.valid = m.validity(raw, raw.fid());
                    c.geometry = std::move(raw.geometry);
                    c.attributes = std::move(raw.attributes);
                    data.claims.features.push_back(std::move(c));
                },
                progress, from, to);
            data.claims.origin = reader.origin();
            break;
        case Role::Enclaves:
            reader.read(
                [&](RawFeature&& raw) {
                    Enclave e;
                    e.name = m.text(raw, "name");
                    e.ref.id = e.name.empty() ? raw.fid() : e.name;
                    e.owner = m.text(raw, "owner");
                    e.host = m.text(raw, "host");
                    e.source = m.text(raw, "source");
                    e.valid = m.validity(raw, e.ref.id);
                    e.geometry = std::move(raw.geometry);
                    e.attributes = std::move(raw.attributes);
                    data.enclaves.features.push_back(std::move(e));
                },
                progress, from, to);
            data.enclaves.origin = reader.origin();
            break;
        case Role::Water:
            reader.read(
                [&](RawFeature&& raw) {
                    WaterFeature w;
                    w.id = m.text(raw, "id");
                    w.ref.id = Maker::display_id(w.id, raw);
                    if (w.id.empty()) w.id = raw.fid();
                    w.name = m.text(raw, "name");
                    w.kind = lower(m.text(raw, "kind"));
                    w.source = m.text(raw, "source");
                    w.accuracy_m = m.real(raw, w.ref.id, "accuracy_m");
                    if (w.accuracy_m && *w.accuracy_m < 0) {
                        m.warning(raw, w.id, "negative_value", "accuracy_m", "negative accuracy: taken as unknown");
                        w.accuracy_m.reset();
                    }
                    w.geometry = std::move(raw.geometry);
                    w.attributes = std::move(raw.attributes);
                    data.water.features.push_back(std::move(w));
                },
                progress, from, to);
            data.water.origin = reader.origin();
            break;
        case Role::Settlements:
            reader.read(
                [&](RawFeature&& raw) {
                    Settlement s;
                    s.id = m.text(raw, "id");
                    s.ref.id = Maker::display_id(s.id, raw);
                    if (s.id.empty()) s.id = raw.fid();
                    s.name = m.text(raw, "name");
                    s.country = m.text(raw, "country");
                    s.population = m.integer(raw, s.id, "population");
                    if (s.population && *s.population < 0) {
                        m.warning(raw, s.id, "negative_population", "population",
                                  "negative population " + std::to_string(*s.population) + ": taken as unknown");
                        s.population.reset();
                    }
                    s.source = m.text(raw, "source");
                    if (raw.geometry.points().size() != 1) {
                        m.error(raw, s.id, "wrong_geometry_type", {}, "a settlement must be one point");
                        return;
                    }
                    s.position = raw.geometry.points().front();
                    s.attributes = std::move(raw.attributes);
                    data.settlements.features.push_back(std::move(s));
                },
                progress, from, to);
            data.settlements.origin = reader.origin();
            break;
        case Role::Incidents:
            read_in_parts(
                reader, role, where, explicit_source, options, data.findings, data.incidents.features,
                [](Maker& maker, RawFeature&& raw, auto& out) { make_incident(maker, std::move(raw), out); }, progress,
                from, to);
            data.incidents.origin = reader.origin();
            break;
        case Role::Disputed:
            reader.read(
                [&](RawFeature&& raw) {
                    DisputedFeature d;
                    d.ref.id = raw.label();
                    d.pair = normalise_pair(m.text(raw, "pair"));
                    d.claimant = m.text(raw, "claimant");
                    d.other = m.text(raw, "other");
                    d.source = m.text(raw, "source");
                    d.geometry = std::move(raw.geometry);
                    d.attributes = std::move(raw.attributes);
                    data.disputed.features.push_back(std::move(d));
                },
                progress, from, to);
            data.disputed.origin = reader.origin();
            break;
    }
}

// ---------------------------------------------------------------------------
// Checks across features and layers.

template <typename T, typename IdFn>
void check_duplicate_ids(const Layer<T>& layer, IdFn id_of, Findings& findings) {
    // The hashes that repeat are the candidates for duplicates, nearly always none: found
    // without a hash map or string comparisons over a million ids. The ids are hashed twice on
    // every core (hashing is cheaper than a second fresh array: zeroing fresh memory costs
    // more here than the hash): once to count how many of each block fall in each of 256
    // buckets (by the hash's top byte), once to place them there. Each bucket, about 4,000
    // hashes for a million ids, then goes into a small open-addressing set that stays in the
    // core's cache. Only the ids whose hash repeats are compared and counted, in feature order.
    const std::hash<std::string_view> hash;
    const std::size_t n = layer.features.size();
    constexpr std::size_t block = 65536;
    constexpr std::size_t buckets = 256;
    auto bucket_of = [](std::uint64_t h) { return static_cast<std::size_t>(h >> 56U); };
    std::vector<std::array<std::size_t, buckets>> place((n + block - 1) / block);  // counts, then targets
    geo::parallel_for(n, block, 0, [&](std::size_t from, std::size_t to, unsigned) {
        auto& count = place[from / block];
        count.fill(0);
        for (std::size_t i = from; i < to; ++i) ++count[bucket_of(hash(id_of(layer.features[i])))];
    });
    std::array<std::size_t, buckets + 1> bucket_start{};
    std::size_t placed = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
        bucket_start[b] = placed;
        for (auto& at : place) placed += std::exchange(at[b], placed);
    }
    bucket_start[buckets] = n;
    std::vector<std::uint64_t> spread;
    reserve_fresh(spread, n);
    spread.resize(n);
    geo::parallel_for(n, block, 0, [&](std::size_t from, std::size_t to, unsigned) {
        auto& at = place[from / block];
        for (std::size_t i = from; i < to; ++i) {
            const std::uint64_t h = hash(id_of(layer.features[i]));
            spread[at[bucket_of(h)]++] = h;
        }
    });
    const unsigned workers = geo::worker_count(buckets, 8, 0);
    std::vector<std::vector<std::uint64_t>> found(workers);  // per worker: hashes seen again
    std::vector<std::vector<std::uint64_t>> tables(workers);
    geo::parallel_for(buckets, 8, 0, [&](std::size_t from, std::size_t to, unsigned worker) {
        std::vector<std::uint64_t>& table = tables[worker];  // 0: an empty slot
        for (std::size_t b = from; b < to; ++b) {
            const std::size_t size = std::bit_ceil(std::max<std::size_t>(16, 2 * (bucket_start[b + 1] - bucket_start[b])));
            table.assign(size, 0);
            bool zero_seen = false;  // the one hash that cannot go in the table
            for (std::size_t k = bucket_start[b]; k < bucket_start[b + 1]; ++k) {
                const std::uint64_t h = spread[k];
                if (h == 0) {
                    if (zero_seen) found[worker].push_back(h);
                    zero_seen = true;
                    continue;
                }
                std::size_t slot = h & (size - 1);  // the low bits: the bucket took the top ones
                while (table[slot] != 0 && table[slot] != h) slot = (slot + 1) & (size - 1);
                if (table[slot] == h) {
                    found[worker].push_back(h);
                } else {
                    table[slot] = h;
                }
            }
        }
    });
    std::vector<std::size_t> repeated;  // hash values seen more than once, sorted
    for (const auto& mine : found) repeated.insert(repeated.end(), mine.begin(), mine.end());
    std::sort(repeated.begin(), repeated.end());
    repeated.erase(std::unique(repeated.begin(), repeated.end()), repeated.end());
    if (repeated.empty()) return;
    std::unordered_map<std::size_t, std::vector<std::string_view>> by_hash;  // the ids of repeated hashes
    for (const T& f : layer.features) {
        const std::string& id = id_of(f);
        const std::size_t h = hash(id);
        if (std::binary_search(repeated.begin(), repeated.end(), h)) by_hash[h].push_back(id);
    }
    std::unordered_map<std::string_view, int> seen;
    for (auto& [h, ids] : by_hash) {
        std::sort(ids.begin(), ids.end());
        for (std::size_t i = 1; i < ids.size(); ++i) {
            if (ids[i] == ids[i - 1]) seen.emplace(ids[i], 0);
        }
    }
    if (seen.empty()) return;
    for (const T& f : layer.features) {
        const std::string& id = id_of(f);
        const auto it = seen.find(id);
        if (it != seen.end() && ++it->second == 2) {
            findings.add(Finding{Severity::Warning, "duplicate_id",
                                 Location{layer.origin.source, layer.origin.layer, id, "id"},
                                 "id '" + id + "' is used by more than one feature",
                                 "ids should be unique: results name features by id"});
        }
    }
}

/// A layer whose extent misses the countries' but would hit it with lon and lat swapped.
void check_swapped(const LayerOrigin& origin, const geo::Box& reference, Findings& findings) {
    if (!origin.present || origin.extent.empty() || reference.empty()) return;
    const geo::Box& e = origin.extent;
    const geo::Box swapped{e.min_lat, e.min_lon, e.max_lat, e.max_lon};
    if (!e.intersects(reference) && swapped.intersects(reference)) {
        findings.add(Finding{Severity::Error, "swapped_coordinates", Location{origin.source, origin.layer, {}, {}},
                             "the layer lies nowhere near the countries, but would with longitude and "
                             "latitude swapped",
                             "swap the axes in the source (for CSV, check which column is lon and lat)"});
    }
}

/// OSM country polygons may lack holes at enclaves, so an enclave lies in both its
/// owner and its host. A polygon part of one country lying (mostly) inside another
/// country is an enclave: subtract it from the host.
void resolve_country_overlaps(Layer<Country>& countries, Findings& findings) {
    geo::GeosContext ctx;
    auto& list = countries.features;
    for (std::size_t a = 0; a < list.size(); ++a) {
        for (const geo::Polygon& part : list[a].geometry.polygons()) {
            const geo::Geometry part_geometry = geo::Geometry::polygon(part);
            const geo::Box part_box = part_geometry.bounds();
            geo::GeosGeom part_geos;
            for (std::size_t b = 0; b < list.size(); ++b) {
                if (a == b || list[a].iso3 == list[b].iso3) continue;
                const geo::Box host_box = list[b].geometry.bounds();
                if (!(host_box.contains({part_box.min_lon, part_box.min_lat}) &&
                      host_box.contains({part_box.max_lon, part_box.max_lat}))) {
                    continue;
                }
                if (!part_geos) part_geos = ctx.from_geometry(part_geometry);
                geo::GeosGeom host = ctx.from_geometry(list[b].geometry);
                geo::GeosGeom overlap = ctx.intersection(*host, *part_geos);
                const double part_area = ctx.planar_area_deg2(*part_geos);
                if (part_area <= 0 || ctx.planar_area_deg2(*overlap) < 0.5 * part_area) continue;
                geo::GeosGeom holed = ctx.difference(*host, *part_geos);
                geo::Geometry result = ctx.to_geometry(*holed);
                list[b].geometry = geo::Geometry::multi_polygon(std::move(result.polygons()));
                const double km2 = geo::area_m2(part) / 1e6;
                char area[32];
                std::snprintf(area, sizeof area, "%.2f", km2);
                findings.add(Finding{Severity::Repair,
                                     "overlap_resolved",
                                     Location{countries.origin.source, countries.origin.layer, list[b].ref.id, {}},
                                     "a part of " + list[a].iso3 + " (" + area + " km²) lies inside " + list[b].iso3 +
                                         ", which has no hole there: subtracted from " + list[b].iso3 +
                                         " as an enclave",
                                     {}});
            }
        }
    }
}

}  // namespace

void add_field_mapping(LoadOptions& options, std::string_view mapping) {
    const auto dot = mapping.find('.');
    const auto eq = mapping.find('=');
    if (dot == std::string_view::npos || eq == std::string_view::npos || eq < dot || eq == mapping.size() - 1) {
        throw UsageError("--field '" + std::string(mapping) + "' is not ROLE.FIELD=SOURCE_FIELD",
                         "e.g. --field incidents.id=tkid");
    }
    const std::string role_name(mapping.substr(0, dot));
    const auto role = role_from_string(role_name);
    if (!role) {
        throw UsageError("--field '" + std::string(mapping) + "': unknown role '" + role_name + "'",
                         "roles: countries, borders, claims, enclaves, water, settlements, incidents");
    }
    const std::string field(mapping.substr(dot + 1, eq - dot - 1));
    const auto& fields = spec(*role).fields;
    const bool known =
        std::any_of(fields.begin(), fields.end(), [&](const CanonicalField& f) { return f.name == field; });
    if (!known) {
        std::string names;
        for (const auto& f : fields) names += (names.empty() ? "" : ", ") + std::string(f.name);
        throw UsageError("--field '" + std::string(mapping) + "': " + role_name + " has no field '" + field + "'",
                         role_name + " fields: " + names);
    }
    options.fields[*role][field] = std::string(mapping.substr(eq + 1));
}

Dataset load_dataset(const LoadOptions& options, const Progress& progress) {
    detail::ensure_gdal();
    Dataset data;
    const std::string default_source = options.data.empty() ? default_data_source() : options.data;
    std::vector<Role> roles =
        options.wanted.empty() ? std::vector<Role>(all_roles.begin(), all_roles.end()) : options.wanted;

    OpenDatabases databases;
    // Which layers of the default source exist, to know which roles it provides.
    std::set<std::string> default_layers;
    bool default_opened = false;
    auto open_default = [&] {
        if (default_opened) return;
        default_opened = true;
        if (detail::is_postgres(default_source)) {
            std::string server;
            for (OGRLayer* l : databases.open(default_source, server).GetLayers()) {
                default_layers.insert(lower(l->GetName()));
            }
            return;
        }
        std::string server;
        GDALDataset& ds = databases.open(default_source, server);
        for (OGRLayer* l : ds.GetLayers()) default_layers.insert(lower(l->GetName()));
    };

    for (std::size_t k = 0; k < roles.size(); ++k) {
        const Role role = roles[k];
        RoleSource where;
        bool explicit_source = false;
        if (const auto it = options.roles.find(role); it != options.roles.end()) {
            where = it->second;
            explicit_source = !where.source.empty();
        }
        if (where.source.empty()) {
            where.source = default_source;
            if (where.layer.empty()) {
                open_default();
                if (default_layers.count(std::string(to_string(role))) == 0) continue;  // not provided
            }
        }
        const double from = static_cast<double>(k) / static_cast<double>(roles.size());
        const double to = static_cast<double>(k + 1) / static_cast<double>(roles.size());
        report(progress, from, "reading " + std::string(to_string(role)));
        load_role(role, where, explicit_source, options, data, progress, from, to, databases);
    }

    check_duplicate_ids(
        data.water, [](const WaterFeature& f) -> const std::string& { return f.id; }, data.findings);
    check_duplicate_ids(
        data.settlements, [](const Settlement& f) -> const std::string& { return f.id; }, data.findings);
    check_duplicate_ids(
        data.incidents, [](const Incident& f) -> const std::string& { return f.id; }, data.findings);
    if (data.countries.present()) {
        const geo::Box reference = data.countries.origin.extent;
        for (Role role : all_roles) {
            if (role != Role::Countries) check_swapped(data.origin(role), reference, data.findings);
        }
        resolve_country_overlaps(data.countries, data.findings);
    }
    report(progress, 1.0, "loaded");

    // Errors stop the load; with --strict, so does every other finding.
    for (const Finding& f : options.keep_going ? std::vector<Finding>{} : data.findings.list()) {
        if (f.severity == Severity::Error || options.strict) {
            const std::size_t errors =
                options.strict ? data.findings.list().size() : data.findings.count(Severity::Error);
            std::string hint = f.hint;
            if (errors > 1) {
                hint += std::string(hint.empty() ? "" : "; ") + std::to_string(errors - 1) +
                        " more finding(s): run 'fergana layers' with the same options to list them";
            }
            if (options.strict && f.severity != Severity::Error) {
                hint += std::string(hint.empty() ? "" : "; ") + "--strict makes every finding an error";
            }
            throw LayerError(f.message, f.where, hint);
        }
    }
    data.findings.summarise();
    return data;
}

}  // namespace fergana::layers
