// fergana enclaves: enclaves, counter-enclaves and exclaves detected from the countries
// layer alone, with their area, distance to the mainland and what lies inside.
#include "analysis/enclaves.hpp"
#include "layers/load.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"
#include "tools/output_options.hpp"
#include "tools/result_tables.hpp"
#include "tools/units.hpp"

#include <cctype>
#include <charconv>
#include <ostream>

namespace fergana::tools {

namespace {

using layers::FieldKind;
using layers::Value;

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const std::string& s : list) out += (out.empty() ? "" : ";") + s;
    return out;
}

class EnclavesCommand final : public Command {
public:
    std::string_view name() const override { return "enclaves"; }
    std::string_view summary() const override {
        return "enclaves, counter-enclaves and exclaves found in the countries layer";
    }
    std::string_view usage() const override {
        return "[--as-of DATE] [--country ISO3,...] [--no-exclaves] [-o FILE] [DATA OPTIONS]";
    }
    std::string_view description() const override {
        return "Finds the enclaves from the countries layer alone (no enclaves layer needed):\n"
               "polygon parts of one country that lie entirely inside the filled outline of a "
               "single\n"
               "other country and touch no other. An enclave inside an enclave is a "
               "counter-enclave\n"
               "(nesting depth 2, its parent named). Parts that touch several countries, or the "
               "sea\n"
               "(the edge of the data), are exclaves; parts touching no country are not reported.\n"
               "For each: owner, host, geodesic area and perimeter, the distance to the owner's\n"
               "mainland with the nearest points, the settlements inside with their population,\n"
               "water facilities inside or within --water-radius, and the name of the matching\n"
               "feature of the enclaves layer. One polygon per enclave with -o.";
    }

    void declare(OptionSet& options) override {
        m_output.declare(options, "one polygon per enclave or exclave");
        options.value({"--as-of"}, "DATE",
                      "countries and enclave records in force on DATE (YYYY-MM-DD)", &m_as_of,
                      "today");
        options.value({"--country"}, "ISO3,...", "only parts owned by or hosted in these countries",
                      &m_countries);
        options.value({"--water-radius"}, "DIST", "list water facilities within DIST of an enclave",
                      &m_water_radius, "1km");
        options.value({"--touch"}, "DIST", "countries nearer than DIST touch a part", &m_touch,
                      "10m");
        options.value({"--min-area"}, "M2", "ignore parts smaller than M2 square metres",
                      &m_min_area, "0");
        options.flag({"--no-exclaves"}, "report enclaves and counter-enclaves only",
                     &m_no_exclaves);
        m_data.declare(options);
    }

    void validate(const OptionSet&) override {
        m_output.validate();
        m_load = m_data.load_options();
        if (!m_as_of.empty())
            m_options.as_of = parse_date_option(m_as_of, "--as-of");
        if (!m_water_radius.empty())
            m_options.water_radius_m = parse_distance_m(m_water_radius, "--water-radius", true);
        if (!m_touch.empty())
            m_options.touch_tolerance_m = parse_distance_m(m_touch, "--touch", true);
        if (!m_min_area.empty()) {
            double v = 0.0;
            const auto r =
                std::from_chars(m_min_area.data(), m_min_area.data() + m_min_area.size(), v);
            if (r.ec != std::errc() || r.ptr != m_min_area.data() + m_min_area.size() ||
                !(v >= 0.0)) {
                throw UsageError("--min-area '" + m_min_area + "' is not a number of square metres",
                                 "e.g. --min-area 10000 (one hectare)");
            }
            m_options.min_area_m2 = v;
        }
        for (std::string c : split_list(m_countries, false)) {
            for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            m_options.countries.push_back(c);
        }
        m_options.exclaves = !m_no_exclaves;
    }

    int run(RunContext& context) override {
        Provenance provenance("enclaves", context.argv);
        m_output.check(m_data.input_paths());
        m_load.wanted = {layers::Role::Countries, layers::Role::Enclaves, layers::Role::Settlements,
                         layers::Role::Water};
        const layers::Dataset data = layers::load_dataset(m_load, context.progress);
        if (!data.countries.present()) {
            throw LayerError("no countries layer", Location{m_load.data, {}, {}, {}},
                             "give --countries SRC (and --field countries.iso3=... as needed)");
        }
        provenance.add_inputs(data);
        analysis::EnclaveInput input;
        input.countries = data.countries.features;
        input.enclaves = data.enclaves.features;
        input.settlements = data.settlements.features;
        input.water = data.water.features;
        const analysis::EnclaveResult result =
            analysis::detect_enclaves(input, m_options, context.progress);

        provenance.set("as_of", result.as_of.to_string());
        provenance.set("water_radius_m", m_options.water_radius_m);
        provenance.set("touch_tolerance_m", m_options.touch_tolerance_m);
        provenance.set("outside_share", m_options.outside_share);
        provenance.set("min_area_m2", m_options.min_area_m2);
        provenance.set("countries", m_countries.empty() ? "all" : m_countries);
        provenance.set("exclaves", m_options.exclaves ? "reported" : "not reported");

        if (m_output.wanted()) {
            m_output.write(enclave_table(input, result), provenance);
        }
        if (!m_output.wanted() || !layers::is_standard_output(m_output.path()))
            print(context.out, input, result);
        if (!context.quiet) {
            for (const std::string& n : result.notes) context.err << "enclaves: " << n << "\n";
            if (result.islands > 0) {
                context.err << "enclaves: " << result.islands
                            << " part(s) touching no other country (islands, or the edge of the "
                               "data) not reported\n";
            }
        }
        return 0;
    }

private:
    DataOptions m_data;
    OutputOptions m_output;
    layers::LoadOptions m_load;
    std::string m_as_of, m_countries, m_water_radius, m_touch, m_min_area;
    bool m_no_exclaves = false;
    analysis::EnclaveOptions m_options;

    static void print(std::ostream& out, const analysis::EnclaveInput& in,
                      const analysis::EnclaveResult& result) {
        out << "Enclaves in the countries in force on " << result.as_of.to_string() << ":\n";
        if (result.enclaves.empty()) {
            out << "  none\n";
            return;
        }
        Table t({"id", "name", "kind", "owner", "host", "depth", "parent", "area_km2",
                 "mainland_km", "settlements", "population", "water"});
        for (const analysis::DetectedEnclave& e : result.enclaves) {
            std::string name = e.name;
            if (!name.empty() && !e.record_in_force)
                name += " (record ended)";
            t.add({e.id, name.empty() ? "-" : name, std::string(analysis::to_string(e.kind)),
                   e.owner,
                   e.host.empty() ? joined(e.neighbours) + (e.touches_sea ? ";sea" : "") : e.host,
                   std::to_string(e.depth), e.parent.empty() ? "-" : e.parent,
                   format_number(e.area_m2 / 1e6, 3),
                   e.mainland_distance_m ? format_number(*e.mainland_distance_m / 1000.0, 3) : "-",
                   std::to_string(e.settlements.size()), std::to_string(e.population),
                   std::to_string(e.water.size())});
        }
        t.print(out);
        (void)in;
    }
};

}  // namespace

std::unique_ptr<Command> make_enclaves_command() {
    return std::make_unique<EnclavesCommand>();
}

}  // namespace fergana::tools
