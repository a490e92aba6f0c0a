#pragma once
// Styling hints written into GeoJSON properties by the simplestyle convention
// (marker-color, marker-size, stroke, stroke-width, fill, fill-opacity), so that
// geojson.io and GitHub draw our layers styled. Colours follow the maps' legend.

#include <cstdint>
#include <optional>
#include <string_view>

namespace fergana::tools {

/// Colour of an incident by its type (unknown types grey).
std::string_view incident_colour(std::string_view type) noexcept;
/// "small" / "medium" / "large" by fatalities (unknown: small).
std::string_view incident_marker_size(const std::optional<std::int64_t>& fatalities) noexcept;

}  // namespace fergana::tools
