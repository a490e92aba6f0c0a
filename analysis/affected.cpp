#include "analysis/affected.hpp"

#include "geo/edge_index.hpp"
#include "geo/geodesic.hpp"

#include <algorithm>

namespace fergana::analysis {

AffectedResult affected(const layers::Dataset& data, const std::vector<std::size_t>& selected,
                        const AffectedOptions& options, const Progress& progress) {
    report(progress, 0.0, "indexing settlements");
    std::vector<geo::Geometry> points;
    points.reserve(data.settlements.features.size());
    for (const auto& s : data.settlements.features) points.push_back(geo::Geometry::point(s.position));
    const geo::EdgeIndex index(points);

    // Per incident: the settlements in reach (the parallel part; each row is its own).
    struct Hit {
        std::size_t settlement;
        double distance_m;
    };
    std::vector<std::vector<Hit>> hits(selected.size());
    AffectedResult result;
    if (options.per_incident) result.per_incident.resize(selected.size());
    report(progress, 0.1, "searching");
    index.query_all(selected.size(), options.threads, [&](std::size_t k, geo::EdgeIndex::Scratch& scratch) {
        const layers::Incident& incident = data.incidents.features[selected[k]];
        const double radius = options.radius_for(incident.type);
        IncidentReach* reach = options.per_incident ? &result.per_incident[k] : nullptr;
        if (reach) {
            reach->incident = selected[k];
            reach->radius_m = radius;
        }
        // Inclusive: a settlement exactly 5,000 m away is in reach of 5 km.
        for (const geo::EdgeHit& h : index.within(incident.position, radius + geo::radius_tolerance_m, scratch)) {
            hits[k].push_back({h.geometry_id, h.distance_m});
            if (!reach) continue;
            reach->settlements.push_back(h.geometry_id);
            if (const auto& pop = data.settlements.features[h.geometry_id].population) reach->population += *pop;
        }
    });

    // Per settlement: merged in incident order, so the result does not depend on threads.
    report(progress, 0.8, "aggregating");
    std::vector<int> slot(data.settlements.features.size(), -1);
    for (std::size_t k = 0; k < selected.size(); ++k) {
        const layers::Incident& incident = data.incidents.features[selected[k]];
        for (const Hit& h : hits[k]) {
            if (slot[h.settlement] < 0) {
                slot[h.settlement] = static_cast<int>(result.settlements.size());
                AffectedSettlement s;
                s.settlement = h.settlement;
                s.nearest_incident = selected[k];
                s.nearest_incident_distance_m = h.distance_m;
                result.settlements.push_back(s);
            }
            AffectedSettlement& s = result.settlements[static_cast<std::size_t>(slot[h.settlement])];
            s.incidents.push_back(selected[k]);
            if (h.distance_m < s.nearest_incident_distance_m) {
                s.nearest_incident_distance_m = h.distance_m;
                s.nearest_incident = selected[k];
            }
            if (incident.date) {
                if (!s.first_date || incident.date->first < *s.first_date) s.first_date = incident.date->first;
                if (!s.last_date || incident.date->last > *s.last_date) s.last_date = incident.date->last;
            }
        }
    }
    std::sort(result.settlements.begin(), result.settlements.end(),
              [](const AffectedSettlement& a, const AffectedSettlement& b) { return a.settlement < b.settlement; });
    for (const AffectedSettlement& s : result.settlements) {
        const layers::Settlement& settlement = data.settlements.features[s.settlement];
        for (CountryTotals* totals : {&result.by_country[settlement.country], &result.total}) {
            ++totals->settlements;
            if (settlement.population) {
                totals->population += *settlement.population;
            } else {
                ++totals->settlements_without_population;
            }
        }
    }
    report(progress, 1.0, "done");
    return result;
}

}  // namespace fergana::analysis
