#include "render/map_plan.hpp"

#include "analysis/affected.hpp"
#include "geo/error.hpp"
#include "geo/geodesic.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>

namespace fergana::render {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

const std::string* attribute(const layers::Attributes& attributes, std::string_view key) {
    for (const auto& [k, v] : attributes) {
        if (k == key)
            return &v;
    }
    return nullptr;
}

bool name_matches(const std::string& name, const layers::Attributes& attributes,
                  const std::string& wanted) {
    if (lower(name) == wanted)
        return true;
    if (const std::string* alt = attribute(attributes, "name_alt")) {
        std::size_t start = 0;
        while (start <= alt->size()) {
            const std::size_t end = std::min(alt->find(';', start), alt->size());
            if (lower(trim(std::string_view(*alt).substr(start, end - start))) == wanted)
                return true;
            start = end + 1;
        }
    }
    return false;
}

geo::Box pad(geo::Box box, double fraction, double min_m) {
    const double lat = (box.min_lat + box.max_lat) / 2.0;
    const double min_dlat = min_m / 111320.0;
    const double min_dlon =
        min_dlat / std::max(std::cos(lat * 3.14159265358979323846 / 180.0), 0.05);
    const double dlon = std::max((box.max_lon - box.min_lon) * fraction, min_dlon);
    const double dlat = std::max((box.max_lat - box.min_lat) * fraction, min_dlat);
    return {box.min_lon - dlon, box.min_lat - dlat, box.max_lon + dlon, box.max_lat + dlat};
}

bool meets(const geo::Box& bounds, const std::optional<geo::Box>& visible) {
    return !visible || (!bounds.empty() && visible->intersects(bounds));
}

// The publisher of a source citation: "24.kg, \"Title\", 2021" -> "24.kg"; "Eurasianet 2021" ->
// "Eurasianet". Stops at the first separator, quote or (after the first word) number.
std::string publisher(const std::string& source) {
    std::size_t end = source.size();
    for (const char* sep : {",", ";", " (", " - ", ": ", " http", " \"", " \u201c", " via "}) {
        end = std::min(end, source.find(sep));
    }
    const std::size_t first_space = source.find(' ');
    for (std::size_t i = first_space; i != std::string::npos && i < end;
         i = source.find(' ', i + 1)) {
        if (i + 1 < source.size() && std::isdigit(static_cast<unsigned char>(source[i + 1]))) {
            end = i;
            break;
        }
    }
    std::string p = trim(std::string_view(source).substr(0, end));
    if (p.size() > 40)
        p = p.substr(0, 37) + "...";
    return p;
}

// Distance in km from a point to the nearest line of `g`, on a local equirectangular
// approximation (within 1 % at these distances): for choosing an extent, not for measuring.
double approx_distance_km(geo::LonLat p, const geo::Geometry& g) {
    const double kx = 111.32 * std::cos(p.lat * 3.14159265358979323846 / 180.0);
    const double ky = 110.57;
    double best = INFINITY;
    for (const geo::Path& line : g.lines()) {
        for (std::size_t i = 1; i < line.size(); ++i) {
            const double ax = (line[i - 1].lon - p.lon) * kx;
            const double ay = (line[i - 1].lat - p.lat) * ky;
            const double bx = (line[i].lon - p.lon) * kx;
            const double by = (line[i].lat - p.lat) * ky;
            const double dx = bx - ax;
            const double dy = by - ay;
            const double len2 = dx * dx + dy * dy;
            const double t = len2 > 0.0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
            best = std::min(best, std::hypot(ax + t * dx, ay + t * dy));
        }
    }
    return best;
}

std::string period_label(const layers::DateRange& r, Period by) {
    const std::string s = r.first.to_string();
    return by == Period::Year ? s.substr(0, 4) : s.substr(0, 7);
}

// The next period after the one starting at `start` ("2022" -> "2023", "2022-12" -> "2023-01").
layers::DateRange period_of(layers::Date day, Period by) {
    const std::string s = day.to_string();
    return *layers::parse_date_range(by == Period::Year ? s.substr(0, 4) : s.substr(0, 7));
}

}  // namespace

void MapOptions::add_disputed(const std::vector<geo::Geometry>& geometries,
                              const std::string& source) {
    for (const geo::Geometry& g : geometries) {
        disputed.stretches.insert(disputed.stretches.end(), g.lines().begin(), g.lines().end());
        disputed.zones.insert(disputed.zones.end(), g.polygons().begin(), g.polygons().end());
    }
    if (!source.empty())
        disputed.source = source;
}

geo::Box box_around(geo::LonLat centre, double radius_m) {
    geo::Box box;
    box.extend(centre);
    for (double azimuth : {0.0, 90.0, 180.0, 270.0})
        box.extend(geo::geodesic_direct(centre, azimuth, radius_m));
    return box;
}

std::optional<geo::LonLat> find_place(const layers::Dataset& data, std::string_view name) {
    const std::string wanted = lower(trim(name));
    if (wanted.empty())
        return std::nullopt;
    for (const layers::Enclave& e : data.enclaves.features) {
        if (!name_matches(e.name, e.attributes, wanted))
            continue;
        // The centre of the box of the largest part: inside for the compact shapes of enclaves.
        geo::Box best;
        double best_size = -1.0;
        for (const geo::Polygon& p : e.geometry.polygons()) {
            geo::Box b;
            for (const geo::LonLat& v : p.rings.front()) b.extend(v);
            const double size = (b.max_lon - b.min_lon) * (b.max_lat - b.min_lat);
            if (size > best_size) {
                best = b;
                best_size = size;
            }
        }
        if (!best.empty())
            return geo::LonLat{(best.min_lon + best.max_lon) / 2,
                               (best.min_lat + best.max_lat) / 2};
    }
    const layers::Settlement* found = nullptr;
    for (const layers::Settlement& s : data.settlements.features) {
        if (!name_matches(s.name, s.attributes, wanted))
            continue;
        if (found == nullptr || s.population.value_or(-1) > found->population.value_or(-1))
            found = &s;
    }
    if (found != nullptr)
        return found->position;
    return std::nullopt;
}

double incident_radius_pt(const layers::Incident& incident, const Style& style) {
    const double f =
        static_cast<double>(std::max<std::int64_t>(incident.details().fatalities.value_or(0), 0));
    return std::min(
        style.incident_radius_pt + style.incident_radius_per_sqrt_fatality_pt * std::sqrt(f),
        style.incident_max_radius_pt);
}

double settlement_radius_pt(std::optional<std::int64_t> population, const Style& style) {
    const double p = static_cast<double>(population.value_or(0));
    if (p <= 1000.0)
        return style.settlement_radius_pt;
    return style.settlement_radius_pt +
           style.settlement_radius_per_decade_pt * std::log10(p / 1000.0);
}

std::string type_label(const std::string& type) {
    std::string out = type.empty() ? std::string("(no type)") : type;
    std::replace(out.begin(), out.end(), '_', ' ');
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

std::string thousands(std::int64_t value) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return value < 0 ? "-" + out : out;
}

std::size_t MapPlan::incident_count() const {
    std::size_t n = 0;
    for (const Panel& p : panels) n += p.incidents.size();
    return n;
}

MarkerStyle MapPlan::incident_marker(const layers::Incident& incident) const {
    const auto it = incident_markers.find(incident.type);
    return it == incident_markers.end() ? MarkerStyle{} : it->second;
}

Rgba MapPlan::incident_color(const layers::Incident& incident) const {
    if (colour_by == ColourBy::Type || !incident_dates)
        return incident_marker(incident).color;
    // Date ramp; undated incidents in grey.
    if (!incident.date)
        return Rgba{0.55, 0.55, 0.55, 1.0};
    const double span = incident_dates->last.days() - incident_dates->first.days();
    const double t =
        span <= 0 ? 1.0 : (incident.date->first.days() - incident_dates->first.days()) / span;
    return ramp_color(date_ramp, t);
}

namespace {

void build_legend(MapPlan& plan, const Style& style);
void build_texts(MapPlan& plan, const MapOptions& options, const Style& style);

}  // namespace

MapPlan plan_map(const layers::Dataset& data, const MapOptions& options, const Style& style,
                 const std::optional<geo::Box>& visible) {
    MapPlan plan;
    plan.data = &data;
    plan.colour_by = options.colour_by;
    plan.date_ramp = style.date_ramp;
    plan.reach_m = options.reach_m;
    plan.disputed = options.disputed;
    const layers::Date today = layers::Date::today();
    const std::vector<std::size_t> selected =
        analysis::select(data.incidents.features, options.filter);

    // Panels and the incidents each draws.
    if (options.by == Period::None) {
        Panel p;
        p.borders_as_of = options.as_of.value_or(today);
        p.incidents = selected;
        plan.panels.push_back(std::move(p));
    } else {
        std::optional<layers::Date> first = options.filter.from;
        std::optional<layers::Date> last = options.filter.to;
        std::size_t undated = 0;
        std::optional<layers::Date> min_first, max_first;
        for (std::size_t i : selected) {
            const auto& d = data.incidents.features[i].date;
            if (!d) {
                ++undated;
                continue;
            }
            if (!min_first || d->first < *min_first)
                min_first = d->first;
            if (!max_first || d->first > *max_first)
                max_first = d->first;
        }
        if (!first)
            first = min_first;
        if (!last)
            last = max_first;
        if (!first || !last || *first > *last) {
            throw UsageError(
                "--by needs dated incidents: none of the selected incidents has a date",
                "check --from, --to and --type");
        }
        std::vector<layers::DateRange> periods;
        for (layers::DateRange r = period_of(*first, options.by); r.first <= *last;
             r = period_of(layers::Date::from_days(r.last.days() + 1), options.by)) {
            periods.push_back(r);
            if (periods.size() > options.max_panels) {
                throw UsageError(
                    "--by " + std::string(options.by == Period::Year ? "year" : "month") +
                        " would draw more than " + std::to_string(options.max_panels) +
                        " panels (" + first->to_string() + " to " + last->to_string() + ")",
                    "narrow the dates with --from and --to, or use --by year");
            }
        }
        for (const layers::DateRange& r : periods) {
            Panel p;
            p.label = period_label(r, options.by);
            p.period = layers::DateRange{std::max(r.first, *first), std::min(r.last, *last)};
            p.borders_as_of = options.as_of.value_or(std::min(r.last, today));
            for (std::size_t i : selected) {
                const auto& d = data.incidents.features[i].date;
                if (d && p.period->contains(d->first))
                    p.incidents.push_back(i);
            }
            plan.panels.push_back(std::move(p));
        }
        if (undated > 0) {
            plan.notes.push_back(std::to_string(undated) + " undated incident" +
                                 (undated == 1 ? " is" : "s are") + " in no panel");
        }
    }

    // A type asked for that no incident has is most likely a typo: say which types there are.
    if (!options.filter.types.empty()) {
        std::set<std::string> present;
        for (const layers::Incident& i : data.incidents.features) present.insert(i.type);
        for (const std::string& t : options.filter.types) {
            if (present.count(t))
                continue;
            std::string known;
            for (const std::string& p : present) known += (known.empty() ? "" : ", ") + p;
            plan.notes.push_back("no incident has the type '" + t + "' (the types are: " + known +
                                 ")");
        }
    }

    // The extent.
    if (options.extent) {
        plan.extent = *options.extent;
    } else {
        // Incidents far from every border drawn (arrests in a capital, say) do not stretch
        // the default extent; a note counts those left outside the frame.
        constexpr double far_km = 50.0;
        geo::Box box;
        for (const Panel& p : plan.panels) {
            const std::vector<std::size_t> borders =
                analysis::in_force(data.borders.features, p.borders_as_of);
            for (std::size_t i : p.incidents) {
                const geo::LonLat at = data.incidents.features[i].position;
                bool near = borders.empty();
                for (std::size_t b = 0; b < borders.size() && !near; ++b) {
                    const geo::Box bb = data.borders.features[borders[b]].geometry.bounds();
                    const geo::Box reach{bb.min_lon - 1.0, bb.min_lat - 1.0, bb.max_lon + 1.0,
                                         bb.max_lat + 1.0};
                    near = reach.contains(at) &&
                           approx_distance_km(at, data.borders.features[borders[b]].geometry) <=
                               far_km;
                }
                if (near)
                    box.extend(at);
            }
            for (std::size_t i : analysis::in_force(data.enclaves.features, p.borders_as_of)) {
                box.extend(data.enclaves.features[i].geometry.bounds());
            }
        }
        if (box.empty()) {
            for (const auto& b : data.borders.features) box.extend(b.geometry.bounds());
        }
        if (box.empty()) {
            for (const auto& c : data.countries.features) box.extend(c.geometry.bounds());
        }
        if (box.empty()) {
            for (const auto& s : data.settlements.features) box.extend(s.position);
        }
        if (box.empty())
            throw Error(
                "nothing to map: the dataset has no incidents, enclaves, borders or countries");
        plan.extent = pad(box, 0.08, 5000.0);
    }
    plan.projection = choose_projection(plan.extent);

    // What each panel draws.
    std::size_t outside = 0;
    for (Panel& p : plan.panels) {
        for (std::size_t i : analysis::in_force(data.countries.features, p.borders_as_of)) {
            if (meets(data.countries.features[i].geometry.bounds(), visible))
                p.countries.push_back(i);
        }
        for (std::size_t i : analysis::in_force(data.borders.features, p.borders_as_of)) {
            if (meets(data.borders.features[i].geometry.bounds(), visible))
                p.borders.push_back(i);
        }
        for (std::size_t i : analysis::in_force(data.claims.features, p.borders_as_of)) {
            if (meets(data.claims.features[i].geometry.bounds(), visible))
                p.claims.push_back(i);
        }
        for (std::size_t i : analysis::in_force(data.enclaves.features, p.borders_as_of)) {
            if (meets(data.enclaves.features[i].geometry.bounds(), visible))
                p.enclaves.push_back(i);
        }
        std::vector<std::size_t> kept;
        for (std::size_t i : p.incidents) {
            if (!visible || visible->contains(data.incidents.features[i].position)) {
                kept.push_back(i);
            } else {
                ++outside;
            }
        }
        p.incidents = std::move(kept);
        if (options.reach_m > 0.0 && !p.incidents.empty() && !data.settlements.features.empty()) {
            analysis::AffectedOptions reach;
            reach.radius_m = options.reach_m;
            for (const auto& s : analysis::affected(data, p.incidents, reach).settlements) {
                if (!visible ||
                    visible->contains(data.settlements.features[s.settlement].position)) {
                    p.settlements_in_reach.push_back(s.settlement);
                }
            }
            std::sort(p.settlements_in_reach.begin(), p.settlements_in_reach.end());
        }
    }
    if (outside > 0) {
        plan.notes.push_back(std::to_string(outside) + " selected incident" +
                             (outside == 1 ? " lies" : "s lie") + " outside the map" +
                             (options.extent && !options.extent_from_data
                                  ? ""
                                  : ", more than 50 km from the borders (--bbox to include)"));
    }
    for (std::size_t i = 0; i < data.water.features.size(); ++i) {
        if (meets(data.water.features[i].geometry.bounds(), visible))
            plan.water.push_back(i);
    }
    for (std::size_t i = 0; i < data.settlements.features.size(); ++i) {
        if (!visible || visible->contains(data.settlements.features[i].position))
            plan.settlements.push_back(i);
    }

    // Incident symbols: the style's table, then its palette in the sorted order of the rest.
    std::set<std::string> types;
    for (const Panel& p : plan.panels) {
        for (std::size_t i : p.incidents) {
            const layers::Incident& incident = data.incidents.features[i];
            types.insert(incident.type);
            ++plan.incident_type_counts[incident.type];
            if (incident.date) {
                if (!plan.incident_dates) {
                    plan.incident_dates = *incident.date;
                } else {
                    plan.incident_dates->first =
                        std::min(plan.incident_dates->first, incident.date->first);
                    plan.incident_dates->last =
                        std::max(plan.incident_dates->last, incident.date->first);
                }
            }
        }
    }
    std::size_t unlisted = 0;
    for (const std::string& t : types) {
        const bool listed = style.incident_types.count(t) > 0;
        plan.incident_markers[t] = style.incident_marker(t, listed ? 0 : unlisted);
        if (!listed)
            ++unlisted;
    }
    std::set<std::string> claimants;
    for (const Panel& p : plan.panels) {
        for (std::size_t i : p.claims) claimants.insert(data.claims.features[i].claimant);
    }
    std::size_t rank = 0;
    for (const std::string& c : claimants) plan.claim_colors[c] = style.claim_color(rank++);

    build_texts(plan, options, style);
    build_legend(plan, style);
    return plan;
}

namespace {

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const std::string& p : parts) {
        if (!out.empty())
            out += sep;
        out += p;
    }
    return out;
}

void build_texts(MapPlan& plan, const MapOptions& options, const Style&) {
    const layers::Dataset& data = *plan.data;
    const std::size_t n = plan.incident_count();
    // Title.
    if (!options.title.empty()) {
        plan.title = options.title;
    } else if (plan.incident_dates) {
        const int y1 = plan.incident_dates->first.year();
        const int y2 = plan.incident_dates->last.year();
        plan.title = "Border incidents, " + std::to_string(y1) +
                     (y2 != y1 ? "\u2013" + std::to_string(y2) : "");
    } else if (n > 0) {
        plan.title = "Border incidents";
    } else {
        plan.title = "Borders as of " + plan.panels.front().borders_as_of.to_string();
    }
    // Subtitle: what is selected, and the date of the borders.
    std::vector<std::string> parts;
    std::string what =
        thousands(static_cast<std::int64_t>(n)) + (n == 1 ? " incident" : " incidents");
    if (!options.filter.types.empty()) {
        std::vector<std::string> labels;
        for (const auto& t : options.filter.types) labels.push_back(type_label(t));
        what += " (" + join(labels, ", ") + ")";
    }
    if (options.filter.from || options.filter.to) {
        what += options.filter.from ? " from " + options.filter.from->to_string() : "";
        what += options.filter.to ? " to " + options.filter.to->to_string() : "";
    }
    if (options.by != Period::None)
        what += options.by == Period::Year ? ", one panel per year" : ", one panel per month";
    parts.push_back(what);
    if (options.by == Period::None || options.as_of) {
        parts.push_back("borders as of " + plan.panels.front().borders_as_of.to_string());
    } else {
        parts.push_back("borders as of the last day of each period");
    }
    plan.subtitle = join(parts, " \u00b7 ");

    // Attribution: the providers behind the drawn layers, then the incident publishers.
    // Known providers in a fixed order, then other sources as they come.
    const std::vector<std::string> known_order = {"\u00a9 OpenStreetMap contributors (ODbL)",
                                                  "GeoNames (CC BY 4.0)", "Natural Earth",
                                                  "Wikipedia (CC BY-SA)"};
    std::set<std::string> providers;
    std::vector<std::string> other_sources;
    auto provider = [&](const std::string& source) {
        bool known = false;
        if (source.find("OpenStreetMap") != std::string::npos) {
            providers.insert("\u00a9 OpenStreetMap contributors (ODbL)");
            known = true;
        }
        if (source.find("GeoNames") != std::string::npos) {
            providers.insert("GeoNames (CC BY 4.0)");
            known = true;
        }
        if (source.find("Natural Earth") != std::string::npos) {
            providers.insert("Natural Earth");
            known = true;
        }
        if (source.find("Wikipedia") != std::string::npos) {
            providers.insert("Wikipedia (CC BY-SA)");
            known = true;
        }
        if (!known && !source.empty()) {
            const std::string p = publisher(source);
            if (std::find(other_sources.begin(), other_sources.end(), p) == other_sources.end()) {
                other_sources.push_back(p);
            }
        }
    };
    std::set<std::size_t> countries, borders, claims, enclaves;
    for (const Panel& p : plan.panels) {
        countries.insert(p.countries.begin(), p.countries.end());
        borders.insert(p.borders.begin(), p.borders.end());
        claims.insert(p.claims.begin(), p.claims.end());
        enclaves.insert(p.enclaves.begin(), p.enclaves.end());
    }
    for (std::size_t i : countries) provider(data.countries.features[i].source);
    for (std::size_t i : borders) provider(data.borders.features[i].source);
    for (std::size_t i : claims) provider(data.claims.features[i].source);
    for (std::size_t i : enclaves) provider(data.enclaves.features[i].source);
    for (std::size_t i : plan.water) provider(data.water.features[i].source);
    for (std::size_t i : plan.settlements) provider(data.settlements.features[i].source);
    if (!plan.disputed.empty() && !plan.disputed.source.empty())
        other_sources.push_back(plan.disputed.source);

    std::map<std::string, std::size_t> publishers;
    std::size_t unsourced = 0;
    for (const Panel& p : plan.panels) {
        for (std::size_t i : p.incidents) {
            const std::string& s = data.incidents.features[i].details().source;
            if (s.empty()) {
                ++unsourced;
            } else {
                ++publishers[publisher(s)];
            }
        }
    }
    std::vector<std::pair<std::string, std::size_t>> ranked(publishers.begin(), publishers.end());
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });

    std::vector<std::string> line1;
    for (const std::string& k : known_order) {
        if (providers.count(k))
            line1.push_back(k);
    }
    line1.insert(line1.end(), other_sources.begin(), other_sources.end());
    std::string data_line =
        "Data: " + (line1.empty() ? std::string("(no source recorded)") : join(line1, " \u00b7 "));
    plan.attribution.push_back(data_line);
    if (n > 0) {
        std::vector<std::string> names;
        constexpr std::size_t shown = 10;
        for (std::size_t i = 0; i < ranked.size() && i < shown; ++i) {
            names.push_back(ranked[i].first + (ranked[i].second > 1
                                                   ? " (" + std::to_string(ranked[i].second) + ")"
                                                   : ""));
        }
        if (ranked.size() > shown)
            names.push_back("and " + std::to_string(ranked.size() - shown) + " more");
        if (unsourced > 0) {
            const std::string file =
                std::filesystem::path(data.incidents.origin.source).filename().string();
            names.push_back(std::to_string(unsourced) + " from " +
                            (file.empty() ? std::string("the incidents layer") : file));
        }
        plan.attribution.push_back("Incident sources: " + join(names, ", "));
    }
    const bool own_dates = options.by != Period::None && !options.as_of;
    plan.attribution.push_back(
        (own_dates ? std::string("Borders as of the last day of each period. ")
                   : "Borders as of " + plan.panels.front().borders_as_of.to_string() + ". ") +
        "Projection: " + plan.projection.description() + ". Made with fergana.");
}

void heading(MapPlan& plan, std::string text) {
    LegendItem item;
    item.kind = LegendKind::Heading;
    item.label = std::move(text);
    plan.legend.push_back(std::move(item));
}

void build_legend(MapPlan& plan, const Style& style) {
    const layers::Dataset& data = *plan.data;
    std::set<std::size_t> countries, borders, enclaves;
    std::set<std::string> claimants;
    std::int64_t max_fatalities = 0;
    bool any_in_reach = false;
    for (const Panel& p : plan.panels) {
        countries.insert(p.countries.begin(), p.countries.end());
        borders.insert(p.borders.begin(), p.borders.end());
        enclaves.insert(p.enclaves.begin(), p.enclaves.end());
        for (std::size_t i : p.claims) claimants.insert(data.claims.features[i].claimant);
        for (std::size_t i : p.incidents) {
            max_fatalities =
                std::max(max_fatalities, data.incidents.features[i].details().fatalities.value_or(0));
        }
        any_in_reach = any_in_reach || !p.settlements_in_reach.empty();
    }

    // Incidents: one row per type, most frequent first.
    const std::size_t n = plan.incident_count();
    if (n > 0) {
        heading(plan, "Incidents (" + thousands(static_cast<std::int64_t>(n)) + ")");
        std::vector<std::pair<std::string, std::size_t>> types(plan.incident_type_counts.begin(),
                                                               plan.incident_type_counts.end());
        std::stable_sort(types.begin(), types.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [type, count] : types) {
            LegendItem item;
            item.kind = LegendKind::Marker;
            item.marker = plan.incident_markers.at(type);
            if (plan.colour_by == ColourBy::Date)
                item.marker.color = Rgba{0.45, 0.45, 0.45, 1.0};
            item.size_pt = style.incident_radius_pt;
            item.label = type_label(type) + " (" + std::to_string(count) + ")";
            plan.legend.push_back(std::move(item));
        }
        if (plan.colour_by == ColourBy::Date && plan.incident_dates) {
            LegendItem ramp;
            ramp.kind = LegendKind::DateRamp;
            ramp.label = plan.incident_dates->first.to_string() + "|" +
                         plan.incident_dates->last.to_string();
            plan.legend.push_back(std::move(ramp));
        }
        heading(plan, "Fatalities");
        std::vector<std::int64_t> samples = {0};
        for (std::int64_t v : {1, 5, 20, 50, 100}) {
            if (v <= max_fatalities)
                samples.push_back(v);
        }
        for (std::int64_t v : samples) {
            layers::Incident probe;
            probe.mutable_details().fatalities = v;
            LegendItem item;
            item.kind = LegendKind::Marker;
            item.marker = MarkerStyle{Rgba{0.45, 0.45, 0.45, 0.0},
                                      MarkerShape::Circle};  // outline only: size, not type
            item.size_pt = incident_radius_pt(probe, style);
            item.label = v == 0 ? "none or not known" : thousands(v);
            plan.legend.push_back(std::move(item));
        }
    }

    // Settlements.
    if (!plan.settlements.empty()) {
        heading(plan, "Settlements (population)");
        std::int64_t max_population = 0;
        for (std::size_t i : plan.settlements) {
            max_population =
                std::max(max_population, data.settlements.features[i].population.value_or(0));
        }
        std::vector<std::int64_t> samples = {1000};
        for (std::int64_t v : {10000, 100000, 1000000}) {
            if (v <= max_population)
                samples.push_back(v);
        }
        for (std::int64_t v : samples) {
            LegendItem item;
            item.kind = LegendKind::Dot;
            item.size_pt = settlement_radius_pt(v, style);
            item.label = v == 1000 ? "up to 1,000 or not known" : thousands(v);
            plan.legend.push_back(std::move(item));
        }
        if (any_in_reach) {
            LegendItem ring;
            ring.kind = LegendKind::Ring;
            ring.line = style.settlement_in_reach;
            ring.size_pt = settlement_radius_pt(10000, style);
            const double km = plan.reach_m / 1000.0;
            std::string reach = std::abs(km - std::round(km)) < 1e-9
                                    ? std::to_string(static_cast<long>(std::round(km)))
                                    : std::to_string(km).substr(0, 4);
            ring.label = "within " + reach + " km of an incident";
            plan.legend.push_back(std::move(ring));
        }
    }

    // Borders by status, merging statuses drawn alike.
    std::vector<std::pair<layers::BorderStatus, const LineStyle*>> statuses = {
        {layers::BorderStatus::Agreed, &style.border_agreed},
        {layers::BorderStatus::Delimited, &style.border_delimited},
        {layers::BorderStatus::Demarcated, &style.border_demarcated},
        {layers::BorderStatus::Disputed, &style.border_disputed},
        {layers::BorderStatus::Unknown, &style.border_unknown}};
    std::set<layers::BorderStatus> drawn;
    for (std::size_t i : borders) drawn.insert(data.borders.features[i].status);
    const bool any_border_legend =
        !drawn.empty() || !claimants.empty() || !plan.disputed.empty() || !enclaves.empty();
    if (any_border_legend) {
        const bool panels_own_dates =
            plan.panels.size() > 1 &&
            plan.panels.front().borders_as_of != plan.panels.back().borders_as_of;
        heading(plan, panels_own_dates
                          ? "Borders"
                          : "Borders as of " + plan.panels.front().borders_as_of.to_string());
    }
    std::vector<LegendItem> border_items;
    for (const auto& [status, line] : statuses) {
        if (!drawn.count(status))
            continue;
        auto same = std::find_if(border_items.begin(), border_items.end(),
                                 [&](const LegendItem& item) { return item.line == *line; });
        if (same != border_items.end()) {
            same->label += " or " + std::string(layers::to_string(status));
            continue;
        }
        LegendItem item;
        item.kind = LegendKind::Line;
        item.line = *line;
        item.label = std::string(layers::to_string(status));
        border_items.push_back(std::move(item));
    }
    for (LegendItem& item : border_items) {
        item.label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(item.label[0])));
        plan.legend.push_back(std::move(item));
    }
    if (!plan.disputed.stretches.empty()) {
        LegendItem item;
        item.kind = LegendKind::HatchedLine;
        item.line = style.disputed_stretch;
        item.label = plan.disputed.label;
        plan.legend.push_back(std::move(item));
    }
    if (!plan.disputed.zones.empty()) {
        LegendItem item;
        item.kind = LegendKind::HatchedArea;
        item.area = style.disputed_zone;
        item.label = plan.disputed.zone_label;
        plan.legend.push_back(std::move(item));
    }
    for (const std::string& c : claimants) {
        LegendItem item;
        item.kind = LegendKind::Line;
        item.line = LineStyle{plan.claim_colors.at(c), style.claim_width_pt, style.claim_dash_pt};
        item.label = "Claim line: " + c;
        plan.legend.push_back(std::move(item));
    }
    if (!enclaves.empty()) {
        LegendItem item;
        item.kind = LegendKind::Area;
        item.area = style.enclave;
        item.label = "Enclave";
        plan.legend.push_back(std::move(item));
    }

    // Water, by kind.
    std::set<std::string> line_kinds, point_kinds;
    bool reservoir_area = false;
    for (std::size_t i : plan.water) {
        const layers::WaterFeature& w = data.water.features[i];
        if (w.geometry.has_lines())
            line_kinds.insert(w.kind == "canal" ? "canal" : "river");
        if (w.geometry.has_polygons())
            reservoir_area = true;
        if (w.geometry.has_points()) {
            point_kinds.insert(w.kind == "intake" || w.kind == "dam" || w.kind == "reservoir"
                                   ? w.kind
                                   : "facility");
        }
    }
    if (!line_kinds.empty() || !point_kinds.empty() || reservoir_area)
        heading(plan, "Water");
    for (const char* kind : {"river", "canal"}) {
        if (!line_kinds.count(kind))
            continue;
        LegendItem item;
        item.kind = LegendKind::Line;
        item.line = std::string(kind) == "canal" ? style.canal : style.river;
        item.label = std::string(kind) == "canal" ? "Canal" : "River";
        plan.legend.push_back(std::move(item));
    }
    if (reservoir_area) {
        LegendItem item;
        item.kind = LegendKind::Area;
        item.area = style.reservoir;
        item.label = "Reservoir, lake";
        plan.legend.push_back(std::move(item));
    }
    for (const char* kind : {"reservoir", "intake", "dam", "facility"}) {
        if (!point_kinds.count(kind))
            continue;
        LegendItem item;
        item.kind = LegendKind::WaterSymbol;
        item.water_kind = kind;
        const std::string k = kind;
        item.label = k == "reservoir" ? "Reservoir (point)"
                     : k == "intake"  ? "Intake"
                     : k == "dam"     ? "Dam"
                                      : "Other water facility";
        plan.legend.push_back(std::move(item));
    }

    // Countries.
    std::map<std::string, std::string> names;  // iso3 -> name, for the styled ones
    bool others = false;
    for (std::size_t i : countries) {
        const layers::Country& c = data.countries.features[i];
        if (style.country_fill.count(c.iso3)) {
            names[c.iso3] = c.name.empty() ? c.iso3 : c.name;
        } else {
            others = true;
        }
    }
    if (!names.empty() || others)
        heading(plan, "Countries");
    for (const auto& [iso3, name] : names) {
        LegendItem item;
        item.kind = LegendKind::Area;
        item.area = AreaStyle{style.country_fill.at(iso3), style.country_outline};
        item.label = name;
        plan.legend.push_back(std::move(item));
    }
    if (others) {
        LegendItem item;
        item.kind = LegendKind::Area;
        item.area = AreaStyle{style.country_fill_other, style.country_outline};
        item.label = names.empty() ? "Country" : "Other country";
        plan.legend.push_back(std::move(item));
    }
}

}  // namespace

}  // namespace fergana::render
