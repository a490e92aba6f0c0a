#pragma once
// Geodesics on the WGS84 ellipsoid (a = 6378137 m, f = 1/298.257223563) through
// PROJ's implementation of Karney's algorithms (geodesic.h): accurate to
// nanometres for distances and to about 0.1 m² per km² for areas.
// Every distance is in metres and every area in square metres; never degrees.

#include "geo/geometry.hpp"

namespace fergana::geo {

/// The ellipsoid's name, as recorded in provenance.
inline constexpr const char* ellipsoid_name = "WGS84 (a=6378137 m, f=1/298.257223563)";

/// Radius comparisons ("within 5 km") are inclusive up to this much, so that a point placed
/// exactly at the radius with coordinates rounded to 1e-12 degrees still counts (1e-12
/// degrees is about 0.1 micrometre).
inline constexpr double radius_tolerance_m = 1e-6;

/// The solution of the inverse geodesic problem between two points.
struct GeodesicInverse {
    double distance_m = 0.0;
    double azimuth1_deg = 0.0;  // forward azimuth at the first point, clockwise from north
    double azimuth2_deg = 0.0;  // forward azimuth at the second point
};

[[nodiscard]] GeodesicInverse geodesic_inverse(LonLat from, LonLat to) noexcept;
[[nodiscard]] double distance_m(LonLat from, LonLat to) noexcept;
/// The point reached from `from` after `distance_m` metres along azimuth `azimuth_deg`.
[[nodiscard]] LonLat geodesic_direct(LonLat from, double azimuth_deg, double distance_m) noexcept;

/// Length of a path, each edge taken as the geodesic between its vertices.
[[nodiscard]] double length_m(const Path& path) noexcept;
/// Total length of the lines of a geometry (polygon rings are not counted: see perimeter_m).
[[nodiscard]] double length_m(const Geometry& geometry) noexcept;
/// Total length of all polygon rings (exterior and holes).
[[nodiscard]] double perimeter_m(const Geometry& geometry) noexcept;

/// Area of a polygon on the ellipsoid: exterior minus holes, whatever the ring orientation.
[[nodiscard]] double area_m2(const Polygon& polygon) noexcept;
/// Total area of the polygons of a geometry.
[[nodiscard]] double area_m2(const Geometry& geometry) noexcept;

}  // namespace fergana::geo
