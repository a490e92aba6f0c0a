#pragma once
// Affected settlements: which settlements were within reach of the incidents, and
// how many people live there.
//
//   analysis::AffectedOptions options;
//   options.radius_m = 5000;                          // or per type: radius_by_type["shelling"] = 20000
//   analysis::AffectedResult r = analysis::affected(data, selected, options);
//
// "Within reach" is a geodesic distance on WGS84 of at most the radius (inclusive:
// a settlement exactly 5,000 m away is in reach of a 5 km radius).

#include "geo/progress.hpp"
#include "layers/dataset.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fergana::analysis {

struct AffectedOptions {
    /// Reach of an incident whose type has no entry in radius_by_type. Default 5 km.
    double radius_m = 5000.0;
    /// Reach by incident type (lower-case), e.g. {"shelling": 20000, "armed_clash": 5000}.
    std::map<std::string, double> radius_by_type;
    /// Worker threads; 0 (default): one per hardware thread.
    unsigned threads = 0;
    /// true (default): fill AffectedResult::per_incident. false leaves it empty, which saves
    /// a list per incident (a million of them for a million incidents) when it is not written.
    bool per_incident = true;

    [[nodiscard]] double radius_for(const std::string& type) const {
        const auto it = radius_by_type.find(type);
        return it == radius_by_type.end() ? radius_m : it->second;
    }
};

struct AffectedSettlement {
    std::size_t settlement = 0;          // index into data.settlements.features
    std::vector<std::size_t> incidents;  // indices into data.incidents.features, in selection order
    std::size_t nearest_incident = 0;
    double nearest_incident_distance_m = 0.0;
    std::optional<layers::Date> first_date;  // earliest incident day (undated ones do not count)
    std::optional<layers::Date> last_date;
};

struct IncidentReach {
    std::size_t incident = 0;
    double radius_m = 0.0;
    std::vector<std::size_t> settlements;  // by distance
    std::int64_t population = 0;           // known populations summed
};

struct CountryTotals {
    std::size_t settlements = 0;
    std::int64_t population = 0;  // known populations summed
    std::size_t settlements_without_population = 0;
};

struct AffectedResult {
    std::vector<AffectedSettlement> settlements;      // in reach of at least one incident; by settlement index
    std::vector<IncidentReach> per_incident;          // one per selected incident, in order (if asked)
    std::map<std::string, CountryTotals> by_country;  // key: ISO3 ("" when unknown)
    CountryTotals total;
};

AffectedResult affected(const layers::Dataset& data, const std::vector<std::size_t>& selected,
                        const AffectedOptions& options, const Progress& progress = {});

}  // namespace fergana::analysis
