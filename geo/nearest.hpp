#pragma once
// Exact geodesic distance from a point to edges, lines and polygons on WGS84.
//
//   geo::EdgeNearest n = geo::nearest_on_edge({70.9, 40.0}, {71.3, 40.1}, {71.0, 40.2});
//   // n.distance_m: metres to the nearest point of the edge; n.nearest; n.along_m from a.
//   geo::NearestOnGeometry g = geo::nearest_point(border, {71.0, 40.2});
//   // g.distance_m (0 inside a polygon), g.boundary_distance_m, g.nearest, g.where.
//
// An edge is the geodesic between its two vertices (as in geo/geodesic.hpp), not
// a straight line in longitude/latitude: on a 35 km edge the two differ by up to
// 20 m, and the distance to the vertices alone is off by kilometres.
//
// Method (docs/geodesic.md has the derivation and the tests behind the bounds):
// the edge is parametrised by arc length s (a geod_geodesicline from its first
// vertex). The derivative of the distance from p to X(s) is cos(a_line - a_2),
// a_line the edge's azimuth at X and a_2 the azimuth at X of the geodesic from p
// (first variation of arc length). A safeguarded Newton iteration on that
// derivative, with the step cos(a_line - a_2) * m12 / M21 (exact in the plane,
// quadratically convergent on the ellipsoid), starts from the foot of p on the
// edge's chord in Earth-centred coordinates, keeps a bracket from the sign of
// the derivative, bisects when a step leaves it, and stops at an end when the
// derivative there points outwards. Stopping rule: the estimated excess
// distance is at most 1 micrometre and the last step is at most 5 mm, so the
// distance is within 1 micrometre of the minimum over the edge (plus PROJ's own
// ~15 nm) and the nearest point within 5 mm of the true one. This holds while
// every point of the edge is within 5,000 km of p (there the distance along
// the edge has a single minimum); measured against a brute-force search: see
// tests/geo/nearest_test.cpp.

#include "geo/geometry.hpp"

#include <geodesic.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace fergana::geo {

// ---------------------------------------------------------------------------
// Point to edge.

/// An edge prepared for repeated distance queries: its geodesic length and end azimuths.
struct GeodesicEdge {
    LonLat a;
    LonLat b;
    double length_m = 0.0;
    double azimuth_a_deg = 0.0;  // forward azimuth at a, towards b (0 when a == b)
    double azimuth_b_deg = 0.0;  // forward azimuth at b, continuing beyond b

    /// Solves the inverse problem a -> b once.
    [[nodiscard]] static GeodesicEdge between(LonLat a, LonLat b) noexcept;
};

/// The nearest point of an edge to a query point.
struct EdgeNearest {
    double distance_m = std::numeric_limits<double>::infinity();
    LonLat nearest;
    double along_m = 0.0;  // arc length from the edge's first vertex to `nearest`
    int evaluations = 0;   // inverse problems solved: a cost diagnostic
};

/// Geodesic distance from p to the geodesic edge a -> b and the nearest point on it.
[[nodiscard]] EdgeNearest nearest_on_edge(LonLat a, LonLat b, LonLat p) noexcept;
[[nodiscard]] EdgeNearest nearest_on_edge(const GeodesicEdge& edge, LonLat p) noexcept;

// ---------------------------------------------------------------------------
// Point to geometry.

/// Which kind of part of a geometry a nearest point lies on.
enum class PartKind : std::uint8_t { Point, Line, Ring };

/// Where on a geometry a nearest point lies.
struct PartRef {
    PartKind kind = PartKind::Point;
    std::size_t part = 0;  // index into points(), lines() or polygons()
    std::size_t ring = 0;  // ring of the polygon (0 = exterior); 0 for points and lines
    std::size_t edge = 0;  // edge i joins vertices i and i+1 of the line or ring; 0 for points
    double along_m = 0.0;  // from vertex `edge` along the edge; 0 for points

    friend bool operator==(const PartRef&, const PartRef&) = default;
};

/// The nearest point of a geometry to a query point.
struct NearestOnGeometry {
    /// To the geometry as a set: 0 when p is inside one of its polygons.
    double distance_m = std::numeric_limits<double>::infinity();
    /// To the nearest point, line or polygon ring, whether p is inside or not.
    double boundary_distance_m = std::numeric_limits<double>::infinity();
    /// The nearest point of the points, lines and rings (never p itself unless p lies on them).
    LonLat nearest;
    PartRef where;
    /// p is inside one of the geometry's polygons (exterior minus holes).
    bool inside = false;

    /// False only for an empty geometry.
    [[nodiscard]] bool found() const noexcept { return std::isfinite(boundary_distance_m); }
};

/// The nearest point of a geometry to p, with edges taken as geodesics. Linear in the number
/// of edges, but only the few edges whose chord bound can beat the best are solved exactly.
/// For many queries against the same geometries, use geo::EdgeIndex.
[[nodiscard]] NearestOnGeometry nearest_point(const Geometry& geometry, LonLat p);

/// Whether p is inside the polygon (exterior ring minus holes), each edge taken as the
/// geodesic between its vertices. A point on the boundary may be reported either way (its
/// boundary distance is 0). Rings must not enclose a pole.
[[nodiscard]] bool polygon_contains(const Polygon& polygon, LonLat p);

// ---------------------------------------------------------------------------
// Bounds, in Earth-centred Cartesian coordinates, used to prune candidate edges.
//
// The straight segment between two points of the ellipsoid is never longer than the
// geodesic between them, so the chord distance is a lower bound of the geodesic
// distance. A geodesic edge has a curvature (as a space curve) of at most a/b^2
// (the largest normal curvature of WGS84), so it never strays from its chord by more
// than length^2 * a / (8 b^2): 24 m for a 35 km edge, 0.2 mm for a 100 m edge.

/// Earth-centred, Earth-fixed coordinates in metres of a point on the WGS84 ellipsoid.
struct Ecef {
    double x = 0.0;
    double y = 0.0;
    double z = 0.0;
};

[[nodiscard]] Ecef to_ecef(LonLat p) noexcept;

/// Straight-line distance through the Earth: never more than the geodesic distance (up to a
/// few nanometres of rounding).
[[nodiscard]] double chord_m(const Ecef& a, const Ecef& b) noexcept;

/// An upper bound of the geodesic distance between two points from their coordinates alone:
/// the great-circle arc on the sphere of radius a onto which WGS84 stretches (z scaled by
/// a/b), mapped back. At most 0.34 % above the true distance.
[[nodiscard]] double geodesic_length_upper_bound_m(const Ecef& a, const Ecef& b) noexcept;

/// How far a geodesic edge of this length can stray from the chord between its ends.
[[nodiscard]] double edge_sag_bound_m(double length_m) noexcept;

/// A lower bound of the geodesic distance from p to a geodesic edge a -> b whose sag
/// bound is sag_m: the chord distance from p to the segment, less the sag and 1 um for
/// rounding; never negative. Inline: spatial indexes call it for every candidate edge.
[[nodiscard]] inline double edge_distance_lower_bound_m(const Ecef& p, const Ecef& a,
                                                        const Ecef& b, double sag_m) noexcept {
    // Rounding of Earth-centred coordinates (about 1e-9 m) and PROJ's geodesics (about
    // 15 nm) must never make the bound exceed a true distance.
    constexpr double rounding_margin_m = 1e-6;
    const double dx = b.x - a.x;
    const double dy = b.y - a.y;
    const double dz = b.z - a.z;
    const double wx = p.x - a.x;
    const double wy = p.y - a.y;
    const double wz = p.z - a.z;
    const double dd = dx * dx + dy * dy + dz * dz;
    double t = dd > 0.0 ? (wx * dx + wy * dy + wz * dz) / dd : 0.0;
    t = t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
    const double ox = wx - t * dx;
    const double oy = wy - t * dy;
    const double oz = wz - t * dz;
    const double bound = std::sqrt(ox * ox + oy * oy + oz * oz) - sag_m - rounding_margin_m;
    return bound > 0.0 ? bound : 0.0;
}

// ---------------------------------------------------------------------------
// Internals shared with geo/edge_index.cpp.
namespace detail {

/// The inverse problem from the query point to an edge's vertex, kept so that edges sharing
/// the vertex do not solve it twice.
struct VertexProbe {
    bool known = false;
    double distance_m = 0.0;
    double azimuth_deg = 0.0;     // azimuth at the vertex of the geodesic from the query point
    double reduced_length_m = 0.0;  // m12
    double geodesic_scale = 1.0;    // M21: d m12 / d s at the vertex
};

/// An edge's geodesic as PROJ parametrises it (from its first vertex, by arc length): made
/// by nearest_on_edge the first time a point inside the edge is needed, and kept by a caller
/// that queries the same edge again. Making it costs about a third of an inverse problem.
struct EdgeLine {
    geod_geodesicline line{};
    bool ready = false;
};

/// nearest_on_edge starting from the arc-length guess s_hint_m (clamped to the edge),
/// reusing and filling the probes at the edge's first (at_a) and second (at_b) vertex, and
/// the edge's line (which must be this edge's, or not ready).
[[nodiscard]] EdgeNearest nearest_on_edge(const GeodesicEdge& edge, LonLat p, double s_hint_m,
                                          VertexProbe& at_a, VertexProbe& at_b, EdgeLine& line) noexcept;

/// A guess of the arc length from a to the point of the edge nearest p: the foot of p on
/// the chord, corrected for the chord's tilt against the surface. Not clamped.
[[nodiscard]] double edge_hint_m(const Ecef& p, const Ecef& a, const Ecef& b,
                                 double length_m) noexcept;

/// A ring edge prepared for point-in-polygon tests with a meridian ray.
struct RayEdge {
    LonLat a;
    LonLat b;              // longitude unwrapped to within 180 degrees of a's
    double margin_deg = 0.0;  // how far the geodesic can be north or south of the chord
};

/// Prepares a ring edge: b's longitude unwrapped against a's, and the bound (in degrees of
/// latitude, at any longitude between the ends) of the geodesic's departure from the chord.
[[nodiscard]] RayEdge make_ray_edge(LonLat a, LonLat b) noexcept;

/// Whether the geodesic edge crosses the meridian ray going north from p (p's longitude
/// already in the edge's frame). Half-open in longitude so that a ray through a vertex
/// counts once. Decided on the chord unless p is within the margin, then on the geodesic.
[[nodiscard]] bool crosses_north_ray(const RayEdge& edge, LonLat p) noexcept;

}  // namespace detail

}  // namespace fergana::geo
