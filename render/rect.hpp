#pragma once
// A rectangle on the page, in points, y growing downwards (Cairo's convention).

#include <algorithm>

namespace fergana::render {

struct Rect {
    double x = 0.0;
    double y = 0.0;
    double w = 0.0;
    double h = 0.0;

    [[nodiscard]] double right() const noexcept { return x + w; }
    [[nodiscard]] double bottom() const noexcept { return y + h; }
    [[nodiscard]] bool intersects(const Rect& o) const noexcept {
        return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
    }
    [[nodiscard]] bool contains(const Rect& o) const noexcept {
        return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom();
    }
    [[nodiscard]] bool contains(double px, double py) const noexcept {
        return px >= x && px <= right() && py >= y && py <= bottom();
    }
    [[nodiscard]] Rect inflated(double d) const noexcept {
        return {x - d, y - d, w + 2 * d, h + 2 * d};
    }
};

}  // namespace fergana::render
