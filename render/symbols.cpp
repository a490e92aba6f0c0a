#include "render/symbols.hpp"

#include <algorithm>
#include <cmath>

namespace fergana::render {

namespace {

constexpr double pi = 3.14159265358979323846;

std::vector<geo::XY> regular(int n, double radius, double start_deg) {
    std::vector<geo::XY> out;
    for (int i = 0; i < n; ++i) {
        const double a = (start_deg + 360.0 * i / n) * pi / 180.0;
        out.push_back({radius * std::cos(a), radius * std::sin(a)});
    }
    return out;
}

}  // namespace

std::vector<geo::XY> marker_polygon(MarkerShape shape, double r) {
    switch (shape) {
        case MarkerShape::Circle: return {};
        case MarkerShape::Square: {
            const double h = 0.86 * r;
            return {{-h, -h}, {h, -h}, {h, h}, {-h, h}};
        }
        case MarkerShape::Diamond: return regular(4, 1.2 * r, -90.0);
        case MarkerShape::TriangleUp: return regular(3, 1.45 * r, -90.0);
        case MarkerShape::TriangleDown: return regular(3, 1.45 * r, 90.0);
        case MarkerShape::Hexagon: return regular(6, 1.1 * r, 0.0);
        case MarkerShape::Pentagon: return regular(5, 1.15 * r, -90.0);
        case MarkerShape::Star: {
            std::vector<geo::XY> out;
            for (int i = 0; i < 10; ++i) {
                const double radius = (i % 2 == 0 ? 1.5 : 0.62) * r;
                const double a = (-90.0 + 36.0 * i) * pi / 180.0;
                out.push_back({radius * std::cos(a), radius * std::sin(a)});
            }
            return out;
        }
        case MarkerShape::Cross: {
            // An X: two bars of half-width w at 45°.
            const double w = 0.36 * r;
            const double e = 1.25 * r;
            std::vector<geo::XY> plus = {{-w, -e}, {w, -e}, {w, -w}, {e, -w}, {e, w},   {w, w},
                                         {w, e},   {-w, e}, {-w, w}, {-e, w}, {-e, -w}, {-w, -w}};
            const double c = std::cos(pi / 4);
            for (geo::XY& p : plus) p = {c * (p.x - p.y), c * (p.x + p.y)};
            return plus;
        }
    }
    return {};
}

double marker_half_extent(MarkerShape shape, double r) {
    if (shape == MarkerShape::Circle)
        return r;
    double m = 0.0;
    for (const geo::XY& p : marker_polygon(shape, r))
        m = std::max({m, std::abs(p.x), std::abs(p.y)});
    return m;
}

}  // namespace fergana::render
