// fergana query: spatial queries on the command line.
//   near LON,LAT|PLACE --radius 5km --in ROLE      within a geodesic distance, by distance
//   nearest LON,LAT|PLACE --in ROLE [-k N]          the k nearest
//   within ROLE --zone ROLE[:NAME]                  features inside the zone's polygons
//   bbox MINLON,MINLAT,MAXLON,MAXLAT --in ROLE      features meeting the box
#include "analysis/selection.hpp"
#include "geo/edge_index.hpp"
#include "geo/geodesic.hpp"
#include "geo/geos.hpp"
#include "layers/load.hpp"
#include "layers/source_info.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"
#include "tools/output_options.hpp"
#include "tools/place.hpp"
#include "tools/role_table.hpp"
#include "tools/units.hpp"
#include "tools/where.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <ostream>

namespace fergana::tools {

namespace {

using layers::Role;

class QueryCommand final : public Command {
public:
    std::string_view name() const override { return "query"; }
    std::string_view summary() const override { return "spatial queries: near, nearest, within, bbox"; }
    std::string_view usage() const override {
        return "near LON,LAT|PLACE --radius D --in ROLE | nearest LON,LAT|PLACE --in ROLE [-k N] |\n"
               "                     within ROLE --zone ROLE[:NAME] | bbox MINLON,MINLAT,MAXLON,MAXLAT --in ROLE";
    }
    std::string_view description() const override {
        return "Spatial queries on any role (countries, borders, claims, enclaves, water,\n"
               "settlements, incidents, disputed). Distances are geodesic on WGS84, in metres.\n"
               "A place name instead of LON,LAT resolves against settlements and enclaves.\n"
               "Output: an aligned table on a terminal, GeoJSON when stdout is a pipe, or\n"
               "--format table|geojson|csv|json; -o FILE writes a file by its extension.";
    }

    void declare(OptionSet& options) override {
        options.positional("QUERY ARG", "near|nearest|within|bbox and its argument", &m_args, 2, 2);
        options.value({"--in"}, "ROLE", "the role to search", &m_in);
        options.value({"--radius"}, "DIST", "distance for near (m or km)", &m_radius);
        options.value({"-k"}, "N", "how many for nearest", &m_k, "1");
        options.value({"--zone"}, "ROLE[:NAME]", "the zone for within: a polygon role, optionally one feature by name",
                      &m_zone);
        options.list({"--where"}, "\"FIELD OP VALUE\"", "filter: = != < <= > >= ~ (contains)", &m_where);
        options.value({"--from"}, "DATE", "incidents on or after DATE", &m_from);
        options.value({"--to"}, "DATE", "incidents on or before DATE", &m_to);
        options.value({"--format"}, "F", "table, geojson, csv or json", &m_format, "table on a terminal, else geojson");
        m_output.declare(options, "the results", true);
        m_data.declare(options);
    }

    void validate(const OptionSet&) override {
        m_output.validate();
        m_load = m_data.load_options();
        m_kind = m_args[0];
        if (m_kind != "near" && m_kind != "nearest" && m_kind != "within" && m_kind != "bbox") {
            throw UsageError("unknown query '" + m_kind + "'", "use near, nearest, within or bbox");
        }
        const std::string& target = m_kind == "within" ? m_args[1] : m_in;
        if (target.empty()) throw UsageError("'query " + m_kind + "' needs --in ROLE");
        m_role = role_option(target, m_kind == "within" ? "within" : "--in");
        if (m_kind == "near") {
            if (m_radius.empty()) throw UsageError("'query near' needs --radius", "e.g. --radius 5km");
            m_radius_m = parse_distance_m(m_radius, "--radius", true);
        } else if (!m_radius.empty()) {
            throw UsageError("--radius goes with 'query near' only");
        }
        if (m_kind == "nearest") {
            const auto r = std::from_chars(m_k.data(), m_k.data() + m_k.size(), m_k_value);
            if (r.ec != std::errc() || r.ptr != m_k.data() + m_k.size() || m_k_value < 1 || m_k_value > 100000) {
                throw UsageError("-k '" + m_k + "' is not a whole number from 1 to 100000");
            }
        }
        if (m_kind == "within") {
            if (m_zone.empty()) throw UsageError("'query within' needs --zone ROLE[:NAME]", "e.g. --zone enclaves:Sokh");
            const auto colon = m_zone.find(':');
            m_zone_role = role_option(m_zone.substr(0, colon), "--zone");
            if (colon != std::string::npos) m_zone_name = m_zone.substr(colon + 1);
        } else if (!m_zone.empty()) {
            throw UsageError("--zone goes with 'query within' only");
        }
        if (m_kind == "bbox") m_box = parse_bbox(m_args[1], "bbox");
        for (const std::string& w : m_where) m_clauses.push_back(parse_where(w));
        check_date_order(m_from, m_to);
        if (!m_from.empty()) m_filter.from = parse_date_option(m_from, "--from");
        if (!m_to.empty()) m_filter.to = parse_date_option(m_to, "--to");
        if ((m_filter.from || m_filter.to) && m_role != Role::Incidents) {
            throw UsageError("--from/--to filter incidents; the query is on " + std::string(layers::to_string(m_role)));
        }
        if (!m_format.empty() && m_format != "table" && m_format != "geojson" && m_format != "csv" && m_format != "json") {
            throw UsageError("--format '" + m_format + "' is not table, geojson, csv or json");
        }
        if (!m_format.empty() && m_output.wanted()) {
            throw UsageError("--format and -o exclude each other", "-o chooses the format by the file's extension");
        }
        // Load only what the query needs (and what a place name resolves against).
        m_load.wanted = {m_role};
        if (m_kind == "within") m_load.wanted.push_back(m_zone_role);
        if ((m_kind == "near" || m_kind == "nearest") && !looks_like_coordinates(m_args[1])) {
            m_load.wanted.push_back(Role::Settlements);
            m_load.wanted.push_back(Role::Enclaves);
        }
        std::sort(m_load.wanted.begin(), m_load.wanted.end());
        m_load.wanted.erase(std::unique(m_load.wanted.begin(), m_load.wanted.end()), m_load.wanted.end());
        // The source filters the queried role first (PostGIS: on the server): by --bbox, else
        // by the query's own box; places and zones are found anywhere.
        m_load.bbox_roles = {m_role};
        if (m_kind == "bbox" && !m_load.bbox) m_load.bbox = m_box;
        if (m_role == Role::Incidents) {
            m_load.incidents_from = m_filter.from;
            m_load.incidents_to = m_filter.to;
        }
    }

    int run(RunContext& context) override {
        Provenance provenance("query " + m_kind, context.argv);
        m_output.check(m_data.input_paths());
        const layers::Dataset data = layers::load_dataset(m_load, context.progress);
        if (!data.origin(m_role).present) {
            throw LayerError("no " + std::string(layers::to_string(m_role)) + " layer",
                             Location{layers::redact_source(m_load.data), {}, {}, {}},
                             "give --" + std::string(layers::to_string(m_role)) + " SRC");
        }
        provenance.add_inputs(data);
        const layers::OutputTable all = role_table(data, m_role);
        std::vector<std::size_t> where_fields;
        for (const WhereClause& c : m_clauses) where_fields.push_back(field_index(c, all));

        // Candidates after --where and --from/--to.
        std::vector<std::size_t> candidates;
        for (std::size_t i = 0; i < all.features().size(); ++i) {
            bool ok = true;
            for (std::size_t c = 0; ok && c < m_clauses.size(); ++c) {
                ok = matches(m_clauses[c], all.features()[i].values[where_fields[c]], all.fields()[where_fields[c]]);
            }
            if (ok && m_role == Role::Incidents && m_filter.active()) ok = m_filter.matches(data.incidents.features[i]);
            if (ok) candidates.push_back(i);
        }

        std::vector<std::pair<std::size_t, double>> hits;  // feature, distance_m (NaN: none)
        std::string origin_label;
        if (m_kind == "near" || m_kind == "nearest") {
            geo::LonLat p;
            if (looks_like_coordinates(m_args[1])) {
                p = parse_lon_lat(m_args[1], m_kind);
            } else {
                const Place place = resolve_place(data, m_args[1]);
                p = place.point;
                origin_label = place.label;
            }
            std::vector<geo::Geometry> geometries;
            for (std::size_t i : candidates) geometries.push_back(all.features()[i].geometry);
            const geo::EdgeIndex index(geometries);
            const std::vector<geo::EdgeHit> found =
                m_kind == "near" ? index.within(p, m_radius_m + geo::radius_tolerance_m) : index.nearest_k(p, m_k_value);
            for (const geo::EdgeHit& h : found) hits.emplace_back(candidates[h.geometry_id], h.distance_m);
            provenance.set("origin", format_number(p.lon, 7) + "," + format_number(p.lat, 7));
            if (m_kind == "near") provenance.set("radius_m", m_radius_m);
        } else if (m_kind == "within") {
            hits = within_zone(data, all, candidates);
        } else {
            geo::GeosContext ctx;
            const geo::GeosGeom box = ctx.from_geometry(geo::Geometry::polygon(
                {{{{m_box.min_lon, m_box.min_lat}, {m_box.max_lon, m_box.min_lat}, {m_box.max_lon, m_box.max_lat},
                   {m_box.min_lon, m_box.max_lat}, {m_box.min_lon, m_box.min_lat}}}}));
            const geo::GeosPrepared prepared = ctx.prepare(*box);
            for (std::size_t i : candidates) {
                const geo::Geometry& g = all.features()[i].geometry;
                if (!g.bounds().intersects(m_box)) continue;
                if (ctx.prepared_intersects(*prepared, *ctx.from_geometry(g))) {
                    hits.emplace_back(i, std::numeric_limits<double>::quiet_NaN());
                }
            }
        }
        provenance.set("query", m_kind);
        provenance.set("in", std::string(layers::to_string(m_role)));
        provenance.set("bbox", m_data.bbox());
        for (const std::string& w : m_where) provenance.set("where", w);

        const bool with_distance = m_kind == "near" || m_kind == "nearest";
        std::vector<layers::OutputField> fields = all.fields();
        if (with_distance) fields.insert(fields.begin(), {"distance_m", layers::FieldKind::Real, 2});
        layers::OutputTable result(all.name(), fields);
        for (const auto& [i, d] : hits) {
            std::vector<layers::Value> values = all.features()[i].values;
            if (with_distance) values.insert(values.begin(), layers::Value{d});
            result.add(all.features()[i].geometry, std::move(values));
        }

        if (m_output.wanted()) {
            m_output.write(std::move(result), provenance);
        } else {
            std::string format = m_format;
            if (format.empty()) format = isatty(STDOUT_FILENO) ? "table" : "geojson";
            layers::WriteOptions write = m_output.write_options();
            m_output.select(result, write, format == "csv");
            emit(context.out, result, format, write, m_output.selects());
        }
        if (!context.quiet && !origin_label.empty()) context.err << "query: from " << origin_label << "\n";
        return 0;
    }

private:
    DataOptions m_data;
    OutputOptions m_output;
    layers::LoadOptions m_load;
    std::vector<std::string> m_args, m_where;
    std::string m_in, m_radius, m_k = "1", m_zone, m_from, m_to, m_format, m_kind, m_zone_name;
    Role m_role = Role::Incidents;
    Role m_zone_role = Role::Enclaves;
    double m_radius_m = 0.0;
    std::size_t m_k_value = 1;
    geo::Box m_box;
    std::vector<WhereClause> m_clauses;
    analysis::IncidentFilter m_filter;

    static Role role_option(const std::string& name, const std::string& option) {
        const auto role = layers::role_from_string(name);
        if (!role) {
            throw UsageError(option + " '" + name + "' is not a role",
                             "roles: countries, borders, claims, enclaves, water, settlements, incidents, disputed");
        }
        return *role;
    }

    std::vector<std::pair<std::size_t, double>> within_zone(const layers::Dataset& data, const layers::OutputTable& all,
                                                            const std::vector<std::size_t>& candidates) const {
        const layers::OutputTable zones = role_table(data, m_zone_role);
        if (!data.origin(m_zone_role).present) {
            throw LayerError("no " + std::string(layers::to_string(m_zone_role)) + " layer for --zone",
                             Location{layers::redact_source(m_load.data), {}, {}, {}});
        }
        std::vector<geo::Polygon> polygons;
        std::vector<std::string> names;
        for (const auto& z : zones.features()) {
            std::string zone_name;
            for (std::size_t f = 0; f < zones.fields().size(); ++f) {
                if (zones.fields()[f].name == "name" || zones.fields()[f].name == "iso3") {
                    zone_name = cell_text(z.values[f], zones.fields()[f]);
                    break;
                }
            }
            names.push_back(zone_name);
            if (!m_zone_name.empty() && normalise_name(zone_name) != normalise_name(m_zone_name)) continue;
            for (const auto& p : z.geometry.polygons()) polygons.push_back(p);
        }
        if (polygons.empty()) {
            if (!m_zone_name.empty()) {
                std::string list;
                for (const auto& n : names) if (!n.empty()) list += (list.empty() ? "" : ", ") + n;
                throw UsageError("no " + std::string(layers::to_string(m_zone_role)) + " named '" + m_zone_name + "'",
                                 list.empty() ? "" : "names: " + list);
            }
            throw UsageError("--zone " + std::string(layers::to_string(m_zone_role)) + " has no polygons",
                             "within needs polygons (e.g. enclaves, countries, disputed zones)");
        }
        geo::GeosContext ctx;
        const geo::GeosGeom zone = ctx.from_geometry(geo::Geometry::multi_polygon(polygons));
        const geo::GeosPrepared prepared = ctx.prepare(*zone);
        const geo::Box zone_box = geo::Geometry::multi_polygon(polygons).bounds();
        std::vector<std::pair<std::size_t, double>> out;
        for (std::size_t i : candidates) {
            const geo::Geometry& g = all.features()[i].geometry;
            if (!zone_box.intersects(g.bounds())) continue;
            if (ctx.prepared_covers(*prepared, *ctx.from_geometry(g))) {
                out.emplace_back(i, std::numeric_limits<double>::quiet_NaN());
            }
        }
        return out;
    }

    /// `selected`: --select chose the fields, so the terminal table shows all of them.
    static void emit(std::ostream& out, const layers::OutputTable& t, const std::string& format,
                     const layers::WriteOptions& write, bool selected) {
        const int precision = write.precision;
        if (format == "geojson") {
            out << layers::to_geojson(t, precision);
        } else if (format == "json") {
            nlohmann::ordered_json rows = nlohmann::ordered_json::array();
            for (const auto& f : t.features()) {
                nlohmann::ordered_json row;
                for (std::size_t k = 0; k < t.fields().size(); ++k) {
                    const auto& v = f.values[k];
                    if (std::holds_alternative<std::monostate>(v)) row[t.fields()[k].name] = nullptr;
                    else if (const auto s = layers::text_of(v)) row[t.fields()[k].name] = std::string(*s);
                    else if (const auto* n = std::get_if<std::int64_t>(&v)) row[t.fields()[k].name] = *n;
                    else if (const auto* d = std::get_if<double>(&v)) row[t.fields()[k].name] = std::isfinite(*d) ? nlohmann::ordered_json(*d) : nlohmann::ordered_json(nullptr);
                    else if (const auto* b = std::get_if<bool>(&v)) row[t.fields()[k].name] = *b;
                }
                const geo::Box b = f.geometry.bounds();
                if (f.geometry.points().size() == 1) {
                    row["lon"] = f.geometry.points()[0].lon;
                    row["lat"] = f.geometry.points()[0].lat;
                } else if (!b.empty()) {
                    row["bbox"] = {b.min_lon, b.min_lat, b.max_lon, b.max_lat};
                }
                rows.push_back(std::move(row));
            }
            out << rows.dump(2) << "\n";
        } else if (format == "csv") {
            out << layers::to_csv(t, precision, write.csv_geometry);
        } else {
            // A readable table: the key fields only, to fit a terminal (all of them with --select).
            std::vector<std::size_t> shown;
            for (std::size_t k = 0; k < t.fields().size() && (selected || shown.size() < 8); ++k) {
                const std::string& n = t.fields()[k].name;
                if (!selected && (n == "description" || n == "source" || n.rfind("src_", 0) == 0)) continue;
                shown.push_back(k);
            }
            std::vector<std::string> header;
            for (std::size_t k : shown) header.push_back(t.fields()[k].name);
            Table table(header);
            for (const auto& f : t.features()) {
                std::vector<std::string> row;
                for (std::size_t k : shown) {
                    std::string cell = cell_text(f.values[k], t.fields()[k]);
                    if (display_width(cell) > 40) cell = truncate_to_width(cell, 37) + "...";
                    row.push_back(cell.empty() ? "-" : cell);
                }
                table.add(row);
            }
            table.print(out);
            out << t.features().size() << " feature(s)\n";
        }
    }
};

}  // namespace

std::unique_ptr<Command> make_query_command() {
    return std::make_unique<QueryCommand>();
}

}  // namespace fergana::tools
