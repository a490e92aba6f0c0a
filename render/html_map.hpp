#pragma once
// The interactive map: one self-contained HTML file that works with no network.
// Leaflet (embedded from render/web at build time), the layers as GeoJSON, a popup
// with every attribute of every feature, a layer switcher, a date filter for the
// incidents, the same legend as the static map, and a scale bar. No tiles: the
// countries layer is the base map.
//
//   render::HtmlMap m = render::render_html(data, options, style);
//   layers::write_text_file("map.html", m.html, overwrite);
//
// The page reports itself in <div id="fergana-status" data-markers="N"
// data-render-ms="T">: the incident markers shown and the time it took to build the
// layers, for tests and for whoever wonders.

#include "layers/dataset.hpp"
#include "render/map_plan.hpp"
#include "render/style.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace fergana::render {

struct HtmlMap {
    std::string html;
    std::size_t markers = 0;      // incident markers on the page
    ProjectionChoice projection;  // of the static map for the same options (for provenance)
    std::string title;
    std::vector<std::string> notes;
};

/// Plans the map (options.by must be Period::None) and writes the page. Throws UsageError
/// for small multiples, which the HTML map replaces with its date filter.
HtmlMap render_html(const layers::Dataset& data, const MapOptions& options, const Style& style);

}  // namespace fergana::render
