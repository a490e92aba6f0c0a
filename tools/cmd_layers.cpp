// fergana layers: what a GDAL vector source holds, and, for the layer roles,
// what the loader makes of it: counts, CRS, extent and every validation finding.
#include "layers/bundled.hpp"
#include "layers/load.hpp"
#include "layers/source_info.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace fergana::tools {

namespace {

using nlohmann::ordered_json;

std::string extent_text(const geo::Box& box) {
    if (box.empty()) return "-";
    return format_number(box.min_lon, 6) + "," + format_number(box.min_lat, 6) + "," +
           format_number(box.max_lon, 6) + "," + format_number(box.max_lat, 6);
}

ordered_json extent_json(const geo::Box& box) {
    if (box.empty()) return nullptr;
    return ordered_json::array({box.min_lon, box.min_lat, box.max_lon, box.max_lat});
}

class LayersCommand final : public Command {
public:
    std::string_view name() const override { return "layers"; }
    std::string_view summary() const override {
        return "list the layers of a source and validate the layer roles";
    }
    std::string_view usage() const override { return "[--data SRC] [--ROLE SRC ...] [--json]"; }
    std::string_view description() const override {
        return "List every layer of a GDAL vector source (GeoPackage, GeoJSON, Shapefile,\n"
               "FlatGeobuf, KML, CSV, PG:...): name, geometry type, feature count, CRS and\n"
               "extent (in the layer's CRS). Then load the layer roles (countries, borders,\n"
               "claims, enclaves, water, settlements, incidents) as every command does and show,\n"
               "per role, the source, layer, count, CRS and WGS84 extent, and every validation\n"
               "finding (repairs, warnings, errors). Exits 1 when a finding is an error.";
    }

    void declare(OptionSet& options) override {
        m_data_options.declare(options);
        options.flag({"--json"}, "print JSON instead of tables", &m_json);
    }

    void validate(const OptionSet&) override { m_load = m_data_options.load_options(); }

    int run(RunContext& context) override {
        const std::string source = m_load.data.empty() ? layers::default_data_source() : m_load.data;
        const layers::SourceInfo info = layers::describe_source(source);
        m_load.keep_going = true;
        const layers::Dataset data = layers::load_dataset(m_load, context.progress);
        const std::size_t errors = data.findings.count(layers::Severity::Error);
        const bool failed = errors > 0 || (m_load.strict && !data.findings.list().empty());
        if (m_json) {
            print_json(context.out, info, data);
        } else {
            print_tables(context.out, info, data);
        }
        return failed ? 1 : 0;
    }

private:
    DataOptions m_data_options;
    layers::LoadOptions m_load;
    bool m_json = false;

    static void print_tables(std::ostream& out, const layers::SourceInfo& info, const layers::Dataset& data) {
        out << "source: " << info.source << " (" << info.driver << ")\n";
        Table table({"layer", "geometry", "features", "crs", "extent"});
        for (const auto& layer : info.layers) {
            table.add({layer.name, layer.geometry_type, std::to_string(layer.feature_count),
                       layer.crs.empty() ? "(none)" : layer.crs, extent_text(layer.extent)});
        }
        table.print(out);

        Table roles({"role", "source", "layer", "features", "skipped", "crs", "extent (WGS84)"});
        bool any = false;
        for (layers::Role role : layers::all_roles) {
            const layers::LayerOrigin& o = data.origin(role);
            if (!o.present) continue;
            any = true;
            roles.add({std::string(layers::to_string(role)), o.source, o.layer, std::to_string(data.size(role)),
                       std::to_string(o.skipped), o.crs, extent_text(o.extent)});
        }
        if (!any) {
            out << "\nno layer roles found (layers named countries, borders, claims, enclaves, water,\n"
                   "settlements or incidents; or give --ROLE SRC)\n";
            return;
        }
        out << "\n";
        roles.print(out);
        const auto& findings = data.findings.list();
        out << "\nfindings: " << data.findings.count(layers::Severity::Error) << " error(s), "
            << data.findings.count(layers::Severity::Warning) << " warning(s), "
            << data.findings.count(layers::Severity::Repair) << " repair(s)\n";
        for (const layers::Finding& f : findings) {
            out << "  " << f.describe() << "\n";
            if (!f.hint.empty()) out << "    hint: " << f.hint << "\n";
        }
    }

    static void print_json(std::ostream& out, const layers::SourceInfo& info, const layers::Dataset& data) {
        ordered_json j;
        j["source"] = info.source;
        j["driver"] = info.driver;
        j["layers"] = ordered_json::array();
        for (const auto& layer : info.layers) {
            ordered_json l;
            l["name"] = layer.name;
            l["geometry_type"] = layer.geometry_type;
            l["feature_count"] = layer.feature_count;
            l["crs"] = layer.crs.empty() ? ordered_json(nullptr) : ordered_json(layer.crs);
            l["extent"] = extent_json(layer.extent);
            l["fields"] = ordered_json::array();
            for (const auto& field : layer.fields) {
                l["fields"].push_back({{"name", field.name}, {"type", field.type}});
            }
            j["layers"].push_back(std::move(l));
        }
        j["roles"] = ordered_json::array();
        for (layers::Role role : layers::all_roles) {
            const layers::LayerOrigin& o = data.origin(role);
            if (!o.present) continue;
            j["roles"].push_back({{"role", layers::to_string(role)},
                                  {"source", o.source},
                                  {"layer", o.layer},
                                  {"driver", o.driver},
                                  {"features", data.size(role)},
                                  {"read", o.read},
                                  {"skipped", o.skipped},
                                  {"crs", o.crs},
                                  {"extent", extent_json(o.extent)}});
        }
        j["findings"] = ordered_json::array();
        for (const layers::Finding& f : data.findings.list()) {
            j["findings"].push_back({{"severity", layers::to_string(f.severity)},
                                     {"code", f.code},
                                     {"file", f.where.file},
                                     {"layer", f.where.layer},
                                     {"feature", f.where.feature},
                                     {"field", f.where.field},
                                     {"message", f.message},
                                     {"hint", f.hint}});
        }
        out << j.dump(2) << "\n";
    }
};

}  // namespace

std::unique_ptr<Command> make_layers_command() {
    return std::make_unique<LayersCommand>();
}

}  // namespace fergana::tools
