#pragma once
// The map's projection and its placement on the page.
//
//   render::ProjectionChoice p = render::choose_projection(extent);   // LCC or TM centred on it
//   render::MapView view(p, extent, frame);                            // fits the extent in the
//   frame geo::XY at = view.to_page({71.0, 40.5});                            // points, y down
//
// Only conformal projections: maps keep shapes and angles locally, so a symbol, a
// north arrow and a scale bar mean what they show. The choice, for an extent of
// width W and height H (geodesic, through its centre):
//   W > H: Lambert conformal conic, standard parallels at 1/6 and 5/6 of the latitude
//          span (Kavrayskiy's rule), origin at the centre;
//   else:  transverse Mercator on the central meridian, scale 1 there.
// Either way the scale error over a 500 km extent at 40°N stays under 0.5 %.

#include "geo/geometry.hpp"
#include "render/rect.hpp"

#include <memory>
#include <optional>
#include <string>

namespace fergana::geo {
class ProjContext;
class Transformer;
}  // namespace fergana::geo

namespace fergana::render {

enum class ProjectionKind { TransverseMercator, LambertConformalConic };

struct ProjectionChoice {
    ProjectionKind kind = ProjectionKind::TransverseMercator;
    double lon_0 = 0.0;  // central meridian
    double lat_0 = 0.0;  // latitude of origin
    double lat_1 = 0.0;  // LCC standard parallels (unused for TM)
    double lat_2 = 0.0;
    std::string proj;  // the PROJ string, e.g. "+proj=lcc +lat_0=40.5 ..."
    /// "Lambert conformal conic (standard parallels 39.9°N, 41.9°N, central meridian 71.3°E)".
    [[nodiscard]] std::string description() const;
};

ProjectionChoice choose_projection(const geo::Box& extent);

/// A box in projected metres.
struct ProjectedBox {
    double min_x = 0.0, min_y = 0.0, max_x = 0.0, max_y = 0.0;
    [[nodiscard]] double width() const noexcept { return max_x - min_x; }
    [[nodiscard]] double height() const noexcept { return max_y - min_y; }
};

/// How the projected plane sits on the page: the frame, the projected point at its
/// centre, and the scale. Plain values, so a caller can record and recreate a view.
struct ViewPlacement {
    Rect frame;                     // points on the page
    geo::XY centre_m;               // projected metres at the frame's centre
    double points_per_metre = 0.0;  // projected metres to page points
};

class MapView {
public:
    /// Fits `extent` in `frame`, centred, keeping the aspect: the frame shows at least the extent.
    MapView(const ProjectionChoice& projection, const geo::Box& extent, const Rect& frame);
    /// Recreates a view from its placement.
    MapView(const ProjectionChoice& projection, const ViewPlacement& placement);
    ~MapView();
    MapView(MapView&&) noexcept;
    MapView& operator=(MapView&&) noexcept;

    /// The projected bounds of a lon/lat box (its outline sampled densely).
    [[nodiscard]] static ProjectedBox projected_bounds(const ProjectionChoice& projection,
                                                       const geo::Box& box);

    /// Lon/lat to page points. Throws ProjectionError when PROJ cannot transform the point.
    [[nodiscard]] geo::XY to_page(geo::LonLat p) const;
    /// As to_page, nullopt instead of throwing.
    [[nodiscard]] std::optional<geo::XY> try_to_page(geo::LonLat p) const noexcept;
    [[nodiscard]] geo::LonLat to_lonlat(geo::XY page) const;
    [[nodiscard]] geo::XY project(geo::LonLat p) const;

    [[nodiscard]] const ProjectionChoice& projection() const noexcept { return m_projection; }
    [[nodiscard]] const ViewPlacement& placement() const noexcept { return m_placement; }
    [[nodiscard]] const Rect& frame() const noexcept { return m_placement.frame; }
    /// The lon/lat box the frame shows (its outline sampled densely).
    [[nodiscard]] geo::Box visible_box() const;
    /// Ground metres per page point at the frame's centre, measured as the geodesic
    /// distance between two points 10 % of the frame width either side of the centre.
    [[nodiscard]] double metres_per_point_at_centre() const;
    /// Direction of true north at a page point: the angle (radians) from page-up,
    /// clockwise positive.
    [[nodiscard]] double north_angle_at(geo::XY page) const;

private:
    ProjectionChoice m_projection;
    ViewPlacement m_placement;
    std::unique_ptr<geo::ProjContext> m_context;
    std::unique_ptr<geo::Transformer> m_transformer;
};

}  // namespace fergana::render
