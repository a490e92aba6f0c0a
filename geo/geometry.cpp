#include "geo/geometry.hpp"

#include <algorithm>

namespace fergana::geo {

void Box::extend(LonLat p) noexcept {
    min_lon = std::min(min_lon, p.lon);
    min_lat = std::min(min_lat, p.lat);
    max_lon = std::max(max_lon, p.lon);
    max_lat = std::max(max_lat, p.lat);
}

void Box::extend(const Box& other) noexcept {
    if (other.empty()) {
        return;
    }
    extend(LonLat{other.min_lon, other.min_lat});
    extend(LonLat{other.max_lon, other.max_lat});
}

bool Box::contains(LonLat p) const noexcept {
    return p.lon >= min_lon && p.lon <= max_lon && p.lat >= min_lat && p.lat <= max_lat;
}

bool Box::intersects(const Box& other) const noexcept {
    return !(other.min_lon > max_lon || other.max_lon < min_lon || other.min_lat > max_lat ||
             other.max_lat < min_lat);
}

std::string_view to_string(GeometryType type) noexcept {
    switch (type) {
        case GeometryType::Point: return "Point";
        case GeometryType::LineString: return "LineString";
        case GeometryType::Polygon: return "Polygon";
        case GeometryType::MultiPoint: return "MultiPoint";
        case GeometryType::MultiLineString: return "MultiLineString";
        case GeometryType::MultiPolygon: return "MultiPolygon";
        case GeometryType::GeometryCollection: return "GeometryCollection";
    }
    return "Unknown";
}

Geometry Geometry::point(LonLat p) {
    Geometry g;
    g.m_type = GeometryType::Point;
    g.m_points.push_back(p);
    return g;
}

Geometry Geometry::multi_point(std::vector<LonLat> points) {
    Geometry g;
    g.m_type = GeometryType::MultiPoint;
    g.m_points = std::move(points);
    return g;
}

Geometry Geometry::line(Path path) {
    Geometry g;
    g.m_type = GeometryType::LineString;
    g.m_lines.push_back(std::move(path));
    return g;
}

Geometry Geometry::multi_line(std::vector<Path> paths) {
    Geometry g;
    g.m_type = GeometryType::MultiLineString;
    g.m_lines = std::move(paths);
    return g;
}

Geometry Geometry::polygon(Polygon polygon) {
    Geometry g;
    g.m_type = GeometryType::Polygon;
    g.m_polygons.push_back(std::move(polygon));
    return g;
}

Geometry Geometry::multi_polygon(std::vector<Polygon> polygons) {
    Geometry g;
    g.m_type = GeometryType::MultiPolygon;
    g.m_polygons = std::move(polygons);
    return g;
}

Geometry Geometry::collection(std::vector<LonLat> points, std::vector<Path> lines,
                              std::vector<Polygon> polygons) {
    Geometry g;
    g.m_type = GeometryType::GeometryCollection;
    g.m_points = std::move(points);
    g.m_lines = std::move(lines);
    g.m_polygons = std::move(polygons);
    return g;
}

bool Geometry::empty() const noexcept {
    return vertex_count() == 0;
}

std::size_t Geometry::vertex_count() const noexcept {
    std::size_t n = 0;
    for_each_vertex([&n](const LonLat&) { ++n; });
    return n;
}

Box Geometry::bounds() const noexcept {
    Box box;
    for_each_vertex([&box](const LonLat& p) { box.extend(p); });
    return box;
}

}  // namespace fergana::geo
