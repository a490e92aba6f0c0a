// fergana map: incident maps. PNG, SVG and PDF drawn with Cairo from one drawing path;
// HTML as one self-contained Leaflet page. See docs/maps.md.
#include "layers/load.hpp"
#include "layers/output.hpp"
#include "render/html_map.hpp"
#include "render/map_renderer.hpp"
#include "render/style.hpp"
#include "tools/command.hpp"
#include "tools/data_options.hpp"
#include "tools/format.hpp"
#include "tools/place.hpp"
#include "tools/provenance.hpp"
#include "tools/units.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <ostream>

namespace fergana::tools {

namespace {

enum class MapFormat { Png, Svg, Pdf, Html };

std::optional<MapFormat> format_from_name(std::string name) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!name.empty() && name.front() == '.')
        name.erase(0, 1);
    if (name == "png")
        return MapFormat::Png;
    if (name == "svg")
        return MapFormat::Svg;
    if (name == "pdf")
        return MapFormat::Pdf;
    if (name == "html" || name == "htm")
        return MapFormat::Html;
    return std::nullopt;
}

int parse_int(const std::string& text, const char* option, int min, int max) {
    int v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < min || v > max) {
        throw UsageError(std::string(option) + " '" + text + "' must be a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max));
    }
    return v;
}

std::string box_text(const geo::Box& b) {
    return format_number(b.min_lon, 6) + "," + format_number(b.min_lat, 6) + "," +
           format_number(b.max_lon, 6) + "," + format_number(b.max_lat, 6);
}

class MapCommand final : public Command {
public:
    std::string_view name() const override { return "map"; }
    std::string_view summary() const override {
        return "draw an incident map (PNG, SVG, PDF or interactive HTML)";
    }
    std::string_view usage() const override {
        return "-o FILE.(png|svg|pdf|html) [--bbox W,S,E,N | --center LON,LAT|PLACE --radius 20km] "
               "[--from D] [--to D]\n"
               "       [--type T,...] [--as-of D] [--by year|month] [--style FILE] [DATA OPTIONS]";
    }
    std::string_view description() const override {
        return "Draw the countries, the borders in force on the as-of date by status (agreed "
               "solid,\n"
               "disputed and unknown dashed), claim lines, enclaves, water, settlements (dots by\n"
               "population, labels by importance) and incidents (symbol by type, size by "
               "fatalities;\n"
               "settlements within --reach of one ringed), with a legend of what is drawn, a\n"
               "geodesic scale bar, a north arrow, a graticule in degrees and the attribution.\n"
               "The projection is conformal and centred on the map: Lambert conformal conic for\n"
               "wide extents, transverse Mercator for tall ones. PNG, SVG and PDF are drawn with\n"
               "Cairo; .html writes one self-contained Leaflet page (no network needed) with\n"
               "popups, a layer switcher and a date filter. --by year|month draws one panel per\n"
               "period in one image. A `disputed` layer (--disputed SRC, e.g. the output of\n"
               "`fergana disputed`) is drawn hatched over the borders. A provenance sidecar "
               "(FILE.provenance.json) records inputs,\n"
               "options, the projection and where the map sits on the page.";
    }

    void declare(OptionSet& options) override {
        options.value({"-o", "--output"}, "FILE", "the map: .png, .svg, .pdf or .html", &m_output);
        options.value({"--format"}, "png|svg|pdf|html",
                      "the format, when FILE has no such extension (e.g. '-')", &m_format,
                      "from the extension");
        options.flag({"--overwrite"}, "replace an existing FILE", &m_overwrite);
        options.value(
            {"--bbox"}, "W,S,E,N", "the extent in degrees", &m_bbox,
            "the selected incidents within 50 km of a border and the enclaves, padded by 8 %");
        options.value({"--center"}, "LON,LAT|PLACE",
                      "centre the map on a point or a settlement or enclave name", &m_center);
        options.value({"--radius"}, "DIST", "with --center: half the extent (m or km)", &m_radius,
                      "20km");
        options.value({"--width"}, "PX", "image width in pixels", &m_width, "1800");
        options.value({"--height"}, "PX", "image height in pixels", &m_height,
                      "what the extent and legend need");
        options.value({"--dpi"}, "N",
                      "pixels per inch: sizes are in points, so this scales lines and text", &m_dpi,
                      "150");
        options.value({"--from"}, "DATE", "only incidents on or after DATE (YYYY-MM-DD)", &m_from);
        options.value({"--to"}, "DATE", "only incidents on or before DATE", &m_to);
        options.value({"--type"}, "T,...", "only incidents of these types", &m_types);
        options.value({"--as-of"}, "DATE", "draw the borders, claims and enclaves in force on DATE",
                      &m_as_of, "today; with --by, the last day of each period");
        options.value({"--title"}, "TEXT", "the map's title", &m_title,
                      "Border incidents, FIRST-LAST YEAR");
        options.value({"--style"}, "FILE",
                      "JSON overrides of colours and sizes (see --print-style)", &m_style);
        options.flag({"--print-style"}, "print every style key with its value as JSON, and exit",
                     &m_print_style);
        options.value({"--by"}, "year|month", "small multiples: one panel per year or month",
                      &m_by);
        options.value({"--colour-by", "--color-by"}, "type|date", "incident colour", &m_colour_by,
                      "type");
        options.value({"--reach"}, "DIST",
                      "ring settlements within DIST of a drawn incident; 0 for none", &m_reach,
                      "5km");
        m_data.declare(options);
    }

    void validate(const OptionSet& options) override {
        if (!m_style.empty()) {
            m_style_values = render::default_style();
            render::apply_style_file(m_style_values, m_style);
        }
        if (m_print_style)
            return;
        if (m_output.empty())
            throw UsageError("missing -o FILE", "e.g. fergana map -o map.png");
        if (!m_format.empty()) {
            const auto f = format_from_name(m_format);
            if (!f)
                throw UsageError("--format '" + m_format + "' is not png, svg, pdf or html");
            m_map_format = *f;
        } else {
            const auto f = format_from_name(std::filesystem::path(m_output).extension().string());
            if (!f) {
                throw UsageError("cannot tell the map format from '" + m_output + "'",
                                 "name the file .png, .svg, .pdf or .html, or give --format");
            }
            m_map_format = *f;
        }
        if (!m_bbox.empty() && !m_center.empty())
            throw UsageError("--bbox and --center cannot be used together");
        if (options.given("--radius") && m_center.empty())
            throw UsageError("--radius needs --center");
        m_radius_m = parse_distance_m(m_radius.empty() ? "20km" : m_radius, "--radius");
        if (!m_bbox.empty())
            m_options.extent = parse_bbox(m_bbox, "--bbox");
        if (!m_center.empty() && looks_like_coordinates(m_center)) {
            m_center_point = parse_lon_lat(m_center, "--center");
        }
        if (!m_width.empty())
            m_render.width_px = parse_int(m_width, "--width", 200, 20000);
        if (!m_height.empty())
            m_render.height_px = parse_int(m_height, "--height", 150, 20000);
        if (!m_dpi.empty())
            m_render.dpi = parse_int(m_dpi, "--dpi", 36, 1200);
        check_date_order(m_from, m_to);
        if (!m_from.empty())
            m_options.filter.from = parse_date_option(m_from, "--from");
        if (!m_to.empty())
            m_options.filter.to = parse_date_option(m_to, "--to");
        m_options.filter.types = split_list(m_types, true);
        if (!m_as_of.empty())
            m_options.as_of = parse_date_option(m_as_of, "--as-of");
        if (!m_title.empty())
            m_options.title = m_title;
        if (!m_by.empty()) {
            if (m_by == "year") {
                m_options.by = render::Period::Year;
            } else if (m_by == "month") {
                m_options.by = render::Period::Month;
            } else {
                throw UsageError("--by '" + m_by + "' is not year or month");
            }
            if (m_map_format == MapFormat::Html) {
                throw UsageError("--by draws small multiples in PNG, SVG or PDF",
                                 "the HTML map has a date filter instead");
            }
        }
        if (!m_colour_by.empty()) {
            if (m_colour_by == "type") {
                m_options.colour_by = render::ColourBy::Type;
            } else if (m_colour_by == "date") {
                m_options.colour_by = render::ColourBy::Date;
            } else {
                throw UsageError("--colour-by '" + m_colour_by + "' is not type or date");
            }
        }
        if (!m_reach.empty())
            m_options.reach_m = parse_distance_m(m_reach, "--reach", true);
        m_load = m_data.load_options();
    }

    int run(RunContext& context) override {
        if (m_print_style) {
            context.out << render::style_to_json(m_style.empty() ? render::default_style()
                                                                 : m_style_values);
            return 0;
        }
        const auto started = std::chrono::steady_clock::now();
        Provenance provenance("map", context.argv);
        const bool special = layers::is_special_file(m_output);
        if (!special)
            layers::check_output_path(m_output, m_data.input_paths(), m_overwrite);
        const render::Style style = m_style.empty() ? render::default_style() : m_style_values;

        const layers::Dataset data = layers::load_dataset(m_load, context.progress);
        provenance.add_inputs(data);
        // Disputed stretches and zones (the `disputed` role, e.g. what `fergana disputed`
        // wrote), drawn hatched over the borders.
        if (data.disputed.present() && !data.disputed.features.empty()) {
            std::vector<geo::Geometry> disputed;
            for (const layers::DisputedFeature& d : data.disputed.features)
                disputed.push_back(d.geometry);
            const std::string file =
                std::filesystem::path(data.disputed.origin.source).filename().string();
            m_options.add_disputed(disputed, "disputed: " + file);
        }
        if (!m_center.empty()) {
            geo::LonLat centre;
            if (m_center_point) {
                centre = *m_center_point;
            } else {
                const Place place = resolve_place(data, m_center);
                centre = place.point;
                provenance.set("center_place", place.label);
            }
            m_options.extent = render::box_around(centre, m_radius_m);
            provenance.set("center",
                           format_number(centre.lon, 6) + "," + format_number(centre.lat, 6));
            provenance.set("radius_m", m_radius_m);
        }

        std::string bytes;
        std::string summary;
        std::vector<std::string> notes;
        if (m_map_format == MapFormat::Html) {
            render::HtmlMap html = render::render_html(data, m_options, style);
            bytes = std::move(html.html);
            notes = html.notes;
            summary = std::to_string(html.markers) + " incident markers";
            provenance.set("map.title", html.title);
            provenance.set("map.projection", "EPSG:3857 (Leaflet, web Mercator)");
        } else {
            render::RenderOptions ro = m_render;
            ro.format = m_map_format == MapFormat::Png   ? render::ImageFormat::Png
                        : m_map_format == MapFormat::Svg ? render::ImageFormat::Svg
                                                         : render::ImageFormat::Pdf;
            const render::RenderedMap map = render::render_map(data, m_options, style, ro);
            bytes = map.bytes;
            notes = map.notes;
            summary = std::to_string(map.width_px) + "x" + std::to_string(map.height_px) + " px (" +
                      format_number(map.width_pt, 1) + "x" + format_number(map.height_pt, 1) +
                      " pt), " + std::to_string(map.incidents_drawn) + " incident symbols, " +
                      std::to_string(map.panels.size()) +
                      (map.panels.size() == 1 ? " panel" : " panels");
            provenance.set("map.title", map.title);
            provenance.set("map.projection", map.projection.proj);
            provenance.set("map.projection_description", map.projection.description());
            provenance.set("map.page_pt",
                           format_number(map.width_pt, 3) + "," + format_number(map.height_pt, 3));
            provenance.set("map.size_px",
                           std::to_string(map.width_px) + "," + std::to_string(map.height_px));
            provenance.set("map.dpi", ro.dpi);
            // Where each panel sits: frame (points, y down), the projected centre and the scale,
            // enough to find the pixel of any coordinate (tests do).
            for (std::size_t i = 0; i < map.panels.size(); ++i) {
                const render::ViewPlacement& p = map.panels[i];
                provenance.set("map.panel" + std::to_string(i) + ".frame_pt",
                               format_number(p.frame.x, 3) + "," + format_number(p.frame.y, 3) +
                                   "," + format_number(p.frame.w, 3) + "," +
                                   format_number(p.frame.h, 3));
                provenance.set(
                    "map.panel" + std::to_string(i) + ".centre_m",
                    format_number(p.centre_m.x, 3) + "," + format_number(p.centre_m.y, 3));
                provenance.set("map.panel" + std::to_string(i) + ".points_per_metre",
                               p.points_per_metre);
            }
        }
        if (m_options.extent)
            provenance.set("map.extent", box_text(*m_options.extent));
        provenance.set("from", m_from);
        provenance.set("to", m_to);
        provenance.set("types", m_types);
        provenance.set("as_of", m_as_of.empty()
                                    ? "today (" + layers::Date::today().to_string() + ")"
                                    : m_as_of);
        provenance.set("by", m_by);
        provenance.set("colour_by", m_colour_by.empty() ? "type" : m_colour_by);
        provenance.set("reach_m", m_options.reach_m);
        provenance.set("style", m_style);

        layers::write_text_file(m_output, bytes, m_overwrite);
        provenance.add_output(m_output);
        provenance.write_beside(m_output, m_overwrite);

        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::ostream& report =
            layers::is_standard_output(m_output) ? context.err : context.out;
        if (!context.quiet) {
            for (const std::string& n : notes) context.err << "note: " << n << "\n";
            report << m_output << ": " << summary << ", " << format_number(seconds, 2) << " s\n";
        }
        return 0;
    }

private:
    DataOptions m_data;
    layers::LoadOptions m_load;
    std::string m_output, m_format, m_bbox, m_center, m_radius, m_width, m_height, m_dpi;
    std::string m_from, m_to, m_types, m_as_of, m_title, m_style, m_by, m_colour_by, m_reach;
    bool m_overwrite = false;
    bool m_print_style = false;
    MapFormat m_map_format = MapFormat::Png;
    double m_radius_m = 20000.0;
    std::optional<geo::LonLat> m_center_point;
    render::MapOptions m_options;
    render::RenderOptions m_render;
    render::Style m_style_values;
};

}  // namespace

std::unique_ptr<Command> make_map_command() {
    return std::make_unique<MapCommand>();
}

}  // namespace fergana::tools
