#include "geo/geos.hpp"

#include "geo/error.hpp"

#include <geos_c.h>

#include <cstdarg>
#include <cstdio>

namespace fergana::geo {

namespace {

void store_message(const char* message, void* userdata) {
    auto* error = static_cast<std::string*>(userdata);
    *error = message ? message : "unknown GEOS error";
}

}  // namespace

void GeosGeomDeleter::operator()(GEOSGeom_t* geom) const noexcept {
    GEOSGeom_destroy_r(context, geom);
}

void GeosPreparedDeleter::operator()(const GEOSPrepGeom_t* prepared) const noexcept {
    GEOSPreparedGeom_destroy_r(context, prepared);
}

GeosContext::GeosContext() : m_handle(GEOS_init_r()) {
    if (m_handle == nullptr) {
        throw GeometryError("GEOS_init_r failed: cannot create a GEOS context");
    }
    GEOSContext_setErrorMessageHandler_r(m_handle, store_message, &m_error);
    // Notices (e.g. "Self-intersection at ...") are reported through is_valid's reason instead.
    GEOSContext_setNoticeMessageHandler_r(m_handle, nullptr, nullptr);
}

GeosContext::~GeosContext() {
    GEOS_finish_r(m_handle);
}

void GeosContext::fail(std::string_view operation) const {
    std::string message = "GEOS ";
    message += operation;
    message += " failed";
    if (!m_error.empty()) {
        message += ": " + m_error;
    }
    throw GeometryError(message);
}

GeosGeom GeosContext::own(GEOSGeom_t* result, std::string_view operation) {
    if (result == nullptr) {
        fail(operation);
    }
    return GeosGeom(result, GeosGeomDeleter{m_handle});
}

bool GeosContext::predicate(char result, std::string_view operation) const {
    if (result == 2) {
        fail(operation);
    }
    return result == 1;
}

GeosGeom GeosContext::from_wkt(std::string_view wkt) {
    m_error.clear();
    GEOSWKTReader* reader = GEOSWKTReader_create_r(m_handle);
    const std::string text(wkt);
    GEOSGeometry* result = GEOSWKTReader_read_r(m_handle, reader, text.c_str());
    GEOSWKTReader_destroy_r(m_handle, reader);
    return own(result, "WKT reading");
}

std::string GeosContext::to_wkt(const GEOSGeom_t& geom, int decimals) {
    GEOSWKTWriter* writer = GEOSWKTWriter_create_r(m_handle);
    GEOSWKTWriter_setTrim_r(m_handle, writer, 1);
    GEOSWKTWriter_setRoundingPrecision_r(m_handle, writer, decimals);
    char* text = GEOSWKTWriter_write_r(m_handle, writer, &geom);
    GEOSWKTWriter_destroy_r(m_handle, writer);
    if (text == nullptr) {
        fail("WKT writing");
    }
    std::string out(text);
    GEOSFree_r(m_handle, text);
    return out;
}

namespace {

GEOSCoordSequence* make_sequence(GEOSContextHandle_t h, const Path& path) {
    // LonLat is two packed doubles, the layout copyFromBuffer expects for XY.
    static_assert(sizeof(LonLat) == 2 * sizeof(double));
    return GEOSCoordSeq_copyFromBuffer_r(h, reinterpret_cast<const double*>(path.data()),
                                         static_cast<unsigned int>(path.size()), 0, 0);
}

Path read_sequence(GEOSContextHandle_t h, const GEOSCoordSequence* seq) {
    unsigned int size = 0;
    GEOSCoordSeq_getSize_r(h, seq, &size);
    Path path(size);
    if (size > 0) {
        GEOSCoordSeq_copyToBuffer_r(h, seq, reinterpret_cast<double*>(path.data()), 0, 0);
    }
    return path;
}

}  // namespace

GeosGeom GeosContext::from_geometry(const Geometry& geometry) {
    m_error.clear();
    GEOSContextHandle_t h = m_handle;
    std::vector<GEOSGeometry*> parts;
    auto release = [&] {
        for (GEOSGeometry* g : parts) GEOSGeom_destroy_r(h, g);
        parts.clear();
    };
    auto make_polygon = [&](const Polygon& poly) -> GEOSGeometry* {
        if (poly.rings.empty()) {
            return GEOSGeom_createEmptyPolygon_r(h);
        }
        GEOSCoordSequence* shell_seq = make_sequence(h, poly.rings[0]);
        GEOSGeometry* shell = shell_seq ? GEOSGeom_createLinearRing_r(h, shell_seq) : nullptr;
        if (shell == nullptr) {
            return nullptr;
        }
        std::vector<GEOSGeometry*> holes;
        for (std::size_t i = 1; i < poly.rings.size(); ++i) {
            GEOSCoordSequence* hole_seq = make_sequence(h, poly.rings[i]);
            GEOSGeometry* hole = hole_seq ? GEOSGeom_createLinearRing_r(h, hole_seq) : nullptr;
            if (hole == nullptr) {
                for (GEOSGeometry* made : holes) GEOSGeom_destroy_r(h, made);
                GEOSGeom_destroy_r(h, shell);
                return nullptr;
            }
            holes.push_back(hole);
        }
        return GEOSGeom_createPolygon_r(h, shell, holes.data(),
                                        static_cast<unsigned int>(holes.size()));
    };
    for (const LonLat& p : geometry.points()) {
        GEOSGeometry* g = GEOSGeom_createPointFromXY_r(h, p.lon, p.lat);
        if (g == nullptr) {
            release();
            fail("point construction");
        }
        parts.push_back(g);
    }
    for (const Path& line : geometry.lines()) {
        GEOSCoordSequence* seq = make_sequence(h, line);
        GEOSGeometry* g = seq ? GEOSGeom_createLineString_r(h, seq) : nullptr;
        if (g == nullptr) {
            release();
            fail("line construction");
        }
        parts.push_back(g);
    }
    for (const Polygon& poly : geometry.polygons()) {
        GEOSGeometry* g = make_polygon(poly);
        if (g == nullptr) {
            release();
            fail("polygon construction");
        }
        parts.push_back(g);
    }
    int collection_type = GEOS_GEOMETRYCOLLECTION;
    switch (geometry.type()) {
        case GeometryType::Point:
        case GeometryType::LineString:
        case GeometryType::Polygon:
            if (parts.size() == 1) {
                return own(parts.front(), "geometry construction");
            }
            break;
        case GeometryType::MultiPoint: collection_type = GEOS_MULTIPOINT; break;
        case GeometryType::MultiLineString: collection_type = GEOS_MULTILINESTRING; break;
        case GeometryType::MultiPolygon: collection_type = GEOS_MULTIPOLYGON; break;
        case GeometryType::GeometryCollection: break;
    }
    GEOSGeometry* result = GEOSGeom_createCollection_r(h, collection_type, parts.data(),
                                                       static_cast<unsigned int>(parts.size()));
    if (result == nullptr) {
        release();
        fail("collection construction");
    }
    return own(result, "collection construction");
}

Geometry GeosContext::to_geometry(const GEOSGeom_t& geom) {
    GEOSContextHandle_t h = m_handle;
    std::vector<LonLat> points;
    std::vector<Path> lines;
    std::vector<Polygon> polygons;

    auto visit = [&](auto&& self, const GEOSGeometry* g) -> void {
        if (GEOSisEmpty_r(h, g) == 1) {
            return;
        }
        switch (GEOSGeomTypeId_r(h, g)) {
            case GEOS_POINT: {
                Path p = read_sequence(h, GEOSGeom_getCoordSeq_r(h, g));
                points.insert(points.end(), p.begin(), p.end());
                break;
            }
            case GEOS_LINESTRING:
            case GEOS_LINEARRING:
                lines.push_back(read_sequence(h, GEOSGeom_getCoordSeq_r(h, g)));
                break;
            case GEOS_POLYGON: {
                Polygon poly;
                poly.rings.push_back(
                    read_sequence(h, GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g))));
                const int holes = GEOSGetNumInteriorRings_r(h, g);
                for (int i = 0; i < holes; ++i) {
                    poly.rings.push_back(
                        read_sequence(h, GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, i))));
                }
                polygons.push_back(std::move(poly));
                break;
            }
            default: {
                const int n = GEOSGetNumGeometries_r(h, g);
                for (int i = 0; i < n; ++i) {
                    self(self, GEOSGetGeometryN_r(h, g, i));
                }
            }
        }
    };
    visit(visit, &geom);

    switch (GEOSGeomTypeId_r(h, &geom)) {
        case GEOS_POINT:
            return points.empty() ? Geometry{} : Geometry::point(points.front());
        case GEOS_LINESTRING:
        case GEOS_LINEARRING:
            return lines.empty() ? Geometry{} : Geometry::line(std::move(lines.front()));
        case GEOS_POLYGON:
            return polygons.empty() ? Geometry{} : Geometry::polygon(std::move(polygons.front()));
        case GEOS_MULTIPOINT: return Geometry::multi_point(std::move(points));
        case GEOS_MULTILINESTRING: return Geometry::multi_line(std::move(lines));
        case GEOS_MULTIPOLYGON: return Geometry::multi_polygon(std::move(polygons));
        default:
            return Geometry::collection(std::move(points), std::move(lines), std::move(polygons));
    }
}

bool GeosContext::is_valid(const GEOSGeom_t& geom, std::string* reason) {
    m_error.clear();
    const char valid = GEOSisValid_r(m_handle, &geom);
    if (valid == 2) {
        fail("validity check");
    }
    if (valid == 0 && reason != nullptr) {
        char* text = GEOSisValidReason_r(m_handle, &geom);
        *reason = text ? text : "invalid";
        GEOSFree_r(m_handle, text);
    }
    return valid == 1;
}

GeosGeom GeosContext::make_valid(const GEOSGeom_t& geom) {
    m_error.clear();
    GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(m_handle);
    GEOSMakeValidParams_setMethod_r(m_handle, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(m_handle, params, 0);
    GEOSGeometry* result = GEOSMakeValidWithParams_r(m_handle, &geom, params);
    GEOSMakeValidParams_destroy_r(m_handle, params);
    return own(result, "make-valid");
}

GeosGeom GeosContext::intersection(const GEOSGeom_t& a, const GEOSGeom_t& b) {
    m_error.clear();
    return own(GEOSIntersection_r(m_handle, &a, &b), "intersection");
}

GeosGeom GeosContext::difference(const GEOSGeom_t& a, const GEOSGeom_t& b) {
    m_error.clear();
    return own(GEOSDifference_r(m_handle, &a, &b), "difference");
}

GeosGeom GeosContext::union_of(const GEOSGeom_t& a, const GEOSGeom_t& b) {
    m_error.clear();
    return own(GEOSUnion_r(m_handle, &a, &b), "union");
}

GeosGeom GeosContext::unary_union(const GEOSGeom_t& geom) {
    m_error.clear();
    return own(GEOSUnaryUnion_r(m_handle, &geom), "unary union");
}

GeosGeom GeosContext::boundary(const GEOSGeom_t& geom) {
    m_error.clear();
    return own(GEOSBoundary_r(m_handle, &geom), "boundary");
}

GeosGeom GeosContext::line_merge(const GEOSGeom_t& geom) {
    m_error.clear();
    return own(GEOSLineMerge_r(m_handle, &geom), "line merge");
}

GeosGeom GeosContext::clone(const GEOSGeom_t& geom) {
    m_error.clear();
    return own(GEOSGeom_clone_r(m_handle, &geom), "clone");
}

bool GeosContext::intersects(const GEOSGeom_t& a, const GEOSGeom_t& b) {
    m_error.clear();
    return predicate(GEOSIntersects_r(m_handle, &a, &b), "intersects");
}

bool GeosContext::contains(const GEOSGeom_t& a, const GEOSGeom_t& b) {
    m_error.clear();
    return predicate(GEOSContains_r(m_handle, &a, &b), "contains");
}

bool GeosContext::covers(const GEOSGeom_t& a, const GEOSGeom_t& b) {
    m_error.clear();
    return predicate(GEOSCovers_r(m_handle, &a, &b), "covers");
}

bool GeosContext::within(const GEOSGeom_t& a, const GEOSGeom_t& b) {
    m_error.clear();
    return predicate(GEOSWithin_r(m_handle, &a, &b), "within");
}

bool GeosContext::is_empty(const GEOSGeom_t& geom) {
    m_error.clear();
    return predicate(GEOSisEmpty_r(m_handle, &geom), "isEmpty");
}

GeosPrepared GeosContext::prepare(const GEOSGeom_t& geom) {
    m_error.clear();
    const GEOSPreparedGeometry* prepared = GEOSPrepare_r(m_handle, &geom);
    if (prepared == nullptr) {
        fail("prepare");
    }
    return GeosPrepared(prepared, GeosPreparedDeleter{m_handle});
}

bool GeosContext::prepared_covers(const GEOSPrepGeom_t& prepared, const GEOSGeom_t& geom) {
    m_error.clear();
    return predicate(GEOSPreparedCovers_r(m_handle, &prepared, &geom), "prepared covers");
}

bool GeosContext::prepared_intersects(const GEOSPrepGeom_t& prepared, const GEOSGeom_t& geom) {
    m_error.clear();
    return predicate(GEOSPreparedIntersects_r(m_handle, &prepared, &geom), "prepared intersects");
}

bool GeosContext::prepared_covers(const GEOSPrepGeom_t& prepared, LonLat point) {
    m_error.clear();
    GeosGeom p = own(GEOSGeom_createPointFromXY_r(m_handle, point.lon, point.lat), "point");
    return prepared_covers(prepared, *p);
}

double GeosContext::planar_area_deg2(const GEOSGeom_t& geom) {
    double area = 0.0;
    if (GEOSArea_r(m_handle, &geom, &area) == 0) {
        fail("area");
    }
    return area;
}

std::string geos_version() {
    return GEOSversion();
}

}  // namespace fergana::geo
