#include "tools/style_hints.hpp"

#include "render/color.hpp"
#include "render/style.hpp"

#include <functional>
#include <map>
#include <string>

namespace fergana::tools {

std::string_view incident_colour(std::string_view type) noexcept {
    // One table for every output: the maps' default style (render/style.cpp, ColorBrewer
    // Set1-like hues), so a type has the same colour in a GeoJSON layer as in a map legend.
    static const std::map<std::string, std::string, std::less<>> colours = [] {
        std::map<std::string, std::string, std::less<>> out;
        for (const auto& [name, marker] : render::default_style().incident_types)
            out.emplace(name, render::to_hex_rgb(marker.color));
        return out;
    }();
    if (const auto it = colours.find(type); it != colours.end()) return it->second;
    return "#999999";
}

std::string_view incident_marker_size(const std::optional<std::int64_t>& fatalities) noexcept {
    if (!fatalities || *fatalities == 0) return "small";
    return *fatalities >= 10 ? "large" : "medium";
}

}  // namespace fergana::tools
