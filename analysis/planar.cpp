#include "analysis/planar.hpp"

#include "geo/error.hpp"
#include "geo/geodesic.hpp"

#include <geos_c.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fergana::analysis {

namespace {

std::string number(double v) {
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, 9);
    return std::string(buffer, r.ptr);
}

constexpr double mean_radius_m = 6371008.8;

}  // namespace

LocalPlane::LocalPlane(const geo::Box& extent) : m_context(std::make_unique<geo::ProjContext>()) {
    if (extent.empty())
        throw GeometryError("local plane: empty extent");
    const double lon0 = 0.5 * (extent.min_lon + extent.max_lon);
    const double lat0 = 0.5 * (extent.min_lat + extent.max_lat);
    m_definition = "+proj=tmerc +lat_0=" + number(lat0) + " +lon_0=" + number(lon0) +
                   " +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs";
    m_transformer = std::make_unique<geo::Transformer>(*m_context, "EPSG:4326", m_definition);
    // The farthest the extent reaches from the central meridian, measured along the parallels
    // of the box's edges (the largest at the latitude nearest the equator).
    const double lat_near_equator =
        (extent.min_lat <= 0.0 && extent.max_lat >= 0.0)
            ? 0.0
            : (std::fabs(extent.min_lat) < std::fabs(extent.max_lat) ? extent.min_lat
                                                                     : extent.max_lat);
    const double x_max =
        std::max(geo::distance_m({lon0, lat_near_equator}, {extent.min_lon, lat_near_equator}),
                 geo::distance_m({lon0, lat_near_equator}, {extent.max_lon, lat_near_equator}));
    m_max_scale_error = x_max * x_max / (2.0 * mean_radius_m * mean_radius_m);
}

LocalPlane::~LocalPlane() = default;

geo::XY LocalPlane::forward(geo::LonLat p) const {
    return m_transformer->forward(geo::XY{p.lon, p.lat});
}

geo::LonLat LocalPlane::inverse(geo::XY p) const {
    const geo::XY q = m_transformer->inverse(p);
    return geo::LonLat{q.x, q.y};
}

geo::Geometry LocalPlane::inverse(geo::GeosContext& ctx, const GEOSGeom_t& planar) const {
    geo::Geometry g = ctx.to_geometry(planar);
    g.for_each_vertex([this](geo::LonLat& p) { p = inverse(geo::XY{p.lon, p.lat}); });
    return geo::Geometry::multi_polygon(std::move(g.polygons()));
}

geo::GeosGeom LocalPlane::forward(geo::GeosContext& ctx, const geo::Geometry& geometry) const {
    geo::Geometry g = geometry;
    g.for_each_vertex([this](geo::LonLat& p) {
        const geo::XY xy = forward(p);
        p = geo::LonLat{xy.x, xy.y};
    });
    return ctx.from_geometry(g);
}

geo::GeosGeom filled_ring(geo::GeosContext& ctx, const std::vector<geo::XY>& ring,
                          double simplify_m) {
    if (ring.size() < 4)
        return {};
    GEOSContextHandle_t h = ctx.handle();
    static_assert(sizeof(geo::XY) == 2 * sizeof(double));
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromBuffer_r(
        h, reinterpret_cast<const double*>(ring.data()), static_cast<unsigned>(ring.size()), 0, 0);
    if (seq == nullptr)
        ctx.fail("coordinate sequence");
    geo::GeosGeom line = ctx.own(GEOSGeom_createLineString_r(h, seq), "line string");
    if (simplify_m > 0.0)
        line = ctx.own(GEOSSimplify_r(h, line.get(), simplify_m), "simplify");
    geo::GeosGeom noded = ctx.unary_union(*line);
    const GEOSGeometry* inputs[] = {noded.get()};
    geo::GeosGeom faces = ctx.own(GEOSPolygonize_r(h, inputs, 1), "polygonize");
    if (GEOSGetNumGeometries_r(h, faces.get()) == 0)
        return {};
    return ctx.unary_union(*faces);
}

double inscribed_radius(geo::GeosContext& ctx, const GEOSGeom_t& polygon, double tolerance) {
    geo::GeosGeom radius = ctx.own(GEOSMaximumInscribedCircle_r(ctx.handle(), &polygon, tolerance),
                                   "maximum inscribed circle");
    double length = 0.0;
    if (GEOSGeomGetLength_r(ctx.handle(), radius.get(), &length) != 1)
        ctx.fail("length");
    return length;
}

}  // namespace fergana::analysis
