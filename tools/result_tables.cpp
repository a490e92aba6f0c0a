#include "tools/result_tables.hpp"

#include "tools/style_hints.hpp"

namespace fergana::tools {

namespace {

using layers::FieldKind;
using layers::Value;

Value opt(const std::optional<double>& v) { return v ? Value{*v} : Value{}; }
Value text_or_null(const std::string& s) { return s.empty() ? Value{} : Value{s}; }

std::string incident_ids(const layers::Dataset& data, const std::vector<std::size_t>& incidents) {
    std::string out;
    for (std::size_t i : incidents) out += (out.empty() ? "" : ",") + data.incidents.features[i].id;
    return out;
}

}  // namespace

layers::OutputTable proximity_table(const layers::Dataset& data, const analysis::ProximityResult& result) {
    layers::OutputTable t("proximity", {
        {"id", FieldKind::Text},
        {"date", FieldKind::Text},
        {"type", FieldKind::Text},
        {"side", FieldKind::Text},
        {"side_enclave", FieldKind::Text},
        {"border_pair", FieldKind::Text},
        {"border_distance_m", FieldKind::Real, 2},
        {"border_lon", FieldKind::Real, 7},
        {"border_lat", FieldKind::Real, 7},
        {"precision_m", FieldKind::Real, 1},
        {"border_distance_min_m", FieldKind::Real, 2},
        {"border_distance_max_m", FieldKind::Real, 2},
        {"may_be_across_border", FieldKind::Boolean},
        {"disputed_distance_m", FieldKind::Real, 2},
        {"water_id", FieldKind::Text},
        {"water_name", FieldKind::Text},
        {"water_kind", FieldKind::Text},
        {"water_distance_m", FieldKind::Real, 2},
        {"enclave_name", FieldKind::Text},
        {"enclave_distance_m", FieldKind::Real, 2},
        {"settlement_id", FieldKind::Text},
        {"settlement_name", FieldKind::Text},
        {"settlement_distance_m", FieldKind::Real, 2},
        {"marker-color", FieldKind::Text},
        {"marker-size", FieldKind::Text},
    });
    for (const analysis::ProximityRow& row : result.rows) {
        const layers::Incident& i = data.incidents.features[row.incident];
        std::vector<Value> v;
        v.emplace_back(i.id);
        v.push_back(i.date ? Value{i.date->to_string()} : Value{});
        v.push_back(text_or_null(i.type));
        v.push_back(text_or_null(row.side_iso3));
        v.push_back(text_or_null(row.side_enclave));
        v.push_back(text_or_null(row.border_pair));
        v.push_back(row.border ? Value{row.border->distance_m} : Value{});
        v.push_back(row.border ? Value{row.border->point.lon} : Value{});
        v.push_back(row.border ? Value{row.border->point.lat} : Value{});
        v.push_back(opt(i.precision_m));
        v.push_back(opt(row.border_distance_min_m));
        v.push_back(opt(row.border_distance_max_m));
        v.push_back(row.may_be_across_border ? Value{*row.may_be_across_border} : Value{});
        v.push_back(opt(row.disputed_distance_m));
        if (row.water) {
            const layers::WaterFeature& w = data.water.features[row.water->index];
            v.emplace_back(w.id);
            v.push_back(text_or_null(w.name));
            v.push_back(text_or_null(w.kind));
            v.emplace_back(row.water->distance_m);
        } else {
            v.insert(v.end(), 4, Value{});
        }
        if (row.enclave) {
            v.push_back(text_or_null(data.enclaves.features[row.enclave->index].name));
            v.emplace_back(row.enclave->distance_m);
        } else {
            v.insert(v.end(), 2, Value{});
        }
        if (row.settlement) {
            const layers::Settlement& s = data.settlements.features[row.settlement->index];
            v.emplace_back(s.id);
            v.push_back(text_or_null(s.name));
            v.emplace_back(row.settlement->distance_m);
        } else {
            v.insert(v.end(), 3, Value{});
        }
        v.emplace_back(std::string(incident_colour(i.type)));
        v.emplace_back(std::string(incident_marker_size(i.fatalities)));
        t.add(geo::Geometry::point(i.position), std::move(v));
    }
    return t;
}

layers::OutputTable affected_table(const layers::Dataset& data, const analysis::AffectedResult& r) {
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
    for (const analysis::AffectedSettlement& a : r.settlements) {
        const layers::Settlement& s = data.settlements.features[a.settlement];
        const std::int64_t pop = s.population.value_or(0);
        t.add(geo::Geometry::point(s.position),
              {s.id, s.name, s.country.empty() ? Value{} : Value{s.country},
               s.population ? Value{*s.population} : Value{}, static_cast<std::int64_t>(a.incidents.size()),
               data.incidents.features[a.nearest_incident].id, a.nearest_incident_distance_m,
               a.first_date ? Value{a.first_date->to_string()} : Value{},
               a.last_date ? Value{a.last_date->to_string()} : Value{}, incident_ids(data, a.incidents),
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


}  // namespace fergana::tools
