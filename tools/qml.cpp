#include "tools/qml.hpp"

#include <filesystem>

namespace fergana::tools {

namespace {

bool has_field(const layers::OutputTable& t, const std::string& name) {
    for (const auto& f : t.fields()) {
        if (f.name == name) return true;
    }
    return false;
}

/// One data-defined property: an expression on a feature attribute with a default.
std::string property(const std::string& key, const std::string& expression) {
    return "                <Option name=\"" + key + "\" type=\"Map\">\n"
           "                  <Option name=\"active\" value=\"true\" type=\"bool\"/>\n"
           "                  <Option name=\"expression\" value=\"" + expression + "\" type=\"QString\"/>\n"
           "                  <Option name=\"type\" value=\"3\" type=\"int\"/>\n"
           "                </Option>\n";
}

std::string data_defined(const std::string& properties) {
    return "          <data_defined_properties>\n"
           "            <Option type=\"Map\">\n"
           "              <Option name=\"name\" value=\"\" type=\"QString\"/>\n"
           "              <Option name=\"properties\" type=\"Map\">\n" +
           properties +
           "              </Option>\n"
           "              <Option name=\"type\" value=\"collection\" type=\"QString\"/>\n"
           "            </Option>\n"
           "          </data_defined_properties>\n";
}

std::string option(const std::string& name, const std::string& value) {
    return "            <Option name=\"" + name + "\" value=\"" + value + "\" type=\"QString\"/>\n";
}

// Attribute names with a hyphen are quoted as QGIS expressions want: "marker-color".
const std::string q = "&quot;";

}  // namespace

std::string qml_path(const std::string& geojson_path) {
    return std::filesystem::path(geojson_path).replace_extension(".qml").string();
}

std::string qml_for(const layers::OutputTable& table) {
    bool points = false, lines = false, polygons = false;
    for (const auto& f : table.features()) {
        points |= f.geometry.has_points();
        lines |= f.geometry.has_lines();
        polygons |= f.geometry.has_polygons();
    }
    std::string symbol;
    if (polygons || (!points && !lines)) {
        std::string props;
        if (has_field(table, "fill")) {
            props += property("fillColor", "set_color_part(coalesce(" + q + "fill" + q + ", '#fdae61'), 'alpha', " +
                                               (has_field(table, "fill-opacity")
                                                    ? "255 * coalesce(" + q + "fill-opacity" + q + ", 0.4)"
                                                    : std::string("102")) + ")");
        }
        if (has_field(table, "stroke")) props += property("outlineColor", "coalesce(" + q + "stroke" + q + ", '#555555')");
        if (has_field(table, "stroke-width")) {
            props += property("outlineWidth", "coalesce(" + q + "stroke-width" + q + ", 2) * 0.26");
        }
        symbol = "      <symbol type=\"fill\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                 "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
                 "          <Option type=\"Map\">\n" +
                 option("color", "253,174,97,102") + option("outline_color", "85,85,85,255") +
                 option("outline_width", "0.4") + option("outline_width_unit", "MM") + option("style", "solid") +
                 "          </Option>\n" + data_defined(props) +
                 "        </layer>\n"
                 "      </symbol>\n";
    } else if (lines) {
        std::string props;
        if (has_field(table, "stroke")) props += property("outlineColor", "coalesce(" + q + "stroke" + q + ", '#d7191c')");
        if (has_field(table, "stroke-width")) {
            props += property("outlineWidth", "coalesce(" + q + "stroke-width" + q + ", 2) * 0.26");
        }
        symbol = "      <symbol type=\"line\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                 "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
                 "          <Option type=\"Map\">\n" +
                 option("line_color", "215,25,28,255") + option("line_width", "0.6") +
                 option("line_width_unit", "MM") + option("line_style", "solid") + option("capstyle", "round") +
                 option("joinstyle", "round") + "          </Option>\n" + data_defined(props) +
                 "        </layer>\n"
                 "      </symbol>\n";
    } else {
        std::string props;
        if (has_field(table, "marker-color")) {
            props += property("fillColor", "coalesce(" + q + "marker-color" + q + ", '#999999')");
        }
        if (has_field(table, "marker-size")) {
            props += property("size", "CASE WHEN " + q + "marker-size" + q + " = 'large' THEN 4.5 WHEN " + q +
                                          "marker-size" + q + " = 'medium' THEN 3.2 ELSE 2.2 END");
        }
        symbol = "      <symbol type=\"marker\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                 "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
                 "          <Option type=\"Map\">\n" +
                 option("name", "circle") + option("color", "153,153,153,255") + option("size", "2.2") +
                 option("size_unit", "MM") + option("outline_color", "35,35,35,255") +
                 option("outline_width", "0.2") + option("outline_width_unit", "MM") +
                 "          </Option>\n" + data_defined(props) +
                 "        </layer>\n"
                 "      </symbol>\n";
    }
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
           "<!-- Written by fergana: data-defined from the simplestyle properties of " + table.name() + " -->\n"
           "<qgis version=\"3.28\" styleCategories=\"Symbology\">\n"
           "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
           "    <symbols>\n" +
           symbol +
           "    </symbols>\n"
           "  </renderer-v2>\n"
           "</qgis>\n";
}

}  // namespace fergana::tools
