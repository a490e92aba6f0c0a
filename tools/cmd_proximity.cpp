// fergana proximity: per incident, the distance to the border in force on its date,
// to a disputed stretch, to water, to an enclave and to a settlement, and its side.
#include "analysis/proximity.hpp"
#include "analysis/selection.hpp"
#include "layers/load.hpp"
#include "layers/source_info.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"
#include "tools/output_options.hpp"
#include "tools/result_tables.hpp"
#include "tools/units.hpp"

#include <algorithm>
#include <iterator>
#include <ostream>
#include <thread>

namespace fergana::tools {

namespace {

class ProximityCommand final : public Command {
public:
    std::string_view name() const override { return "proximity"; }
    std::string_view summary() const override {
        return "per incident: distance to the border, disputed stretches, water, enclaves, settlements";
    }
    std::string_view usage() const override {
        return "[-o FILE] [--measure WHAT,...] [--from DATE] [--to DATE] [--type T,...] [DATA OPTIONS]";
    }
    std::string_view description() const override {
        return "For each incident (one output point each): the side (country it lies in; the\n"
               "owner and name of an enclave it lies in), the geodesic distance to the border in\n"
               "force on its date and the nearest border point, the distance to the nearest\n"
               "disputed stretch, water facility, enclave (0 inside) and settlement. With\n"
               "precision_m, also the least and greatest possible border distance and whether\n"
               "the uncertainty circle crosses the line. Distances are on the WGS84 ellipsoid,\n"
               "in metres, exact to the centimetre.\n"
               "--measure chooses what to measure (side, border, disputed, water, enclave,\n"
               "settlement; default all): the output keeps id, date, type and the columns of what\n"
               "is measured, and only the layers those need are read. For a million incidents,\n"
               "--measure border -o FILE.csv is the fast path for border distances.";
    }

    void declare(OptionSet& options) override {
        m_output.declare(options, "one point per incident");
        options.value({"--from"}, "DATE", "only incidents on or after DATE (YYYY-MM-DD)", &m_from);
        options.value({"--to"}, "DATE", "only incidents on or before DATE", &m_to);
        options.value({"--type"}, "T,...", "only incidents of these types", &m_types);
        options.value({"--measure"}, "WHAT,...",
                      "what to measure: side, border, disputed, water, enclave, settlement, or all", &m_measure, "all");
        options.value({"--as-of"}, "DATE", "date for undated incidents (and all, with --fixed-date)", &m_as_of,
                      "today");
        options.flag({"--fixed-date"}, "measure every incident against the borders in force on --as-of", &m_fixed_date);
        options.value({"--threads"}, "N", "worker threads", &m_threads, "all cores");
        m_data.declare(options);
    }

    void validate(const OptionSet&) override {
        m_output.validate();
        m_load = m_data.load_options();
        check_date_order(m_from, m_to);
        if (!m_from.empty()) m_filter.from = parse_date_option(m_from, "--from");
        if (!m_to.empty()) m_filter.to = parse_date_option(m_to, "--to");
        m_filter.types = split_list(m_types, true);
        // The source may drop what the filter will drop (PostGIS: on the server); distances
        // still reach borders and settlements outside --bbox.
        m_load.bbox_roles = {layers::Role::Incidents};
        m_load.incidents_from = m_filter.from;
        m_load.incidents_to = m_filter.to;
        m_load.incident_types = m_filter.types;
        if (m_output.wanted() && m_output.selects()) {
            // What the selected fields do not need of the incidents is not read (as ogr2ogr
            // -select): of a million incidents, their types alone are a tenth of the reading.
            m_load.incident_fields_unused = incident_fields_unused_by_proximity(m_output.wanted_fields());
            m_load.incident_attributes_unused = true;
        }
        if (!m_as_of.empty()) m_options.as_of = parse_date_option(m_as_of, "--as-of");
        m_options.follow_incident_dates = !m_fixed_date;
        m_options.threads = parse_threads(m_threads);
        m_load.threads = m_options.threads;
        if (!m_measure.empty()) {
            m_options.measure = parse_measures(m_measure);
            if (!m_options.measure.all()) m_load.wanted = roles_for(m_options.measure);
        }
    }

    int run(RunContext& context) override {
        Provenance provenance("proximity", context.argv);
        m_output.check(m_data.input_paths());
        provenance.hash_in_background(m_data.input_paths());
        const layers::Dataset data = layers::load_dataset(m_load, context.progress);
        data.require(layers::Role::Incidents);
        for (const layers::DisputedFeature& d : data.disputed.features) m_options.disputed.push_back(d.geometry);
        provenance.add_inputs(data);
        provenance.phase("read");
        const std::vector<std::size_t> selected = analysis::select(data.incidents.features, m_filter, m_options.threads);
        const analysis::ProximityResult result = analysis::proximity(data, selected, m_options, context.progress);
        provenance.phase("compute");

        provenance.set("as_of", (m_options.as_of ? *m_options.as_of : layers::Date::today()).to_string());
        provenance.set("borders_in_force", m_fixed_date ? "on --as-of" : "on each incident's date");
        provenance.set("from", m_from);
        provenance.set("to", m_to);
        provenance.set("types", m_types);
        provenance.set("bbox", m_data.bbox());
        provenance.set("disputed", result.disputed_source);
        provenance.set("distance_accuracy_m", 0.01);

        if (!m_measure.empty()) provenance.set("measure", m_measure);
        if (m_output.wanted()) {
            m_output.write(proximity_table(data, result, m_options.measure, m_output.wanted_fields()), provenance);
        } else {
            print(context.out, data, result);
        }
        if (!context.quiet) {
            context.err << "proximity: " << result.rows.size() << " of " << data.incidents.features.size()
                        << " incidents measured\n";
        }
        return 0;
    }

private:
    DataOptions m_data;
    OutputOptions m_output;
    layers::LoadOptions m_load;
    std::string m_from, m_to, m_types, m_as_of, m_threads, m_measure;
    bool m_fixed_date = false;
    analysis::IncidentFilter m_filter;
    analysis::ProximityOptions m_options;

    static analysis::ProximityMeasures parse_measures(const std::string& text) {
        using M = analysis::ProximityMeasures;
        static constexpr std::pair<std::string_view, bool M::*> quantities[] = {
            {"side", &M::side},         {"border", &M::border},   {"disputed", &M::disputed},
            {"water", &M::water},       {"enclave", &M::enclave}, {"settlement", &M::settlement}};
        M m{false, false, false, false, false, false};
        const std::vector<std::string> items = split_list(text, true);
        if (items.empty()) throw UsageError("--measure is empty", "e.g. --measure border,settlement, or all");
        for (const std::string& item : items) {
            if (item == "all") {
                m = {};
                continue;
            }
            const auto* q = std::find_if(std::begin(quantities), std::end(quantities),
                                         [&](const auto& entry) { return entry.first == item; });
            if (q == std::end(quantities)) {
                throw UsageError("--measure: unknown quantity '" + item + "'",
                                 "choose from side, border, disputed, water, enclave, settlement, all");
            }
            m.*(q->second) = true;
        }
        return m;
    }

    // The layers the chosen quantities read (the incidents always).
    static std::vector<layers::Role> roles_for(const analysis::ProximityMeasures& m) {
        using layers::Role;
        std::vector<Role> roles = {Role::Incidents};
        if (m.side) roles.push_back(Role::Countries);
        if (m.border || m.disputed) roles.push_back(Role::Borders);
        if (m.side || m.enclave) roles.push_back(Role::Enclaves);
        if (m.water) roles.push_back(Role::Water);
        if (m.settlement) roles.push_back(Role::Settlements);
        if (m.disputed) roles.push_back(Role::Disputed);
        return roles;
    }

    static std::string metres(const std::optional<analysis::Nearest>& n) {
        return n ? format_number(n->distance_m, 0) : "-";
    }

    static void print(std::ostream& out, const layers::Dataset& data, const analysis::ProximityResult& result) {
        Table table({"id", "date", "type", "side", "border", "border_m", "disputed_m", "water", "water_m", "enclave",
                     "enclave_m", "settlement", "settlement_m"});
        for (std::size_t k = 0; k < result.rows.size(); ++k) {
            const analysis::ProximityRow& row = result.rows[k];
            const analysis::ProximityMore& more = result.more_of(k);
            const layers::Incident& i = data.incidents.features[row.incident];
            std::string side(more.side_iso3);
            if (!more.side_enclave.empty()) side += " (" + std::string(more.side_enclave) + ")";
            const std::string_view pair = row.border_pair(data);
            table.add({i.id, i.date ? i.date->to_string() : "-", i.type.empty() ? "-" : i.type,
                       side.empty() ? "-" : side, pair.empty() ? "-" : std::string(pair),
                       metres(row.border), more.disputed_distance_m ? format_number(*more.disputed_distance_m, 0) : "-",
                       more.water ? data.water.features[more.water->index].name : "-", metres(more.water),
                       more.enclave ? data.enclaves.features[more.enclave->index].name : "-", metres(more.enclave),
                       more.settlement ? data.settlements.features[more.settlement->index].name : "-",
                       metres(more.settlement)});
        }
        table.print(out);
    }
};

}  // namespace

std::unique_ptr<Command> make_proximity_command() {
    return std::make_unique<ProximityCommand>();
}

}  // namespace fergana::tools
