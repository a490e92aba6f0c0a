#pragma once
// Draws a map with Cairo: PNG, SVG and PDF from one drawing path. Text goes through
// Pango and fontconfig (the style's font, DejaVu Sans by default).
//
//   render::RenderOptions ro;                     // PNG, 1800 px wide, 150 dpi
//   render::RenderedMap m = render::render_map(data, options, style, ro);
//   layers::write_text_file("map.png", m.bytes, overwrite);
//
// The page: title and subtitle at the top; the map frame (or a grid of panels for
// --by year|month) with a graticule labelled in degrees; the legend of what is drawn
// on the right; scale bar (geodesic, true at the centre of the map) and north arrow
// (true north where it is drawn) in the frame; the attribution and the as-of date of
// the borders at the bottom. Sizes are in points, so --dpi scales everything.
// In SVG every layer is a group: <g id="countries">, <g id="borders">, ...

#include "layers/dataset.hpp"
#include "render/map_plan.hpp"
#include "render/map_projection.hpp"
#include "render/style.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fergana::render {

enum class ImageFormat { Png, Svg, Pdf };

struct RenderOptions {
    ImageFormat format = ImageFormat::Png;
    /// Page width in pixels at `dpi` (SVG and PDF pages are width_px * 72 / dpi points wide).
    int width_px = 1800;
    /// Page height in pixels. nullopt (default): what the extent's aspect and the legend need.
    std::optional<int> height_px;
    /// Pixels per inch; sizes in the style are points (1/72 inch). Default 150.
    double dpi = 150.0;
};

struct RenderedMap {
    std::string bytes;  // the file's content
    int width_px = 0;   // PNG size; for SVG/PDF the page at the dpi
    int height_px = 0;
    double width_pt = 0.0;
    double height_pt = 0.0;
    ProjectionChoice projection;
    std::vector<ViewPlacement> panels;  // where each panel sits on the page (points)
    Rect legend;                        // the legend box (points)
    std::vector<std::string> legend_labels;
    std::vector<std::string> layers;  // drawing order; the SVG group ids
    double scale_bar_m = 0.0;         // the scale bar's ground length
    double scale_bar_pt = 0.0;        // and its length on the page
    std::size_t incidents_drawn = 0;
    std::size_t labels_placed = 0;
    std::string title;
    std::vector<std::string> notes;  // from the plan: incidents outside the map, undated ones
};

/// Plans and draws the map. Throws UsageError for impossible sizes or too many panels.
RenderedMap render_map(const layers::Dataset& data, const MapOptions& options, const Style& style,
                       const RenderOptions& render);

/// A decoded PNG, for checks on rendered maps: straight (not premultiplied) RGBA.
struct Raster {
    int width = 0;
    int height = 0;
    std::vector<std::uint32_t> argb;  // 0xAARRGGBB, row by row
    [[nodiscard]] Rgba at(int x, int y) const;
};

/// Decodes PNG bytes. Throws Error when they are not a PNG.
Raster decode_png(const std::string& bytes);

}  // namespace fergana::render
