#include "analysis/proximity.hpp"

#include "analysis/timed_index.hpp"
#include "geo/edge_index.hpp"
#include "geo/memory.hpp"
#include "geo/parallel.hpp"

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

    const ProximityMeasures& measure = options.measure;
    // Layers without a time dimension: one index each (empty when not measured).
    std::vector<geo::Geometry> water_geometries;
    if (measure.water) {
        for (const auto& w : data.water.features) water_geometries.push_back(w.geometry);
    }
    const geo::EdgeIndex water(water_geometries, options.threads);
    std::vector<geo::Geometry> settlement_points;
    if (measure.settlement) {
        for (const auto& s : data.settlements.features) settlement_points.push_back(geo::Geometry::point(s.position));
    }
    const geo::EdgeIndex settlements(settlement_points, options.threads);
    std::vector<geo::Geometry> country_geometries;
    if (measure.side) {
        for (const auto& c : data.countries.features) country_geometries.push_back(c.geometry);
    }
    const geo::EdgeIndex countries(country_geometries, options.threads);

    // Layers whose features come and go: one index per set of features in force.
    TimedIndex<layers::Border> borders(data.borders.features);
    TimedIndex<layers::Enclave> enclaves(data.enclaves.features);
    ProximityResult result;
    std::vector<geo::Geometry> disputed_by_status;
    std::vector<layers::Validity> disputed_validity;
    if (!measure.disputed) {
        // nothing to measure against
    } else if (!options.disputed.empty()) {
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
    const geo::EdgeIndex given_disputed(measure.disputed ? options.disputed : std::vector<geo::Geometry>{},
                                        options.threads);
    TimedGeometryIndex disputed(disputed_by_status, disputed_validity);

    // Build every index the incidents will need before the parallel phase.
    std::vector<layers::Date> dates;
    std::vector<geo::LonLat> positions;
    reserve_fresh(dates, selected.size(), options.threads);
    reserve_fresh(positions, selected.size(), options.threads);
    reserve_fresh(result.rows, selected.size(), options.threads);
    dates.resize(selected.size());
    positions.resize(selected.size());
    result.rows.resize(selected.size());
    // On every core: a million incidents are 120 MB to walk through.
    geo::parallel_for(selected.size(), 16384, options.threads, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t k = begin; k < end; ++k) {
            const layers::Incident& incident = data.incidents.features[selected[k]];
            dates[k] = options.follow_incident_dates && incident.date ? incident.date->first : as_of;
            positions[k] = incident.position;
            result.rows[k].incident = selected[k];
        }
    });
    if (measure.border) borders.prepare(dates, options.threads);
    if (measure.enclave || measure.side) enclaves.prepare(dates, options.threads);
    if (measure.disputed) disputed.prepare(dates, options.threads);
    report(progress, 0.1, "measuring");

    // The border distances in one batch per epoch: neighbouring incidents (in Morton order)
    // share the search's candidate edges, the costliest query made cheaper.
    if (measure.border) {
        borders.nearest_each(dates, positions, options.threads,
                             [&](std::size_t k, const std::optional<geo::EdgeHit>& hit) {
                                 result.rows[k].border = to_nearest(hit);
                             });
    }
    const bool more = measure.side || measure.disputed || measure.water || measure.enclave || measure.settlement;
    if (!more) {
        report(progress, 1.0, "measured");
        return result;
    }
    reserve_fresh(result.more, selected.size(), options.threads);
    result.more.resize(selected.size());
    countries.query_all(selected.size(), options.threads, [&](std::size_t k, geo::EdgeIndex::Scratch& scratch) {
        const geo::LonLat p = positions[k];
        ProximityMore& m = result.more[k];

        // Side: the country whose polygon holds the point (overlaps were resolved on load).
        if (measure.side) {
            for (const geo::EdgeHit& hit : countries.within(p, 0.0, scratch)) {
                if (hit.inside) {
                    m.side_iso3 = data.countries.features[hit.geometry_id].iso3;
                    break;
                }
            }
        }

        if (!measure.disputed) {
            // not measured
        } else if (!options.disputed.empty()) {
            if (const auto hit = given_disputed.nearest(p, scratch)) m.disputed_distance_m = hit->distance_m;
        } else if (const auto hit = disputed.nearest(dates[k], p, scratch)) {
            m.disputed_distance_m = hit->distance_m;
        }
        if (measure.water) m.water = to_nearest(water.nearest(p, scratch));
        if (measure.settlement) m.settlement = to_nearest(settlements.nearest(p, scratch));
        if (measure.enclave || measure.side) {
            if (const auto hit = enclaves.nearest(dates[k], p, scratch)) {
                if (measure.enclave) m.enclave = to_nearest(hit);
                if (hit->inside && measure.side) {
                    const layers::Enclave& e = data.enclaves.features[hit->geometry_id];
                    m.side_enclave = e.name;
                    if (!e.owner.empty()) m.side_iso3 = e.owner;
                }
            }
        }
    });
    report(progress, 1.0, "measured");
    return result;
}

}  // namespace fergana::analysis
