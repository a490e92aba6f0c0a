#include "geo/geodesic.hpp"

#include <geodesic.h>

#include <cmath>

namespace fergana::geo {

namespace {

const geod_geodesic& wgs84() {
    static const geod_geodesic g = [] {
        geod_geodesic init{};
        geod_init(&init, 6378137.0, 1.0 / 298.257223563);
        return init;
    }();
    return g;
}

double ring_area_m2(const Path& ring) noexcept {
    geod_polygon poly{};
    geod_polygon_init(&poly, 0);
    // A closed ring repeats its first vertex; geod_polygon closes the ring itself.
    std::size_t n = ring.size();
    if (n > 1 && ring.front() == ring.back()) {
        --n;
    }
    for (std::size_t i = 0; i < n; ++i) {
        geod_polygon_addpoint(&wgs84(), &poly, ring[i].lat, ring[i].lon);
    }
    double area = 0.0;
    double perimeter = 0.0;
    geod_polygon_compute(&wgs84(), &poly, 0, 1, &area, &perimeter);
    return std::fabs(area);
}

}  // namespace

GeodesicInverse geodesic_inverse(LonLat from, LonLat to) noexcept {
    GeodesicInverse r;
    geod_inverse(&wgs84(), from.lat, from.lon, to.lat, to.lon, &r.distance_m, &r.azimuth1_deg,
                 &r.azimuth2_deg);
    return r;
}

double distance_m(LonLat from, LonLat to) noexcept {
    double s12 = 0.0;
    geod_inverse(&wgs84(), from.lat, from.lon, to.lat, to.lon, &s12, nullptr, nullptr);
    return s12;
}

LonLat geodesic_direct(LonLat from, double azimuth_deg, double distance_m) noexcept {
    LonLat to;
    geod_direct(&wgs84(), from.lat, from.lon, azimuth_deg, distance_m, &to.lat, &to.lon, nullptr);
    return to;
}

double length_m(const Path& path) noexcept {
    double total = 0.0;
    for (std::size_t i = 1; i < path.size(); ++i) {
        total += distance_m(path[i - 1], path[i]);
    }
    return total;
}

double length_m(const Geometry& geometry) noexcept {
    double total = 0.0;
    for (const Path& line : geometry.lines()) {
        total += length_m(line);
    }
    return total;
}

double perimeter_m(const Geometry& geometry) noexcept {
    double total = 0.0;
    for (const Polygon& poly : geometry.polygons()) {
        for (const Path& ring : poly.rings) {
            total += length_m(ring);
        }
    }
    return total;
}

double area_m2(const Polygon& polygon) noexcept {
    if (polygon.rings.empty()) {
        return 0.0;
    }
    double area = ring_area_m2(polygon.rings.front());
    for (std::size_t i = 1; i < polygon.rings.size(); ++i) {
        area -= ring_area_m2(polygon.rings[i]);
    }
    return area;
}

double area_m2(const Geometry& geometry) noexcept {
    double total = 0.0;
    for (const Polygon& poly : geometry.polygons()) {
        total += area_m2(poly);
    }
    return total;
}

}  // namespace fergana::geo
