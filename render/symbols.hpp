#pragma once
// Point symbols as polygons, shared by the Cairo renderer and the HTML map so both
// draw the same shapes. Sizes are chosen so that every shape of radius r covers about
// the area of a circle of radius r.

#include "geo/geometry.hpp"
#include "render/style.hpp"

#include <vector>

namespace fergana::render {

/// The outline of a marker centred on (0, 0), y down; empty for a circle (draw an arc of radius r).
std::vector<geo::XY> marker_polygon(MarkerShape shape, double r);

/// Half the width or height of the box around a marker of radius r.
double marker_half_extent(MarkerShape shape, double r);

}  // namespace fergana::render
