#include "geo/proj.hpp"

#include "geo/error.hpp"

#include <proj.h>

#include <cmath>

namespace fergana::geo {

ProjContext::ProjContext() : m_ctx(proj_context_create()) {
    if (m_ctx == nullptr) {
        throw ProjectionError("proj_context_create failed: cannot create a PROJ context");
    }
    // Never reach out to the network for grids: results must not depend on connectivity.
    proj_context_set_enable_network(m_ctx, 0);
    // PROJ logs errors to stderr by default; we report them through exceptions.
    proj_log_level(m_ctx, PJ_LOG_NONE);
}

ProjContext::~ProjContext() {
    proj_context_destroy(m_ctx);
}

std::string ProjContext::last_error() const {
    const int code = proj_context_errno(m_ctx);
    if (code == 0) {
        return "no error reported";
    }
    const char* text = proj_context_errno_string(m_ctx, code);
    return text ? text : "unknown PROJ error";
}

void PjDeleter::operator()(PJconsts* pj) const noexcept {
    proj_destroy(pj);
}

Transformer::Transformer(ProjContext& context, std::string_view source_crs,
                         std::string_view target_crs)
    : m_context(&context), m_source(source_crs), m_target(target_crs) {
    pj_ctx* ctx = context.handle();
    PJ* raw = proj_create_crs_to_crs(ctx, m_source.c_str(), m_target.c_str(), nullptr);
    if (raw == nullptr) {
        throw ProjectionError("cannot create a transformation from '" + m_source + "' to '" +
                                  m_target + "': " + context.last_error(),
                              {}, "give a CRS as EPSG:n, WKT or a PROJ string");
    }
    PJ* normalized = proj_normalize_for_visualization(ctx, raw);
    proj_destroy(raw);
    if (normalized == nullptr) {
        throw ProjectionError("cannot normalise the axis order of the transformation from '" +
                              m_source + "' to '" + m_target + "': " + context.last_error());
    }
    m_pj = PjPtr(normalized, PjDeleter{ctx});
}

XY Transformer::apply(XY in, int direction) const {
    PJ_COORD c = proj_coord(in.x, in.y, 0.0, 0.0);
    proj_errno_reset(m_pj.get());
    const PJ_COORD out = proj_trans(m_pj.get(), static_cast<PJ_DIRECTION>(direction), c);
    if (!std::isfinite(out.xy.x) || !std::isfinite(out.xy.y) || proj_errno(m_pj.get()) != 0) {
        throw ProjectionError("cannot transform (" + std::to_string(in.x) + ", " +
                              std::to_string(in.y) + ") from '" +
                              (direction == PJ_FWD ? m_source : m_target) + "': " +
                              m_context->last_error());
    }
    return XY{out.xy.x, out.xy.y};
}

XY Transformer::forward(XY in) const {
    return apply(in, PJ_FWD);
}

XY Transformer::inverse(XY in) const {
    return apply(in, PJ_INV);
}

std::string proj_version() {
    return proj_info().version;
}

}  // namespace fergana::geo
