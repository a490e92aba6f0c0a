#include "tools/report_sections.hpp"

#include "analysis/disputed.hpp"
#include "analysis/enclaves.hpp"
#include "geo/geodesic.hpp"
#include "geo/nearest.hpp"
#include "render/html_map.hpp"
#include "render/map_renderer.hpp"
#include "tools/result_tables.hpp"
#include "geo/version.hpp"
#include "tools/format.hpp"
#include "tools/qml.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace fergana::tools {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// ReportWriter

ReportWriter::ReportWriter(std::string dir, bool overwrite, std::vector<std::string> inputs)
    : m_dir(std::move(dir)), m_overwrite(overwrite), m_inputs(std::move(inputs)) {}

std::string ReportWriter::path(const std::string& name) const {
    return (fs::path(m_dir) / name).string();
}

void ReportWriter::check(const std::vector<std::string>& names) const {
    for (const std::string& name : names) layers::check_output_path(path(name), m_inputs, m_overwrite);
}

void ReportWriter::table(const layers::OutputTable& table, const std::string& name, Provenance& provenance) {
    const std::string p = path(name);
    layers::WriteOptions options;
    options.overwrite = m_overwrite;
    layers::write_table(table, p, options);
    record(name, provenance);
    if (layers::format_for(p) == layers::OutputFormat::GeoJSON) {
        layers::write_text_file(qml_path(p), qml_for(table), m_overwrite);
        record(fs::path(qml_path(name)).string(), provenance);
    }
}

void ReportWriter::text(const std::string& name, const std::string& text, Provenance& provenance) {
    layers::write_text_file(path(name), text, m_overwrite);
    record(name, provenance);
}

void ReportWriter::record(const std::string& name, Provenance& provenance) {
    m_written.push_back(name);
    provenance.add_output(path(name));
}

// ---------------------------------------------------------------------------
// summary.md

namespace {

std::string km(double metres, int decimals = 1) {
    return format_number(metres / 1000.0, decimals);
}

/// A Markdown table from a header and rows.
std::string md_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::string out = "|";
    for (const auto& h : header) out += " " + h + " |";
    out += "\n|";
    for (std::size_t i = 0; i < header.size(); ++i) out += "---|";
    out += "\n";
    for (const auto& row : rows) {
        out += "|";
        for (const auto& cell : row) {
            std::string c = cell;
            std::replace(c.begin(), c.end(), '|', '/');
            out += " " + c + " |";
        }
        out += "\n";
    }
    return out;
}

std::string thousands(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

}  // namespace

SummaryBuilder::SummaryBuilder(const layers::Dataset& data, layers::Date as_of) : m_data(data), m_as_of(as_of) {}

void SummaryBuilder::add_disputed(const DisputedSection& section) {
    std::string& s = m_disputed;
    // Border lengths from the borders in force, by pair, with their status.
    std::map<std::pair<std::string, std::string>, double> lengths;
    for (const layers::Border& b : m_data.borders.features) {
        if (!b.valid.in_force(m_as_of)) continue;
        lengths[{b.pair, std::string(layers::to_string(b.status))}] += geo::length_m(b.geometry);
    }
    s += "## Borders as of " + m_as_of.to_string() + "\n\n";
    if (lengths.empty()) {
        s += "No borders layer, or none in force on that date.\n\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& [key, m] : lengths) rows.push_back({key.first, key.second, km(m)});
        s += md_table({"pair", "status", "length (km)"}, rows) + "\n";
    }
    if (!section.ran) return;
    if (!section.pairs.empty()) {
        s += "## Disputed stretches: where the versions of a line disagree\n\n"
             "Stretches of one line farther than the tolerance from the other line, cut at the tolerance;\n"
             "zones are the land between two lines where they part and rejoin.\n\n";
        std::vector<std::vector<std::string>> rows;
        for (const auto& p : section.pairs) {
            const double share = p.length_a_m > 0 ? 100.0 * p.disputed_a_m / p.length_a_m : 0.0;
            rows.push_back({p.pair, p.claimant_a + " vs " + p.claimant_b, km(p.length_a_m), km(p.length_b_m),
                            km(p.disputed_a_m), format_number(share, 1) + " %", km(p.hausdorff_m, 2),
                            std::to_string(p.stretches), std::to_string(p.zones), format_number(p.zone_area_m2 / 1e6, 2),
                            thousands(p.zone_population)});
        }
        s += md_table({"pair", "lines", "length A (km)", "length B (km)", "disputed A (km)", "share of A",
                       "Hausdorff (km)", "stretches", "zones", "zone area (km²)", "population in zones"},
                      rows) +
             "\n";
    }
    for (const std::string& note : section.notes) s += "- " + note + "\n";
    if (!section.notes.empty()) s += "\n";
}

void SummaryBuilder::add_enclaves(const EnclaveSection& section) {
    std::string& s = m_enclaves;
    s += "## Enclaves\n\n";
    if (!section.ran || section.rows.empty()) {
        s += "No enclaves found.\n\n";
        return;
    }
    std::vector<std::vector<std::string>> rows;
    std::size_t exclaves = 0;
    double exclave_area_m2 = 0.0;
    for (const auto& r : section.rows) {
        // Exclaves (parts touching several countries, or the edge of the data) are mostly
        // slivers of the source polygons: counted here, listed in enclaves.geojson.
        if (r.kind == "exclave") {
            ++exclaves;
            exclave_area_m2 += r.area_m2;
            continue;
        }
        rows.push_back({r.name.empty() ? "(unnamed)" : r.name, r.owner, r.host, r.kind,
                        format_number(r.area_m2 / 1e6, 2), km(r.mainland_distance_m, 2), std::to_string(r.settlements),
                        thousands(r.population), std::to_string(r.settlements_without_population)});
    }
    // A settlement without a population figure adds nothing to the population: say so, as
    // the affected table does, rather than let "0" read as "nobody lives there".
    s += md_table({"name", "owner", "host", "kind", "area (km²)", "to owner's mainland (km)", "settlements",
                   "population", "without population figure"},
                  rows) +
         "\n";
    if (exclaves) {
        s += std::to_string(exclaves) + " exclave(s) (parts touching several countries or the edge of the data, " +
             format_number(exclave_area_m2 / 1e6, 2) + " km² in all) are listed in enclaves.geojson.\n\n";
    }
}

void SummaryBuilder::add_proximity(const analysis::ProximityResult& result, const std::vector<std::size_t>& selected) {
    // Incidents per year and type.
    std::map<int, std::map<std::string, int>> by_year;
    std::set<std::string> types;
    int undated = 0;
    for (std::size_t i : selected) {
        const layers::Incident& incident = m_data.incidents.features[i];
        const std::string type = incident.type.empty() ? "(none)" : incident.type;
        types.insert(type);
        if (incident.date) {
            ++by_year[incident.date->first.year()][type];
        } else {
            ++undated;
        }
    }
    std::string& s = m_incidents;
    s += "## Incidents per year and type\n\n";
    std::vector<std::string> header = {"year"};
    header.insert(header.end(), types.begin(), types.end());
    header.push_back("total");
    std::vector<std::vector<std::string>> rows;
    std::map<std::string, int> column_totals;
    for (const auto& [year, counts] : by_year) {
        std::vector<std::string> row = {std::to_string(year)};
        int total = 0;
        for (const std::string& t : types) {
            const auto it = counts.find(t);
            const int n = it == counts.end() ? 0 : it->second;
            row.push_back(n ? std::to_string(n) : "");
            total += n;
            column_totals[t] += n;
        }
        row.push_back(std::to_string(total));
        rows.push_back(std::move(row));
    }
    std::vector<std::string> totals = {"all"};
    for (const std::string& t : types) totals.push_back(std::to_string(column_totals[t]));
    totals.push_back(std::to_string(static_cast<int>(selected.size()) - undated));
    rows.push_back(std::move(totals));
    s += md_table(header, rows);
    if (undated) s += "\n" + std::to_string(undated) + " incident(s) without a date are not counted by year.\n";
    s += "\n";

    // The incidents nearest to water facilities: intakes, dams, canals, reservoirs and the
    // like. Rivers are watercourses, not facilities (and proximity.geojson already gives the
    // distance to the nearest water feature of any kind).
    struct NearFacility {
        const analysis::ProximityRow* row;
        std::size_t facility;
        double distance_m;
    };
    std::vector<NearFacility> near;
    std::vector<std::size_t> facilities;
    for (std::size_t f = 0; f < m_data.water.features.size(); ++f) {
        if (m_data.water.features[f].kind != "river") facilities.push_back(f);
    }
    for (const auto& row : result.rows) {
        const geo::LonLat p = m_data.incidents.features[row.incident].position;
        std::optional<NearFacility> best;
        for (std::size_t f : facilities) {
            const geo::NearestOnGeometry n = geo::nearest_point(m_data.water.features[f].geometry, p);
            if (n.found() && (!best || n.distance_m < best->distance_m)) best = NearFacility{&row, f, n.distance_m};
        }
        if (best) near.push_back(*best);
    }
    std::stable_sort(near.begin(), near.end(),
                     [](const NearFacility& a, const NearFacility& b) { return a.distance_m < b.distance_m; });
    std::string& w = m_water;
    w += "## Incidents nearest to water facilities\n\n";
    if (near.empty()) {
        w += facilities.empty() && !m_data.water.features.empty() ? "The water layer has only rivers.\n\n"
                                                                   : "No water layer.\n\n";
        return;
    }
    rows.clear();
    for (std::size_t k = 0; k < near.size() && k < 10; ++k) {
        const auto& row = *near[k].row;
        const layers::Incident& i = m_data.incidents.features[row.incident];
        const layers::WaterFeature& f = m_data.water.features[near[k].facility];
        rows.push_back({i.id, i.date ? i.date->to_string() : "", i.type, f.name, f.kind,
                        format_number(near[k].distance_m, 0),
                        i.precision_m ? format_number(*i.precision_m, 0) : "",
                        row.border ? format_number(row.border->distance_m, 0) : ""});
    }
    w += md_table({"incident", "date", "type", "water facility", "kind", "distance (m)", "location precision (m)",
                   "to border (m)"},
                  rows) +
         "\nFacilities are the water features other than rivers (intakes, dams, canals, reservoirs, "
         "distribution nodes).\nDistances are geodesic from the incident's recorded position; where the "
         "location precision is larger than\nthe distance, the incident may have been on the other side of "
         "the facility.\n\n";
}

void SummaryBuilder::add_affected(const analysis::AffectedResult& result, const analysis::AffectedOptions& options) {
    std::string& s = m_affected;
    s += "## Settlements in reach of incidents\n\n";
    s += "Reach: " + km(options.radius_m) + " km";
    for (const auto& [type, r] : options.radius_by_type) s += ", " + type + " " + km(r) + " km";
    s += " (geodesic).\n\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& [country, t] : result.by_country) {
        rows.push_back({country.empty() ? "unknown" : country, std::to_string(t.settlements), thousands(t.population),
                        std::to_string(t.settlements_without_population)});
    }
    rows.push_back({"all", std::to_string(result.total.settlements), thousands(result.total.population),
                    std::to_string(result.total.settlements_without_population)});
    s += md_table({"country", "settlements", "population", "without population figure"}, rows) + "\n";

    std::vector<const analysis::AffectedSettlement*> most;
    for (const auto& a : result.settlements) most.push_back(&a);
    std::stable_sort(most.begin(), most.end(), [this](const auto* a, const auto* b) {
        if (a->incidents.size() != b->incidents.size()) return a->incidents.size() > b->incidents.size();
        return m_data.settlements.features[a->settlement].population.value_or(0) >
               m_data.settlements.features[b->settlement].population.value_or(0);
    });
    rows.clear();
    for (std::size_t k = 0; k < most.size() && k < 15; ++k) {
        const auto& a = *most[k];
        const layers::Settlement& st = m_data.settlements.features[a.settlement];
        rows.push_back({st.name, st.country, st.population ? thousands(*st.population) : "",
                        std::to_string(a.incidents.size()), format_number(a.nearest_incident_distance_m / 1000.0, 2),
                        a.first_date ? a.first_date->to_string() : "", a.last_date ? a.last_date->to_string() : ""});
    }
    s += "### The most affected settlements\n\n";
    s += md_table({"settlement", "country", "population", "incidents in reach", "nearest (km)", "first", "last"}, rows) +
         "\n";
}

void SummaryBuilder::add_maps(const MapSection& section) {
    if (!section.ran) return;
    m_maps += "## Maps\n\n";
    for (const std::string& f : section.files) m_maps += "- [" + f + "](" + f + ")\n";
    if (!section.note.empty()) m_maps += "\n" + section.note + "\n";
    m_maps += "\n";
}

std::string SummaryBuilder::markdown() const {
    std::string s = "# Border disputes report\n\n";
    s += "Borders, claims and enclaves as in force on " + m_as_of.to_string() +
         ". Every distance, length and area is geodesic on the WGS84 ellipsoid. Written by fergana " +
         fergana::version() + " (commit " + fergana::git_commit() + "); provenance.json lists the inputs with their "
         "SHA-256 and every option.\n\n";
    s += "## Data\n\n";
    std::vector<std::vector<std::string>> rows;
    for (layers::Role role : layers::all_roles) {
        const auto& o = m_data.origin(role);
        if (!o.present) continue;
        rows.push_back({std::string(layers::to_string(role)), o.source, o.layer, std::to_string(m_data.size(role))});
    }
    s += md_table({"role", "source", "layer", "features"}, rows) + "\n";
    const std::size_t repairs = m_data.findings.count(layers::Severity::Repair);
    const std::size_t warnings = m_data.findings.count(layers::Severity::Warning);
    if (repairs || warnings) {
        s += "Loading found " + std::to_string(repairs) + " repair(s) and " + std::to_string(warnings) +
             " warning(s); `fergana layers` with the same options lists them.\n\n";
    }
    s += m_disputed + m_enclaves + m_affected + m_incidents + m_water + m_maps;
    s += "## Attribution\n\n"
         "Boundaries © OpenStreetMap contributors (ODbL) and Natural Earth (public domain); settlements from "
         "GeoNames (CC BY 4.0); incidents and water facilities as cited per feature (`source` fields).\n";
    return s;
}

}  // namespace fergana::tools

// ---------------------------------------------------------------------------
// The sections.

namespace fergana::tools {

DisputedSection run_disputed_section(const layers::Dataset& data, const ReportSettings& settings, ReportWriter& out,
                                     Provenance& provenance) {
    DisputedSection section;
    if (!data.borders.present() && !data.claims.present()) return section;
    analysis::DisputedOptions options;
    options.as_of = settings.as_of;
    options.tolerance_m = settings.tolerance_m;
    analysis::DisputedInput in;
    in.borders = data.borders.features;
    in.claims = data.claims.features;
    in.countries = data.countries.features;
    in.settlements = data.settlements.features;
    in.water = data.water.features;
    in.incidents = data.incidents.features;
    const analysis::DisputedResult result = analysis::analyse_disputed(in, options);
    section.ran = true;
    out.table(disputed_stretch_table(result), "disputed.geojson", provenance);
    out.table(disputed_zone_table(in, result), "disputed_zones.geojson", provenance);
    for (const analysis::PairComparison& c : result.comparisons) {
        DisputedSection::PairRow row;
        row.pair = c.pair;
        row.claimant_a = c.claimant_a;
        row.claimant_b = c.claimant_b;
        row.length_a_m = c.a.length_m;
        row.length_b_m = c.b.length_m;
        row.disputed_a_m = c.disputed_a_m;
        row.disputed_b_m = c.disputed_b_m;
        row.hausdorff_m = c.hausdorff_m;
        row.stretches = c.stretches_a.size() + c.stretches_b.size();
        row.zones = c.zones.size();
        for (const analysis::Zone& z : c.zones) {
            row.zone_area_m2 += z.area_m2;
            row.zone_population += z.population;
        }
        section.pairs.push_back(row);
        for (const auto* list : {&c.stretches_a, &c.stretches_b}) {
            for (const analysis::ClaimStretch& s : *list) section.lines.push_back(geo::Geometry::line(s.stretch.path));
        }
    }
    for (const analysis::StatusTotal& t : result.totals) {
        section.status.push_back({t.pair, std::string(layers::to_string(t.status)), t.length_m});
    }
    section.notes = result.notes;
    return section;
}

EnclaveSection run_enclaves_section(const layers::Dataset& data, const ReportSettings& settings, ReportWriter& out,
                                    Provenance& provenance) {
    EnclaveSection section;
    if (!data.countries.present()) return section;
    analysis::EnclaveOptions options;
    options.as_of = settings.as_of;
    analysis::EnclaveInput in;
    in.countries = data.countries.features;
    in.enclaves = data.enclaves.features;
    in.settlements = data.settlements.features;
    in.water = data.water.features;
    const analysis::EnclaveResult result = analysis::detect_enclaves(in, options);
    section.ran = true;
    out.table(enclave_table(in, result), "enclaves.geojson", provenance);
    for (const analysis::DetectedEnclave& e : result.enclaves) {
        EnclaveSection::Row row;
        row.name = e.name.empty() ? e.id : e.name;
        row.owner = e.owner;
        row.host = e.host;
        row.kind = std::string(analysis::to_string(e.kind));
        row.area_m2 = e.area_m2;
        row.mainland_distance_m = e.mainland_distance_m.value_or(0.0);
        row.settlements = e.settlements.size();
        row.population = e.population;
        row.settlements_without_population = static_cast<std::size_t>(
            std::count_if(e.settlements.begin(), e.settlements.end(),
                          [&](std::size_t i) { return !data.settlements.features[i].population.has_value(); }));
        section.rows.push_back(row);
    }
    return section;
}

MapSection run_map_section(const layers::Dataset& data, const ReportSettings& settings,
                           const analysis::IncidentFilter& filter, ReportWriter& out, Provenance& provenance) {
    MapSection section;
    render::MapOptions options;
    options.as_of = settings.as_of;
    options.filter = filter;
    std::vector<geo::Geometry> disputed;
    for (const layers::DisputedFeature& d : data.disputed.features) disputed.push_back(d.geometry);
    if (!disputed.empty()) options.add_disputed(disputed, data.disputed.origin.source);
    const render::Style style = render::default_style();
    for (const auto& [name, format] : {std::pair{"map.png", render::ImageFormat::Png},
                                       std::pair{"map.svg", render::ImageFormat::Svg}}) {
        render::RenderOptions ro;
        ro.format = format;
        const render::RenderedMap map = render::render_map(data, options, style, ro);
        out.text(name, map.bytes, provenance);
        section.files.emplace_back(name);
    }
    const render::HtmlMap html = render::render_html(data, options, style);
    out.text("map.html", html.html, provenance);
    section.files.emplace_back("map.html");
    section.ran = true;
    return section;
}

}  // namespace fergana::tools
