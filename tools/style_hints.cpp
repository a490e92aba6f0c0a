#include "tools/style_hints.hpp"

#include <array>
#include <utility>

namespace fergana::tools {

std::string_view incident_colour(std::string_view type) noexcept {
    // ColorBrewer Set1-like hues, distinct in print and for most colour-blind readers.
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> colours = {{
        {"armed_clash", "#e41a1c"},
        {"shelling", "#984ea3"},
        {"shooting", "#ff7f00"},
        {"brawl", "#a65628"},
        {"detention", "#377eb8"},
        {"blockade", "#4daf4a"},
        {"water_dispute", "#1f78b4"},
        {"protest", "#f781bf"},
        {"other", "#999999"},
    }};
    for (const auto& [name, colour] : colours) {
        if (name == type) return colour;
    }
    return "#999999";
}

std::string_view incident_marker_size(const std::optional<std::int64_t>& fatalities) noexcept {
    if (!fatalities || *fatalities == 0) return "small";
    return *fatalities >= 10 ? "large" : "medium";
}

}  // namespace fergana::tools
