// fergana affected: the settlements within reach of the incidents, with population.
#include "analysis/affected.hpp"
#include "analysis/selection.hpp"
#include "layers/load.hpp"
#include "layers/source_info.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"
#include "tools/output_options.hpp"
#include "tools/result_tables.hpp"
#include "tools/units.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace fergana::tools {

namespace {

class AffectedCommand final : public Command {
public:
    std::string_view name() const override { return "affected"; }
    std::string_view summary() const override { return "settlements within reach of incidents, and their population"; }
    std::string_view usage() const override {
        return "[--radius 5km | --radius-by-type T=D,...] [-o FILE] [--summary FILE] [--per-incident FILE] [DATA OPTIONS]";
    }
    std::string_view description() const override {
        return "Every settlement within the radius (geodesic, WGS84, inclusive) of at least one\n"
               "incident: its population, how many incidents reached it, the nearest one and its\n"
               "distance, the first and last dates. A summary by country (settlements and\n"
               "population in reach) is printed, and written as JSON with --summary.";
    }

    void declare(OptionSet& options) override {
        m_output.declare(options, "one point per settlement in reach");
        options.value({"--radius"}, "DIST", "reach of an incident (m or km)", &m_radius, "5km");
        options.value({"--radius-by-type"}, "T=D,...", "reach by incident type, e.g. shelling=20km,armed_clash=5km "
                      "(other types: --radius)", &m_radius_by_type);
        options.value({"--summary"}, "FILE", "write the summary as JSON", &m_summary);
        options.value({"--per-incident"}, "FILE", "write one point per incident with the settlements and population in its reach",
                      &m_per_incident);
        options.value({"--from"}, "DATE", "only incidents on or after DATE (YYYY-MM-DD)", &m_from);
        options.value({"--to"}, "DATE", "only incidents on or before DATE", &m_to);
        options.value({"--type"}, "T,...", "only incidents of these types", &m_types);
        options.value({"--threads"}, "N", "worker threads", &m_threads, "all cores");
        m_data.declare(options);
    }

    void validate(const OptionSet&) override {
        m_output.validate();
        m_load = m_data.load_options();
        // Only what the analysis reads: loading the countries (overlap resolution) and the
        // other layers took longer than the search itself.
        m_load.wanted = {layers::Role::Incidents, layers::Role::Settlements};
        if (!m_radius.empty()) m_options.radius_m = parse_distance_m(m_radius, "--radius");
        if (!m_radius_by_type.empty()) m_options.radius_by_type = parse_radius_by_type(m_radius_by_type, "--radius-by-type");
        check_date_order(m_from, m_to);
        if (!m_from.empty()) m_filter.from = parse_date_option(m_from, "--from");
        if (!m_to.empty()) m_filter.to = parse_date_option(m_to, "--to");
        m_filter.types = split_list(m_types, true);
        // The source may drop what the filter will drop (PostGIS: on the server); settlements
        // outside --bbox are still in reach of the incidents inside it.
        m_load.bbox_roles = {layers::Role::Incidents};
        m_load.incidents_from = m_filter.from;
        m_load.incidents_to = m_filter.to;
        m_load.incident_types = m_filter.types;
        m_options.threads = parse_threads(m_threads);
        m_load.threads = m_options.threads;
        if (m_output.wanted() && m_output.selects() && m_per_incident.empty()) {
            // What the selected fields do not need of the incidents is not read (as proximity
            // does). The per-incident file writes their dates and types; the summary needs neither.
            m_load.incident_fields_unused =
                incident_fields_unused_by_affected(m_output.wanted_fields(), !m_options.radius_by_type.empty());
            m_load.incident_attributes_unused = true;
        }
        m_options.per_incident = !m_per_incident.empty();
        if (!m_per_incident.empty()) (void)layers::format_for(m_per_incident);
        for (const auto& [option, value] : {std::pair{"--per-incident", &m_per_incident}, std::pair{"--summary", &m_summary}}) {
            if (layers::is_postgis(*value)) {
                throw UsageError(std::string(option) + " writes a file, not a PostGIS table",
                                 "write the settlements with -o PG:... --table NAME, and this to a file");
            }
        }
    }

    int run(RunContext& context) override {
        Provenance provenance("affected", context.argv);
        const std::vector<std::string> inputs = m_data.input_paths();
        m_output.check(inputs);
        if (!m_summary.empty()) layers::check_output_path(m_summary, inputs, m_output.overwrite());
        if (!m_per_incident.empty()) check_output_file(m_per_incident, inputs, m_output.overwrite());
        provenance.hash_in_background(inputs);
        const layers::Dataset data = layers::load_dataset(m_load, context.progress);
        data.require(layers::Role::Incidents);
        data.require(layers::Role::Settlements);
        provenance.add_inputs(data);
        provenance.phase("read");
        provenance.set("radius_m", m_options.radius_m);
        for (const auto& [type, r] : m_options.radius_by_type) provenance.set("radius_m." + type, r);
        provenance.set("from", m_from);
        provenance.set("to", m_to);
        provenance.set("types", m_types);
        provenance.set("bbox", m_data.bbox());
        const std::vector<std::size_t> selected = analysis::select(data.incidents.features, m_filter, m_options.threads);
        const analysis::AffectedResult result = analysis::affected(data, selected, m_options, context.progress);
        provenance.phase("compute");

        if (m_output.wanted()) {
            m_output.write(affected_table(data, result, m_output.wanted_fields()), provenance);
        }
        if (!m_per_incident.empty()) {
            provenance.add_output(m_per_incident);
            write_output_file(affected_per_incident_table(data, result), m_per_incident, m_output.write_options(),
                              provenance);
        }
        if (!m_summary.empty()) {
            layers::write_text_file(m_summary, summary_json(result, selected.size()), m_output.overwrite());
        }
        if (!(m_output.wanted() && layers::is_standard_output(m_output.path()))) print_summary(context.out, data, result, selected.size());
        return 0;
    }

private:
    DataOptions m_data;
    OutputOptions m_output;
    layers::LoadOptions m_load;
    std::string m_radius, m_radius_by_type, m_summary, m_per_incident, m_from, m_to, m_types, m_threads;
    analysis::IncidentFilter m_filter;
    analysis::AffectedOptions m_options;

    std::string summary_json(const analysis::AffectedResult& r, std::size_t incidents) const {
        nlohmann::ordered_json j;
        j["incidents"] = incidents;
        j["radius_m"] = m_options.radius_m;
        nlohmann::ordered_json by_type = nlohmann::ordered_json::object();
        for (const auto& [type, radius] : m_options.radius_by_type) by_type[type] = radius;
        j["radius_by_type_m"] = by_type;
        auto totals = [](const analysis::CountryTotals& t) {
            return nlohmann::ordered_json{{"settlements", t.settlements},
                                          {"population", t.population},
                                          {"settlements_without_population", t.settlements_without_population}};
        };
        j["total"] = totals(r.total);
        j["by_country"] = nlohmann::ordered_json::object();
        for (const auto& [country, t] : r.by_country) j["by_country"][country.empty() ? "unknown" : country] = totals(t);
        return j.dump(2) + "\n";
    }

    static void print_summary(std::ostream& out, const layers::Dataset& data, const analysis::AffectedResult& r,
                              std::size_t incidents) {
        (void)data;
        out << "settlements in reach of " << incidents << " incident(s):\n";
        Table table({"country", "settlements", "population", "without population"});
        for (const auto& [country, t] : r.by_country) {
            table.add({country.empty() ? "unknown" : country, std::to_string(t.settlements),
                       std::to_string(t.population), std::to_string(t.settlements_without_population)});
        }
        table.add({"total", std::to_string(r.total.settlements), std::to_string(r.total.population),
                   std::to_string(r.total.settlements_without_population)});
        table.print(out);
    }
};

}  // namespace

std::unique_ptr<Command> make_affected_command() {
    return std::make_unique<AffectedCommand>();
}

}  // namespace fergana::tools
