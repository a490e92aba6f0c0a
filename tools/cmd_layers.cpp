// fergana layers: what a GDAL vector source holds.
#include "layers/bundled.hpp"
#include "layers/source_info.hpp"
#include "tools/command.hpp"
#include "tools/format.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace fergana::tools {

namespace {

class LayersCommand final : public Command {
public:
    std::string_view name() const override { return "layers"; }
    std::string_view summary() const override { return "list the layers of a GDAL vector source"; }
    std::string_view usage() const override { return "[--data SRC] [--json]"; }
    std::string_view description() const override {
        return "List every layer of a GDAL vector source (GeoPackage, GeoJSON, Shapefile,\n"
               "FlatGeobuf, KML, CSV, PG:...): name, geometry type, feature count, CRS and\n"
               "extent (in the layer's CRS).";
    }

    void declare(OptionSet& options) override {
        options.value({"--data"}, "SRC", "GDAL vector source to describe", &m_data,
                      "the bundled data/fergana.gpkg");
        options.flag({"--json"}, "print JSON instead of a table", &m_json);
    }

    int run(RunContext& context) override {
        const std::string source = m_data.empty() ? layers::default_data_source() : m_data;
        const layers::SourceInfo info = layers::describe_source(source);
        if (m_json) {
            print_json(context.out, info);
        } else {
            print_table(context.out, info);
        }
        return 0;
    }

private:
    std::string m_data;
    bool m_json = false;

    static std::string extent_text(const geo::Box& box) {
        if (box.empty()) return "-";
        return format_number(box.min_lon, 6) + "," + format_number(box.min_lat, 6) + "," +
               format_number(box.max_lon, 6) + "," + format_number(box.max_lat, 6);
    }

    static void print_table(std::ostream& out, const layers::SourceInfo& info) {
        out << "source: " << info.source << " (" << info.driver << ")\n";
        Table table({"layer", "geometry", "features", "crs", "extent"});
        for (const auto& layer : info.layers) {
            table.add({layer.name, layer.geometry_type, std::to_string(layer.feature_count),
                       layer.crs.empty() ? "(none)" : layer.crs, extent_text(layer.extent)});
        }
        table.print(out);
    }

    static void print_json(std::ostream& out, const layers::SourceInfo& info) {
        nlohmann::ordered_json j;
        j["source"] = info.source;
        j["driver"] = info.driver;
        j["layers"] = nlohmann::ordered_json::array();
        for (const auto& layer : info.layers) {
            nlohmann::ordered_json l;
            l["name"] = layer.name;
            l["geometry_type"] = layer.geometry_type;
            l["feature_count"] = layer.feature_count;
            l["crs"] = layer.crs.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(layer.crs);
            if (layer.extent.empty()) {
                l["extent"] = nullptr;
            } else {
                l["extent"] = {layer.extent.min_lon, layer.extent.min_lat, layer.extent.max_lon,
                               layer.extent.max_lat};
            }
            l["fields"] = nlohmann::ordered_json::array();
            for (const auto& field : layer.fields) {
                l["fields"].push_back({{"name", field.name}, {"type", field.type}});
            }
            j["layers"].push_back(std::move(l));
        }
        out << j.dump(2) << "\n";
    }
};

}  // namespace

std::unique_ptr<Command> make_layers_command() {
    return std::make_unique<LayersCommand>();
}

}  // namespace fergana::tools
