#pragma once
// A local planar frame for the few steps that need one (overlays, inscribed circles):
// a transverse Mercator projection on WGS84 centred on the extent at hand.
//
//   analysis::LocalPlane plane(extent);
//   geo::XY xy = plane.forward({70.9, 40.1});      // metres from the centre
//   geo::LonLat back = plane.inverse(xy);           // the same point (to nanometres)
//
// Error bound. The scale of transverse Mercator at x metres from its central meridian is
// k = 1 + x^2 / (2 R^2) + O(x^4 / R^4) (R = 6,371 km), with no error along the meridian:
// shapes and distances measured in the plane are too long by at most
// max_scale_error() = x_max^2 / (2 R^2), x_max the extent's largest distance from the
// centre: 1.5e-5 at 35 km, 7.7e-4 at 250 km. Results are never measured in the plane:
// vertices go back to lon/lat exactly (PROJ's inverse is accurate to nanometres) and lengths
// and areas are geodesic there. tests/analysis/disputed_test.cpp checks the round trip and
// the bound.

#include "geo/geometry.hpp"
#include "geo/geos.hpp"
#include "geo/proj.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fergana::analysis {

class LocalPlane {
public:
    /// Transverse Mercator centred on the box's centre (lon_0, lat_0), scale 1.
    explicit LocalPlane(const geo::Box& extent);
    ~LocalPlane();
    LocalPlane(const LocalPlane&) = delete;
    LocalPlane& operator=(const LocalPlane&) = delete;

    [[nodiscard]] geo::XY forward(geo::LonLat p) const;
    [[nodiscard]] geo::LonLat inverse(geo::XY p) const;
    /// The polygons of a planar GEOS geometry, back in lon/lat.
    [[nodiscard]] geo::Geometry inverse(geo::GeosContext& ctx, const GEOSGeom_t& planar) const;
    /// A lon/lat geometry projected into the plane, as GEOS.
    [[nodiscard]] geo::GeosGeom forward(geo::GeosContext& ctx, const geo::Geometry& geometry) const;

    /// The PROJ definition of the plane.
    [[nodiscard]] const std::string& definition() const noexcept { return m_definition; }
    /// The largest relative scale error over the extent (see the bound above).
    [[nodiscard]] double max_scale_error() const noexcept { return m_max_scale_error; }

private:
    std::unique_ptr<geo::ProjContext> m_context;
    std::unique_ptr<geo::Transformer> m_transformer;
    std::string m_definition;
    double m_max_scale_error = 0.0;
};

/// The region a closed ring of planar points encloses, self-crossings and all: the ring
/// is noded and polygonized and every face is kept (a bow-tie gives both lobes). Null
/// when the ring encloses nothing. Vertices that lie within simplify_m of the line through
/// their neighbours are dropped first (Douglas-Peucker): samples along a straight edge
/// cost the overlay time and add nothing.
geo::GeosGeom filled_ring(geo::GeosContext& ctx, const std::vector<geo::XY>& ring,
                          double simplify_m);

/// The radius of the largest circle inside a planar polygon, to within tolerance.
double inscribed_radius(geo::GeosContext& ctx, const GEOSGeom_t& polygon, double tolerance);

}  // namespace fergana::analysis
