#include "render/label_placer.hpp"

#include <algorithm>
#include <numeric>
#include <optional>

namespace fergana::render {

std::vector<Rect> LabelPlacer::candidates(const LabelRequest& r) {
    std::vector<Rect> out;
    const double x = r.anchor.x;
    const double y = r.anchor.y;
    const double w = r.width;
    const double h = r.height;
    if (r.centred)
        out.push_back({x - w / 2, y - h / 2, w, h});
    if (!r.around)
        return out;
    const double g = r.gap;
    const double d = g * 0.7071;              // the diagonal positions sit on the symbol's circle
    out.push_back({x + g, y - h / 2, w, h});  // right
    out.push_back({x + d, y - d - h, w, h});  // upper right
    out.push_back({x + d, y + d, w, h});      // lower right
    out.push_back({x - g - w, y - h / 2, w, h});  // left
    out.push_back({x - d - w, y - d - h, w, h});  // upper left
    out.push_back({x - d - w, y + d, w, h});      // lower left
    out.push_back({x - w / 2, y - g - h, w, h});  // above
    out.push_back({x - w / 2, y + g, w, h});      // below
    return out;
}

bool LabelPlacer::free(const Rect& box) const {
    if (!m_bounds.contains(box))
        return false;
    auto hits = [&](const Rect& o) { return o.intersects(box); };
    return std::none_of(m_placed.begin(), m_placed.end(), hits) &&
           std::none_of(m_obstacles.begin(), m_obstacles.end(), hits);
}

std::optional<Rect> LabelPlacer::place(const LabelRequest& request) {
    for (const Rect& box : candidates(request)) {
        if (free(box)) {
            m_placed.push_back(box);
            return box;
        }
    }
    return std::nullopt;
}

std::vector<PlacedLabel> LabelPlacer::place_all(const std::vector<LabelRequest>& requests) {
    std::vector<std::size_t> order(requests.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return requests[a].priority > requests[b].priority;
    });
    std::vector<PlacedLabel> out;
    for (std::size_t i : order) {
        if (auto box = place(requests[i]))
            out.push_back({i, *box});
    }
    return out;
}

}  // namespace fergana::render
