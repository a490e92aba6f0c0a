#include "render/style.hpp"

#include "geo/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <variant>

namespace fergana::render {

std::string_view to_string(MarkerShape shape) noexcept {
    switch (shape) {
        case MarkerShape::Circle: return "circle";
        case MarkerShape::Square: return "square";
        case MarkerShape::Diamond: return "diamond";
        case MarkerShape::TriangleUp: return "triangle";
        case MarkerShape::TriangleDown: return "triangle-down";
        case MarkerShape::Star: return "star";
        case MarkerShape::Cross: return "cross";
        case MarkerShape::Hexagon: return "hexagon";
        case MarkerShape::Pentagon: return "pentagon";
    }
    return "circle";
}

namespace {

constexpr MarkerShape all_shapes[] = {
    MarkerShape::Circle,       MarkerShape::Square,   MarkerShape::Diamond,
    MarkerShape::TriangleUp,   MarkerShape::Star,     MarkerShape::Hexagon,
    MarkerShape::TriangleDown, MarkerShape::Pentagon, MarkerShape::Cross};

Rgba c(std::string_view hex) {
    return *parse_color(hex);  // only called with the literals below
}

LineStyle line(std::string_view color, double width, std::vector<double> dash = {}) {
    return LineStyle{c(color), width, std::move(dash)};
}

}  // namespace

std::optional<MarkerShape> marker_shape_from_string(std::string_view text) noexcept {
    for (MarkerShape s : all_shapes) {
        if (to_string(s) == text)
            return s;
    }
    return std::nullopt;
}

Style default_style() {
    Style s;
    s.ink = c("#222222");
    s.muted_ink = c("#5f5f5f");
    s.halo = c("#ffffffd9");
    s.map_background = c("#dfe8ee");
    s.frame = line("#333333", 0.8);
    s.graticule = line("#5a6b7a66", 0.4, {2.0, 2.0});

    s.country_fill = {{"KGZ", c("#efe2cc")}, {"TJK", c("#dfe9d3")}, {"UZB", c("#e4e1ee")}};
    s.country_fill_other = c("#ebebeb");
    s.country_outline = line("#a0a0a0", 0.4);
    s.country_label = c("#8c8c8c");

    s.border_agreed = line("#3a3a3a", 1.5);
    s.border_delimited = line("#3a3a3a", 1.5);
    s.border_demarcated = line("#1e1e1e", 1.8);
    s.border_disputed = line("#d7301f", 2.2, {6.0, 3.0});
    s.border_unknown = line("#e6820e", 1.8, {4.0, 3.0});

    s.disputed_stretch = line("#d7301fa6", 7.0, {1.2, 1.8});
    s.disputed_zone = AreaStyle{c("#d7301f"), line("#d7301f", 0.8)};

    s.claim_colors = {c("#1b9e77"), c("#7570b3"), c("#e7298a"), c("#66a61e"), c("#a6761d")};

    s.enclave = AreaStyle{c("#7b329414"), line("#7b3294a6", 3.4)};
    s.enclave_label = c("#5b1582");

    s.river = line("#3b82c4", 1.1);
    s.canal = line("#1b5fa8", 0.9, {5.0, 1.5});
    s.reservoir = AreaStyle{c("#a9cfe8"), line("#3b82c4", 0.6)};
    s.water_symbol = c("#1b5fa8");
    s.water_label = c("#1b5fa8");

    s.settlement_dot = c("#404040");
    s.settlement_label = c("#2b2b2b");
    s.settlement_in_reach = line("#b2182b", 1.1);

    // Also the simplestyle marker-color of GeoJSON outputs (tools/style_hints.cpp reads this
    // table), so every output shows a type in one colour; shapes tell the types apart in grey.
    s.incident_types = {
        {"armed_clash", {c("#e41a1c"), MarkerShape::Circle}},
        {"shelling", {c("#984ea3"), MarkerShape::TriangleUp}},
        {"shooting", {c("#ff7f00"), MarkerShape::Diamond}},
        {"brawl", {c("#a65628"), MarkerShape::Square}},
        {"detention", {c("#377eb8"), MarkerShape::TriangleDown}},
        {"blockade", {c("#4daf4a"), MarkerShape::Hexagon}},
        {"water_dispute", {c("#1f78b4"), MarkerShape::Star}},
        {"protest", {c("#f781bf"), MarkerShape::Pentagon}},
        {"other", {c("#999999"), MarkerShape::Circle}},
    };
    s.incident_palette = {c("#1b9e77"), c("#d95f02"), c("#7570b3"), c("#e7298a"),
                          c("#66a61e"), c("#e6ab02"), c("#a6761d"), c("#666666")};
    s.incident_outline = line("#ffffff", 0.6);
    s.date_ramp = {c("#440154"), c("#3b528b"), c("#21918c"), c("#5ec962"), c("#fde725")};
    return s;
}

MarkerStyle Style::incident_marker(const std::string& type, std::size_t unlisted_rank) const {
    if (const auto it = incident_types.find(type); it != incident_types.end())
        return it->second;
    const Rgba color = incident_palette.empty()
                           ? Rgba{0.4, 0.4, 0.4, 1.0}
                           : incident_palette[unlisted_rank % incident_palette.size()];
    return MarkerStyle{color, all_shapes[unlisted_rank % std::size(all_shapes)]};
}

Style Style::scaled(double k) const {
    Style s = *this;
    for (LineStyle* l :
         {&s.country_outline, &s.border_agreed, &s.border_delimited, &s.border_demarcated,
          &s.border_disputed, &s.border_unknown, &s.disputed_stretch, &s.disputed_zone.outline,
          &s.enclave.outline, &s.river, &s.canal, &s.reservoir.outline, &s.settlement_in_reach}) {
        // Lines thin less than symbols shrink: a hairline border is no border.
        l->width_pt *= std::sqrt(k);
        for (double& d : l->dash_pt) d *= std::sqrt(k);
    }
    s.claim_width_pt *= std::sqrt(k);
    for (double& d : s.claim_dash_pt) d *= std::sqrt(k);
    for (double* v :
         {&s.water_symbol_size_pt, &s.settlement_radius_pt, &s.settlement_radius_per_decade_pt,
          &s.incident_radius_pt, &s.incident_radius_per_sqrt_fatality_pt, &s.incident_max_radius_pt,
          &s.hatch_spacing_pt}) {
        *v *= k;
    }
    s.incident_radius_pt = std::max(s.incident_radius_pt, 1.6);
    return s;
}

Rgba Style::claim_color(std::size_t rank) const {
    if (claim_colors.empty())
        return Rgba{0.3, 0.3, 0.3, 1.0};
    return claim_colors[rank % claim_colors.size()];
}

Rgba Style::country_color(const std::string& iso3) const {
    const auto it = country_fill.find(iso3);
    return it == country_fill.end() ? country_fill_other : it->second;
}

Rgba Style::date_color(double t) const {
    return date_ramp.empty() ? ink : ramp_color(date_ramp, t);
}

// ---------------------------------------------------------------------------
// The key table: every style value under a dotted name.

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

using ValueRef = std::variant<Rgba*, double*, std::vector<double>*, std::vector<Rgba>*,
                              MarkerShape*, std::string*>;
struct Key {
    std::string name;
    ValueRef ref;
};

void add_line(std::vector<Key>& keys, const std::string& prefix, LineStyle& l) {
    keys.push_back({prefix + ".color", &l.color});
    keys.push_back({prefix + ".width", &l.width_pt});
    keys.push_back({prefix + ".dash", &l.dash_pt});
}

void add_area(std::vector<Key>& keys, const std::string& prefix, AreaStyle& a) {
    keys.push_back({prefix + ".fill", &a.fill});
    add_line(keys, prefix + ".outline", a.outline);
}

std::vector<Key> key_table(Style& s) {
    std::vector<Key> k;
    k.push_back({"font", &s.font});
    k.push_back({"page", &s.page});
    k.push_back({"ink", &s.ink});
    k.push_back({"muted_ink", &s.muted_ink});
    k.push_back({"halo", &s.halo});
    k.push_back({"map_background", &s.map_background});
    k.push_back({"text.title_size", &s.title_size_pt});
    k.push_back({"text.subtitle_size", &s.subtitle_size_pt});
    k.push_back({"text.legend_size", &s.legend_size_pt});
    k.push_back({"text.attribution_size", &s.attribution_size_pt});
    k.push_back({"text.label_size", &s.label_size_pt});
    k.push_back({"text.graticule_label_size", &s.graticule_label_size_pt});
    add_line(k, "frame", s.frame);
    add_line(k, "graticule", s.graticule);
    for (auto& [iso3, color] : s.country_fill) k.push_back({"countries.fill." + iso3, &color});
    k.push_back({"countries.fill_other", &s.country_fill_other});
    add_line(k, "countries.outline", s.country_outline);
    k.push_back({"countries.label", &s.country_label});
    add_line(k, "borders.agreed", s.border_agreed);
    add_line(k, "borders.delimited", s.border_delimited);
    add_line(k, "borders.demarcated", s.border_demarcated);
    add_line(k, "borders.disputed", s.border_disputed);
    add_line(k, "borders.unknown", s.border_unknown);
    add_line(k, "disputed.stretch", s.disputed_stretch);
    add_area(k, "disputed.zone", s.disputed_zone);
    k.push_back({"disputed.hatch_spacing", &s.hatch_spacing_pt});
    k.push_back({"disputed.hatch_width", &s.hatch_width_pt});
    k.push_back({"claims.colors", &s.claim_colors});
    k.push_back({"claims.width", &s.claim_width_pt});
    k.push_back({"claims.dash", &s.claim_dash_pt});
    add_area(k, "enclaves", s.enclave);
    k.push_back({"enclaves.label", &s.enclave_label});
    add_line(k, "water.river", s.river);
    add_line(k, "water.canal", s.canal);
    add_area(k, "water.reservoir", s.reservoir);
    k.push_back({"water.symbol", &s.water_symbol});
    k.push_back({"water.symbol_size", &s.water_symbol_size_pt});
    k.push_back({"water.label", &s.water_label});
    k.push_back({"settlements.dot", &s.settlement_dot});
    k.push_back({"settlements.radius", &s.settlement_radius_pt});
    k.push_back({"settlements.radius_per_decade", &s.settlement_radius_per_decade_pt});
    k.push_back({"settlements.label", &s.settlement_label});
    add_line(k, "settlements.in_reach", s.settlement_in_reach);
    for (auto& [type, marker] : s.incident_types) {
        k.push_back({"incidents.types." + type + ".color", &marker.color});
        k.push_back({"incidents.types." + type + ".shape", &marker.shape});
    }
    k.push_back({"incidents.palette", &s.incident_palette});
    k.push_back({"incidents.radius", &s.incident_radius_pt});
    k.push_back({"incidents.radius_per_sqrt_fatality", &s.incident_radius_per_sqrt_fatality_pt});
    k.push_back({"incidents.max_radius", &s.incident_max_radius_pt});
    k.push_back({"incidents.opacity", &s.incident_opacity});
    add_line(k, "incidents.outline", s.incident_outline);
    k.push_back({"incidents.date_ramp", &s.date_ramp});
    return k;
}

[[noreturn]] void bad_value(std::string_view origin, const std::string& key,
                            const std::string& want) {
    throw UsageError("style '" + std::string(origin) + "': key '" + key + "' needs " + want,
                     "run 'fergana map --print-style' for every key with its default");
}

Rgba read_color(const json& v, std::string_view origin, const std::string& key) {
    if (v.is_string()) {
        if (auto color = parse_color(v.get<std::string>()))
            return *color;
    }
    bad_value(origin, key, "a colour \"#rrggbb\" or \"#rrggbbaa\"");
}

double read_number(const json& v, std::string_view origin, const std::string& key) {
    if (v.is_number()) {
        const double d = v.get<double>();
        if (std::isfinite(d) && d >= 0.0)
            return d;
    }
    bad_value(origin, key, "a number >= 0");
}

void assign(const ValueRef& ref, const json& v, std::string_view origin, const std::string& key) {
    if (auto* color = std::get_if<Rgba*>(&ref)) {
        **color = read_color(v, origin, key);
    } else if (auto* number = std::get_if<double*>(&ref)) {
        const double d = read_number(v, origin, key);
        if (key == "incidents.opacity" && d > 1.0)
            bad_value(origin, key, "a number from 0 to 1");
        **number = d;
    } else if (auto* dash = std::get_if<std::vector<double>*>(&ref)) {
        if (!v.is_array())
            bad_value(origin, key, "an array of lengths in points, [] for solid");
        std::vector<double> out;
        for (const json& e : v) out.push_back(read_number(e, origin, key));
        if (!out.empty() &&
            std::all_of(out.begin(), out.end(), [](double d) { return d == 0.0; })) {
            bad_value(origin, key, "dash lengths that are not all zero");
        }
        **dash = std::move(out);
    } else if (auto* colors = std::get_if<std::vector<Rgba>*>(&ref)) {
        if (!v.is_array() || v.empty())
            bad_value(origin, key, "a non-empty array of colours");
        std::vector<Rgba> out;
        for (const json& e : v) out.push_back(read_color(e, origin, key));
        **colors = std::move(out);
    } else if (auto* shape = std::get_if<MarkerShape*>(&ref)) {
        std::optional<MarkerShape> s;
        if (v.is_string())
            s = marker_shape_from_string(v.get<std::string>());
        if (!s) {
            bad_value(
                origin, key,
                "a shape: circle, square, diamond, triangle, triangle-down, star, cross, hexagon "
                "or pentagon");
        }
        **shape = *s;
    } else if (auto* text = std::get_if<std::string*>(&ref)) {
        if (!v.is_string() || v.get<std::string>().empty())
            bad_value(origin, key, "a non-empty string");
        **text = v.get<std::string>();
    }
}

// The deepest key is four levels ("incidents.types.TYPE.color"); a hostile document nested
// far deeper would cost stack and quadratic memory in its dotted names.
constexpr int max_style_depth = 8;

// Leaves of the document under dotted names; arrays are leaves.
void flatten(const json& node, const std::string& prefix,
             std::vector<std::pair<std::string, const json*>>& out, std::string_view origin, int depth = 0) {
    if (node.is_object()) {
        if (depth == max_style_depth) {
            throw UsageError("style '" + std::string(origin) + "': key '" + prefix + "' is nested too deeply",
                             "run 'fergana map --print-style' for every key with its default");
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
            flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out, origin, depth + 1);
        }
        return;
    }
    out.emplace_back(prefix, &node);
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

ordered_json to_json_value(const ValueRef& ref) {
    if (auto* color = std::get_if<Rgba*>(&ref))
        return to_hex(**color);
    if (auto* number = std::get_if<double*>(&ref))
        return **number;
    if (auto* dash = std::get_if<std::vector<double>*>(&ref))
        return **dash;
    if (auto* colors = std::get_if<std::vector<Rgba>*>(&ref)) {
        ordered_json a = ordered_json::array();
        for (const Rgba& c : **colors) a.push_back(to_hex(c));
        return a;
    }
    if (auto* shape = std::get_if<MarkerShape*>(&ref))
        return std::string(to_string(**shape));
    return *std::get<std::string*>(ref);
}

}  // namespace

void apply_style_json(Style& style, std::string_view json_text, std::string_view origin) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number beyond double ("1e400").
        throw UsageError("style '" + std::string(origin) + "' is not valid JSON: " + e.what());
    }
    if (!doc.is_object())
        throw UsageError("style '" + std::string(origin) + "' must be a JSON object");
    std::vector<std::pair<std::string, const json*>> leaves;
    flatten(doc, "", leaves, origin);
    for (const auto& [key, value] : leaves) {
        // Keys that name a country or an incident type create their entry.
        if (starts_with(key, "countries.fill.") && key.size() > 15 &&
            key.find('.', 15) == std::string::npos) {
            style.country_fill[key.substr(15)] = read_color(*value, origin, key);
            continue;
        }
        if (starts_with(key, "incidents.types.")) {
            const std::string rest = key.substr(16);
            const auto dot = rest.rfind('.');
            if (dot != std::string::npos && dot > 0 && rest.find('.') == dot) {
                const std::string type = rest.substr(0, dot);
                const std::string field = rest.substr(dot + 1);
                if (field == "color" || field == "shape") {
                    if (!style.incident_types.count(type)) {
                        style.incident_types[type] =
                            style.incident_marker(type, style.incident_types.size());
                    }
                    MarkerStyle& m = style.incident_types[type];
                    if (field == "color") {
                        assign(ValueRef(&m.color), *value, origin, key);
                    } else {
                        assign(ValueRef(&m.shape), *value, origin, key);
                    }
                    continue;
                }
            }
        }
        const std::vector<Key> keys = key_table(style);
        const auto it =
            std::find_if(keys.begin(), keys.end(), [&name = key](const Key& k) { return k.name == name; });
        if (it == keys.end()) {
            throw UsageError("style '" + std::string(origin) + "': unknown key '" + key + "'",
                             "run 'fergana map --print-style' for every key with its default");
        }
        assign(it->ref, *value, origin, key);
    }
}

void apply_style_file(Style& style, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error("cannot read the style file", Location{path, {}, {}, {}});
    std::ostringstream text;
    text << in.rdbuf();
    apply_style_json(style, text.str(), path);
}

std::string style_to_json(const Style& style) {
    Style copy = style;
    ordered_json doc = ordered_json::object();
    for (const Key& k : key_table(copy)) {
        ordered_json* node = &doc;
        std::size_t start = 0;
        while (true) {
            const auto dot = k.name.find('.', start);
            if (dot == std::string::npos)
                break;
            node = &(*node)[k.name.substr(start, dot - start)];
            start = dot + 1;
        }
        (*node)[k.name.substr(start)] = to_json_value(k.ref);
    }
    return doc.dump(2) + "\n";
}

}  // namespace fergana::render
