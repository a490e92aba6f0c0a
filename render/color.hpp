#pragma once
// Colours as maps use them: sRGB with straight alpha, each channel 0..1.
//
//   render::Rgba red = *render::parse_color("#d7301f");
//   render::to_hex(red) == "#d7301f"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::render {

struct Rgba {
    double r = 0.0;
    double g = 0.0;
    double b = 0.0;
    double a = 1.0;
    friend bool operator==(const Rgba&, const Rgba&) = default;

    [[nodiscard]] Rgba with_alpha(double alpha) const noexcept { return {r, g, b, alpha}; }
};

/// "#rgb", "#rrggbb" or "#rrggbbaa" (case-insensitive); nullopt for anything else.
std::optional<Rgba> parse_color(std::string_view text);
/// "#rrggbb", or "#rrggbbaa" when alpha < 1.
std::string to_hex(Rgba color);
/// "#rrggbb" without alpha (for CSS colours whose opacity is set apart).
std::string to_hex_rgb(Rgba color);
/// Linear interpolation in sRGB, t in 0..1.
Rgba mix(Rgba a, Rgba b, double t) noexcept;
/// The colour at t (0..1) on a ramp of evenly spaced stops; black for an empty ramp.
Rgba ramp_color(const std::vector<Rgba>& stops, double t) noexcept;

}  // namespace fergana::render
