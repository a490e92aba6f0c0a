#pragma once
// The geometry value type every layer and analysis shares: simple features in
// WGS84 longitude/latitude degrees (traditional GIS order: lon first).
//
//   geo::Geometry g = geo::Geometry::line({{70.0, 40.0}, {70.5, 40.1}});
//   for (const geo::Path& line : g.lines()) { ... }
//
// It owns plain coordinate arrays, so analyses can walk vertices and edges
// without a GEOS handle; geo/geos.hpp converts to and from GEOS when an
// overlay or validity operation is needed.

#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace fergana::geo {

/// A position in degrees on WGS84: longitude first.
struct LonLat {
    double lon = 0.0;
    double lat = 0.0;
    friend bool operator==(const LonLat&, const LonLat&) = default;
};

/// A position in a projected (planar) coordinate system, usually metres.
struct XY {
    double x = 0.0;
    double y = 0.0;
    friend bool operator==(const XY&, const XY&) = default;
};

/// A LineString, or a polygon ring (closed: first == last).
using Path = std::vector<LonLat>;

/// A polygon: rings[0] is the exterior ring, the rest are holes.
struct Polygon {
    std::vector<Path> rings;
};

/// A longitude/latitude box. Empty when min > max.
struct Box {
    double min_lon = std::numeric_limits<double>::infinity();
    double min_lat = std::numeric_limits<double>::infinity();
    double max_lon = -std::numeric_limits<double>::infinity();
    double max_lat = -std::numeric_limits<double>::infinity();

    [[nodiscard]] bool empty() const noexcept { return min_lon > max_lon || min_lat > max_lat; }
    void extend(LonLat p) noexcept;
    void extend(const Box& other) noexcept;
    [[nodiscard]] bool contains(LonLat p) const noexcept;
    [[nodiscard]] bool intersects(const Box& other) const noexcept;
};

enum class GeometryType {
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    GeometryCollection,
};

[[nodiscard]] std::string_view to_string(GeometryType type) noexcept;

/// The dimension of a geometry: 0 points, 1 lines, 2 polygons.
enum class Dimension { Point = 0, Line = 1, Area = 2 };

class Geometry {
public:
    Geometry() = default;  // an empty GeometryCollection

    static Geometry point(LonLat p);
    static Geometry multi_point(std::vector<LonLat> points);
    static Geometry line(Path path);
    static Geometry multi_line(std::vector<Path> paths);
    static Geometry polygon(Polygon polygon);
    static Geometry multi_polygon(std::vector<Polygon> polygons);
    /// A collection holding points, lines and polygons together.
    static Geometry collection(std::vector<LonLat> points, std::vector<Path> lines,
                               std::vector<Polygon> polygons);

    [[nodiscard]] GeometryType type() const noexcept { return m_type; }
    [[nodiscard]] const std::vector<LonLat>& points() const noexcept { return m_points; }
    [[nodiscard]] const std::vector<Path>& lines() const noexcept { return m_lines; }
    [[nodiscard]] const std::vector<Polygon>& polygons() const noexcept { return m_polygons; }
    std::vector<LonLat>& points() noexcept { return m_points; }
    std::vector<Path>& lines() noexcept { return m_lines; }
    std::vector<Polygon>& polygons() noexcept { return m_polygons; }

    [[nodiscard]] bool empty() const noexcept;
    [[nodiscard]] bool has_points() const noexcept { return !m_points.empty(); }
    [[nodiscard]] bool has_lines() const noexcept { return !m_lines.empty(); }
    [[nodiscard]] bool has_polygons() const noexcept { return !m_polygons.empty(); }
    [[nodiscard]] std::size_t vertex_count() const noexcept;
    [[nodiscard]] Box bounds() const noexcept;

    /// Calls fn(LonLat&) on every vertex (to reproject or swap axes in place).
    template <typename Fn>
    void for_each_vertex(Fn&& fn) {
        for (auto& p : m_points) fn(p);
        for (auto& l : m_lines)
            for (auto& p : l) fn(p);
        for (auto& poly : m_polygons)
            for (auto& r : poly.rings)
                for (auto& p : r) fn(p);
    }
    template <typename Fn>
    void for_each_vertex(Fn&& fn) const {
        for (const auto& p : m_points) fn(p);
        for (const auto& l : m_lines)
            for (const auto& p : l) fn(p);
        for (const auto& poly : m_polygons)
            for (const auto& r : poly.rings)
                for (const auto& p : r) fn(p);
    }

private:
    GeometryType m_type = GeometryType::GeometryCollection;
    std::vector<LonLat> m_points;
    std::vector<Path> m_lines;
    std::vector<Polygon> m_polygons;
};

}  // namespace fergana::geo
