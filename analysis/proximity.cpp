#include "analysis/proximity.hpp"

#include "analysis/timed_index.hpp"
#include "geo/edge_index.hpp"

#include <algorithm>

namespace fergana::analysis {

namespace {

std::optional<Nearest> to_nearest(const std::optional<geo::EdgeHit>& hit) {
    if (!hit) return std::nullopt;
    return Nearest{hit->geometry_id, hit->distance_m, hit->nearest};
}

}  // namespace

ProximityResult proximity(const layers::Dataset& data, const std::vector<std::size_t>& selected,
                          const ProximityOptions& options, const Progress& progress) {
    const layers::Date as_of = options.as_of.value_or(layers::Date::today());
    report(progress, 0.0, "indexing");

    // Layers without a time dimension: one index each.
    std::vector<geo::Geometry> water_geometries;
    for (const auto& w : data.water.features) water_geometries.push_back(w.geometry);
    const geo::EdgeIndex water(water_geometries);
    std::vector<geo::Geometry> settlement_points;
    for (const auto& s : data.settlements.features) settlement_points.push_back(geo::Geometry::point(s.position));
    const geo::EdgeIndex settlements(settlement_points);
    std::vector<geo::Geometry> country_geometries;
    for (const auto& c : data.countries.features) country_geometries.push_back(c.geometry);
    const geo::EdgeIndex countries(country_geometries);

    // Layers whose features come and go: one index per set of features in force.
    TimedIndex<layers::Border> borders(data.borders.features);
    TimedIndex<layers::Enclave> enclaves(data.enclaves.features);
    ProximityResult result;
    std::vector<geo::Geometry> disputed_by_status;
    std::vector<layers::Validity> disputed_validity;
    if (!options.disputed.empty()) {
        result.disputed_source = "the disputed layer";
    } else {
        for (const auto& b : data.borders.features) {
            if (b.status == layers::BorderStatus::Disputed) {
                disputed_by_status.push_back(b.geometry);
                disputed_validity.push_back(b.valid);
            }
        }
        if (!disputed_by_status.empty()) result.disputed_source = "borders with status disputed";
    }
    const geo::EdgeIndex given_disputed(options.disputed);
    TimedGeometryIndex disputed(disputed_by_status, disputed_validity);

    // Build every index the incidents will need before the parallel phase.
    std::vector<layers::Date> dates(selected.size(), as_of);
    for (std::size_t k = 0; k < selected.size(); ++k) {
        const auto& date = data.incidents.features[selected[k]].date;
        if (options.follow_incident_dates && date) dates[k] = date->first;
    }
    borders.prepare(dates);
    enclaves.prepare(dates);
    disputed.prepare(dates);
    report(progress, 0.1, "measuring");

    result.rows.resize(selected.size());
    geo::EdgeQueryOptions rings_only;
    rings_only.polygon_interiors = false;
    countries.query_all(selected.size(), options.threads, [&](std::size_t k, geo::EdgeIndex::Scratch& scratch) {
        const layers::Incident& incident = data.incidents.features[selected[k]];
        const geo::LonLat p = incident.position;
        ProximityRow& row = result.rows[k];
        row.incident = selected[k];

        // Side: the country whose polygon holds the point (overlaps were resolved on load).
        for (const geo::EdgeHit& hit : countries.within(p, 0.0, scratch)) {
            if (hit.inside) {
                row.side_iso3 = data.countries.features[hit.geometry_id].iso3;
                break;
            }
        }

        if (const auto hit = borders.nearest(dates[k], p, scratch)) {
            row.border = to_nearest(hit);
            row.border_pair = data.borders.features[hit->geometry_id].pair;
            if (incident.precision_m && *incident.precision_m >= 0) {
                const double r = *incident.precision_m;
                row.border_distance_min_m = std::max(0.0, hit->distance_m - r);
                row.border_distance_max_m = hit->distance_m + r;
                row.may_be_across_border = hit->distance_m <= r;
            }
        }
        if (!options.disputed.empty()) {
            if (const auto hit = given_disputed.nearest(p, scratch)) row.disputed_distance_m = hit->distance_m;
        } else if (const auto hit = disputed.nearest(dates[k], p, scratch)) {
            row.disputed_distance_m = hit->distance_m;
        }
        row.water = to_nearest(water.nearest(p, scratch));
        row.settlement = to_nearest(settlements.nearest(p, scratch));
        if (const auto hit = enclaves.nearest(dates[k], p, scratch)) {
            row.enclave = to_nearest(hit);
            if (hit->inside) {
                const layers::Enclave& e = data.enclaves.features[hit->geometry_id];
                row.side_enclave = e.name;
                if (!e.owner.empty()) row.side_iso3 = e.owner;
            }
        }
    });
    report(progress, 1.0, "measured");
    return result;
}

}  // namespace fergana::analysis
