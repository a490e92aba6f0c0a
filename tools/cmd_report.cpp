// fergana report -o DIR: every analysis on the loaded data, in one directory:
// the GeoJSON/CSV layers, the maps, summary.md and provenance.json.
#include "analysis/affected.hpp"
#include "analysis/proximity.hpp"
#include "analysis/selection.hpp"
#include "geo/geodesic.hpp"
#include "layers/load.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"
#include "tools/qml.hpp"
#include "tools/report_sections.hpp"
#include "tools/result_tables.hpp"
#include "tools/units.hpp"

#include <filesystem>
#include <map>
#include <ostream>
#include <sstream>
#include <vector>

namespace fergana::tools {

namespace {

namespace fs = std::filesystem;

class ReportCommand final : public Command {
public:
    std::string_view name() const override { return "report"; }
    std::string_view summary() const override { return "run every analysis and write layers, maps and a summary to a directory"; }
    std::string_view usage() const override { return "[-o DIR] [--radius 5km] [--as-of DATE] [DATA OPTIONS]"; }
    std::string_view description() const override {
        return "Runs every analysis on the loaded data (by default the bundled Fergana Valley\n"
               "dataset) and writes to DIR: disputed.geojson, enclaves.geojson,\n"
               "proximity.geojson/.csv, affected.geojson/.csv, the maps (map.png, map.svg,\n"
               "map.html), summary.md and provenance.json. A progress bar on a terminal.";
    }

    void declare(OptionSet& options) override {
        options.value({"-o", "--output"}, "DIR", "the report directory (created if missing)", &m_dir, "report");
        options.flag({"--overwrite"}, "replace files of an earlier report in DIR", &m_overwrite);
        options.value({"--radius"}, "DIST", "reach of an incident for affected settlements", &m_radius, "5km");
        options.value({"--radius-by-type"}, "T=D,...", "reach by incident type", &m_radius_by_type);
        options.value({"--as-of"}, "DATE", "date of the borders for disputed segments and maps", &m_as_of, "today");
        // 500 m, not the 100 m of `fergana disputed`: the bundled claims compare OSM with the
        // generalised Natural Earth line, which differs by more than 100 m almost everywhere.
        options.value({"--tolerance"}, "DIST", "how far apart two claim lines must be to count as disputed",
                      &m_tolerance, "500m");
        options.value({"--from"}, "DATE", "only incidents on or after DATE", &m_from);
        options.value({"--to"}, "DATE", "only incidents on or before DATE", &m_to);
        options.value({"--type"}, "T,...", "only incidents of these types", &m_types);
        options.flag({"--no-maps"}, "skip the maps", &m_no_maps);
        m_data.declare(options);
    }

    void validate(const OptionSet&) override {
        m_load = m_data.load_options();
        if (m_dir.empty()) m_dir = "report";
        if (!m_radius.empty()) m_affected.radius_m = parse_distance_m(m_radius, "--radius");
        if (!m_radius_by_type.empty()) m_affected.radius_by_type = parse_radius_by_type(m_radius_by_type, "--radius-by-type");
        if (!m_as_of.empty()) m_settings.as_of = parse_date_option(m_as_of, "--as-of");
        m_settings.tolerance_m = m_tolerance.empty() ? 500.0 : parse_distance_m(m_tolerance, "--tolerance");
        check_date_order(m_from, m_to);
        if (!m_from.empty()) m_filter.from = parse_date_option(m_from, "--from");
        if (!m_to.empty()) m_filter.to = parse_date_option(m_to, "--to");
        m_filter.types = split_list(m_types, true);
        m_settings.maps = !m_no_maps;
    }

    int run(RunContext& context) override {
        Provenance provenance("report", context.argv);
        std::error_code ec;
        const bool dir_exists = fs::exists(m_dir, ec);
        if (dir_exists && !fs::is_directory(m_dir, ec)) {
            throw LayerError("the report output exists and is not a directory", Location{m_dir, {}, {}, {}});
        }
        ReportWriter out(m_dir, m_overwrite, m_data.input_paths());
        // Every file the report may write, so that an existing one stops it before any is written.
        std::vector<std::string> files = {"disputed.geojson", "disputed.qml",   "disputed_zones.geojson",
                                          "disputed_zones.qml", "enclaves.geojson", "enclaves.qml",
                                          "proximity.geojson", "proximity.qml",  "proximity.csv",
                                          "affected.geojson",  "affected.qml",   "affected.csv",
                                          "summary.md",        "provenance.json"};
        if (m_settings.maps) files.insert(files.end(), {"map.png", "map.svg", "map.html"});
        if (dir_exists) out.check(files);

        report(context.progress, 0.0, "loading");
        const auto load_progress = [&](double f, std::string_view stage) { report(context.progress, 0.3 * f, stage); };
        layers::Dataset data = layers::load_dataset(m_load, load_progress);
        // Created once the data has loaded, so that a run failing on its input leaves nothing.
        fs::create_directories(m_dir, ec);
        if (ec) {
            throw LayerError("cannot create the report directory: " + ec.message(), Location{m_dir, {}, {}, {}});
        }
        provenance.add_inputs(data);
        const layers::Date as_of = m_settings.as_of.value_or(layers::Date::today());
        provenance.set("as_of", as_of.to_string());
        provenance.set("radius_m", m_affected.radius_m);
        for (const auto& [type, r] : m_affected.radius_by_type) provenance.set("radius_m." + type, r);
        provenance.set("tolerance_m", m_settings.tolerance_m);
        provenance.set("from", m_from);
        provenance.set("to", m_to);
        provenance.set("types", m_types);

        SummaryBuilder summary(data, as_of);

        // Disputed stretches first: proximity measures against them.
        report(context.progress, 0.35, "disputed segments");
        const DisputedSection disputed = run_disputed_section(data, m_settings, out, provenance);
        summary.add_disputed(disputed);
        if (!disputed.lines.empty() && !data.disputed.present()) {
            for (const geo::Geometry& g : disputed.lines) {
                layers::DisputedFeature f;
                f.geometry = g;
                data.disputed.features.push_back(std::move(f));
            }
            data.disputed.origin.present = true;
            data.disputed.origin.source = "disputed.geojson (this report)";
        }

        report(context.progress, 0.5, "enclaves");
        summary.add_enclaves(run_enclaves_section(data, m_settings, out, provenance));

        const std::vector<std::size_t> selected = analysis::select(data.incidents.features, m_filter);
        if (data.incidents.present()) {
            report(context.progress, 0.6, "proximity");
            analysis::ProximityOptions po;
            po.as_of = as_of;
            for (const auto& d : data.disputed.features) po.disputed.push_back(d.geometry);
            const analysis::ProximityResult proximity = analysis::proximity(data, selected, po);
            const layers::OutputTable pt = proximity_table(data, proximity);
            out.table(pt, "proximity.geojson", provenance);
            out.table(pt, "proximity.csv", provenance);
            summary.add_proximity(proximity, selected);

            if (data.settlements.present()) {
                report(context.progress, 0.7, "affected settlements");
                const analysis::AffectedResult affected = analysis::affected(data, selected, m_affected);
                const layers::OutputTable at = affected_table(data, affected);
                out.table(at, "affected.geojson", provenance);
                out.table(at, "affected.csv", provenance);
                summary.add_affected(affected, m_affected);
            }
        }

        if (m_settings.maps) {
            report(context.progress, 0.8, "maps");
            summary.add_maps(run_map_section(data, m_settings, m_filter, out, provenance));
        }

        report(context.progress, 0.95, "summary");
        out.text("summary.md", summary.markdown(), provenance);
        provenance.add_output((fs::path(m_dir) / "provenance.json").string());
        provenance.write_to((fs::path(m_dir) / "provenance.json").string(), m_overwrite);
        report(context.progress, 1.0, "done");
        if (!context.quiet) {
            context.err << "report: " << out.written().size() + 1 << " files written to " << m_dir << "/\n";
            for (const std::string& f : out.written()) context.err << "  " << f << "\n";
            context.err << "  provenance.json\n";
        }
        return 0;
    }

private:
    DataOptions m_data;
    layers::LoadOptions m_load;
    std::string m_dir, m_radius, m_radius_by_type, m_as_of, m_tolerance, m_from, m_to, m_types;
    bool m_overwrite = false;
    bool m_no_maps = false;
    analysis::AffectedOptions m_affected;
    analysis::IncidentFilter m_filter;
    ReportSettings m_settings;
};

}  // namespace

std::unique_ptr<Command> make_report_command() {
    return std::make_unique<ReportCommand>();
}

}  // namespace fergana::tools
