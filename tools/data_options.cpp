#include "tools/data_options.hpp"

#include "geo/error.hpp"
#include "layers/bundled.hpp"
#include "layers/source_info.hpp"
#include "tools/units.hpp"

#include <charconv>

namespace fergana::tools {

void DataOptions::declare(OptionSet& options) {
    options.value({"--data"}, "SRC", "GDAL source holding layers named after the roles", &m_data,
                  "the bundled data/fergana.gpkg");
    for (std::size_t i = 0; i < layers::all_roles.size(); ++i) {
        const std::string role(layers::to_string(layers::all_roles[i]));
        options.value({"--" + role}, "SRC", "read the " + role + " role from SRC", &m_role_source[i]);
        options.value({"--" + role + "-layer"}, "NAME", "layer of the " + role + " role", &m_role_layer[i]);
    }
    options.list({"--field"}, "ROLE.FIELD=SRCFIELD",
                 "map a source field onto a canonical field (e.g. incidents.id=tkid)", &m_fields);
    options.value({"--assume-crs"}, "CRS", "CRS of layers that have none (e.g. EPSG:4326)", &m_assume_crs);
    options.flag({"--strict"}, "treat every validation finding (repairs, warnings) as an error", &m_strict);
    options.value({"--max-features"}, "N", "refuse a layer with more than N features", &m_max_features,
                  "no limit");
    if (!options.declared("--bbox")) {  // `fergana map` has its own --bbox: the map's extent
        options.value({"--bbox"}, "MINLON,MINLAT,MAXLON,MAXLAT",
                      "read only features meeting the box (filtered in the source: on the server for PostGIS)",
                      &m_bbox, "everything");
    }
}

std::vector<std::string> DataOptions::input_paths() const {
    std::vector<std::string> out{m_data.empty() ? layers::default_data_source() : m_data};
    for (const std::string& s : m_role_source) {
        if (!s.empty()) out.push_back(s);
    }
    return out;
}

layers::LoadOptions DataOptions::load_options() const {
    layers::LoadOptions o;
    o.data = m_data;
    for (std::size_t i = 0; i < layers::all_roles.size(); ++i) {
        if (!m_role_source[i].empty() || !m_role_layer[i].empty()) {
            o.roles[layers::all_roles[i]] = layers::RoleSource{m_role_source[i], m_role_layer[i]};
        }
    }
    for (const std::string& f : m_fields) {
        layers::add_field_mapping(o, f);
    }
    if (!m_assume_crs.empty() && !layers::crs_is_known(m_assume_crs)) {
        throw UsageError("--assume-crs '" + m_assume_crs + "' is not a CRS PROJ knows", "give a CRS as EPSG:n, e.g. EPSG:4326");
    }
    o.assume_crs = m_assume_crs;
    o.strict = m_strict;
    if (!m_max_features.empty()) {
        std::int64_t n = 0;
        const auto r = std::from_chars(m_max_features.data(), m_max_features.data() + m_max_features.size(), n);
        if (r.ec != std::errc() || r.ptr != m_max_features.data() + m_max_features.size() || n <= 0) {
            throw UsageError("--max-features '" + m_max_features + "' is not a positive whole number");
        }
        o.max_features = n;
    }
    if (!m_bbox.empty()) o.bbox = parse_bbox(m_bbox, "--bbox");
    return o;
}

}  // namespace fergana::tools
