#include "tools/style_hints.hpp"

#include "render/color.hpp"
#include "render/style.hpp"

#include <string>
#include <utility>
#include <vector>

namespace fergana::tools {

std::string_view incident_colour(std::string_view type) noexcept {
    // One table for every output: the maps' default style (render/style.cpp, ColorBrewer
    // Set1-like hues), so a type has the same colour in a GeoJSON layer as in a map legend.
    // A handful of types, looked up once per output row: a scan comparing lengths first is
    // quicker than a tree of string comparisons.
    static const std::vector<std::pair<std::string, std::string>> colours = [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [name, marker] : render::default_style().incident_types)  // a map: each once
            out.emplace_back(name, render::to_hex_rgb(marker.color));
        return out;
    }();
    for (const auto& [name, colour] : colours) {
        if (type == name) return colour;
    }
    return "#999999";
}

std::string_view incident_marker_size(const std::optional<std::int64_t>& fatalities) noexcept {
    if (!fatalities || *fatalities == 0) return "small";
    return *fatalities >= 10 ? "large" : "medium";
}

}  // namespace fergana::tools
