#include "layers/detail/ogr_convert.hpp"

namespace fergana::layers::detail {

namespace {

geo::Path read_curve(const OGRSimpleCurve& curve) {
    geo::Path path;
    path.reserve(static_cast<std::size_t>(curve.getNumPoints()));
    for (int i = 0; i < curve.getNumPoints(); ++i) {
        path.push_back({curve.getX(i), curve.getY(i)});
    }
    return path;
}

void add_polygon(const OGRPolygon& polygon, std::vector<geo::Polygon>& out, ConversionNotes& notes) {
    geo::Polygon poly;
    for (const OGRLinearRing* ring : polygon) {
        geo::Path path = read_curve(*ring);
        if (!path.empty() && !(path.front() == path.back())) {
            path.push_back(path.front());
            ++notes.closed_rings;
        }
        if (path.size() < 4) {
            ++notes.dropped_rings;
            if (poly.rings.empty()) {
                return;  // no exterior ring: the polygon is gone
            }
            continue;
        }
        poly.rings.push_back(std::move(path));
    }
    if (!poly.rings.empty()) {
        out.push_back(std::move(poly));
    }
}

void visit(const OGRGeometry& g, std::vector<geo::LonLat>& points, std::vector<geo::Path>& lines,
           std::vector<geo::Polygon>& polygons, ConversionNotes& notes) {
    if (g.IsEmpty()) {
        return;
    }
    switch (wkbFlatten(g.getGeometryType())) {
        case wkbPoint: {
            const auto& p = *g.toPoint();
            points.push_back({p.getX(), p.getY()});
            break;
        }
        case wkbLineString:
        case wkbLinearRing: lines.push_back(read_curve(*g.toSimpleCurve())); break;
        case wkbPolygon: add_polygon(*g.toPolygon(), polygons, notes); break;
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const OGRGeometry* part : *g.toGeometryCollection()) {
                visit(*part, points, lines, polygons, notes);
            }
            break;
        default: {
            // Curves, surfaces, TINs...: approximate by their linear form.
            notes.linearised = true;
            std::unique_ptr<OGRGeometry> linear(g.getLinearGeometry());
            if (linear && wkbFlatten(linear->getGeometryType()) != wkbFlatten(g.getGeometryType())) {
                visit(*linear, points, lines, polygons, notes);
            }
        }
    }
}

}  // namespace

geo::Geometry from_ogr(const OGRGeometry& geometry, ConversionNotes& notes) {
    if (geometry.Is3D() || geometry.IsMeasured()) {
        notes.dropped_z_or_m = true;
    }
    if (wkbFlatten(geometry.getGeometryType()) == wkbPoint) {  // a million incidents: no detour
        if (geometry.IsEmpty()) return {};
        const OGRPoint& p = *geometry.toPoint();
        return geo::Geometry::point({p.getX(), p.getY()});
    }
    std::vector<geo::LonLat> points;
    std::vector<geo::Path> lines;
    std::vector<geo::Polygon> polygons;
    visit(geometry, points, lines, polygons, notes);
    switch (wkbFlatten(geometry.getGeometryType())) {
        case wkbPoint: return points.empty() ? geo::Geometry{} : geo::Geometry::point(points.front());
        case wkbLineString: return lines.empty() ? geo::Geometry{} : geo::Geometry::line(std::move(lines.front()));
        case wkbPolygon:
            return polygons.empty() ? geo::Geometry{} : geo::Geometry::polygon(std::move(polygons.front()));
        case wkbMultiPoint: return geo::Geometry::multi_point(std::move(points));
        case wkbMultiLineString: return geo::Geometry::multi_line(std::move(lines));
        case wkbMultiPolygon: return geo::Geometry::multi_polygon(std::move(polygons));
        default:
            if (points.empty() && lines.empty()) return geo::Geometry::multi_polygon(std::move(polygons));
            if (points.empty() && polygons.empty()) return geo::Geometry::multi_line(std::move(lines));
            if (lines.empty() && polygons.empty()) return geo::Geometry::multi_point(std::move(points));
            return geo::Geometry::collection(std::move(points), std::move(lines), std::move(polygons));
    }
}

namespace {

std::unique_ptr<OGRLineString> make_line(const geo::Path& path) {
    auto line = std::make_unique<OGRLineString>();
    line->setNumPoints(static_cast<int>(path.size()), FALSE);
    for (std::size_t i = 0; i < path.size(); ++i) {
        line->setPoint(static_cast<int>(i), path[i].lon, path[i].lat);
    }
    return line;
}

std::unique_ptr<OGRPolygon> make_polygon(const geo::Polygon& polygon) {
    auto out = std::make_unique<OGRPolygon>();
    for (const geo::Path& ring : polygon.rings) {
        auto r = std::make_unique<OGRLinearRing>();
        r->setNumPoints(static_cast<int>(ring.size()), FALSE);
        for (std::size_t i = 0; i < ring.size(); ++i) {
            r->setPoint(static_cast<int>(i), ring[i].lon, ring[i].lat);
        }
        out->addRingDirectly(r.release());
    }
    return out;
}

}  // namespace

std::unique_ptr<OGRGeometry> to_ogr(const geo::Geometry& geometry) {
    using geo::GeometryType;
    switch (geometry.type()) {
        case GeometryType::Point:
            if (geometry.points().size() == 1) {
                return std::make_unique<OGRPoint>(geometry.points()[0].lon, geometry.points()[0].lat);
            }
            break;
        case GeometryType::LineString:
            if (geometry.lines().size() == 1) return make_line(geometry.lines()[0]);
            break;
        case GeometryType::Polygon:
            if (geometry.polygons().size() == 1) return make_polygon(geometry.polygons()[0]);
            break;
        default: break;
    }
    const bool only_points = geometry.lines().empty() && geometry.polygons().empty();
    const bool only_lines = geometry.points().empty() && geometry.polygons().empty();
    const bool only_polygons = geometry.points().empty() && geometry.lines().empty();
    std::unique_ptr<OGRGeometryCollection> out;
    if (geometry.type() == GeometryType::MultiPoint || (only_points && geometry.has_points())) {
        out = std::make_unique<OGRMultiPoint>();
    } else if (geometry.type() == GeometryType::MultiLineString || (only_lines && geometry.has_lines())) {
        out = std::make_unique<OGRMultiLineString>();
    } else if (geometry.type() == GeometryType::MultiPolygon || (only_polygons && geometry.has_polygons())) {
        out = std::make_unique<OGRMultiPolygon>();
    } else {
        out = std::make_unique<OGRGeometryCollection>();
    }
    for (const auto& p : geometry.points()) out->addGeometryDirectly(new OGRPoint(p.lon, p.lat));
    for (const auto& l : geometry.lines()) out->addGeometryDirectly(make_line(l).release());
    for (const auto& p : geometry.polygons()) out->addGeometryDirectly(make_polygon(p).release());
    return out;
}

}  // namespace fergana::layers::detail
