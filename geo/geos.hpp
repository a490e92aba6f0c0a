#pragma once
// RAII over GEOS's reentrant C API (never the C++ API, never the non-_r calls).
//
//   geo::GeosContext ctx;                       // one per thread
//   geo::GeosGeom a = ctx.from_wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
//   geo::GeosGeom d = ctx.difference(*a, *b);   // throws GeometryError on failure
//   geo::Geometry g = ctx.to_geometry(*d);
//
// GEOS reports errors through a handler; ours stores the message in the
// context and the wrapper throws a GeometryError carrying it. A context is not
// thread-safe: give each thread its own and pass it down explicitly.
// No GEOS header is included here: the handles are forward-declared.

#include "geo/geometry.hpp"

#include <memory>
#include <string>
#include <string_view>

struct GEOSContextHandle_HS;
struct GEOSGeom_t;
struct GEOSPrepGeom_t;

namespace fergana::geo {

/// Deleter that knows the context its geometry belongs to.
struct GeosGeomDeleter {
    GEOSContextHandle_HS* context = nullptr;
    void operator()(GEOSGeom_t* geom) const noexcept;
};
using GeosGeom = std::unique_ptr<GEOSGeom_t, GeosGeomDeleter>;

struct GeosPreparedDeleter {
    GEOSContextHandle_HS* context = nullptr;
    void operator()(const GEOSPrepGeom_t* prepared) const noexcept;
};
/// A prepared geometry. It refers to its base geometry: destroy it first.
using GeosPrepared = std::unique_ptr<const GEOSPrepGeom_t, GeosPreparedDeleter>;

class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    [[nodiscard]] GEOSContextHandle_HS* handle() const noexcept { return m_handle; }
    /// The last message GEOS sent to the error handler.
    [[nodiscard]] const std::string& last_error() const noexcept { return m_error; }

    // Conversions.
    GeosGeom from_wkt(std::string_view wkt);
    std::string to_wkt(const GEOSGeom_t& geom, int decimals = 7);
    GeosGeom from_geometry(const Geometry& geometry);
    Geometry to_geometry(const GEOSGeom_t& geom);

    // Validity.
    /// True when valid; otherwise false and, when reason is given, GEOS's reason.
    bool is_valid(const GEOSGeom_t& geom, std::string* reason = nullptr);
    /// GEOS make-valid (the "structure" method: keeps the polygon's area, drops collapsed parts).
    GeosGeom make_valid(const GEOSGeom_t& geom);

    // Overlay and constructive operations.
    GeosGeom intersection(const GEOSGeom_t& a, const GEOSGeom_t& b);
    GeosGeom difference(const GEOSGeom_t& a, const GEOSGeom_t& b);
    GeosGeom union_of(const GEOSGeom_t& a, const GEOSGeom_t& b);
    GeosGeom unary_union(const GEOSGeom_t& geom);
    GeosGeom boundary(const GEOSGeom_t& geom);
    GeosGeom line_merge(const GEOSGeom_t& geom);
    GeosGeom clone(const GEOSGeom_t& geom);

    // Predicates (exact, in lon/lat degrees).
    bool intersects(const GEOSGeom_t& a, const GEOSGeom_t& b);
    bool contains(const GEOSGeom_t& a, const GEOSGeom_t& b);
    bool covers(const GEOSGeom_t& a, const GEOSGeom_t& b);
    bool within(const GEOSGeom_t& a, const GEOSGeom_t& b);
    bool is_empty(const GEOSGeom_t& geom);

    GeosPrepared prepare(const GEOSGeom_t& geom);
    bool prepared_covers(const GEOSPrepGeom_t& prepared, const GEOSGeom_t& geom);
    bool prepared_intersects(const GEOSPrepGeom_t& prepared, const GEOSGeom_t& geom);
    /// A point-in-polygon test against a prepared geometry (boundary counts as inside).
    bool prepared_covers(const GEOSPrepGeom_t& prepared, LonLat point);

    /// GEOS's planar area in square degrees: only for comparisons (e.g. "is anything left?"),
    /// never as an area. Use geo::area_m2 for areas.
    double planar_area_deg2(const GEOSGeom_t& geom);

    /// Wraps a raw result: throws GeometryError naming `operation` when it is null.
    GeosGeom own(GEOSGeom_t* result, std::string_view operation);

    /// Throws GeometryError "GEOS <operation> failed: <last message>".
    [[noreturn]] void fail(std::string_view operation) const;

private:
    GEOSContextHandle_HS* m_handle = nullptr;
    std::string m_error;
    bool predicate(char result, std::string_view operation) const;
};

/// The GEOS library version, e.g. "3.11.1-CAPI-1.17.1".
std::string geos_version();

}  // namespace fergana::geo
