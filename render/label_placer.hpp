#pragma once
// Greedy label placement: the most important label first, each at the first of its
// candidate positions that overlaps no placed label and no obstacle and lies inside
// the bounds; a label with no free position is left out. Labels never overlap.
//
//   render::LabelPlacer placer(frame);
//   placer.add_obstacle(symbol_box);
//   std::vector<render::PlacedLabel> placed = placer.place_all(requests);
//
// Candidate positions around a point symbol follow the cartographic order of
// preference (Imhof): right, upper right, lower right, left, upper left, lower left,
// above, below; `centred` labels (areas) try their anchor first.

#include "geo/geometry.hpp"
#include "render/rect.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace fergana::render {

struct LabelRequest {
    double priority = 0.0;  // higher is placed first; ties keep request order
    geo::XY anchor;         // the point labelled, page points
    double gap = 0.0;    // distance from the anchor to the label (the symbol's radius + a margin)
    double width = 0.0;  // of the text box
    double height = 0.0;
    bool centred = false;  // try the box centred on the anchor first (area labels)
    bool around = true;    // try the positions around the anchor
};

struct PlacedLabel {
    std::size_t request = 0;  // index into the requests
    Rect box;                 // where the text box goes
};

class LabelPlacer {
public:
    explicit LabelPlacer(Rect bounds) : m_bounds(bounds) {}

    /// A box no label may overlap (a symbol, the legend, the scale bar).
    void add_obstacle(const Rect& box) { m_obstacles.push_back(box); }
    /// Places one label now; nullopt when every candidate is taken.
    std::optional<Rect> place(const LabelRequest& request);
    /// Places all requests by priority; the result is in placement order.
    std::vector<PlacedLabel> place_all(const std::vector<LabelRequest>& requests);

    /// The candidate boxes of a request, in order of preference.
    [[nodiscard]] static std::vector<Rect> candidates(const LabelRequest& request);

private:
    Rect m_bounds;
    std::vector<Rect> m_obstacles;
    std::vector<Rect> m_placed;
    [[nodiscard]] bool free(const Rect& box) const;
};

}  // namespace fergana::render
