#pragma once
// Cairo and Pango for the renderer: owning handles and small drawing helpers. Internal to
// render/ (the public headers include no Cairo or Pango header).

#include "geo/error.hpp"
#include "render/style.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <charconv>
#include <memory>
#include <string>

namespace fergana::render::detail {

struct CairoDestroy {
    void operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
};
struct SurfaceDestroy {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct PatternDestroy {
    void operator()(cairo_pattern_t* p) const noexcept { cairo_pattern_destroy(p); }
};
struct GObjectUnref {
    void operator()(void* object) const noexcept { g_object_unref(object); }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;
using PatternPtr = std::unique_ptr<cairo_pattern_t, PatternDestroy>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectUnref>;

inline void check(cairo_status_t status, const char* what) {
    if (status != CAIRO_STATUS_SUCCESS) {
        throw Error(std::string("cannot draw the map (") + what +
                    "): " + cairo_status_to_string(status));
    }
}

inline cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

inline void set_color(cairo_t* cr, Rgba c) {
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

inline void set_line(cairo_t* cr, const LineStyle& l, double dash_offset = 0.0) {
    set_color(cr, l.color);
    cairo_set_line_width(cr, l.width_pt);
    cairo_set_dash(cr, l.dash_pt.data(), static_cast<int>(l.dash_pt.size()), dash_offset);
}

inline std::string fixed(double v, int decimals) {
    char buffer[64];
    const auto r =
        std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, decimals);
    return std::string(buffer, r.ptr);
}

}  // namespace fergana::render::detail
