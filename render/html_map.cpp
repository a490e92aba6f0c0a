#include "render/html_map.hpp"

#include "geo/error.hpp"
#include "render/clip.hpp"
#include "render/detail/strings.hpp"
#include "render/symbols.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace fergana::render::detail {
std::string_view leaflet_js();
std::string_view leaflet_css();
std::string_view leaflet_layers_png();
std::string_view leaflet_layers_2x_png();
}  // namespace fergana::render::detail

namespace fergana::render {

namespace {

using nlohmann::ordered_json;

constexpr double pi = 3.14159265358979323846;
constexpr double px_per_pt = 96.0 / 72.0;  // CSS pixels

std::string num(double v, int decimals = 2) {
    return detail::trimmed_fixed(v, decimals);
}

std::string base64(std::string_view bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += table[(n >> 6) & 63];
        out += table[n & 63];
    }
    if (i < bytes.size()) {
        const bool two = i + 1 < bytes.size();
        const auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (two ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += two ? table[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// ---------------------------------------------------------------------------
// GeoJSON.

double round6(double v) {
    return std::round(v * 1e6) / 1e6;
}

ordered_json position(geo::LonLat p) {
    return ordered_json::array({round6(p.lon), round6(p.lat)});
}

ordered_json path_json(const geo::Path& path) {
    ordered_json a = ordered_json::array();
    for (const geo::LonLat& p : path) a.push_back(position(p));
    return a;
}

ordered_json polygon_json(const geo::Polygon& polygon) {
    ordered_json a = ordered_json::array();
    for (const geo::Path& r : polygon.rings) a.push_back(path_json(r));
    return a;
}

ordered_json geometry_json(const geo::Geometry& g) {
    std::vector<ordered_json> parts;
    if (g.points().size() == 1) {
        parts.push_back({{"type", "Point"}, {"coordinates", position(g.points().front())}});
    } else if (g.points().size() > 1) {
        ordered_json c = ordered_json::array();
        for (const geo::LonLat& p : g.points()) c.push_back(position(p));
        parts.push_back({{"type", "MultiPoint"}, {"coordinates", c}});
    }
    if (g.lines().size() == 1) {
        parts.push_back({{"type", "LineString"}, {"coordinates", path_json(g.lines().front())}});
    } else if (g.lines().size() > 1) {
        ordered_json c = ordered_json::array();
        for (const geo::Path& l : g.lines()) c.push_back(path_json(l));
        parts.push_back({{"type", "MultiLineString"}, {"coordinates", c}});
    }
    if (g.polygons().size() == 1) {
        parts.push_back({{"type", "Polygon"}, {"coordinates", polygon_json(g.polygons().front())}});
    } else if (g.polygons().size() > 1) {
        ordered_json c = ordered_json::array();
        for (const geo::Polygon& p : g.polygons()) c.push_back(polygon_json(p));
        parts.push_back({{"type", "MultiPolygon"}, {"coordinates", c}});
    }
    if (parts.size() == 1)
        return parts.front();
    return {{"type", "GeometryCollection"}, {"geometries", parts}};
}

// Douglas-Peucker in degrees (longitude scaled by cos(latitude)), keeping the ends.
geo::Path simplify(const geo::Path& path, double tolerance_deg) {
    if (path.size() < 4)
        return path;
    const double k = std::cos(path.front().lat * pi / 180.0);
    std::vector<char> keep(path.size(), 0);
    keep.front() = keep.back() = 1;
    std::vector<std::pair<std::size_t, std::size_t>> stack = {{0, path.size() - 1}};
    while (!stack.empty()) {
        const auto [a, b] = stack.back();
        stack.pop_back();
        const double ax = path[a].lon * k, ay = path[a].lat, bx = path[b].lon * k, by = path[b].lat;
        const double dx = bx - ax, dy = by - ay;
        const double len2 = dx * dx + dy * dy;
        double worst = -1.0;
        std::size_t at = a;
        for (std::size_t i = a + 1; i < b; ++i) {
            const double px = path[i].lon * k - ax, py = path[i].lat - ay;
            const double t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0, 1.0) : 0.0;
            const double d = std::hypot(px - t * dx, py - t * dy);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        if (worst > tolerance_deg) {
            keep[at] = 1;
            stack.push_back({a, at});
            stack.push_back({at, b});
        }
    }
    geo::Path out;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (keep[i])
            out.push_back(path[i]);
    }
    return out;
}

// The countries are the base map: simplified to about 60 m (under a pixel below zoom 11),
// the borders and everything else exact.
geo::Geometry simplified(const geo::Geometry& g, double tolerance_deg) {
    std::vector<geo::Polygon> polygons;
    for (const geo::Polygon& p : g.polygons()) {
        geo::Polygon q;
        for (const geo::Path& r : p.rings) {
            geo::Path s = simplify(r, tolerance_deg);
            if (s.size() >= 4)
                q.rings.push_back(std::move(s));
        }
        if (!q.rings.empty())
            polygons.push_back(std::move(q));
    }
    return geo::Geometry::multi_polygon(std::move(polygons));
}

void add_validity(ordered_json& props, const layers::Validity& v) {
    props["valid_from"] = v.from ? ordered_json(v.from->to_string()) : ordered_json(nullptr);
    props["valid_to"] = v.to ? ordered_json(v.to->to_string()) : ordered_json(nullptr);
}

void add_attributes(ordered_json& props, const layers::Attributes& attributes) {
    for (const auto& [k, v] : attributes) {
        if (!props.contains(k))
            props[k] = v;
    }
}

template <typename T>
ordered_json optional_json(const std::optional<T>& v) {
    return v ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json feature(const geo::Geometry& g, ordered_json props, ordered_json look) {
    ordered_json f;
    f["type"] = "Feature";
    f["geometry"] = geometry_json(g);
    f["properties"] = std::move(props);
    f["fergana"] = std::move(look);  // how to draw it (a GeoJSON foreign member)
    return f;
}

ordered_json collection(std::vector<ordered_json> features) {
    ordered_json c;
    c["type"] = "FeatureCollection";
    c["features"] = std::move(features);
    return c;
}

std::string dash_px(const std::vector<double>& dash_pt) {
    std::string out;
    for (double d : dash_pt) out += (out.empty() ? "" : " ") + num(d * px_per_pt, 1);
    return out;
}

ordered_json line_look(const LineStyle& l) {
    return {{"color", to_hex_rgb(l.color)},
            {"opacity", l.color.a},
            {"weight", round6(l.width_pt * px_per_pt)},
            {"dashArray",
             l.dash_pt.empty() ? ordered_json(nullptr) : ordered_json(dash_px(l.dash_pt))}};
}

ordered_json area_look(const AreaStyle& a) {
    ordered_json j = line_look(a.outline);
    j["fillColor"] = to_hex_rgb(a.fill);
    j["fillOpacity"] = a.fill.a;
    return j;
}

// ---------------------------------------------------------------------------
// Symbols as inline SVG, drawn as the static map draws them.

std::string marker_svg_shape(MarkerShape shape, double cx, double cy, double r,
                             const std::string& attrs) {
    const std::vector<geo::XY> poly = marker_polygon(shape, r);
    if (poly.empty())
        return "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(r) + "\" " +
               attrs + "/>";
    std::string d;
    for (std::size_t i = 0; i < poly.size(); ++i) {
        d += (i == 0 ? "M" : "L") + num(cx + poly[i].x) + " " + num(cy + poly[i].y);
    }
    return "<path d=\"" + d + "Z\" " + attrs + "/>";
}

std::string fill_attrs(Rgba c) {
    return "fill=\"" + to_hex_rgb(c) + "\" fill-opacity=\"" + num(c.a) + "\"";
}

std::string stroke_attrs(const LineStyle& l, double scale = px_per_pt) {
    std::string s = "stroke=\"" + to_hex_rgb(l.color) + "\" stroke-opacity=\"" + num(l.color.a) +
                    "\" stroke-width=\"" + num(l.width_pt * scale) + "\"";
    if (!l.dash_pt.empty())
        s += " stroke-dasharray=\"" + dash_px(l.dash_pt) + "\"";
    return s;
}

std::string water_symbol_svg(const Style& st, const std::string& kind, double cx, double cy) {
    const double s = st.water_symbol_size_pt * px_per_pt;
    const std::string blue = to_hex_rgb(st.water_symbol);
    if (kind == "dam") {
        return "<rect x=\"" + num(cx - 1.2 * s) + "\" y=\"" + num(cy - 0.45 * s) + "\" width=\"" +
               num(2.4 * s) + "\" height=\"" + num(0.9 * s) + "\" fill=\"" + blue +
               "\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>";
    }
    if (kind == "reservoir") {
        return "<ellipse cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" rx=\"" + num(1.3 * s) +
               "\" ry=\"" + num(0.85 * s) + "\" " + fill_attrs(st.reservoir.fill) + " stroke=\"" +
               to_hex_rgb(st.reservoir.outline.color) + "\" stroke-width=\"1\"/>";
    }
    if (kind == "intake") {
        return "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(0.75 * s) +
               "\" fill=\"#ffffff\" stroke=\"" + blue + "\" stroke-width=\"1.6\"/><circle cx=\"" +
               num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" + num(0.3 * s) + "\" fill=\"" + blue +
               "\"/>";
    }
    return "<rect x=\"" + num(cx - 0.55 * s) + "\" y=\"" + num(cy - 0.55 * s) + "\" width=\"" +
           num(1.1 * s) + "\" height=\"" + num(1.1 * s) + "\" fill=\"#ffffff\" stroke=\"" + blue +
           "\" stroke-width=\"1.4\"/>";
}

std::string legend_symbol_svg(const LegendItem& item, const Style& st) {
    double h = 18;
    if (item.kind == LegendKind::Marker)
        h = std::max(h, 2 * marker_half_extent(item.marker.shape, item.size_pt * px_per_pt) + 2);
    if (item.kind == LegendKind::Dot || item.kind == LegendKind::Ring)
        h = std::max(h, 2 * item.size_pt * px_per_pt + 8);
    const double w = std::max(34.0, h);
    const double cx = w / 2;
    const double cy = h / 2;
    std::string body;
    switch (item.kind) {
        case LegendKind::Area:
            body = "<rect x=\"" + num(cx - 14) + "\" y=\"" + num(cy - 6) +
                   "\" width=\"28\" height=\"12\" " + fill_attrs(item.area.fill) + " " +
                   stroke_attrs(item.area.outline) + "/>";
            break;
        case LegendKind::HatchedArea:
            body =
                "<defs><pattern id=\"hatch\" width=\"5\" height=\"5\" "
                "patternUnits=\"userSpaceOnUse\" "
                "patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" "
                "stroke=\"" +
                to_hex_rgb(item.area.fill) +
                "\" stroke-width=\"1\"/></pattern></defs><rect x=\"3\" y=\"" + num(cy - 6) +
                "\" width=\"28\" height=\"12\" fill=\"url(#hatch)\" " +
                stroke_attrs(item.area.outline) + "/>";
            break;
        case LegendKind::Line:
        case LegendKind::HatchedLine:
            body = "<line x1=\"1\" y1=\"" + num(cy) + "\" x2=\"33\" y2=\"" + num(cy) + "\" " +
                   stroke_attrs(item.line) + "/>";
            break;
        case LegendKind::Marker:
            body = marker_svg_shape(
                item.marker.shape, cx, cy, item.size_pt * px_per_pt,
                fill_attrs(
                    item.marker.color.with_alpha(item.marker.color.a * st.incident_opacity)) +
                    (item.marker.color.a == 0.0 ? " stroke=\"#222222\" stroke-width=\"1\""
                                                : " stroke=\"#00000040\" stroke-width=\"0.6\""));
            break;
        case LegendKind::WaterSymbol: body = water_symbol_svg(st, item.water_kind, cx, cy); break;
        case LegendKind::Dot:
            body = "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" +
                   num(item.size_pt * px_per_pt) + "\" " + fill_attrs(st.settlement_dot) + "/>";
            break;
        case LegendKind::Ring:
            body = "<circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) + "\" r=\"" +
                   num((item.size_pt + 2.2) * px_per_pt) + "\" fill=\"none\" " +
                   stroke_attrs(item.line) + "/><circle cx=\"" + num(cx) + "\" cy=\"" + num(cy) +
                   "\" r=\"" + num(item.size_pt * px_per_pt) + "\" " +
                   fill_attrs(st.settlement_dot) + "/>";
            break;
        default: break;
    }
    return "<svg width=\"" + num(w) + "\" height=\"" + num(h) + "\" viewBox=\"0 0 " + num(w) + " " +
           num(h) + "\">" + body + "</svg>";
}

std::string legend_html(const MapPlan& plan, const Style& st) {
    std::string out = "<div class=\"legend\">";
    for (const LegendItem& item : plan.legend) {
        if (item.kind == LegendKind::Heading) {
            out += "<h3>" + detail::xml_escape(item.label) + "</h3>";
        } else if (item.kind == LegendKind::DateRamp) {
            const auto bar = item.label.find('|');
            std::string stops;
            for (std::size_t i = 0; i < st.date_ramp.size(); ++i)
                stops += (i ? "," : "") + to_hex_rgb(st.date_ramp[i]);
            out += "<div class=\"ramp\" style=\"background:linear-gradient(to right," + stops +
                   ")\"></div><div class=\"ramp-labels\"><span>" +
                   detail::xml_escape(item.label.substr(0, bar)) + "</span><span>" +
                   detail::xml_escape(item.label.substr(bar + 1)) + "</span></div>";
        } else if (item.kind == LegendKind::Note) {
            out += "<p class=\"note\">" + detail::xml_escape(item.label) + "</p>";
        } else {
            out += "<div class=\"row\">" + legend_symbol_svg(item, st) + "<span>" +
                   detail::xml_escape(item.label) + "</span></div>";
        }
    }
    return out + "</div>";
}

// Incidents at one place fan out around it (as on the static map), in CSS pixels.
struct Fan {
    double dx = 0.0;
    double dy = 0.0;
    bool fanned = false;
};

std::map<std::size_t, Fan> fan_out(const layers::Dataset& data,
                                   const std::vector<std::size_t>& incidents, const Style& st) {
    std::map<std::pair<double, double>, std::vector<std::size_t>> groups;
    for (std::size_t i : incidents) {
        const geo::LonLat& p = data.incidents.features[i].position;
        groups[{p.lon, p.lat}].push_back(i);
    }
    std::map<std::size_t, Fan> out;
    for (auto& [at, members] : groups) {
        if (members.size() < 2)
            continue;
        std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
            const auto& da = data.incidents.features[a].date;
            const auto& db = data.incidents.features[b].date;
            if (!da || !db)
                return da.has_value() && !db.has_value();
            return da->first < db->first;
        });
        double circumference = 0.0;
        double largest = 0.0;
        for (std::size_t i : members) {
            const double r = incident_radius_pt(data.incidents.features[i], st) * px_per_pt;
            circumference += 2 * r + 1.6;
            largest = std::max(largest, r);
        }
        const double ring = std::max(largest + 4.0, circumference / (2 * pi));
        double along = 0.0;
        for (std::size_t i : members) {
            const double r = incident_radius_pt(data.incidents.features[i], st) * px_per_pt;
            along += r + 0.8;
            const double angle = -pi / 2 + 2 * pi * along / circumference;
            along += r + 0.8;
            out[i] = Fan{ring * std::cos(angle), ring * std::sin(angle), true};
        }
    }
    return out;
}

const char* page_css = R"CSS(
html, body { margin: 0; height: 100%; font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; }
#map { position: absolute; left: 0; top: 0; bottom: 0; right: 320px; background: MAPBG; }
#panel { position: absolute; right: 0; top: 0; bottom: 0; width: 320px; box-sizing: border-box; padding: 12px 14px;
         overflow-y: auto; border-left: 1px solid #bbb; background: #fff; font-size: 12px; }
#panel h1 { font-size: 17px; margin: 0 0 4px 0; }
#panel .subtitle { color: #5f5f5f; margin: 0 0 10px 0; }
#panel h3 { font-size: 12px; margin: 10px 0 3px 0; }
.legend .row { display: flex; align-items: center; gap: 6px; min-height: 18px; }
.legend .row svg { flex: none; }
.ramp { height: 10px; margin: 4px 0 2px 0; }
.ramp-labels { display: flex; justify-content: space-between; color: #5f5f5f; font-size: 11px; }
.note { color: #5f5f5f; font-style: italic; font-size: 11px; margin: 6px 0 0 0; }
.filter { border: 1px solid #ccc; padding: 6px 8px; margin: 0 0 8px 0; }
.filter input[type=range] { width: 100%; margin: 2px 0; }
.filter .dates { display: flex; justify-content: space-between; font-weight: bold; }
.fergana-incident { background: none; border: none; }
.fergana-incident svg { overflow: visible; }
.popup-table { border-collapse: collapse; font-size: 11px; max-width: 360px; }
.popup-table th { text-align: left; vertical-align: top; padding: 1px 6px 1px 0; color: #555; white-space: nowrap; }
.popup-table td { padding: 1px 0; word-break: break-word; }
.leaflet-tooltip.enclave-label { background: none; border: none; box-shadow: none; color: ENCLAVE; font-style: italic;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; font-size: 11px; }
.leaflet-tooltip.enclave-label::before { display: none; }
.leaflet-container .leaflet-control-attribution { font-size: 10px; max-width: 70%; }
)CSS";

const char* page_script = R"JS(
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("fergana-data").textContent);
  var started = performance.now();
  var map = L.map("map", { preferCanvas: true, zoomSnap: 0.25 });
  map.fitBounds(D.bounds);  // a view first: the canvas renderer draws into it
  map.attributionControl.setPrefix(false);
  D.attribution.forEach(function (a) { map.attributionControl.addAttribution(escapeHtml(a)); });
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function popup(feature, title) {
    var rows = "";
    var p = feature.properties;
    Object.keys(p).forEach(function (k) {
      var v = p[k];
      if (v === null || v === "") v = "\u2014";
      var text = escapeHtml(v);
      if (/^https?:\/\/\S+$/.test(String(v))) text = '<a href="' + text + '" target="_blank" rel="noopener">' + text + "</a>";
      rows += "<tr><th>" + escapeHtml(k) + "</th><td>" + text + "</td></tr>";
    });
    return "<b>" + escapeHtml(title) + "</b><table class=\"popup-table\">" + rows + "</table>";
  }
  function styleOf(f) {
    var s = f.fergana;
    if (s.color === undefined) return {};  // point symbols carry their own options
    return { color: s.color, opacity: s.opacity, weight: s.weight, dashArray: s.dashArray || null,
             fillColor: s.fillColor, fillOpacity: s.fillOpacity === undefined ? 0 : s.fillOpacity,
             fill: s.fillColor !== undefined, lineJoin: "round" };
  }
  function vectorLayer(layer) {
    return L.geoJSON(layer.geojson, {
      style: styleOf,
      pointToLayer: function (f, latlng) {
        var s = f.fergana;
        if (s.svg) {
          return L.marker(latlng, { icon: L.divIcon({ html: s.svg, className: "fergana-symbol", iconSize: [s.w, s.h],
                                                       iconAnchor: [s.w / 2, s.h / 2] }) });
        }
        return L.circleMarker(latlng, { radius: s.radius, color: s.ring ? s.ringColor : "#ffffff", weight: s.ring ? 2 : 0.8,
                                        fillColor: s.fillColor, fillOpacity: 1, opacity: 1 });
      },
      onEachFeature: function (f, l) {
        l.bindPopup(popup(f, layer.name + (f.fergana.title ? ": " + f.fergana.title : "")), { maxWidth: 420 });
        if (f.fergana.label) l.bindTooltip(escapeHtml(f.fergana.label), f.fergana.permanent
            ? { permanent: true, direction: "center", className: "enclave-label" } : { direction: "top" });
      }
    });
  }

  var overlays = {};
  D.layers.forEach(function (layer) {
    var l = vectorLayer(layer);
    l.addTo(map);
    overlays[layer.name] = l;
  });

  // Incidents: markers with the static map's symbols, filtered by date.
  var incidents = L.layerGroup().addTo(map);
  overlays[D.incidents.name] = incidents;
  var items = D.incidents.geojson.features.map(function (f) {
    var s = f.fergana;
    var c = f.geometry.coordinates;
    var m = L.marker([c[1], c[0]], {
      icon: L.divIcon({ html: s.svg, className: "fergana-incident", iconSize: [s.w, s.h], iconAnchor: [s.w / 2, s.h / 2] }),
      zIndexOffset: s.z, keyboard: false
    });
    m.bindPopup(popup(f, s.title), { maxWidth: 420 });
    return { marker: m, first: s.first, last: s.last };
  });
  L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);

  var status = document.getElementById("fergana-status");
  var lo = document.getElementById("date-from"), hi = document.getElementById("date-to");
  var loText = document.getElementById("date-from-text"), hiText = document.getElementById("date-to-text");
  var shownText = document.getElementById("shown");
  var day0 = D.dates ? Date.parse(D.dates[0] + "T00:00:00Z") / 864e5 : 0;
  var day1 = D.dates ? Date.parse(D.dates[1] + "T00:00:00Z") / 864e5 : 0;
  function iso(day) { return new Date(day * 864e5).toISOString().slice(0, 10); }
  function dayOf(s) { return Date.parse(s + "T00:00:00Z") / 864e5; }
  function applyFilter() {
    var a = D.dates ? Math.min(+lo.value, +hi.value) : 0, b = D.dates ? Math.max(+lo.value, +hi.value) : 0;
    var whole = !D.dates || (a <= day0 && b >= day1);
    if (D.dates) { loText.textContent = iso(a); hiText.textContent = iso(b); }
    var shown = 0;
    items.forEach(function (it) {
      var on = whole || (it.first !== null && dayOf(it.last) >= a && dayOf(it.first) <= b);
      if (on) { incidents.addLayer(it.marker); shown++; } else { incidents.removeLayer(it.marker); }
    });
    shownText.textContent = shown + " of " + items.length + " incidents shown";
    status.setAttribute("data-markers", String(shown));
  }
  if (D.dates) {
    [lo, hi].forEach(function (el) { el.min = day0; el.max = day1; el.step = 1; });
    lo.value = day0; hi.value = day1;
    // A date range in the address (#from=2022-01-01&to=2022-12-31) opens the map filtered,
    // and moving the sliders writes it there, so a filtered view can be shared.
    var want = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var p = kv.split("=");
      if (p.length === 2 && /^\d{4}-\d{2}-\d{2}$/.test(p[1])) want[p[0]] = dayOf(p[1]);
    });
    if (want.from !== undefined) lo.value = Math.max(day0, Math.min(day1, want.from));
    if (want.to !== undefined) hi.value = Math.max(day0, Math.min(day1, want.to));
    var onInput = function () {
      applyFilter();
      var a = Math.min(+lo.value, +hi.value), b = Math.max(+lo.value, +hi.value);
      history.replaceState(null, "", "#from=" + iso(a) + "&to=" + iso(b));
    };
    lo.addEventListener("input", onInput);
    hi.addEventListener("input", onInput);
  } else {
    document.getElementById("filter").style.display = "none";
  }
  applyFilter();
  status.setAttribute("data-script-ms", String(Math.round(started)));
  status.setAttribute("data-render-ms", String(Math.round(performance.now())));
  requestAnimationFrame(function () {
    status.setAttribute("data-painted-ms", String(Math.round(performance.now())));
    // How much of the vector canvas is painted (tests check the base map is there).
    var canvas = document.querySelector("#map canvas");
    if (canvas && canvas.width > 0) {
      var data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data, ink = 0, n = 0;
      for (var i = 3; i < data.length; i += 4 * 97) { n++; if (data[i] > 0) ink++; }
      status.setAttribute("data-canvas-ink", String(Math.round(100 * ink / n)));
    }
  });
})();
)JS";

}  // namespace

HtmlMap render_html(const layers::Dataset& data, const MapOptions& options, const Style& st) {
    if (options.by != Period::None) {
        throw UsageError("--by draws small multiples in PNG, SVG or PDF",
                         "the HTML map filters the incidents by date with its slider instead");
    }
    // The extent, then everything near it (the page can pan a little beyond).
    MapOptions fixed = options;
    fixed.extent = plan_map(data, options, st, geo::Box{}).extent;
    fixed.extent_from_data = !options.extent;
    const geo::Box& e = *fixed.extent;
    const double w = e.max_lon - e.min_lon;
    const double h = e.max_lat - e.min_lat;
    const geo::Box near{e.min_lon - w, e.min_lat - h, e.max_lon + w, e.max_lat + h};
    const geo::Box base{e.min_lon - w / 2, e.min_lat - h / 2, e.max_lon + w / 2, e.max_lat + h / 2};
    const MapPlan plan = plan_map(data, fixed, st, near);
    const Panel& panel = plan.panels.front();

    ordered_json layers_json = ordered_json::array();
    auto add_layer = [&](const std::string& id, const std::string& name,
                         std::vector<ordered_json> features) {
        if (features.empty())
            return;
        layers_json.push_back(
            {{"id", id}, {"name", name}, {"geojson", collection(std::move(features))}});
    };

    std::vector<ordered_json> features;
    for (std::size_t i : panel.countries) {
        const layers::Country& c = data.countries.features[i];
        ordered_json props{
            {"id", c.ref.id}, {"iso3", c.iso3}, {"name", c.name}, {"source", c.source}};
        add_validity(props, c.valid);
        add_attributes(props, c.attributes);
        features.push_back(feature(simplified(clip_geometry(c.geometry, base), 0.0006), props, [&] {
            auto j = area_look({st.country_color(c.iso3), st.country_outline});
            j["title"] = c.name;
            return j;
        }()));
    }
    add_layer("countries", "Countries", std::move(features));

    features.clear();
    for (std::size_t i : plan.water) {
        const layers::WaterFeature& wf = data.water.features[i];
        if (wf.geometry.has_points() && !wf.geometry.has_lines() && !wf.geometry.has_polygons())
            continue;
        ordered_json props{{"id", wf.id.empty() ? wf.ref.id : wf.id},
                           {"name", wf.name},
                           {"kind", wf.kind},
                           {"source", wf.source},
                           {"accuracy_m", optional_json(wf.accuracy_m)}};
        add_attributes(props, wf.attributes);
        ordered_json look = wf.geometry.has_polygons()
                                ? area_look(st.reservoir)
                                : line_look(wf.kind == "canal" ? st.canal : st.river);
        look["title"] = wf.name;
        look["label"] = wf.name;
        features.push_back(feature(clip_geometry(wf.geometry, near), props, look));
    }
    add_layer("water", "Rivers and canals", std::move(features));

    // Enclaves under the borders, as on the static map.
    features.clear();
    for (std::size_t i : panel.enclaves) {
        const layers::Enclave& en = data.enclaves.features[i];
        ordered_json props{{"id", en.ref.id},
                           {"name", en.name},
                           {"owner", en.owner},
                           {"host", en.host},
                           {"source", en.source}};
        add_validity(props, en.valid);
        add_attributes(props, en.attributes);
        ordered_json look = area_look(st.enclave);
        look["title"] = en.name;
        look["label"] = en.name;
        look["permanent"] = true;
        features.push_back(feature(en.geometry, props, look));
    }
    add_layer("enclaves", "Enclaves", std::move(features));

    features.clear();
    for (std::size_t i : panel.claims) {
        const layers::Claim& c = data.claims.features[i];
        ordered_json props{
            {"id", c.ref.id}, {"claimant", c.claimant}, {"pair", c.pair}, {"source", c.source}};
        add_validity(props, c.valid);
        add_attributes(props, c.attributes);
        ordered_json look =
            line_look({plan.claim_colors.at(c.claimant), st.claim_width_pt, st.claim_dash_pt});
        look["title"] = c.claimant + " " + c.pair;
        features.push_back(feature(clip_geometry(c.geometry, near), props, look));
    }
    add_layer("claims", "Claim lines", std::move(features));

    features.clear();
    for (std::size_t i : panel.borders) {
        const layers::Border& b = data.borders.features[i];
        ordered_json props{{"id", b.ref.id},
                           {"pair", b.pair},
                           {"status", std::string(layers::to_string(b.status))},
                           {"source", b.source}};
        add_validity(props, b.valid);
        add_attributes(props, b.attributes);
        const LineStyle& line = b.status == layers::BorderStatus::Agreed      ? st.border_agreed
                                : b.status == layers::BorderStatus::Delimited ? st.border_delimited
                                : b.status == layers::BorderStatus::Demarcated
                                    ? st.border_demarcated
                                : b.status == layers::BorderStatus::Disputed ? st.border_disputed
                                                                             : st.border_unknown;
        ordered_json look = line_look(line);
        look["title"] = b.pair + " (" + std::string(layers::to_string(b.status)) + ")";
        features.push_back(feature(clip_geometry(b.geometry, near), props, look));
    }
    add_layer("borders", "Borders as of " + panel.borders_as_of.to_string(), std::move(features));

    if (!plan.disputed.empty()) {
        features.clear();
        for (const geo::Path& l : plan.disputed.stretches) {
            ordered_json look = line_look(st.disputed_stretch);
            look["title"] = plan.disputed.label;
            features.push_back(
                feature(geo::Geometry::line(l),
                        {{"kind", "disputed stretch"}, {"source", plan.disputed.source}}, look));
        }
        for (const geo::Polygon& z : plan.disputed.zones) {
            ordered_json look =
                area_look({st.disputed_zone.fill.with_alpha(0.25), st.disputed_zone.outline});
            look["title"] = plan.disputed.zone_label;
            features.push_back(
                feature(geo::Geometry::polygon(z),
                        {{"kind", "disputed zone"}, {"source", plan.disputed.source}}, look));
        }
        add_layer("disputed", "Disputed stretches and zones", std::move(features));
    }

    features.clear();
    for (std::size_t i : plan.water) {
        const layers::WaterFeature& wf = data.water.features[i];
        if (!wf.geometry.has_points())
            continue;
        ordered_json props{{"id", wf.id.empty() ? wf.ref.id : wf.id},
                           {"name", wf.name},
                           {"kind", wf.kind},
                           {"source", wf.source},
                           {"accuracy_m", optional_json(wf.accuracy_m)}};
        add_attributes(props, wf.attributes);
        const std::string kind = wf.kind == "intake" || wf.kind == "dam" || wf.kind == "reservoir"
                                     ? wf.kind
                                     : "facility";
        const double size = st.water_symbol_size_pt * px_per_pt * 2.8;
        ordered_json look{{"svg", "<svg width=\"" + num(size) + "\" height=\"" + num(size) + "\">" +
                                      water_symbol_svg(st, kind, size / 2, size / 2) + "</svg>"},
                          {"w", size},
                          {"h", size},
                          {"title", wf.name},
                          {"label", wf.name}};
        features.push_back(feature(geo::Geometry::multi_point(wf.geometry.points()), props, look));
    }
    add_layer("water_facilities", "Water facilities", std::move(features));

    features.clear();
    for (std::size_t i : plan.settlements) {
        const layers::Settlement& s = data.settlements.features[i];
        ordered_json props{{"id", s.id.empty() ? s.ref.id : s.id},
                           {"name", s.name},
                           {"country", s.country},
                           {"population", optional_json(s.population)},
                           {"source", s.source}};
        add_attributes(props, s.attributes);
        const bool ring = std::binary_search(panel.settlements_in_reach.begin(),
                                             panel.settlements_in_reach.end(), i);
        ordered_json look{{"radius", round6(settlement_radius_pt(s.population, st) * px_per_pt)},
                          {"fillColor", to_hex_rgb(st.settlement_dot)},
                          {"ring", ring},
                          {"ringColor", to_hex_rgb(st.settlement_in_reach.color)},
                          {"title", s.name},
                          {"label", s.name + (s.population ? " (" + thousands(*s.population) + ")"
                                                           : std::string())}};
        props["within_reach_of_an_incident"] = ring;
        features.push_back(feature(geo::Geometry::point(s.position), props, look));
    }
    add_layer("settlements", "Settlements", std::move(features));

    // Incidents.
    features.clear();
    const auto fans = fan_out(data, panel.incidents, st);
    for (std::size_t i : panel.incidents) {
        const layers::Incident& inc = data.incidents.features[i];
        ordered_json props{
            {"id", inc.id},
            {"date", inc.date ? ordered_json(inc.date->to_string()) : ordered_json(nullptr)},
            {"type", inc.type},
            {"fatalities", optional_json(inc.details().fatalities)},
            {"injured", optional_json(inc.details().injured)},
            {"displaced", optional_json(inc.details().displaced)},
            {"description", inc.details().description},
            {"source", inc.details().source},
            {"precision_m", optional_json(inc.precision_m)}};
        add_attributes(props, inc.details().attributes);
        const MarkerStyle marker = plan.incident_marker(inc);
        const Rgba color = plan.incident_color(inc);
        const double r = incident_radius_pt(inc, st) * px_per_pt;
        const auto fan = fans.find(i);
        const Fan f = fan == fans.end() ? Fan{} : fan->second;
        const double half = marker_half_extent(marker.shape, r) + 2;
        const double size = 2 * (std::max(std::abs(f.dx), std::abs(f.dy)) + half);
        const double c = size / 2;
        std::string svg = "<svg width=\"" + num(size) + "\" height=\"" + num(size) + "\">";
        if (f.fanned) {
            svg +=
                "<line x1=\"" + num(c) + "\" y1=\"" + num(c) + "\" x2=\"" + num(c + f.dx) +
                "\" y2=\"" + num(c + f.dy) +
                "\" stroke=\"#222\" stroke-opacity=\"0.65\" stroke-width=\"0.7\"/><circle cx=\"" +
                num(c) + "\" cy=\"" + num(c) + "\" r=\"1.8\" fill=\"#222\"/>";
        }
        svg += marker_svg_shape(marker.shape, c + f.dx, c + f.dy, r,
                                fill_attrs(color.with_alpha(color.a * st.incident_opacity)) + " " +
                                    stroke_attrs(st.incident_outline));
        svg += "</svg>";
        ordered_json look{
            {"svg", svg},
            {"w", size},
            {"h", size},
            {"z", static_cast<int>(1000 - 10 * r)},
            {"first", inc.date ? ordered_json(inc.date->first.to_string()) : ordered_json(nullptr)},
            {"last", inc.date ? ordered_json(inc.date->last.to_string()) : ordered_json(nullptr)},
            {"title",
             type_label(inc.type) + (inc.date ? ", " + inc.date->to_string() : std::string())}};
        features.push_back(feature(geo::Geometry::point(inc.position), props, look));
    }

    ordered_json d;
    d["title"] = plan.title;
    d["bounds"] = ordered_json::array(
        {ordered_json::array({e.min_lat, e.min_lon}), ordered_json::array({e.max_lat, e.max_lon})});
    // The page is drawn by Leaflet in web Mercator, not in the plan's print projection.
    std::vector<std::string> attribution = plan.attribution;
    for (std::string& line : attribution)
        detail::replace_all(
            line, "Projection: " + plan.projection.description(),
            "Projection: web Mercator (EPSG:3857, Leaflet); the scale bar is true at the "
            "centre of the view");
    d["attribution"] = attribution;
    d["layers"] = layers_json;
    d["incidents"] = {{"name", "Incidents"}, {"geojson", collection(std::move(features))}};
    d["dates"] = plan.incident_dates ? ordered_json::array({plan.incident_dates->first.to_string(),
                                                            plan.incident_dates->last.to_string()})
                                     : ordered_json(nullptr);
    std::string data_text = d.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    detail::replace_all(data_text, "</", "<\\/");  // never close the script element early

    std::string css(detail::leaflet_css());
    detail::replace_all(css, "url(images/layers.png)",
                        "url(data:image/png;base64," + base64(detail::leaflet_layers_png()) + ")");
    detail::replace_all(
        css, "url(images/layers-2x.png)",
        "url(data:image/png;base64," + base64(detail::leaflet_layers_2x_png()) + ")");
    detail::replace_all(css, "url(images/marker-icon.png)", "none");
    std::string own_css = page_css;
    detail::replace_all(own_css, "MAPBG", to_hex_rgb(st.map_background));
    detail::replace_all(own_css, "ENCLAVE", to_hex_rgb(st.enclave_label));
    std::string leaflet(detail::leaflet_js());
    detail::replace_all(leaflet, "</script", "<\\/script");

    std::string notes;
    for (const std::string& n : plan.notes)
        notes += "<p class=\"note\">" + detail::xml_escape(n) + ".</p>";

    HtmlMap out;
    out.markers = panel.incidents.size();
    out.projection = plan.projection;
    out.title = plan.title;
    out.notes = plan.notes;
    out.html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"fergana map\">\n<title>" +
        detail::xml_escape(plan.title) + "</title>\n<style>\n" + css + "\n</style>\n<style>" +
        own_css + "</style>\n</head>\n<body>\n<div id=\"map\"></div>\n<div id=\"panel\">\n<h1>" +
        detail::xml_escape(plan.title) + "</h1>\n<p class=\"subtitle\">" +
        detail::xml_escape(plan.subtitle) + "</p>\n" +
        "<div class=\"filter\" id=\"filter\"><div class=\"dates\"><span "
        "id=\"date-from-text\"></span>"
        "<span id=\"date-to-text\"></span></div><input type=\"range\" id=\"date-from\" "
        "aria-label=\"from\">"
        "<input type=\"range\" id=\"date-to\" aria-label=\"to\"><div id=\"shown\"></div></div>\n" +
        legend_html(plan, st) + notes +
        "\n<div id=\"fergana-status\" data-markers=\"0\"></div>\n</div>\n<script>\n" + leaflet +
        "\n</script>\n<script type=\"application/json\" id=\"fergana-data\">" + data_text +
        "</script>\n<script>" + page_script + "</script>\n</body>\n</html>\n";
    return out;
}

}  // namespace fergana::render
