#include "render/color.hpp"

#include <algorithm>
#include <cmath>

namespace fergana::render {

namespace {

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string byte_hex(double channel) {
    static const char* digits = "0123456789abcdef";
    const int v = static_cast<int>(std::lround(std::clamp(channel, 0.0, 1.0) * 255.0));
    return {digits[v >> 4], digits[v & 0xF]};
}

}  // namespace

std::optional<Rgba> parse_color(std::string_view text) {
    if (text.empty() || text.front() != '#')
        return std::nullopt;
    text.remove_prefix(1);
    if (text.size() != 3 && text.size() != 6 && text.size() != 8)
        return std::nullopt;
    int values[8] = {};
    for (std::size_t i = 0; i < text.size(); ++i) {
        values[i] = hex_digit(text[i]);
        if (values[i] < 0)
            return std::nullopt;
    }
    if (text.size() == 3) {
        return Rgba{values[0] / 15.0, values[1] / 15.0, values[2] / 15.0, 1.0};
    }
    auto channel = [&](std::size_t i) { return (values[2 * i] * 16 + values[2 * i + 1]) / 255.0; };
    return Rgba{channel(0), channel(1), channel(2), text.size() == 8 ? channel(3) : 1.0};
}

std::string to_hex_rgb(Rgba color) {
    return "#" + byte_hex(color.r) + byte_hex(color.g) + byte_hex(color.b);
}

std::string to_hex(Rgba color) {
    std::string out = to_hex_rgb(color);
    if (color.a < 1.0)
        out += byte_hex(color.a);
    return out;
}

Rgba mix(Rgba a, Rgba b, double t) noexcept {
    t = std::clamp(t, 0.0, 1.0);
    return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t,
            a.a + (b.a - a.a) * t};
}

Rgba ramp_color(const std::vector<Rgba>& stops, double t) noexcept {
    if (stops.empty())
        return {};
    if (stops.size() == 1)
        return stops.front();
    t = std::clamp(t, 0.0, 1.0) * static_cast<double>(stops.size() - 1);
    const std::size_t i = std::min(static_cast<std::size_t>(t), stops.size() - 2);
    return mix(stops[i], stops[i + 1], t - static_cast<double>(i));
}

}  // namespace fergana::render
