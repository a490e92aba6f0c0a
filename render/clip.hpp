#pragma once
// Clipping to a lon/lat box, so the parts of whole countries far off a map cost nothing
// to project and draw. Callers clip to the visible box with a margin: what the clipping
// changes (edges along the box) lies outside what is shown.

#include "geo/geometry.hpp"

#include <vector>

namespace fergana::render {

/// A ring clipped to the box (Sutherland-Hodgman), closed; empty when nothing is inside.
geo::Path clip_ring(const geo::Path& ring, const geo::Box& box);
/// The pieces of a line inside the box (Liang-Barsky on each segment).
std::vector<geo::Path> clip_line(const geo::Path& line, const geo::Box& box);
/// True when every vertex lies in the box (nothing to clip).
bool inside_box(const geo::Path& path, const geo::Box& box);
/// A geometry clipped to the box: points outside dropped, lines cut, polygons clipped.
geo::Geometry clip_geometry(const geo::Geometry& g, const geo::Box& box);

}  // namespace fergana::render
