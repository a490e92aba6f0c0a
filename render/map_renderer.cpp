#include "render/map_renderer.hpp"

#include "geo/error.hpp"
#include "render/clip.hpp"
#include "render/detail/canvas.hpp"
#include "render/detail/text.hpp"
#include "render/label_placer.hpp"
#include "render/symbols.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <numeric>

namespace fergana::render {

namespace {

using namespace detail;

constexpr double pi = 3.14159265358979323846;

// ---------------------------------------------------------------------------
// Geometry on the page.

using PagePath = std::vector<geo::XY>;

struct PageGeometry {
    std::vector<PagePath> lines;
    std::vector<std::vector<PagePath>> polygons;  // rings
    std::vector<geo::XY> points;
};

class Projector {
public:
    Projector(const MapView& view, geo::Box cull) : m_view(view), m_cull(cull) {}

    [[nodiscard]] PagePath path(const geo::Path& p) const {
        PagePath out;
        out.reserve(p.size());
        for (std::size_t i = 0; i < p.size(); ++i) {
            const auto xy = m_view.try_to_page(p[i]);
            if (!xy)
                continue;
            // Vertices closer than 0.2 pt to the last kept one add nothing visible.
            if (!out.empty() && i + 1 < p.size() && std::abs(xy->x - out.back().x) < 0.2 &&
                std::abs(xy->y - out.back().y) < 0.2) {
                continue;
            }
            out.push_back(*xy);
        }
        return out;
    }

    [[nodiscard]] bool visible(const geo::Path& p) const {
        geo::Box b;
        for (const geo::LonLat& v : p) b.extend(v);
        return m_cull.intersects(b);
    }

    [[nodiscard]] std::vector<PagePath> lines(const geo::Path& l) const {
        std::vector<PagePath> out;
        if (!visible(l))
            return out;
        if (inside_box(l, m_cull)) {
            out.push_back(path(l));
        } else {
            for (const geo::Path& piece : clip_line(l, m_cull)) out.push_back(path(piece));
        }
        return out;
    }

    [[nodiscard]] PagePath ring(const geo::Path& r) const {
        return path(inside_box(r, m_cull) ? r : clip_ring(r, m_cull));
    }

    [[nodiscard]] PageGeometry geometry(const geo::Geometry& g) const {
        PageGeometry out;
        for (const geo::LonLat& p : g.points()) {
            if (m_cull.contains(p)) {
                if (auto xy = m_view.try_to_page(p))
                    out.points.push_back(*xy);
            }
        }
        for (const geo::Path& l : g.lines()) {
            for (PagePath& piece : lines(l)) out.lines.push_back(std::move(piece));
        }
        for (const geo::Polygon& poly : g.polygons()) {
            if (poly.rings.empty() || !visible(poly.rings.front()))
                continue;
            std::vector<PagePath> rings;
            for (const geo::Path& r : poly.rings) {
                if (!visible(r))
                    continue;
                PagePath projected = ring(r);
                if (projected.size() >= 3)
                    rings.push_back(std::move(projected));
            }
            if (!rings.empty())
                out.polygons.push_back(std::move(rings));
        }
        return out;
    }

private:
    const MapView& m_view;
    geo::Box m_cull;
};

void add_path(cairo_t* cr, const PagePath& p, bool close) {
    if (p.empty())
        return;
    cairo_move_to(cr, p.front().x, p.front().y);
    for (std::size_t i = 1; i < p.size(); ++i) cairo_line_to(cr, p[i].x, p[i].y);
    if (close)
        cairo_close_path(cr);
}

void add_polygons(cairo_t* cr, const PageGeometry& g) {
    for (const auto& rings : g.polygons) {
        for (const PagePath& r : rings) add_path(cr, r, true);
    }
}

void add_marker(cairo_t* cr, MarkerShape shape, double x, double y, double r) {
    const std::vector<geo::XY> poly = marker_polygon(shape, r);
    cairo_new_sub_path(cr);
    if (poly.empty()) {
        cairo_arc(cr, x, y, r, 0.0, 2.0 * pi);
    } else {
        cairo_move_to(cr, x + poly.front().x, y + poly.front().y);
        for (std::size_t i = 1; i < poly.size(); ++i)
            cairo_line_to(cr, x + poly[i].x, y + poly[i].y);
    }
    cairo_close_path(cr);
}

// Diagonal hatching of the current path (kept), clipped to it.
void hatch_current_path(cairo_t* cr, Rgba color, double spacing, double width) {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    cairo_path_extents(cr, &x1, &y1, &x2, &y2);
    cairo_save(cr);
    cairo_clip_preserve(cr);
    cairo_new_path(cr);
    const double span = (x2 - x1) + (y2 - y1);
    for (double d = 0.0; d <= span; d += spacing) {
        cairo_move_to(cr, x1 + d, y1);
        cairo_line_to(cr, x1 + d - (y2 - y1), y2);
    }
    set_line(cr, LineStyle{color, width, {}});
    cairo_stroke(cr);
    cairo_restore(cr);
}

// ---------------------------------------------------------------------------
// Page layout.

struct Layout {
    double width_pt = 0.0;
    double height_pt = 0.0;
    double margin = 14.0;
    Rect title;                // title and subtitle
    Rect map_area;             // frames and their titles
    std::vector<Rect> frames;  // one per panel
    Rect legend;
    Rect attribution;
    double panel_title_h = 0.0;
};

constexpr double legend_width = 172.0;
constexpr double gutter_left = 34.0;    // latitude labels
constexpr double gutter_bottom = 11.0;  // longitude labels
constexpr double column_gap = 10.0;

// ---------------------------------------------------------------------------
// The drawing context shared by the layer functions.

struct FanPlacement {
    std::size_t incident = 0;
    geo::XY at;      // where the symbol is drawn
    geo::XY origin;  // where the incident is
    double radius = 0.0;
    bool fanned = false;
};

struct PlacedText {
    std::string text;
    Font font;
    Rgba color;
    Rect box;
};

struct PanelDrawing {
    std::vector<FanPlacement> incidents;  // in drawing order
    std::vector<PlacedText> labels;
};

struct Context {
    const MapPlan& plan;
    const Style& style;
    const Text& text;
    const MapView& view;  // local: the frame at (0, 0)
    const Layout& layout;
    std::map<std::pair<int, std::size_t>, PageGeometry> cache;
    std::vector<PanelDrawing> panels;
    double label_scale = 1.0;  // smaller text in small multiples
    geo::Box cull;

    const PageGeometry& geometry(int role, std::size_t index, const geo::Geometry& g) {
        auto it = cache.find({role, index});
        if (it == cache.end()) {
            it =
                cache.emplace(std::make_pair(role, index), Projector(view, cull).geometry(g)).first;
        }
        return it->second;
    }
};

enum RoleKey { kCountry, kBorder, kClaim, kEnclave, kWater };

const layers::Dataset& data_of(const Context& ctx) {
    return *ctx.plan.data;
}

// Calls fn(panel index) with the panel's frame clipped and translated to (0, 0).
template <typename Fn>
void for_each_panel(cairo_t* cr, Context& ctx, Fn&& fn) {
    for (std::size_t i = 0; i < ctx.plan.panels.size(); ++i) {
        const Rect& f = ctx.layout.frames[i];
        cairo_save(cr);
        cairo_translate(cr, f.x, f.y);
        cairo_rectangle(cr, 0, 0, f.w, f.h);
        cairo_clip(cr);
        fn(i);
        cairo_restore(cr);
    }
}

// ---------------------------------------------------------------------------
// Layers.

void draw_background(cairo_t* cr, Context& ctx) {
    set_color(cr, ctx.style.page);
    cairo_paint(cr);
    for (const Rect& f : ctx.layout.frames) {
        cairo_rectangle(cr, f.x, f.y, f.w, f.h);
        set_color(cr, ctx.style.map_background);
        cairo_fill(cr);
    }
}

void draw_countries(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for_each_panel(cr, ctx, [&](std::size_t p) {
        for (std::size_t i : ctx.plan.panels[p].countries) {
            const layers::Country& c = data.countries.features[i];
            const PageGeometry& g = ctx.geometry(kCountry, i, c.geometry);
            cairo_new_path(cr);
            add_polygons(cr, g);
            set_color(cr, ctx.style.country_color(c.iso3));
            cairo_fill_preserve(cr);
            set_line(cr, ctx.style.country_outline);
            cairo_stroke(cr);
        }
    });
}

struct Graticule {
    double step = 1.0;
    std::vector<std::pair<double, PagePath>> meridians;  // lon, path
    std::vector<std::pair<double, PagePath>> parallels;  // lat, path
};

Graticule make_graticule(const MapView& view) {
    Graticule g;
    const geo::Box box = view.visible_box();
    const double span = std::max(box.max_lon - box.min_lon, box.max_lat - box.min_lat);
    for (double step : {0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0}) {
        g.step = step;
        if (span / step <= 7.0)
            break;
    }
    auto sampled = [&](bool meridian, double value) {
        PagePath path;
        const double from = meridian ? box.min_lat : box.min_lon;
        const double to = meridian ? box.max_lat : box.max_lon;
        constexpr int samples = 96;
        for (int i = 0; i <= samples; ++i) {
            const double t = from + (to - from) * i / samples;
            if (auto xy =
                    view.try_to_page(meridian ? geo::LonLat{value, t} : geo::LonLat{t, value}))
                path.push_back(*xy);
        }
        return path;
    };
    for (double lon = std::ceil(box.min_lon / g.step) * g.step; lon <= box.max_lon + 1e-9;
         lon += g.step) {
        g.meridians.emplace_back(lon, sampled(true, lon));
    }
    for (double lat = std::ceil(box.min_lat / g.step) * g.step; lat <= box.max_lat + 1e-9;
         lat += g.step) {
        g.parallels.emplace_back(lat, sampled(false, lat));
    }
    return g;
}

std::string degree_label(double value, double step, char positive, char negative) {
    const double a = std::abs(value);
    int degrees = static_cast<int>(std::floor(a + 1e-9));
    int minutes = static_cast<int>(std::lround((a - degrees) * 60.0));
    if (minutes == 60) {
        ++degrees;
        minutes = 0;
    }
    std::string out = std::to_string(degrees) + "\u00b0";
    if (step < 1.0 - 1e-9)
        out += (minutes < 10 ? "0" : "") + std::to_string(minutes) + "\u2032";
    if (value != 0.0)
        out += value > 0 ? positive : negative;
    return out;
}

void draw_graticule(cairo_t* cr, Context& ctx, const Graticule& g) {
    for_each_panel(cr, ctx, [&](std::size_t) {
        cairo_new_path(cr);
        for (const auto& [lon, path] : g.meridians) add_path(cr, path, false);
        for (const auto& [lat, path] : g.parallels) add_path(cr, path, false);
        set_line(cr, ctx.style.graticule);
        cairo_stroke(cr);
    });
}

// Where a page path crosses the horizontal y = c (or vertical x = c): the other coordinate.
std::optional<double> crossing(const PagePath& path, double c, bool horizontal) {
    for (std::size_t i = 1; i < path.size(); ++i) {
        const double a = horizontal ? path[i - 1].y : path[i - 1].x;
        const double b = horizontal ? path[i].y : path[i].x;
        if ((a - c) * (b - c) <= 0.0 && a != b) {
            const double t = (c - a) / (b - a);
            const double o1 = horizontal ? path[i - 1].x : path[i - 1].y;
            const double o2 = horizontal ? path[i].x : path[i].y;
            return o1 + t * (o2 - o1);
        }
    }
    return std::nullopt;
}

void draw_graticule_labels(cairo_t* cr, Context& ctx, const Graticule& g) {
    if (ctx.plan.panels.size() != 1)
        return;  // small multiples: the legend states the step
    const Rect& f = ctx.layout.frames.front();
    const Font font{ctx.style.graticule_label_size_pt};
    for (const auto& [lon, path] : g.meridians) {
        const auto x = crossing(path, f.h, true);
        if (!x || *x < 8.0 || *x > f.w - 8.0)
            continue;
        const std::string label = degree_label(lon, g.step, 'E', 'W');
        const TextSize s = ctx.text.measure(label, font);
        ctx.text.draw(cr, label, font, f.x + *x - s.w / 2, f.bottom() + 1.5, ctx.style.muted_ink);
        cairo_move_to(cr, f.x + *x, f.bottom());
        cairo_line_to(cr, f.x + *x, f.bottom() + 2.0);
        set_line(cr, LineStyle{ctx.style.frame.color, 0.5, {}});
        cairo_stroke(cr);
    }
    for (const auto& [lat, path] : g.parallels) {
        const auto y = crossing(path, 0.0, false);
        if (!y || *y < 6.0 || *y > f.h - 6.0)
            continue;
        const std::string label = degree_label(lat, g.step, 'N', 'S');
        const TextSize s = ctx.text.measure(label, font);
        ctx.text.draw(cr, label, font, f.x - s.w - 3.0, f.y + *y - s.h / 2, ctx.style.muted_ink);
        cairo_move_to(cr, f.x - 2.0, f.y + *y);
        cairo_line_to(cr, f.x, f.y + *y);
        set_line(cr, LineStyle{ctx.style.frame.color, 0.5, {}});
        cairo_stroke(cr);
    }
}

void draw_water_lines(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for_each_panel(cr, ctx, [&](std::size_t) {
        for (std::size_t i : ctx.plan.water) {
            const layers::WaterFeature& w = data.water.features[i];
            const PageGeometry& g = ctx.geometry(kWater, i, w.geometry);
            if (!g.polygons.empty()) {
                cairo_new_path(cr);
                add_polygons(cr, g);
                set_color(cr, ctx.style.reservoir.fill);
                cairo_fill_preserve(cr);
                set_line(cr, ctx.style.reservoir.outline);
                cairo_stroke(cr);
            }
            if (!g.lines.empty()) {
                cairo_new_path(cr);
                for (const PagePath& l : g.lines) add_path(cr, l, false);
                set_line(cr, w.kind == "canal" ? ctx.style.canal : ctx.style.river);
                cairo_stroke(cr);
            }
        }
    });
}

void draw_claims(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for_each_panel(cr, ctx, [&](std::size_t p) {
        for (std::size_t i : ctx.plan.panels[p].claims) {
            const layers::Claim& c = data.claims.features[i];
            const PageGeometry& g = ctx.geometry(kClaim, i, c.geometry);
            cairo_new_path(cr);
            for (const PagePath& l : g.lines) add_path(cr, l, false);
            add_polygons(cr, g);
            set_line(cr, LineStyle{ctx.plan.claim_colors.at(c.claimant), ctx.style.claim_width_pt,
                                   ctx.style.claim_dash_pt});
            cairo_stroke(cr);
        }
    });
}

const LineStyle& border_line(const Style& style, layers::BorderStatus status) {
    switch (status) {
        case layers::BorderStatus::Agreed: return style.border_agreed;
        case layers::BorderStatus::Delimited: return style.border_delimited;
        case layers::BorderStatus::Demarcated: return style.border_demarcated;
        case layers::BorderStatus::Disputed: return style.border_disputed;
        case layers::BorderStatus::Unknown: return style.border_unknown;
    }
    return style.border_unknown;
}

void draw_borders(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for_each_panel(cr, ctx, [&](std::size_t p) {
        // Solid statuses first, so the dashed (disputed, unknown) ones stay on top.
        std::vector<std::size_t> order = ctx.plan.panels[p].borders;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return border_line(ctx.style, data.borders.features[a].status).dash_pt.empty() >
                   border_line(ctx.style, data.borders.features[b].status).dash_pt.empty();
        });
        for (std::size_t i : order) {
            const layers::Border& b = data.borders.features[i];
            const PageGeometry& g = ctx.geometry(kBorder, i, b.geometry);
            const LineStyle& line = border_line(ctx.style, b.status);
            cairo_new_path(cr);
            for (const PagePath& l : g.lines) add_path(cr, l, false);
            if (!line.dash_pt.empty()) {
                // A light casing keeps the gaps of a dashed line readable over any fill.
                set_line(cr, LineStyle{ctx.style.halo.with_alpha(0.7), line.width_pt + 1.2, {}});
                cairo_stroke_preserve(cr);
            }
            set_line(cr, line);
            cairo_stroke(cr);
        }
    });
}

// The hook's layer: hatched disputed stretches and zones.
void draw_disputed(cairo_t* cr, Context& ctx, const std::vector<PagePath>& stretches,
                   const std::vector<std::vector<PagePath>>& zones) {
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for_each_panel(cr, ctx, [&](std::size_t) {
        for (const auto& rings : zones) {
            cairo_new_path(cr);
            for (const PagePath& r : rings) add_path(cr, r, true);
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
            hatch_current_path(cr, ctx.style.disputed_zone.fill, ctx.style.hatch_spacing_pt,
                               ctx.style.hatch_width_pt);
            set_line(cr, ctx.style.disputed_zone.outline);
            cairo_stroke(cr);
        }
        // A wide line dashed with short dashes is a band of ticks across the line.
        cairo_new_path(cr);
        for (const PagePath& l : stretches) add_path(cr, l, false);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        set_line(cr, ctx.style.disputed_stretch);
        cairo_stroke(cr);
    });
}

void draw_enclaves(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for_each_panel(cr, ctx, [&](std::size_t p) {
        for (std::size_t i : ctx.plan.panels[p].enclaves) {
            const PageGeometry& g = ctx.geometry(kEnclave, i, data.enclaves.features[i].geometry);
            cairo_new_path(cr);
            add_polygons(cr, g);
            set_color(cr, ctx.style.enclave.fill);
            cairo_fill_preserve(cr);
            set_line(cr, ctx.style.enclave.outline);
            cairo_stroke(cr);
        }
    });
}

std::string water_symbol_kind(const std::string& kind) {
    return kind == "intake" || kind == "dam" || kind == "reservoir" ? kind : "facility";
}

void draw_water_symbol(cairo_t* cr, const Style& style, const std::string& kind, double x,
                       double y) {
    const double s = style.water_symbol_size_pt;
    cairo_new_path(cr);
    cairo_set_dash(cr, nullptr, 0, 0.0);
    if (kind == "dam") {
        cairo_rectangle(cr, x - 1.2 * s, y - 0.45 * s, 2.4 * s, 0.9 * s);
        set_color(cr, style.page);
        cairo_set_line_width(cr, 1.6);
        cairo_stroke_preserve(cr);
        set_color(cr, style.water_symbol);
        cairo_fill(cr);
    } else if (kind == "reservoir") {
        cairo_save(cr);
        cairo_translate(cr, x, y);
        cairo_scale(cr, 1.3 * s, 0.85 * s);
        cairo_arc(cr, 0, 0, 1.0, 0, 2 * pi);
        cairo_restore(cr);
        set_color(cr, style.reservoir.fill);
        cairo_fill_preserve(cr);
        set_color(cr, style.reservoir.outline.color);
        cairo_set_line_width(cr, std::max(style.reservoir.outline.width_pt, 0.8));
        cairo_stroke(cr);
    } else if (kind == "intake") {
        cairo_arc(cr, x, y, 0.75 * s, 0, 2 * pi);
        set_color(cr, style.page);
        cairo_fill_preserve(cr);
        set_color(cr, style.water_symbol);
        cairo_set_line_width(cr, 1.3);
        cairo_stroke(cr);
        cairo_arc(cr, x, y, 0.3 * s, 0, 2 * pi);
        cairo_fill(cr);
    } else {
        cairo_rectangle(cr, x - 0.55 * s, y - 0.55 * s, 1.1 * s, 1.1 * s);
        set_color(cr, style.page);
        cairo_fill_preserve(cr);
        set_color(cr, style.water_symbol);
        cairo_set_line_width(cr, 1.1);
        cairo_stroke(cr);
    }
}

void draw_water_facilities(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    for_each_panel(cr, ctx, [&](std::size_t) {
        for (std::size_t i : ctx.plan.water) {
            const layers::WaterFeature& w = data.water.features[i];
            const PageGeometry& g = ctx.geometry(kWater, i, w.geometry);
            for (const geo::XY& p : g.points)
                draw_water_symbol(cr, ctx.style, water_symbol_kind(w.kind), p.x, p.y);
        }
    });
}

void draw_settlements(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    for_each_panel(cr, ctx, [&](std::size_t p) {
        const auto& in_reach = ctx.plan.panels[p].settlements_in_reach;
        for (std::size_t i : ctx.plan.settlements) {
            const layers::Settlement& s = data.settlements.features[i];
            const auto xy = ctx.view.try_to_page(s.position);
            if (!xy)
                continue;
            const double r = settlement_radius_pt(s.population, ctx.style);
            cairo_new_path(cr);
            if (std::binary_search(in_reach.begin(), in_reach.end(), i)) {
                cairo_arc(cr, xy->x, xy->y, r + 2.2, 0, 2 * pi);
                set_line(cr, ctx.style.settlement_in_reach);
                cairo_stroke(cr);
            }
            cairo_arc(cr, xy->x, xy->y, r, 0, 2 * pi);
            set_color(cr, ctx.style.page);
            cairo_set_line_width(cr, 0.8);
            cairo_set_dash(cr, nullptr, 0, 0.0);
            cairo_stroke_preserve(cr);
            set_color(cr, ctx.style.settlement_dot);
            cairo_fill(cr);
        }
    });
}

// Incidents at one place are fanned out on a circle around it, oldest at the top and
// then clockwise, each joined to the place by a thin leader.
std::vector<FanPlacement> place_incidents(const Context& ctx, const Panel& panel) {
    const auto& data = data_of(ctx);
    std::vector<FanPlacement> items;
    for (std::size_t i : panel.incidents) {
        const layers::Incident& incident = data.incidents.features[i];
        const auto xy = ctx.view.try_to_page(incident.position);
        if (!xy)
            continue;
        items.push_back({i, *xy, *xy, incident_radius_pt(incident, ctx.style), false});
    }
    // Groups of symbols within 1.5 pt of each other.
    std::vector<int> group(items.size(), -1);
    int groups = 0;
    for (std::size_t a = 0; a < items.size(); ++a) {
        if (group[a] >= 0)
            continue;
        group[a] = groups;
        for (std::size_t b = a + 1; b < items.size(); ++b) {
            if (group[b] < 0 && std::hypot(items[a].origin.x - items[b].origin.x,
                                           items[a].origin.y - items[b].origin.y) < 1.5) {
                group[b] = groups;
            }
        }
        ++groups;
    }
    for (int g = 0; g < groups; ++g) {
        std::vector<std::size_t> members;
        for (std::size_t k = 0; k < items.size(); ++k) {
            if (group[k] == g)
                members.push_back(k);
        }
        if (members.size() < 2)
            continue;
        std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
            const auto& da = data.incidents.features[items[a].incident].date;
            const auto& db = data.incidents.features[items[b].incident].date;
            if (!da || !db)
                return da.has_value() && !db.has_value();
            return da->first < db->first;
        });
        double circumference = 0.0;
        double largest = 0.0;
        for (std::size_t k : members) {
            circumference += 2.0 * items[k].radius + 1.2;
            largest = std::max(largest, items[k].radius);
        }
        const double ring = std::max(largest + 3.0, circumference / (2.0 * pi));
        double along = 0.0;
        for (std::size_t k : members) {
            along += items[k].radius + 0.6;
            const double angle = -pi / 2.0 + 2.0 * pi * along / circumference;
            along += items[k].radius + 0.6;
            items[k].at = {items[k].origin.x + ring * std::cos(angle),
                           items[k].origin.y + ring * std::sin(angle)};
            items[k].fanned = true;
        }
    }
    // Larger symbols first, so the small ones stay visible on top.
    std::stable_sort(items.begin(), items.end(), [](const FanPlacement& a, const FanPlacement& b) {
        return a.radius > b.radius;
    });
    return items;
}

void draw_incidents(cairo_t* cr, Context& ctx) {
    const auto& data = data_of(ctx);
    for_each_panel(cr, ctx, [&](std::size_t p) {
        const auto& items = ctx.panels[p].incidents;
        // Leaders and the place they lead to.
        cairo_new_path(cr);
        for (const FanPlacement& f : items) {
            if (!f.fanned)
                continue;
            cairo_move_to(cr, f.origin.x, f.origin.y);
            cairo_line_to(cr, f.at.x, f.at.y);
        }
        set_line(cr, LineStyle{ctx.style.ink.with_alpha(0.65), 0.5, {}});
        cairo_stroke(cr);
        for (const FanPlacement& f : items) {
            if (!f.fanned)
                continue;
            cairo_new_sub_path(cr);
            cairo_arc(cr, f.origin.x, f.origin.y, 1.3, 0, 2 * pi);
        }
        set_color(cr, ctx.style.ink);
        cairo_fill(cr);
        for (const FanPlacement& f : items) {
            const layers::Incident& incident = data.incidents.features[f.incident];
            const MarkerStyle marker = ctx.plan.incident_marker(incident);
            cairo_new_path(cr);
            add_marker(cr, marker.shape, f.at.x, f.at.y, f.radius);
            const Rgba color = ctx.plan.incident_color(incident);
            set_color(cr, color.with_alpha(color.a * ctx.style.incident_opacity));
            cairo_fill_preserve(cr);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
            set_line(cr, ctx.style.incident_outline);
            cairo_stroke(cr);
        }
    });
}

void draw_labels(cairo_t* cr, Context& ctx) {
    for_each_panel(cr, ctx, [&](std::size_t p) {
        for (const PlacedText& t : ctx.panels[p].labels) {
            ctx.text.draw(cr, t.text, t.font, t.box.x, t.box.y, t.color, ctx.style.halo, 1.3);
        }
    });
}

void draw_frames(cairo_t* cr, Context& ctx) {
    for (std::size_t i = 0; i < ctx.layout.frames.size(); ++i) {
        const Rect& f = ctx.layout.frames[i];
        cairo_rectangle(cr, f.x, f.y, f.w, f.h);
        set_line(cr, ctx.style.frame);
        cairo_stroke(cr);
        const Panel& panel = ctx.plan.panels[i];
        if (!panel.label.empty()) {
            const Font bold{ctx.style.legend_size_pt + 0.5, true};
            ctx.text.draw(cr, panel.label, bold, f.x, f.y - ctx.layout.panel_title_h + 1.0,
                          ctx.style.ink);
            const std::string count = std::to_string(panel.incidents.size()) +
                                      (panel.incidents.size() == 1 ? " incident" : " incidents");
            const Font small{ctx.style.legend_size_pt - 0.5};
            const TextSize s = ctx.text.measure(count, small);
            ctx.text.draw(cr, count, small, f.right() - s.w, f.y - ctx.layout.panel_title_h + 1.8,
                          ctx.style.muted_ink);
        }
    }
}

// ---------------------------------------------------------------------------
// Scale bar and north arrow.

struct ScaleBar {
    double length_pt = 0.0;
    double length_m = 0.0;
    int segments = 4;
    double true_at_lat = 0.0;
};

ScaleBar make_scale_bar(const MapView& view, double target_pt) {
    ScaleBar bar;
    const double metres_per_pt = view.metres_per_point_at_centre();
    const double target_m = target_pt * metres_per_pt;
    const double magnitude = std::pow(10.0, std::floor(std::log10(target_m)));
    double nice = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (m * magnitude <= target_m)
            nice = m * magnitude;
    }
    bar.length_m = nice;
    bar.length_pt = nice / metres_per_pt;
    const double lead = nice / magnitude;
    bar.segments = (std::abs(lead - 2.0) < 1e-9) ? 4 : 5;
    bar.true_at_lat =
        view.to_lonlat({view.frame().x + view.frame().w / 2, view.frame().y + view.frame().h / 2})
            .lat;
    return bar;
}

std::string distance_text(double m, bool unit) {
    const bool km = m >= 1000.0 || m == 0.0;
    const double v = km ? m / 1000.0 : m;
    std::string s = std::abs(v - std::round(v)) < 1e-9
                        ? std::to_string(static_cast<long long>(std::llround(v)))
                        : fixed(v, 1);
    if (unit)
        s += km ? " km" : " m";
    return s;
}

// Draws a scale bar with its box's top-left corner at (x, y); returns the box.
Rect draw_scale_bar(cairo_t* cr, const Context& ctx, const ScaleBar& bar, double x, double y,
                    bool draw) {
    const Font font{ctx.style.graticule_label_size_pt};
    const std::string end_label = distance_text(bar.length_m, true);
    const TextSize end_size = ctx.text.measure(end_label, font);
    const std::string note = "true at " + fixed(std::abs(bar.true_at_lat), 1) + "\u00b0" +
                             (bar.true_at_lat >= 0 ? "N" : "S");
    const TextSize note_size = ctx.text.measure(note, font);
    const double pad = 5.0;
    const double bar_h = 4.0;
    const Rect box{x, y,
                   std::max(bar.length_pt + end_size.w / 2 + 2 * pad + 4, note_size.w + 2 * pad),
                   pad + end_size.h + 1.5 + bar_h + 2 + note_size.h + pad - 2};
    if (!draw)
        return box;
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    set_color(cr, ctx.style.page.with_alpha(0.85));
    cairo_fill(cr);
    const double bx = x + pad + 2;
    const double by = y + pad + end_size.h + 1.5;
    const double seg = bar.length_pt / bar.segments;
    for (int i = 0; i < bar.segments; ++i) {
        cairo_rectangle(cr, bx + i * seg, by, seg, bar_h);
        set_color(cr, i % 2 == 0 ? ctx.style.ink : ctx.style.page);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, bx, by, bar.length_pt, bar_h);
    set_line(cr, LineStyle{ctx.style.ink, 0.6, {}});
    cairo_stroke(cr);
    auto label = [&](double metres, bool unit) {
        const std::string t = distance_text(metres, unit);
        const TextSize s = ctx.text.measure(t, font);
        const double at = bx + bar.length_pt * metres / bar.length_m;
        ctx.text.draw(cr, t, font, unit ? at - std::min(s.w / 2, 6.0) : at - s.w / 2, y + pad - 1.0,
                      ctx.style.ink);
    };
    label(0.0, false);
    if (bar.segments == 4)
        label(bar.length_m / 2, false);
    label(bar.length_m, true);
    ctx.text.draw(cr, note, font, x + pad, by + bar_h + 2, ctx.style.muted_ink);
    return box;
}

// A north arrow pointing to true north at its position; returns its box.
Rect draw_north_arrow(cairo_t* cr, const Context& ctx, double cx, double cy, double angle,
                      bool draw) {
    const double len = 14.0;
    const Rect box{cx - 11, cy - len - 12, 22, 2 * len + 14};
    if (!draw)
        return box;
    cairo_save(cr);
    cairo_translate(cr, cx, cy);
    cairo_rotate(cr, angle);
    cairo_new_path(cr);
    cairo_move_to(cr, 0, -len);
    cairo_line_to(cr, 4.5, len * 0.55);
    cairo_line_to(cr, 0, len * 0.25);
    cairo_close_path(cr);
    set_color(cr, ctx.style.ink);
    cairo_fill(cr);
    cairo_move_to(cr, 0, -len);
    cairo_line_to(cr, -4.5, len * 0.55);
    cairo_line_to(cr, 0, len * 0.25);
    cairo_close_path(cr);
    set_color(cr, ctx.style.page);
    cairo_fill_preserve(cr);
    set_line(cr, LineStyle{ctx.style.ink, 0.7, {}});
    cairo_stroke(cr);
    const Font font{8.0, true};
    const TextSize s = ctx.text.measure("N", font);
    ctx.text.draw(cr, "N", font, -s.w / 2, -len - s.h - 0.5, ctx.style.ink, ctx.style.halo, 1.2);
    cairo_restore(cr);
    return box;
}

// ---------------------------------------------------------------------------
// Legend.

struct LegendExtras {
    const ScaleBar* bar = nullptr;  // small multiples: the shared scale bar
    double north_angle = 0.0;
    std::vector<std::string> notes;
};

// Draws the legend in `box` (or only measures it when cr is null); returns its height.
double draw_legend(cairo_t* cr, const Context& ctx, const Rect& box, const LegendExtras& extras) {
    const Style& st = ctx.style;
    const double pad = 8.0;
    const double symbol_w = 26.0;
    const double label_x = box.x + pad + symbol_w + 6.0;
    const double label_w = box.right() - pad - label_x;
    const Font font{st.legend_size_pt};
    const Font head{st.legend_size_pt + 0.5, true};
    double y = box.y + pad;
    const bool draw = cr != nullptr;
    if (draw) {
        cairo_rectangle(cr, box.x, box.y, box.w, box.h);
        set_color(cr, st.page);
        cairo_fill_preserve(cr);
        set_line(cr, LineStyle{st.frame.color, 0.6, {}});
        cairo_stroke(cr);
    }
    bool first = true;
    for (const LegendItem& item : ctx.plan.legend) {
        if (item.kind == LegendKind::Heading) {
            if (!first)
                y += 5.0;
            const TextSize s = ctx.text.measure(item.label, head, box.w - 2 * pad);
            if (draw)
                ctx.text.draw(cr, item.label, head, box.x + pad, y, st.ink, std::nullopt, 0.0,
                              box.w - 2 * pad);
            y += s.h + 2.0;
            first = false;
            continue;
        }
        first = false;
        if (item.kind == LegendKind::DateRamp) {
            const auto bar = item.label.find('|');
            const std::string from = item.label.substr(0, bar);
            const std::string to = item.label.substr(bar + 1);
            if (draw) {
                PatternPtr gradient(
                    cairo_pattern_create_linear(box.x + pad, 0, box.right() - pad, 0));
                for (std::size_t i = 0; i < st.date_ramp.size(); ++i) {
                    const Rgba c = st.date_ramp[i];
                    const double t =
                        st.date_ramp.size() == 1
                            ? 0.0
                            : static_cast<double>(i) / static_cast<double>(st.date_ramp.size() - 1);
                    cairo_pattern_add_color_stop_rgba(gradient.get(), t, c.r, c.g, c.b, c.a);
                }
                cairo_rectangle(cr, box.x + pad, y + 1, box.w - 2 * pad, 8);
                cairo_set_source(cr, gradient.get());
                cairo_fill(cr);
            }
            y += 10.0;
            const Font small{st.legend_size_pt - 0.5};
            const TextSize s = ctx.text.measure(to, small);
            if (draw) {
                ctx.text.draw(cr, from, small, box.x + pad, y, st.muted_ink);
                ctx.text.draw(cr, to, small, box.right() - pad - s.w, y, st.muted_ink);
            }
            y += s.h + 3.0;
            continue;
        }
        const TextSize s = ctx.text.measure(item.label, font, label_w);
        double symbol_h = 10.0;
        if (item.kind == LegendKind::Marker)
            symbol_h = 2.0 * marker_half_extent(item.marker.shape, item.size_pt) + 2.0;
        if (item.kind == LegendKind::Dot || item.kind == LegendKind::Ring)
            symbol_h = 2.0 * item.size_pt + 6.0;
        const double row_h = std::max({s.h, symbol_h, st.legend_size_pt * 1.45});
        const double cy = y + row_h / 2.0;
        const double sx = box.x + pad;
        if (draw) {
            cairo_save(cr);
            cairo_new_path(cr);
            switch (item.kind) {
                case LegendKind::Area:
                    cairo_rectangle(cr, sx + 2, cy - 5, symbol_w - 4, 10);
                    set_color(cr, item.area.fill);
                    cairo_fill_preserve(cr);
                    set_line(cr, item.area.outline);
                    cairo_stroke(cr);
                    break;
                case LegendKind::HatchedArea:
                    cairo_rectangle(cr, sx + 2, cy - 5, symbol_w - 4, 10);
                    hatch_current_path(cr, item.area.fill, st.hatch_spacing_pt, st.hatch_width_pt);
                    set_line(cr, item.area.outline);
                    cairo_stroke(cr);
                    break;
                case LegendKind::Line:
                    cairo_move_to(cr, sx, cy);
                    cairo_line_to(cr, sx + symbol_w, cy);
                    if (!item.line.dash_pt.empty()) {
                        set_line(cr,
                                 LineStyle{st.halo.with_alpha(0.7), item.line.width_pt + 1.2, {}});
                        cairo_stroke_preserve(cr);
                    }
                    set_line(cr, item.line);
                    cairo_stroke(cr);
                    break;
                case LegendKind::HatchedLine:
                    cairo_move_to(cr, sx, cy);
                    cairo_line_to(cr, sx + symbol_w, cy);
                    set_line(cr, item.line);
                    cairo_stroke(cr);
                    break;
                case LegendKind::Marker:
                    add_marker(cr, item.marker.shape, sx + symbol_w / 2, cy, item.size_pt);
                    set_color(cr, item.marker.color.with_alpha(item.marker.color.a *
                                                               st.incident_opacity));
                    cairo_fill_preserve(cr);
                    // Size samples are outlines only: they show size, not a type.
                    set_line(cr, item.marker.color.a == 0.0
                                     ? LineStyle{st.ink.with_alpha(0.7), 0.8, {}}
                                     : LineStyle{st.ink.with_alpha(0.25), 0.5, {}});
                    cairo_stroke(cr);
                    break;
                case LegendKind::WaterSymbol:
                    draw_water_symbol(cr, st, item.water_kind, sx + symbol_w / 2, cy);
                    break;
                case LegendKind::Dot:
                    cairo_arc(cr, sx + symbol_w / 2, cy, item.size_pt, 0, 2 * pi);
                    set_color(cr, st.settlement_dot);
                    cairo_fill(cr);
                    break;
                case LegendKind::Ring:
                    cairo_arc(cr, sx + symbol_w / 2, cy, item.size_pt + 2.2, 0, 2 * pi);
                    set_line(cr, item.line);
                    cairo_stroke(cr);
                    cairo_arc(cr, sx + symbol_w / 2, cy, item.size_pt, 0, 2 * pi);
                    set_color(cr, st.settlement_dot);
                    cairo_fill(cr);
                    break;
                default: break;
            }
            cairo_restore(cr);
            ctx.text.draw(cr, item.label, font, label_x, cy - s.h / 2, st.ink, std::nullopt, 0.0,
                          label_w);
        }
        y += row_h + 1.5;
    }
    if (extras.bar != nullptr) {
        y += 5.0;
        const std::string h = "Scale (every panel)";
        const TextSize s = ctx.text.measure(h, head);
        if (draw)
            ctx.text.draw(cr, h, head, box.x + pad, y, st.ink);
        y += s.h + 1.0;
        const Rect bar = draw_scale_bar(cr, ctx, *extras.bar, box.x + pad - 5, y, draw);
        const Rect arrow = draw_north_arrow(cr, ctx, bar.right() + 14, y + bar.h / 2 + 4,
                                            extras.north_angle, false);
        if (draw && arrow.right() < box.right())
            draw_north_arrow(cr, ctx, bar.right() + 14, y + bar.h / 2 + 4, extras.north_angle,
                             true);
        y += std::max(bar.h, arrow.h - 6);
    }
    if (!extras.notes.empty()) {
        y += 6.0;
        const Font small{st.legend_size_pt - 0.5, false, true};
        for (const std::string& note : extras.notes) {
            const TextSize s = ctx.text.measure(note, small, box.w - 2 * pad);
            if (draw)
                ctx.text.draw(cr, note, small, box.x + pad, y, st.muted_ink, std::nullopt, 0.0,
                              box.w - 2 * pad);
            y += s.h + 2.0;
        }
    }
    return y - box.y + pad;
}

// ---------------------------------------------------------------------------
// Labels.

std::string upper_ascii(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
}

const std::string* attribute(const layers::Attributes& attributes, std::string_view key) {
    for (const auto& [k, v] : attributes) {
        if (k == key)
            return &v;
    }
    return nullptr;
}

// The interior point of each country's visible part farthest from any other country
// and from the frame's edge, from a coarse raster of the fills: where its name goes.
struct InteriorPoint {
    geo::XY at;
    double clearance = 0.0;  // points to the nearest other country or the frame's edge
};

std::map<std::size_t, std::vector<InteriorPoint>> country_label_points(Context& ctx,
                                                                       const Panel& panel) {
    const auto& data = data_of(ctx);
    const double cell = 4.0;
    const int w = std::max(1, static_cast<int>(ctx.view.frame().w / cell));
    const int h = std::max(1, static_cast<int>(ctx.view.frame().h / cell));
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
    CairoPtr cr(cairo_create(surface.get()));
    cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE);
    cairo_set_fill_rule(cr.get(), CAIRO_FILL_RULE_EVEN_ODD);
    cairo_scale(cr.get(), 1.0 / cell, 1.0 / cell);
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    cairo_paint(cr.get());
    for (std::size_t k = 0; k < panel.countries.size(); ++k) {
        const std::size_t i = panel.countries[k];
        cairo_new_path(cr.get());
        add_polygons(cr.get(), ctx.geometry(kCountry, i, data.countries.features[i].geometry));
        const double id = static_cast<double>(k + 1);
        cairo_set_source_rgb(cr.get(), std::fmod(id, 256.0) / 255.0, std::floor(id / 256.0) / 255.0,
                             0);
        cairo_fill(cr.get());
    }
    cairo_surface_flush(surface.get());
    const unsigned char* pixels = cairo_image_surface_get_data(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    std::vector<int> owner(static_cast<std::size_t>(w * h));
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            std::uint32_t px = 0;
            std::memcpy(&px, pixels + y * stride + x * 4, 4);
            owner[static_cast<std::size_t>(y * w + x)] =
                static_cast<int>(((px >> 16) & 0xFF) + ((px >> 8) & 0xFF) * 256) - 1;
        }
    }
    // Chessboard distance to the nearest cell of another owner or the edge.
    std::vector<int> dist(owner.size(), -1);
    std::deque<int> queue;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const int o = owner[static_cast<std::size_t>(y * w + x)];
            bool edge = x == 0 || y == 0 || x == w - 1 || y == h - 1;
            for (int dy = -1; dy <= 1 && !edge; ++dy) {
                for (int dx = -1; dx <= 1 && !edge; ++dx) {
                    edge = owner[static_cast<std::size_t>((y + dy) * w + x + dx)] != o;
                }
            }
            if (edge) {
                dist[static_cast<std::size_t>(y * w + x)] = 0;
                queue.push_back(y * w + x);
            }
        }
    }
    while (!queue.empty()) {
        const int at = queue.front();
        queue.pop_front();
        const int x = at % w;
        const int y = at / w;
        for (int dy = -1; dy <= 1; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
                const int nx = x + dx;
                const int ny = y + dy;
                if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                    continue;
                const auto n = static_cast<std::size_t>(ny * w + nx);
                if (dist[n] < 0) {
                    dist[n] = dist[static_cast<std::size_t>(at)] + 1;
                    queue.push_back(ny * w + nx);
                }
            }
        }
    }
    std::map<std::size_t, std::vector<std::pair<int, int>>> cells;  // country -> (dist, cell)
    for (std::size_t c = 0; c < owner.size(); ++c) {
        if (owner[c] >= 0 && dist[c] >= 3)
            cells[static_cast<std::size_t>(owner[c])].push_back({dist[c], static_cast<int>(c)});
    }
    std::map<std::size_t, std::vector<InteriorPoint>> out;
    for (auto& [k, list] : cells) {
        std::stable_sort(list.begin(), list.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        std::vector<InteriorPoint>& points = out[panel.countries[k]];
        for (const auto& [d, c] : list) {
            const geo::XY p{(c % w + 0.5) * cell, (c / w + 0.5) * cell};
            // Candidates spread out: skip those near one already taken.
            bool near = false;
            for (const InteriorPoint& q : points)
                near = near || std::hypot(p.x - q.at.x, p.y - q.at.y) < 30.0;
            if (!near)
                points.push_back({p, d * cell});
            if (points.size() >= 12)
                break;
        }
    }
    return out;
}

void place_labels(Context& ctx, std::size_t p, const std::vector<Rect>& obstacles) {
    const auto& data = data_of(ctx);
    const Panel& panel = ctx.plan.panels[p];
    const Style& st = ctx.style;
    const Rect& frame = ctx.view.frame();
    LabelPlacer placer(Rect{frame.x + 2, frame.y + 2, frame.w - 4, frame.h - 4});
    for (const Rect& r : obstacles) placer.add_obstacle(r);
    PanelDrawing& out = ctx.panels[p];
    for (const FanPlacement& f : out.incidents) {
        const MarkerShape shape =
            ctx.plan.incident_marker(data.incidents.features[f.incident]).shape;
        const double e = marker_half_extent(shape, f.radius);
        placer.add_obstacle({f.at.x - e, f.at.y - e, 2 * e, 2 * e});
        if (f.fanned)
            placer.add_obstacle({f.origin.x - 1.5, f.origin.y - 1.5, 3, 3});
    }
    for (std::size_t i : ctx.plan.settlements) {
        const layers::Settlement& s = data.settlements.features[i];
        if (const auto xy = ctx.view.try_to_page(s.position)) {
            const double r = settlement_radius_pt(s.population, st) + 0.5;
            placer.add_obstacle({xy->x - r, xy->y - r, 2 * r, 2 * r});
        }
    }
    const double scale = ctx.label_scale;

    struct Candidate {
        LabelRequest request;
        std::string text;
        Font font;
        Rgba color;
    };
    std::vector<Candidate> candidates;
    auto add = [&](std::string text, Font font, Rgba color, geo::XY anchor, double gap,
                   double priority, bool centred) {
        const TextSize s = ctx.text.measure(text, font);
        Candidate c;
        c.request = LabelRequest{priority, anchor, gap, s.w, s.h, centred, true};
        c.text = std::move(text);
        c.font = font;
        c.color = color;
        candidates.push_back(std::move(c));
    };

    // Enclaves first: they are what the map is about.
    for (std::size_t i : panel.enclaves) {
        const layers::Enclave& e = data.enclaves.features[i];
        const PageGeometry& g = ctx.geometry(kEnclave, i, e.geometry);
        Rect best;
        double best_area = -1;
        for (const auto& rings : g.polygons) {
            if (rings.empty() || rings.front().empty())
                continue;
            double x1 = INFINITY, y1 = INFINITY, x2 = -INFINITY, y2 = -INFINITY;
            for (const geo::XY& v : rings.front()) {
                x1 = std::min(x1, v.x);
                y1 = std::min(y1, v.y);
                x2 = std::max(x2, v.x);
                y2 = std::max(y2, v.y);
            }
            if ((x2 - x1) * (y2 - y1) > best_area) {
                best_area = (x2 - x1) * (y2 - y1);
                best = {x1, y1, x2 - x1, y2 - y1};
            }
        }
        if (best_area < 0 || e.name.empty())
            continue;
        const Font font{st.label_size_pt * scale, false, true};
        const TextSize s = ctx.text.measure(e.name, font);
        const bool inside = s.w < best.w * 0.8 && s.h < best.h * 0.6;
        add(e.name, font, st.enclave_label, {best.x + best.w / 2, best.y + best.h / 2},
            std::max(best.w, best.h) / 2 + 2.0, 1e6 + best_area, inside);
    }

    // Settlements by importance: population (log), seat of government, in reach of an incident.
    std::vector<std::size_t> order = ctx.plan.settlements;
    auto importance = [&](std::size_t i) {
        const layers::Settlement& s = data.settlements.features[i];
        double v = std::log10(
            static_cast<double>(std::max<std::int64_t>(s.population.value_or(0), 0)) + 1.0);
        if (const std::string* code = attribute(s.attributes, "feature_code")) {
            if (*code == "PPLC")
                v += 3.0;
            if (*code == "PPLA")
                v += 1.5;
            if (*code == "PPLA2")
                v += 0.7;
        }
        if (std::binary_search(panel.settlements_in_reach.begin(), panel.settlements_in_reach.end(),
                               i))
            v += 0.5;
        return v;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return importance(a) > importance(b); });
    // Label density: at most one settlement label per 3,000 pt² of frame.
    const auto budget = static_cast<std::size_t>(frame.w * frame.h / 3000.0);
    if (order.size() > budget)
        order.resize(budget);
    for (std::size_t i : order) {
        const layers::Settlement& s = data.settlements.features[i];
        const auto xy = ctx.view.try_to_page(s.position);
        if (!xy || s.name.empty())
            continue;
        const std::int64_t pop = s.population.value_or(0);
        const Font font{(st.label_size_pt + (pop >= 100000  ? 1.5
                                             : pop >= 20000 ? 0.5
                                                            : 0.0)) *
                            scale,
                        pop >= 100000};
        // A settlement at the centre of a fan of incidents is labelled outside the fan.
        double gap = settlement_radius_pt(s.population, st) + 1.5;
        for (const FanPlacement& f : out.incidents) {
            if (f.fanned && std::hypot(f.origin.x - xy->x, f.origin.y - xy->y) < 3.0) {
                const double e = marker_half_extent(
                    ctx.plan.incident_marker(data.incidents.features[f.incident]).shape, f.radius);
                gap = std::max(gap, std::hypot(f.at.x - xy->x, f.at.y - xy->y) + e + 1.0);
            }
        }
        add(s.name, font, st.settlement_label, *xy, gap, importance(i), false);
    }
    // Reservoirs, after the larger towns.
    for (std::size_t i : ctx.plan.water) {
        const layers::WaterFeature& w = data.water.features[i];
        if (w.kind != "reservoir" || w.name.empty())
            continue;
        const PageGeometry& g = ctx.geometry(kWater, i, w.geometry);
        std::string name = w.name.substr(0, w.name.find(" /"));
        name = name.substr(0, name.find(" ("));
        const Font font{(st.label_size_pt - 0.5) * scale, false, true};
        for (const geo::XY& pt : g.points)
            add(name, font, st.water_label, pt, st.water_symbol_size_pt * 1.3 + 1.0, 4.2, false);
    }
    std::vector<LabelRequest> requests;
    for (const Candidate& c : candidates) requests.push_back(c.request);
    // Enclave names first (priority above 1e6), then the country names, then the rest.
    std::vector<LabelRequest> first_requests;
    std::vector<std::size_t> first_index, rest_index;
    for (std::size_t k = 0; k < requests.size(); ++k)
        (requests[k].priority >= 1e6 ? first_index : rest_index).push_back(k);
    auto place_group = [&](const std::vector<std::size_t>& group) {
        std::vector<LabelRequest> subset;
        for (std::size_t k : group) subset.push_back(requests[k]);
        for (const PlacedLabel& placed : placer.place_all(subset)) {
            const Candidate& c = candidates[group[placed.request]];
            out.labels.push_back({c.text, c.font, c.color, placed.box});
        }
    };
    place_group(first_index);

    // Country names in the open interior of each country's visible part.
    if (frame.w >= 300.0) {
        const auto points = country_label_points(ctx, panel);
        for (const auto& [i, list] : points) {
            const layers::Country& c = data.countries.features[i];
            const std::string name = upper_ascii(c.name.empty() ? c.iso3 : c.name);
            const Font font{(st.label_size_pt + 3.0) * scale, false, false, 2.5};
            const TextSize s = ctx.text.measure(name, font);
            for (const InteriorPoint& at : list) {
                // The name may reach a little beyond the clear square around its centre.
                if (s.w / 2 > at.clearance * 1.6 || s.h / 2 > at.clearance)
                    continue;
                LabelRequest r{0.0, at.at, 0.0, s.w, s.h, true, false};
                if (auto box = placer.place(r)) {
                    out.labels.push_back({name, font, st.country_label, *box});
                    break;
                }
            }
        }
    }
    place_group(rest_index);
}

// ---------------------------------------------------------------------------
// Layout.

Layout make_layout(const MapPlan& plan, const Style& style, const Text& text,
                   const RenderOptions& ro, double aspect,
                   const std::function<double(double)>& legend_height) {
    Layout l;
    l.width_pt = ro.width_px * 72.0 / ro.dpi;
    const double m = l.margin;
    const TextSize title =
        text.measure(plan.title, Font{style.title_size_pt, true}, l.width_pt - 2 * m);
    const TextSize subtitle =
        text.measure(plan.subtitle, Font{style.subtitle_size_pt}, l.width_pt - 2 * m);
    l.title = {m, m, l.width_pt - 2 * m, title.h + 2 + subtitle.h};
    std::string attribution;
    for (const std::string& line : plan.attribution)
        attribution += (attribution.empty() ? "" : "\n") + line;
    const double attribution_h =
        text.measure(attribution, Font{style.attribution_size_pt}, l.width_pt - 2 * m).h;

    const bool single = plan.panels.size() == 1;
    const double left = m + (single ? gutter_left : 0.0);
    const double top = l.title.bottom() + column_gap;
    // The legend goes beside the map, or under it on a narrow page.
    const bool legend_below = l.width_pt - left - column_gap - legend_width - m < 300.0;
    const double area_w =
        legend_below ? l.width_pt - left - m : l.width_pt - left - column_gap - legend_width - m;
    if (area_w < 120.0)
        throw UsageError("the map is too narrow: give a larger --width (or a smaller --dpi)");
    const double legend_w = legend_below ? std::min(area_w, 2 * legend_width) : legend_width;
    const double legend_h = legend_height(legend_w);
    const double bottom_parts = (single ? gutter_bottom : 0.0) + 6.0 + attribution_h + m +
                                (legend_below ? legend_h + column_gap : 0.0);
    l.panel_title_h = single ? 0.0 : style.legend_size_pt * 1.5 + 2.0;
    // Beside the map, a legend taller than the map makes the page taller; under it, not.
    const double legend_h_beside = legend_below ? 0.0 : legend_h;

    const std::size_t n = plan.panels.size();
    double area_h = 0.0;
    std::size_t cols = 1;
    double panel_w = area_w;
    const double pg = 8.0;  // between panels
    if (single) {
        if (ro.height_px) {
            l.height_pt = *ro.height_px * 72.0 / ro.dpi;
            area_h = l.height_pt - top - bottom_parts;
        } else {
            area_h = area_w * std::clamp(aspect, 0.45, 1.6);
            area_h = std::max(area_h, legend_h_beside);
            l.height_pt = top + area_h + bottom_parts;
        }
        if (area_h < 80.0)
            throw UsageError("the map is too low: give a larger --height (or a smaller --dpi)");
    } else {
        const double fixed_h =
            ro.height_px ? *ro.height_px * 72.0 / ro.dpi - top - bottom_parts : 0.0;
        double best_score = -INFINITY;
        for (std::size_t c = 1; c <= n; ++c) {
            const std::size_t rows = (n + c - 1) / c;
            double w = (area_w - static_cast<double>(c - 1) * pg) / static_cast<double>(c);
            if (ro.height_px) {
                const double h_limit =
                    (fixed_h - static_cast<double>(rows - 1) * pg) / static_cast<double>(rows) -
                    l.panel_title_h;
                w = std::min(w, h_limit / aspect);
                if (w > best_score) {
                    best_score = w;
                    cols = c;
                    panel_w = w;
                }
            } else {
                // The fewest columns (the largest panels) whose grid is no taller than the
                // legend or three quarters of the width, whichever is more.
                const double total_h = static_cast<double>(rows) * (w * aspect + l.panel_title_h) +
                                       static_cast<double>(rows - 1) * pg;
                if (total_h <= std::max(legend_h_beside, area_w * 0.75) || c == n) {
                    cols = c;
                    panel_w = w;
                    break;
                }
            }
        }
        const std::size_t rows = (n + cols - 1) / cols;
        const double panel_h = panel_w * aspect;
        const double grid_h = static_cast<double>(rows) * (panel_h + l.panel_title_h) +
                              static_cast<double>(rows - 1) * pg;
        if (panel_w < 40.0)
            throw UsageError(
                "too many panels for the page: give a larger --width/--height or narrow the dates");
        if (ro.height_px) {
            l.height_pt = *ro.height_px * 72.0 / ro.dpi;
            area_h = fixed_h;
        } else {
            area_h = std::max(grid_h, legend_h_beside);
            l.height_pt = top + area_h + bottom_parts;
        }
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t row = k / cols;
            const std::size_t col = k % cols;
            l.frames.push_back({left + static_cast<double>(col) * (panel_w + pg),
                                top + static_cast<double>(row) * (panel_h + l.panel_title_h + pg) +
                                    l.panel_title_h,
                                panel_w, panel_h});
        }
    }
    l.map_area = {left, top, area_w, area_h};
    if (single)
        l.frames.push_back(l.map_area);
    if (legend_below) {
        l.legend = {left, top + area_h + (single ? gutter_bottom : 0.0) + column_gap, legend_w,
                    legend_h};
    } else {
        l.legend = {left + area_w + column_gap, top, legend_width, std::min(legend_h, area_h)};
    }
    l.attribution = {m, l.height_pt - m - attribution_h, l.width_pt - 2 * m, attribution_h};
    return l;
}

}  // namespace

Rgba Raster::at(int x, int y) const {
    if (x < 0 || y < 0 || x >= width || y >= height)
        return {0, 0, 0, 0};
    const std::uint32_t p = argb[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                                 static_cast<std::size_t>(x)];
    return {((p >> 16) & 0xFF) / 255.0, ((p >> 8) & 0xFF) / 255.0, (p & 0xFF) / 255.0,
            ((p >> 24) & 0xFF) / 255.0};
}

namespace {

struct ReadState {
    const std::string* bytes;
    std::size_t at;
};

cairo_status_t read_bytes(void* closure, unsigned char* data, unsigned int length) {
    auto* s = static_cast<ReadState*>(closure);
    if (s->at + length > s->bytes->size())
        return CAIRO_STATUS_READ_ERROR;
    std::memcpy(data, s->bytes->data() + s->at, length);
    s->at += length;
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Raster decode_png(const std::string& bytes) {
    ReadState state{&bytes, 0};
    SurfacePtr surface(cairo_image_surface_create_from_png_stream(&read_bytes, &state));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw Error("not a PNG image");
    cairo_surface_flush(surface.get());
    Raster r;
    r.width = cairo_image_surface_get_width(surface.get());
    r.height = cairo_image_surface_get_height(surface.get());
    const int stride = cairo_image_surface_get_stride(surface.get());
    const unsigned char* data = cairo_image_surface_get_data(surface.get());
    const bool alpha = cairo_image_surface_get_format(surface.get()) == CAIRO_FORMAT_ARGB32;
    r.argb.resize(static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height));
    for (int y = 0; y < r.height; ++y) {
        for (int x = 0; x < r.width; ++x) {
            std::uint32_t p = 0;
            std::memcpy(&p, data + y * stride + x * 4, 4);
            std::uint32_t a = alpha ? (p >> 24) : 0xFF;
            if (a > 0 && a < 0xFF) {  // un-premultiply
                auto un = [&](std::uint32_t c) {
                    return std::min<std::uint32_t>(0xFF, (c * 0xFF + a / 2) / a);
                };
                p = (a << 24) | (un((p >> 16) & 0xFF) << 16) | (un((p >> 8) & 0xFF) << 8) |
                    un(p & 0xFF);
            } else {
                p = (a << 24) | (p & 0xFFFFFF);
            }
            r.argb[static_cast<std::size_t>(y) * static_cast<std::size_t>(r.width) +
                   static_cast<std::size_t>(x)] = p;
        }
    }
    return r;
}

namespace {

bool has_colocated(const MapPlan& plan) {
    for (const Panel& p : plan.panels) {
        std::vector<std::pair<double, double>> at;
        for (std::size_t i : p.incidents) {
            const geo::LonLat& q = plan.data->incidents.features[i].position;
            at.emplace_back(q.lon, q.lat);
        }
        std::sort(at.begin(), at.end());
        if (std::adjacent_find(at.begin(), at.end()) != at.end())
            return true;
    }
    return false;
}

std::vector<std::string> legend_notes(const MapPlan& plan,
                                      const std::optional<double>& graticule_step) {
    std::vector<std::string> notes;
    if (has_colocated(plan)) {
        notes.push_back(
            "Incidents at one place are fanned out around it (the dot), oldest at the top, then "
            "clockwise.");
    }
    if (plan.panels.size() > 1) {
        notes.push_back("Graticule every " +
                        (graticule_step ? fixed(*graticule_step, *graticule_step < 1 ? 2 : 0)
                                        : std::string("0.25")) +
                        "\u00b0.");
    }
    for (const std::string& n : plan.notes) notes.push_back(n + ".");
    return notes;
}

}  // namespace

RenderedMap render_map(const layers::Dataset& data, const MapOptions& options, const Style& style,
                       const RenderOptions& ro) {
    if (ro.width_px < 200 || ro.width_px > 20000)
        throw UsageError("--width must be from 200 to 20000 pixels");
    if (ro.height_px && (*ro.height_px < 150 || *ro.height_px > 20000)) {
        throw UsageError("--height must be from 150 to 20000 pixels");
    }
    if (!(ro.dpi >= 36.0 && ro.dpi <= 1200.0))
        throw UsageError("--dpi must be from 36 to 1200");

    const Text text(style.font);
    // The extent first; then the page is laid out for the plan on that extent, and the
    // final plan takes what the frame shows, so the legend lists exactly what is drawn.
    MapOptions fixed_options = options;
    fixed_options.extent = plan_map(data, options, style, geo::Box{}).extent;
    fixed_options.extent_from_data = !options.extent;
    const ProjectionChoice projection = choose_projection(*fixed_options.extent);
    const ProjectedBox pb = MapView::projected_bounds(projection, *fixed_options.extent);
    const double aspect = pb.height() / std::max(pb.width(), 1.0);

    // Small multiples draw symbols and lines smaller, in proportion to the panels.
    Style drawing = style;
    MapPlan plan = plan_map(data, fixed_options, drawing, *fixed_options.extent);
    Layout layout;
    std::unique_ptr<MapView> view;
    ScaleBar panel_bar;
    for (int round = 0; round < 4; ++round) {
        const MapPlan& current = plan;
        auto legend_height = [&](double width) {
            // Measured with a view-independent stand-in for the shared scale bar.
            Context measure{current, drawing, text, *view, layout, {}, {}, 1.0, {}};
            LegendExtras extras;
            extras.notes = legend_notes(current, std::nullopt);
            ScaleBar stand_in{100.0, 10000.0, 5, 40.0};
            if (current.panels.size() > 1)
                extras.bar = &stand_in;
            return draw_legend(nullptr, measure, Rect{0, 0, width, 0}, extras);
        };
        if (!view) {
            // The legend measurement needs a view only for its type: make a provisional one.
            view = std::make_unique<MapView>(projection, *fixed_options.extent,
                                             Rect{0, 0, 100, 100 * aspect});
        }
        const Layout next = make_layout(current, drawing, text, ro, aspect, legend_height);
        const Rect local{0, 0, next.frames.front().w, next.frames.front().h};
        const bool same = round > 0 && std::abs(local.w - layout.frames.front().w) < 0.01 &&
                          std::abs(local.h - layout.frames.front().h) < 0.01;
        layout = next;
        if (same)
            break;
        view = std::make_unique<MapView>(projection, *fixed_options.extent, local);
        if (current.panels.size() > 1)
            drawing = style.scaled(std::clamp(local.w / 520.0, 0.3, 1.0));
        plan = plan_map(data, fixed_options, drawing, view->visible_box());
    }

    Context ctx{plan, drawing, text, *view, layout, {}, {}, plan.panels.size() > 1 ? 0.85 : 1.0,
                {}};
    {
        geo::Box v = view->visible_box();
        const double dx = (v.max_lon - v.min_lon) * 0.05;
        const double dy = (v.max_lat - v.min_lat) * 0.05;
        ctx.cull = {v.min_lon - dx, v.min_lat - dy, v.max_lon + dx, v.max_lat + dy};
    }
    ctx.panels.resize(plan.panels.size());
    const Rect& local = view->frame();
    const bool single = plan.panels.size() == 1;

    // Furniture in the frame (a single map): scale bar bottom left, north arrow top right.
    const ScaleBar bar = make_scale_bar(*view, std::min(110.0, local.w * 0.22));
    std::vector<Rect> obstacles;
    Rect bar_box;
    geo::XY arrow_at{local.w - 20.0, 34.0};
    const double north = view->north_angle_at(arrow_at);
    if (single) {
        bar_box = draw_scale_bar(nullptr, ctx, bar, 0, 0, false);
        bar_box.x = 8.0;
        bar_box.y = local.h - bar_box.h - 8.0;
        obstacles.push_back(bar_box);
        obstacles.push_back(draw_north_arrow(nullptr, ctx, arrow_at.x, arrow_at.y, north, false));
    }
    for (std::size_t p = 0; p < plan.panels.size(); ++p) {
        ctx.panels[p].incidents = place_incidents(ctx, plan.panels[p]);
        place_labels(ctx, p, obstacles);
    }
    const Graticule graticule = make_graticule(*view);

    // The hook's overlay, projected once.
    std::vector<PagePath> stretches;
    std::vector<std::vector<PagePath>> zones;
    {
        const Projector projector(*view, ctx.cull);
        for (const geo::Path& l : plan.disputed.stretches) {
            for (PagePath& piece : projector.lines(l)) stretches.push_back(std::move(piece));
        }
        for (const geo::Polygon& z : plan.disputed.zones) {
            std::vector<PagePath> rings;
            for (const geo::Path& r : z.rings) {
                if (projector.visible(r))
                    rings.push_back(projector.ring(r));
            }
            if (!rings.empty())
                zones.push_back(std::move(rings));
        }
    }

    RenderedMap out;
    out.width_pt = layout.width_pt;
    out.height_pt = layout.height_pt;
    const double scale = ro.dpi / 72.0;
    out.width_px = static_cast<int>(std::lround(layout.width_pt * scale));
    out.height_px = static_cast<int>(std::lround(layout.height_pt * scale));
    std::unique_ptr<Canvas> canvas;
    switch (ro.format) {
        case ImageFormat::Png: canvas = make_png_canvas(out.width_px, out.height_px, scale); break;
        case ImageFormat::Svg:
            canvas = make_svg_canvas(layout.width_pt, layout.height_pt, plan.title);
            break;
        case ImageFormat::Pdf:
            canvas = make_pdf_canvas(layout.width_pt, layout.height_pt, plan.title);
            break;
    }
    auto layer = [&](const std::string& name, const std::function<void(cairo_t*)>& draw) {
        cairo_t* cr = canvas->begin(name);
        draw(cr);
        canvas->end();
        out.layers.push_back(name);
    };

    layer("background", [&](cairo_t* cr) { draw_background(cr, ctx); });
    layer("countries", [&](cairo_t* cr) { draw_countries(cr, ctx); });
    layer("graticule", [&](cairo_t* cr) { draw_graticule(cr, ctx, graticule); });
    layer("water", [&](cairo_t* cr) { draw_water_lines(cr, ctx); });
    // Enclaves under the borders: their outline is a band wider than the border line, so
    // an enclave's edge shows on both sides of its border, drawn in the border's status.
    layer("enclaves", [&](cairo_t* cr) { draw_enclaves(cr, ctx); });
    layer("claims", [&](cairo_t* cr) { draw_claims(cr, ctx); });
    layer("borders", [&](cairo_t* cr) { draw_borders(cr, ctx); });
    if (!stretches.empty() || !zones.empty()) {
        layer("disputed", [&](cairo_t* cr) { draw_disputed(cr, ctx, stretches, zones); });
    }
    layer("water_facilities", [&](cairo_t* cr) { draw_water_facilities(cr, ctx); });
    layer("settlements", [&](cairo_t* cr) { draw_settlements(cr, ctx); });
    layer("incidents", [&](cairo_t* cr) { draw_incidents(cr, ctx); });
    layer("labels", [&](cairo_t* cr) { draw_labels(cr, ctx); });
    layer("frame", [&](cairo_t* cr) {
        draw_frames(cr, ctx);
        draw_graticule_labels(cr, ctx, graticule);
    });
    if (single) {
        layer("furniture", [&](cairo_t* cr) {
            const Rect& f = layout.frames.front();
            cairo_translate(cr, f.x, f.y);
            draw_scale_bar(cr, ctx, bar, bar_box.x, bar_box.y, true);
            draw_north_arrow(cr, ctx, arrow_at.x, arrow_at.y, north, true);
        });
    }
    layer("legend", [&](cairo_t* cr) {
        LegendExtras extras;
        extras.notes = legend_notes(plan, graticule.step);
        if (!single) {
            panel_bar = make_scale_bar(*view, 100.0);
            extras.bar = &panel_bar;
            extras.north_angle = view->north_angle_at({local.w / 2, local.h / 2});
        }
        Rect box = layout.legend;
        box.h = draw_legend(nullptr, ctx, box, extras);
        out.legend = box;
        draw_legend(cr, ctx, box, extras);
    });
    layer("title", [&](cairo_t* cr) {
        const Font title{style.title_size_pt, true};
        const TextSize t = text.measure(plan.title, title, layout.title.w);
        text.draw(cr, plan.title, title, layout.title.x, layout.title.y, style.ink, std::nullopt,
                  0.0, layout.title.w);
        text.draw(cr, plan.subtitle, Font{style.subtitle_size_pt}, layout.title.x,
                  layout.title.y + t.h + 2, style.muted_ink, std::nullopt, 0.0, layout.title.w);
    });
    layer("attribution", [&](cairo_t* cr) {
        std::string attribution;
        for (const std::string& line : plan.attribution)
            attribution += (attribution.empty() ? "" : "\n") + line;
        text.draw(cr, attribution, Font{style.attribution_size_pt}, layout.attribution.x,
                  layout.attribution.y, style.muted_ink, std::nullopt, 0.0, layout.attribution.w);
    });
    out.bytes = canvas->finish();

    out.projection = plan.projection;
    for (const Rect& f : layout.frames)
        out.panels.push_back(
            ViewPlacement{f, view->placement().centre_m, view->placement().points_per_metre});
    for (const LegendItem& item : plan.legend) out.legend_labels.push_back(item.label);
    for (const PanelDrawing& p : ctx.panels) {
        out.incidents_drawn += p.incidents.size();
        out.labels_placed += p.labels.size();
    }
    out.title = plan.title;
    out.notes = plan.notes;
    out.scale_bar_m = bar.length_m;
    out.scale_bar_pt = bar.length_pt;
    return out;
}

}  // namespace fergana::render
