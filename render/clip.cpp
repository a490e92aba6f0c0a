#include "render/clip.hpp"

#include <algorithm>
#include <utility>

namespace fergana::render {

geo::Path clip_ring(const geo::Path& ring, const geo::Box& box) {
    geo::Path out = ring;
    if (!out.empty() && out.front() == out.back())
        out.pop_back();
    // Sutherland-Hodgman against the four sides.
    for (int side = 0; side < 4 && !out.empty(); ++side) {
        auto inside = [&](const geo::LonLat& p) {
            switch (side) {
                case 0: return p.lon >= box.min_lon;
                case 1: return p.lon <= box.max_lon;
                case 2: return p.lat >= box.min_lat;
                default: return p.lat <= box.max_lat;
            }
        };
        auto cut = [&](const geo::LonLat& a, const geo::LonLat& b) {
            const double edge = side == 0   ? box.min_lon
                                : side == 1 ? box.max_lon
                                : side == 2 ? box.min_lat
                                            : box.max_lat;
            const double t =
                side < 2 ? (edge - a.lon) / (b.lon - a.lon) : (edge - a.lat) / (b.lat - a.lat);
            return geo::LonLat{a.lon + t * (b.lon - a.lon), a.lat + t * (b.lat - a.lat)};
        };
        geo::Path next;
        next.reserve(out.size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            const geo::LonLat& cur = out[i];
            const geo::LonLat& prev = out[(i + out.size() - 1) % out.size()];
            const bool in_cur = inside(cur);
            const bool in_prev = inside(prev);
            if (in_cur) {
                if (!in_prev)
                    next.push_back(cut(prev, cur));
                next.push_back(cur);
            } else if (in_prev) {
                next.push_back(cut(prev, cur));
            }
        }
        out = std::move(next);
    }
    if (!out.empty())
        out.push_back(out.front());
    return out;
}

std::vector<geo::Path> clip_line(const geo::Path& line, const geo::Box& box) {
    std::vector<geo::Path> out;
    geo::Path current;
    for (std::size_t i = 1; i < line.size(); ++i) {
        // Liang-Barsky on each segment.
        const geo::LonLat a = line[i - 1];
        const geo::LonLat b = line[i];
        double t0 = 0.0;
        double t1 = 1.0;
        const double dx = b.lon - a.lon;
        const double dy = b.lat - a.lat;
        bool visible = true;
        for (const auto& [p, q] :
             {std::pair{-dx, a.lon - box.min_lon}, std::pair{dx, box.max_lon - a.lon},
              std::pair{-dy, a.lat - box.min_lat}, std::pair{dy, box.max_lat - a.lat}}) {
            if (p == 0.0) {
                if (q < 0.0)
                    visible = false;
            } else {
                const double t = q / p;
                if (p < 0.0) {
                    t0 = std::max(t0, t);
                } else {
                    t1 = std::min(t1, t);
                }
            }
        }
        if (!visible || t0 > t1) {
            if (current.size() > 1)
                out.push_back(std::move(current));
            current.clear();
            continue;
        }
        const geo::LonLat from{a.lon + t0 * dx, a.lat + t0 * dy};
        const geo::LonLat to{a.lon + t1 * dx, a.lat + t1 * dy};
        if (current.empty() || !(current.back() == from)) {
            if (current.size() > 1)
                out.push_back(std::move(current));
            current = {from};
        }
        current.push_back(to);
    }
    if (current.size() > 1)
        out.push_back(std::move(current));
    return out;
}

bool inside_box(const geo::Path& p, const geo::Box& box) {
    return std::all_of(p.begin(), p.end(), [&](const geo::LonLat& v) { return box.contains(v); });
}

geo::Geometry clip_geometry(const geo::Geometry& g, const geo::Box& box) {
    std::vector<geo::LonLat> points;
    for (const geo::LonLat& p : g.points()) {
        if (box.contains(p))
            points.push_back(p);
    }
    std::vector<geo::Path> lines;
    for (const geo::Path& l : g.lines()) {
        if (inside_box(l, box)) {
            lines.push_back(l);
        } else {
            for (geo::Path& piece : clip_line(l, box)) lines.push_back(std::move(piece));
        }
    }
    std::vector<geo::Polygon> polygons;
    for (const geo::Polygon& p : g.polygons()) {
        geo::Polygon q;
        for (std::size_t i = 0; i < p.rings.size(); ++i) {
            geo::Path r = inside_box(p.rings[i], box) ? p.rings[i] : clip_ring(p.rings[i], box);
            if (r.size() >= 4) {
                q.rings.push_back(std::move(r));
            } else if (i == 0) {
                break;  // the exterior is outside: so are its holes
            }
        }
        if (!q.rings.empty())
            polygons.push_back(std::move(q));
    }
    return geo::Geometry::collection(std::move(points), std::move(lines), std::move(polygons));
}

}  // namespace fergana::render
