#pragma once
// RAII over PROJ: a context per thread and transformations between CRSs.
//
//   geo::ProjContext ctx;
//   geo::Transformer utm(ctx, "EPSG:4326", "EPSG:32642");   // lon/lat -> UTM 42N metres
//   geo::XY xy = utm.forward({71.0, 40.0});
//
// Axis order is always the traditional GIS order (longitude/easting first),
// whatever the CRS's official order. No PROJ header is included here.

#include "geo/geometry.hpp"

#include <memory>
#include <string>
#include <string_view>

struct pj_ctx;
struct PJconsts;

namespace fergana::geo {

class ProjContext {
public:
    ProjContext();
    ~ProjContext();
    ProjContext(const ProjContext&) = delete;
    ProjContext& operator=(const ProjContext&) = delete;

    [[nodiscard]] pj_ctx* handle() const noexcept { return m_ctx; }
    /// PROJ's message for the context's last error.
    [[nodiscard]] std::string last_error() const;

private:
    pj_ctx* m_ctx = nullptr;
};

struct PjDeleter {
    pj_ctx* context = nullptr;
    void operator()(PJconsts* pj) const noexcept;
};
using PjPtr = std::unique_ptr<PJconsts, PjDeleter>;

/// A coordinate transformation from one CRS to another.
/// CRS definitions: "EPSG:n", WKT, PROJJSON, or a PROJ string ("+proj=tmerc +lon_0=71 ...").
class Transformer {
public:
    Transformer(ProjContext& context, std::string_view source_crs, std::string_view target_crs);

    /// Source to target. Throws ProjectionError when the point cannot be transformed.
    [[nodiscard]] XY forward(XY in) const;
    /// Target to source.
    [[nodiscard]] XY inverse(XY in) const;

    [[nodiscard]] const std::string& source_crs() const noexcept { return m_source; }
    [[nodiscard]] const std::string& target_crs() const noexcept { return m_target; }

private:
    ProjContext* m_context;
    PjPtr m_pj;
    std::string m_source;
    std::string m_target;
    [[nodiscard]] XY apply(XY in, int direction) const;
};

/// The PROJ library version, e.g. "9.1.1".
std::string proj_version();

}  // namespace fergana::geo
