#include "tools/result_tables.hpp"

#include "geo/parallel.hpp"
#include "tools/format.hpp"
#include "tools/style_hints.hpp"

#include <algorithm>
#include <cassert>
#include <initializer_list>

namespace fergana::tools {

namespace {

using layers::FieldKind;
using layers::Value;

Value opt(const std::optional<double>& v) { return v ? Value{*v} : Value{}; }
Value text_or_null(std::string_view s) { return s.empty() ? Value{} : Value{std::string(s)}; }
/// A text of the dataset (which outlives the table), not copied; NULL when empty.
Value view_or_null(std::string_view s) { return s.empty() ? Value{} : Value{layers::TextView{s}}; }

/// The texts (YYYY-MM-DD) of the days of 1900-2099, made once (73,000 days, 0.7 MB, a few
/// milliseconds): each of a million rows then points at its date's ten characters instead of
/// working out a calendar date. Other dates and ranges are made as before.
class DateTexts {
public:
    static const DateTexts& get() {
        static const DateTexts texts;
        return texts;
    }

    /// The text of a date or range (DateRange::to_string): a day's is a view of this table's.
    [[nodiscard]] Value text(const layers::DateRange& date) const {
        const std::int64_t at = std::int64_t{date.first.days()} - m_first_day;
        if (date.first != date.last || at < 0 || static_cast<std::size_t>(at) * length >= m_texts.size())
            return date.to_string();
        return layers::TextView{std::string_view(m_texts).substr(static_cast<std::size_t>(at) * length, length)};
    }

private:
    static constexpr std::size_t length = 10;  // YYYY-MM-DD
    std::int32_t m_first_day = 0;
    std::string m_texts;

    DateTexts() {
        const std::int32_t first = layers::Date::from_ymd(1900, 1, 1)->days();
        const std::int32_t end = layers::Date::from_ymd(2100, 1, 1)->days();
        m_first_day = first;
        m_texts.reserve(static_cast<std::size_t>(end - first) * length);
        for (std::int32_t d = first; d < end; ++d) m_texts += layers::Date::from_days(d).to_string();
    }
};

std::string incident_ids(const layers::Dataset& data, const std::vector<std::size_t>& incidents) {
    // Appended in place: at 1e6 incidents a settlement lists ~12,000 ids.
    std::string out;
    if (!incidents.empty()) {  // room for as many ids as long as the first: few reallocations
        out.reserve(incidents.size() * (data.incidents.features[incidents.front()].id.size() + 1));
    }
    for (std::size_t i : incidents) {
        if (!out.empty()) out += ',';
        out += data.incidents.features[i].id;
    }
    return out;
}

std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const std::string& s : list) out += (out.empty() ? "" : ";") + s;
    return out;
}

std::string settlement_list(const analysis::DisputedInput& in, const analysis::Zone& z) {
    std::string out;
    for (std::size_t i : z.settlements) {
        const layers::Settlement& s = in.settlements[i];
        out += (out.empty() ? "" : "; ") + (s.name.empty() ? s.id : s.name);
        if (s.population) out += " (" + std::to_string(*s.population) + ")";
    }
    return out;
}

std::string water_list(const analysis::DisputedInput& in, const std::vector<std::size_t>& list) {
    std::string out;
    for (std::size_t i : list) {
        const layers::WaterFeature& w = in.water[i];
        std::string item = w.name.empty() ? w.id : w.name;
        if (!w.kind.empty()) item += " (" + w.kind + ")";
        out += (out.empty() ? "" : "; ") + item;
    }
    return out;
}

std::string incident_list(const analysis::DisputedInput& in, const analysis::Zone& z) {
    std::string out;
    for (std::size_t i : z.incidents) out += (out.empty() ? "" : "; ") + in.incidents[i].id;
    return out;
}

std::string enclave_settlements(const analysis::EnclaveInput& in, const analysis::DetectedEnclave& e) {
    std::string out;
    for (std::size_t i : e.settlements) {
        const layers::Settlement& s = in.settlements[i];
        out += (out.empty() ? "" : "; ") + (s.name.empty() ? s.id : s.name);
        if (s.population) out += " (" + std::to_string(*s.population) + ")";
    }
    return out;
}

std::string enclave_water(const analysis::EnclaveInput& in, const analysis::DetectedEnclave& e) {
    std::string out;
    for (const analysis::WaterNearby& w : e.water) {
        const layers::WaterFeature& f = in.water[w.water];
        std::string item = f.name.empty() ? f.id : f.name;
        if (!f.kind.empty()) item += " (" + f.kind + ")";
        item += w.distance_m > 0.0 ? " " + format_number(w.distance_m, 0) + " m" : " inside";
        out += (out.empty() ? "" : "; ") + item;
    }
    return out;
}

}  // namespace

namespace {

/// Whether any of the fields is wanted.
bool any_wanted(const FieldWanted& wanted, std::initializer_list<std::string_view> fields) {
    return !wanted || std::any_of(fields.begin(), fields.end(), wanted);
}

/// The incident details that neither table writes.
std::vector<std::string> details_never_written() {
    return {"injured", "displaced", "description", "source"};
}

}  // namespace

std::vector<std::string> incident_fields_unused_by_proximity(const FieldWanted& wanted) {
    std::vector<std::string> unused = details_never_written();
    if (!any_wanted(wanted, {"type", "marker-color"})) unused.emplace_back("type");
    if (!any_wanted(wanted, {"marker-size"})) unused.emplace_back("fatalities");
    if (!any_wanted(wanted, {"precision_m", "border_distance_min_m", "border_distance_max_m", "may_be_across_border"})) {
        unused.emplace_back("precision_m");
    }
    return unused;
}

std::vector<std::string> incident_fields_unused_by_affected(const FieldWanted& wanted, bool by_type) {
    std::vector<std::string> unused = details_never_written();
    unused.insert(unused.end(), {"fatalities", "precision_m"});
    if (!by_type) unused.emplace_back("type");
    if (!any_wanted(wanted, {"first_date", "last_date"})) unused.emplace_back("date");
    return unused;
}

layers::OutputTable proximity_table(const layers::Dataset& data, const analysis::ProximityResult& result,
                                    const analysis::ProximityMeasures& measure, const FieldWanted& wanted) {
    // The columns of what was measured, in this order; everything measured: all of them.
    std::vector<layers::OutputField> fields = {{"id", FieldKind::Text}, {"date", FieldKind::Text}, {"type", FieldKind::Text}};
    if (measure.side) fields.insert(fields.end(), {{"side", FieldKind::Text}, {"side_enclave", FieldKind::Text}});
    if (measure.border) {
        fields.insert(fields.end(), {{"border_pair", FieldKind::Text},
                                     {"border_distance_m", FieldKind::Real, 2},
                                     {"border_lon", FieldKind::Real, 7},
                                     {"border_lat", FieldKind::Real, 7},
                                     {"precision_m", FieldKind::Real, 1},
                                     {"border_distance_min_m", FieldKind::Real, 2},
                                     {"border_distance_max_m", FieldKind::Real, 2},
                                     {"may_be_across_border", FieldKind::Boolean}});
    }
    if (measure.disputed) fields.push_back({"disputed_distance_m", FieldKind::Real, 2});
    if (measure.water) {
        fields.insert(fields.end(), {{"water_id", FieldKind::Text},
                                     {"water_name", FieldKind::Text},
                                     {"water_kind", FieldKind::Text},
                                     {"water_distance_m", FieldKind::Real, 2}});
    }
    if (measure.enclave) {
        fields.insert(fields.end(), {{"enclave_name", FieldKind::Text}, {"enclave_distance_m", FieldKind::Real, 2}});
    }
    if (measure.settlement) {
        fields.insert(fields.end(), {{"settlement_id", FieldKind::Text},
                                     {"settlement_name", FieldKind::Text},
                                     {"settlement_distance_m", FieldKind::Real, 2}});
    }
    fields.insert(fields.end(), {{"marker-color", FieldKind::Text}, {"marker-size", FieldKind::Text}});
    // Rows are made as they are written: a million of them never sit in memory as values.
    // The fields of the incident, the border and the markers are filled only when wanted (of
    // W1's 15 columns, --select keeps three); the others may hold a value nobody reads.
    std::vector<char> want(fields.size());
    for (std::size_t k = 0; k < fields.size(); ++k) want[k] = !wanted || wanted(fields[k].name) ? 1 : 0;
    const DateTexts& dates = DateTexts::get();  // made before the rows, on one thread
    return layers::OutputTable::generated(
        "proximity", std::move(fields), result.rows.size(), true,
        [&data, &result, measure, &dates, want = std::move(want)](std::size_t n, layers::OutputFeature& out) {
            const analysis::ProximityRow& row = result.rows[n];
            const analysis::ProximityMore& more = result.more_of(n);
            const layers::Incident& i = data.incidents.features[row.incident];
            std::vector<Value>& v = out.values;  // sized to the fields, the wanted ones NULL
            std::size_t k = 0;
            if (want[k]) v[k] = layers::TextView{i.id};
            ++k;
            if (want[k] && i.date) v[k] = dates.text(*i.date);
            ++k;
            if (want[k]) v[k] = view_or_null(i.type);
            ++k;
            if (measure.side) {
                if (want[k]) v[k] = view_or_null(more.side_iso3);
                if (want[k + 1]) v[k + 1] = view_or_null(more.side_enclave);
                k += 2;
            }
            if (measure.border) {
                if (want[k]) v[k] = view_or_null(row.border_pair(data));
                ++k;
                if (row.border) {
                    if (want[k]) v[k] = row.border->distance_m;
                    if (want[k + 1]) v[k + 1] = row.border->point.lon;
                    if (want[k + 2]) v[k + 2] = row.border->point.lat;
                }
                k += 3;
                if (want[k]) v[k] = opt(i.precision_m);
                ++k;
                if (want[k] || want[k + 1] || want[k + 2]) {
                    if (const auto bounds = row.border_bounds(data)) {
                        v[k] = bounds->min_m;
                        v[k + 1] = bounds->max_m;
                        v[k + 2] = bounds->may_be_across;
                    }
                }
                k += 3;
            }
            if (measure.disputed) {
                if (want[k]) v[k] = opt(more.disputed_distance_m);
                ++k;
            }
            if (measure.water) {
                if (more.water) {
                    const layers::WaterFeature& w = data.water.features[more.water->index];
                    v[k] = layers::TextView{w.id};
                    v[k + 1] = view_or_null(w.name);
                    v[k + 2] = view_or_null(w.kind);
                    v[k + 3] = more.water->distance_m;
                }
                k += 4;
            }
            if (measure.enclave) {
                if (more.enclave) {
                    v[k] = view_or_null(data.enclaves.features[more.enclave->index].name);
                    v[k + 1] = more.enclave->distance_m;
                }
                k += 2;
            }
            if (measure.settlement) {
                if (more.settlement) {
                    const layers::Settlement& s = data.settlements.features[more.settlement->index];
                    v[k] = layers::TextView{s.id};
                    v[k + 1] = view_or_null(s.name);
                    v[k + 2] = more.settlement->distance_m;
                }
                k += 3;
            }
            // Both are views of static texts.
            if (want[k]) v[k] = layers::TextView{incident_colour(i.type)};
            if (want[k + 1]) v[k + 1] = layers::TextView{incident_marker_size(i.details().fatalities)};
            k += 2;
            assert(k == v.size());  // every field passed, in the order of `fields`
            if (out.geometry.type() == geo::GeometryType::Point && out.geometry.points().size() == 1) {
                out.geometry.points()[0] = i.position;  // the previous row's point, reused
            } else {
                out.geometry = geo::Geometry::point(i.position);
            }
        });
}

layers::OutputTable affected_table(const layers::Dataset& data, const analysis::AffectedResult& r,
                                   const FieldWanted& wanted) {
    layers::OutputTable t("affected", {{"id", FieldKind::Text},
                                       {"name", FieldKind::Text},
                                       {"country", FieldKind::Text},
                                       {"population", FieldKind::Integer},
                                       {"incident_count", FieldKind::Integer},
                                       {"nearest_incident_id", FieldKind::Text},
                                       {"nearest_incident_distance_m", FieldKind::Real, 2},
                                       {"first_date", FieldKind::Text},
                                       {"last_date", FieldKind::Text},
                                       {"incident_ids", FieldKind::Text},
                                       {"marker-color", FieldKind::Text},
                                       {"marker-size", FieldKind::Text}});
    // The id lists first, on every core: at 1e6 incidents they are 1.7 million ids (15 MB)
    // gathered from all over the incidents array.
    std::vector<std::string> ids(r.settlements.size());
    const bool ids_wanted = !wanted || wanted("incident_ids");
    geo::parallel_for(ids_wanted ? ids.size() : 0, 1, 0, [&](std::size_t k, std::size_t, unsigned) {
        ids[k] = incident_ids(data, r.settlements[k].incidents);
    });
    for (std::size_t k = 0; k < r.settlements.size(); ++k) {
        const analysis::AffectedSettlement& a = r.settlements[k];
        const layers::Settlement& s = data.settlements.features[a.settlement];
        const std::int64_t pop = s.population.value_or(0);
        t.add(geo::Geometry::point(s.position),
              {s.id, s.name, s.country.empty() ? Value{} : Value{s.country},
               s.population ? Value{*s.population} : Value{}, static_cast<std::int64_t>(a.incidents.size()),
               data.incidents.features[a.nearest_incident].id, a.nearest_incident_distance_m,
               a.first_date ? Value{a.first_date->to_string()} : Value{},
               a.last_date ? Value{a.last_date->to_string()} : Value{},
               ids_wanted ? Value{std::move(ids[k])} : Value{},
               std::string("#d95f02"), std::string(pop >= 50000 ? "large" : pop >= 5000 ? "medium" : "small")});
    }
    return t;
}

layers::OutputTable affected_per_incident_table(const layers::Dataset& data, const analysis::AffectedResult& r) {
    layers::OutputTable t("affected_per_incident", {{"id", FieldKind::Text},
                                                    {"date", FieldKind::Text},
                                                    {"type", FieldKind::Text},
                                                    {"radius_m", FieldKind::Real, 1},
                                                    {"settlement_count", FieldKind::Integer},
                                                    {"population", FieldKind::Integer},
                                                    {"settlement_ids", FieldKind::Text}});
    for (const analysis::IncidentReach& reach : r.per_incident) {
        const layers::Incident& i = data.incidents.features[reach.incident];
        std::string settlement_ids;
        for (std::size_t s : reach.settlements) {
            settlement_ids += (settlement_ids.empty() ? "" : ",") + data.settlements.features[s].id;
        }
        t.add(geo::Geometry::point(i.position),
              {i.id, i.date ? Value{i.date->to_string()} : Value{}, i.type.empty() ? Value{} : Value{i.type},
               reach.radius_m, static_cast<std::int64_t>(reach.settlements.size()), reach.population,
               settlement_ids});
    }
    return t;
}


layers::OutputTable disputed_stretch_table(const analysis::DisputedResult& result) {
    layers::OutputTable t("disputed_stretches", {
        {"id", FieldKind::Text},
        {"pair", FieldKind::Text},
        {"claimant", FieldKind::Text},
        {"other", FieldKind::Text},
        {"source", FieldKind::Text},
        {"length_m", FieldKind::Real, 2},
        {"max_offset_m", FieldKind::Real, 2},
        {"mean_offset_m", FieldKind::Real, 2},
        {"max_lon", FieldKind::Real, 7},
        {"max_lat", FieldKind::Real, 7},
        {"zone", FieldKind::Text},
        {"part", FieldKind::Integer},
        {"from_m", FieldKind::Real, 2},
        {"to_m", FieldKind::Real, 2},
    });
    for (const analysis::PairComparison& c : result.comparisons) {
        for (int side = 0; side < 2; ++side) {
            const auto& list = side == 0 ? c.stretches_a : c.stretches_b;
            const std::string& claimant = side == 0 ? c.claimant_a : c.claimant_b;
            const std::string& other = side == 0 ? c.claimant_b : c.claimant_a;
            std::size_t n = 0;
            for (const analysis::ClaimStretch& cs : list) {
                const analysis::Stretch& s = cs.stretch;
                std::vector<Value> v;
                v.emplace_back(c.pair + "/" + claimant + "/" + std::to_string(++n));
                v.emplace_back(c.pair);
                v.emplace_back(claimant);
                v.emplace_back(other);
                v.emplace_back(std::string("fergana disputed"));
                v.emplace_back(s.length_m);
                v.emplace_back(s.max_offset_m);
                v.emplace_back(s.mean_offset_m);
                v.emplace_back(s.max_at.lon);
                v.emplace_back(s.max_at.lat);
                v.push_back(cs.zone.empty() ? Value{} : Value{cs.zone});
                v.emplace_back(static_cast<std::int64_t>(s.part));
                v.emplace_back(s.from_m);
                v.emplace_back(s.to_m);
                t.add(geo::Geometry::line(s.path), std::move(v));
            }
        }
    }
    return t;
}

layers::OutputTable disputed_zone_table(const analysis::DisputedInput& in,
                                      const analysis::DisputedResult& result) {
    layers::OutputTable t("disputed_zones", {
        {"id", FieldKind::Text},
        {"pair", FieldKind::Text},
        {"claimant", FieldKind::Text},
        {"other", FieldKind::Text},
        {"source", FieldKind::Text},
        {"area_m2", FieldKind::Real, 1},
        {"width_m", FieldKind::Real, 1},
        {"max_offset_m", FieldKind::Real, 2},
        {"holder", FieldKind::Text},
        {"holder_other", FieldKind::Text},
        {"holder_basis", FieldKind::Text},
        {"holder_basis_other", FieldKind::Text},
        {"side", FieldKind::Text},
        {"side_other", FieldKind::Text},
        {"settlements", FieldKind::Text},
        {"settlement_count", FieldKind::Integer},
        {"population", FieldKind::Integer},
        {"water", FieldKind::Text},
        {"water_count", FieldKind::Integer},
        {"incidents", FieldKind::Text},
        {"incident_count", FieldKind::Integer},
    });
    for (const analysis::PairComparison& c : result.comparisons) {
        for (const analysis::Zone& z : c.zones) {
            std::vector<Value> v;
            v.emplace_back(z.id);
            v.emplace_back(c.pair);
            v.emplace_back(c.claimant_a);
            v.emplace_back(c.claimant_b);
            v.emplace_back(std::string("fergana disputed"));
            v.emplace_back(z.area_m2);
            v.emplace_back(z.width_m);
            v.emplace_back(z.max_offset_m);
            v.push_back(text_or_null(z.holder_a));
            v.push_back(text_or_null(z.holder_b));
            v.emplace_back(z.holder_basis_a);
            v.emplace_back(z.holder_basis_b);
            v.push_back(text_or_null(z.side_a));
            v.push_back(text_or_null(z.side_b));
            v.push_back(text_or_null(settlement_list(in, z)));
            v.emplace_back(static_cast<std::int64_t>(z.settlements.size()));
            v.emplace_back(z.population);
            v.push_back(text_or_null(water_list(in, z.water)));
            v.emplace_back(static_cast<std::int64_t>(z.water.size()));
            v.push_back(text_or_null(incident_list(in, z)));
            v.emplace_back(static_cast<std::int64_t>(z.incidents.size()));
            t.add(z.geometry, std::move(v));
        }
    }
    return t;
}

layers::OutputTable border_status_table(const analysis::DisputedInput& in, const analysis::DisputedResult& result) {
    layers::OutputTable t("border_status", {
        {"id", FieldKind::Text},
        {"pair", FieldKind::Text},
        {"status", FieldKind::Text},
        {"source", FieldKind::Text},
        {"valid_from", FieldKind::Text},
        {"valid_to", FieldKind::Text},
        {"length_m", FieldKind::Real, 2},
    });
    for (const analysis::StatusSegment& s : result.segments) {
        const layers::Border& b = in.borders[s.border];
        std::vector<Value> v;
        v.emplace_back(b.ref.id);
        v.emplace_back(s.pair);
        v.emplace_back(std::string(layers::to_string(s.status)));
        v.push_back(text_or_null(b.source));
        v.push_back(b.valid.from ? Value{b.valid.from->to_string()} : Value{});
        v.push_back(b.valid.to ? Value{b.valid.to->to_string()} : Value{});
        v.emplace_back(s.length_m);
        t.add(b.geometry, std::move(v));
    }
    return t;
}

layers::OutputTable enclave_table(const analysis::EnclaveInput& in, const analysis::EnclaveResult& result) {
    layers::OutputTable t("enclaves", {
        {"id", FieldKind::Text},
        {"name", FieldKind::Text},
        {"kind", FieldKind::Text},
        {"owner", FieldKind::Text},
        {"host", FieldKind::Text},
        {"depth", FieldKind::Integer},
        {"parent", FieldKind::Text},
        {"neighbours", FieldKind::Text},
        {"touches_sea", FieldKind::Boolean},
        {"area_m2", FieldKind::Real, 1},
        {"perimeter_m", FieldKind::Real, 1},
        {"mainland_distance_m", FieldKind::Real, 2},
        {"nearest_lon", FieldKind::Real, 7},
        {"nearest_lat", FieldKind::Real, 7},
        {"mainland_lon", FieldKind::Real, 7},
        {"mainland_lat", FieldKind::Real, 7},
        {"settlements", FieldKind::Text},
        {"settlement_count", FieldKind::Integer},
        {"population", FieldKind::Integer},
        {"water", FieldKind::Text},
        {"water_count", FieldKind::Integer},
        {"record_in_force", FieldKind::Boolean},
    });
    for (const analysis::DetectedEnclave& e : result.enclaves) {
        std::vector<Value> v;
        v.emplace_back(e.id);
        v.push_back(text_or_null(e.name));
        v.emplace_back(std::string(analysis::to_string(e.kind)));
        v.emplace_back(e.owner);
        v.push_back(text_or_null(e.host));
        v.emplace_back(static_cast<std::int64_t>(e.depth));
        v.push_back(text_or_null(e.parent));
        v.emplace_back(joined(e.neighbours));
        v.emplace_back(e.touches_sea);
        v.emplace_back(e.area_m2);
        v.emplace_back(e.perimeter_m);
        if (e.mainland_distance_m) {
            v.emplace_back(*e.mainland_distance_m);
            v.emplace_back(e.nearest_on_part.lon);
            v.emplace_back(e.nearest_on_part.lat);
            v.emplace_back(e.nearest_on_mainland.lon);
            v.emplace_back(e.nearest_on_mainland.lat);
        } else {
            v.insert(v.end(), 5, Value{});
        }
        v.push_back(text_or_null(enclave_settlements(in, e)));
        v.emplace_back(static_cast<std::int64_t>(e.settlements.size()));
        v.emplace_back(e.population);
        v.push_back(text_or_null(enclave_water(in, e)));
        v.emplace_back(static_cast<std::int64_t>(e.water.size()));
        v.push_back(e.record ? Value{e.record_in_force} : Value{});
        t.add(geo::Geometry::polygon(e.polygon), std::move(v));
    }
    return t;
}

}  // namespace fergana::tools
