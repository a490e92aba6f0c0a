#pragma once
// How a map looks: colours, line widths, dashes, symbol sizes and fonts, with the
// defaults stated here. Sizes are in points (1/72 inch), so a map keeps its look at
// any --dpi. A style file (--style FILE) is JSON overriding some of the keys:
//
//   { "borders": { "disputed": { "color": "#c51b7d", "width": 2.5 } },
//     "countries": { "fill": { "KGZ": "#f4e6d0" } },
//     "incidents": { "types": { "shelling": { "color": "#e08214", "shape": "triangle" } } } }
//
// Dotted keys ("borders.disputed.color") are accepted as well. An unknown key or a
// value of the wrong kind is a usage error naming the key. `fergana map --print-style`
// prints every key with its default.

#include "render/color.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::render {

enum class MarkerShape {
    Circle,
    Square,
    Diamond,
    TriangleUp,
    TriangleDown,
    Star,
    Cross,
    Hexagon,
    Pentagon
};
std::string_view to_string(MarkerShape shape) noexcept;
/// "circle", "square", "diamond", "triangle", "triangle-down", "star", "cross", "hexagon",
/// "pentagon".
std::optional<MarkerShape> marker_shape_from_string(std::string_view text) noexcept;

struct LineStyle {
    Rgba color;
    double width_pt = 1.0;
    std::vector<double> dash_pt;  // on, off, ... lengths; empty: solid
    friend bool operator==(const LineStyle&, const LineStyle&) = default;
};

struct AreaStyle {
    Rgba fill;
    LineStyle outline;
    friend bool operator==(const AreaStyle&, const AreaStyle&) = default;
};

struct MarkerStyle {
    Rgba color;
    MarkerShape shape = MarkerShape::Circle;
    friend bool operator==(const MarkerStyle&, const MarkerStyle&) = default;
};

struct Style {
    // Page, text and furniture.
    std::string font = "DejaVu Sans";  // a fontconfig family
    Rgba page = {1, 1, 1, 1};          // #ffffff
    Rgba ink;                          // #222222: title, legend, labels
    Rgba muted_ink;                    // #5f5f5f: subtitle, attribution, graticule labels
    Rgba halo;                         // #ffffffd9: outline behind labels
    Rgba map_background;               // #dfe8ee: where no country is drawn
    double title_size_pt = 15.0;
    double subtitle_size_pt = 8.5;
    double legend_size_pt = 7.5;
    double attribution_size_pt = 6.5;
    double label_size_pt = 7.5;  // settlement labels (larger places get +1, +2)
    double graticule_label_size_pt = 6.5;
    LineStyle frame;      // #333333, 0.8
    LineStyle graticule;  // #5a6b7a66, 0.4, dash 2 2

    // Countries: muted fills by ISO3, a grey for the rest.
    std::map<std::string, Rgba> country_fill;  // KGZ #efe2cc, TJK #dfe9d3, UZB #e4e1ee
    Rgba country_fill_other;                   // #ebebeb
    LineStyle country_outline;                 // #a0a0a0, 0.4
    Rgba country_label;                        // #8c8c8c, spaced capitals

    // Borders by status: agreed, delimited and demarcated solid; disputed and unknown dashed.
    LineStyle border_agreed;      // #3a3a3a, 1.5
    LineStyle border_delimited;   // #3a3a3a, 1.5
    LineStyle border_demarcated;  // #1e1e1e, 1.8
    LineStyle border_disputed;    // #d7301f, 2.2, dash 6 3
    LineStyle border_unknown;     // #e6820e, 1.8, dash 4 3

    // Disputed stretches (lines) and zones (areas) from a disputed-segment analysis: hatched.
    LineStyle disputed_stretch;  // #d7301fa6, 7 wide, dash 1.2 1.8 (a band of ticks)
    AreaStyle disputed_zone;     // fill = hatch colour #d7301f, outline #d7301f 0.8
    double hatch_spacing_pt = 3.5;
    double hatch_width_pt = 0.7;

    // Claim lines (alternative versions of a border), one colour per claimant in sorted order.
    std::vector<Rgba> claim_colors;  // #1b9e77 #7570b3 #e7298a #66a61e #a6761d
    double claim_width_pt = 0.9;
    std::vector<double> claim_dash_pt = {1.5, 1.5};

    // Enclaves: outlined and labelled.
    AreaStyle enclave;   // fill #7b329414, outline #7b3294a6 3.4 (a band under the border)
    Rgba enclave_label;  // #5b1582

    // Water.
    LineStyle river;      // #3b82c4, 1.1
    LineStyle canal;      // #1b5fa8, 0.9, dash 5 1.5
    AreaStyle reservoir;  // #a9cfe8, outline #3b82c4 0.6
    Rgba water_symbol;    // #1b5fa8: intakes, dams, other facilities
    double water_symbol_size_pt = 4.5;
    Rgba water_label;  // #1b5fa8, italic

    // Settlements: dots sized by population (log scale), labels by importance.
    Rgba settlement_dot;                           // #404040
    double settlement_radius_pt = 1.2;             // no population or under 1 000
    double settlement_radius_per_decade_pt = 0.9;  // added per tenfold population above 1 000
    Rgba settlement_label;                         // #2b2b2b
    LineStyle settlement_in_reach;                 // ring: #b2182b, 1.1

    // Incidents: shape and colour by type, size by fatalities.
    std::map<std::string, MarkerStyle> incident_types;  // see style.cpp for the table
    std::vector<Rgba> incident_palette;  // colours for types not in the table, in sorted order
    double incident_radius_pt = 3.3;     // no or unknown fatalities
    double incident_radius_per_sqrt_fatality_pt = 1.2;
    double incident_max_radius_pt = 15.0;
    double incident_opacity = 0.88;
    LineStyle incident_outline;   // #ffffff, 0.6
    std::vector<Rgba> date_ramp;  // --colour-by date: viridis, oldest to newest

    /// The marker of an incident type: from the table, else the palette and shapes in
    /// order of `unlisted_rank` (the type's rank among the drawn types not in the table).
    [[nodiscard]] MarkerStyle incident_marker(const std::string& type,
                                              std::size_t unlisted_rank) const;
    /// A claimant's colour by its rank among the drawn claimants.
    [[nodiscard]] Rgba claim_color(std::size_t rank) const;
    [[nodiscard]] Rgba country_color(const std::string& iso3) const;
    /// The style with symbol sizes and line widths times k (small multiples); text unchanged.
    [[nodiscard]] Style scaled(double k) const;
    /// The colour of t (0 oldest .. 1 newest) on the date ramp.
    [[nodiscard]] Rgba date_color(double t) const;
};

/// The defaults stated above.
Style default_style();

/// Applies the overrides of a JSON style document. `origin` names it in messages (the
/// file name). Throws UsageError naming the key for an unknown key or a bad value.
void apply_style_json(Style& style, std::string_view json_text, std::string_view origin);

/// Reads and applies a style file. Throws Error when it cannot be read.
void apply_style_file(Style& style, const std::string& path);

/// Every key of the style with its current value, as a nested JSON document.
std::string style_to_json(const Style& style);

}  // namespace fergana::render
