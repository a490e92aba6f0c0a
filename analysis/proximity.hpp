#pragma once
// Incident proximities: for each incident, how far it was from the border in force
// on its date, from a disputed stretch, from the nearest water facility, enclave
// and settlement, and on which side of the line it fell.
//
//   analysis::ProximityOptions options;            // defaults below
//   analysis::ProximityResult r = analysis::proximity(data, selected, options);
//   for (const analysis::ProximityRow& row : r.rows) { ... row.border->distance_m ... }
//
// Every distance is geodesic on WGS84, exact to the centimetre (geo::EdgeIndex:
// best-first search with proven chord bounds, then geodesic refinement of edges).

#include "geo/geometry.hpp"
#include "geo/progress.hpp"
#include "layers/dataset.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::analysis {

/// What to measure for each incident. Default: everything. Leaving out what is not needed
/// skips its index and queries (and, in the command, loading its layer): measuring only the
/// border distance of a million incidents is several times faster than measuring all.
struct ProximityMeasures {
    bool side = true;      // side_iso3 and side_enclave (countries and enclaves)
    bool border = true;    // border, border_pair and the precision bounds
    bool disputed = true;  // disputed_distance_m
    bool water = true;
    bool enclave = true;  // enclave (and side_enclave when side is measured too)
    bool settlement = true;

    [[nodiscard]] bool all() const noexcept { return side && border && disputed && water && enclave && settlement; }
};

struct ProximityOptions {
    /// What to measure. Default: everything.
    ProximityMeasures measure;
    /// Date for undated incidents and for what has no incident date to follow.
    /// Default: today.
    std::optional<layers::Date> as_of;
    /// true (default): each incident is measured against the borders and enclaves in
    /// force on its date (the first day of a date range). false: against those in
    /// force on `as_of` for every incident.
    bool follow_incident_dates = true;
    /// Disputed stretches to measure against (the `disputed` role, e.g. the output of
    /// `fergana disputed`).
    /// When empty, the borders whose status is `disputed` on the incident's date are used.
    std::vector<geo::Geometry> disputed;
    /// Worker threads for the queries; 0 (default): one per hardware thread.
    unsigned threads = 0;
};

/// The nearest feature of a layer to an incident.
struct Nearest {
    std::size_t index = 0;    // into the dataset's layer
    double distance_m = 0.0;  // 0 when inside a polygon
    geo::LonLat point;        // nearest point of the feature
};

/// The bounds of an incident's border distance d given its location uncertainty r
/// (precision_m): d lies in [max(0, d - r), d + r], and the uncertainty circle crosses the
/// line when d <= r.
struct BorderBounds {
    double min_m = 0.0;
    double max_m = 0.0;
    bool may_be_across = false;
};

/// One incident's border measure: 48 bytes, what a million rows of `--measure border` hold.
/// What follows from it (the border's pair, the precision bounds) is worked out when asked.
/// The texts in ProximityMore are views of the dataset's own strings (an ISO3 code, an
/// enclave's name): the rows live no longer than the dataset, as their indices into it
/// already require, and carry no strings of their own.
struct ProximityRow {
    std::size_t incident = 0;  // index into data.incidents.features

    // The border in force on the incident's date.
    std::optional<Nearest> border;  // index into data.borders.features

    /// The pair of that border ("KGZ-TJK"); empty when there is none.
    [[nodiscard]] std::string_view border_pair(const layers::Dataset& data) const {
        return border ? std::string_view(data.borders.features[border->index].pair) : std::string_view();
    }
    /// With a border and the incident's precision_m (>= 0): the bounds of the distance.
    [[nodiscard]] std::optional<BorderBounds> border_bounds(const layers::Dataset& data) const {
        const std::optional<double>& r = data.incidents.features[incident].precision_m;
        if (!border || !r || *r < 0) return std::nullopt;
        const double d = border->distance_m;
        return BorderBounds{std::max(0.0, d - *r), d + *r, d <= *r};
    }
};

/// One incident's other measures: side, disputed stretches, water, enclave, settlement.
struct ProximityMore {
    // The side: the country the point lies in (after enclave overlaps are resolved);
    // inside an enclave in force, the enclave's owner and its name.
    std::string_view side_iso3;     // empty when in no country of the layer
    std::string_view side_enclave;  // enclave name, when inside one

    std::optional<double> disputed_distance_m;
    std::optional<Nearest> water;       // index into data.water.features
    std::optional<Nearest> enclave;     // index into data.enclaves.features (0 inside)
    std::optional<Nearest> settlement;  // index into data.settlements.features
};

struct ProximityResult {
    std::vector<ProximityRow> rows;  // in the order of the selected incidents
    /// The other measures, one per row; empty when only the border is measured (a million
    /// rows then take 104 bytes each instead of 272).
    std::vector<ProximityMore> more;
    std::string disputed_source;  // "given" or "borders with status disputed" or ""

    /// Row k's other measures (nothing measured: all empty).
    [[nodiscard]] const ProximityMore& more_of(std::size_t k) const {
        static const ProximityMore none;
        return more.empty() ? none : more[k];
    }
};

/// Measures each selected incident (indices into data.incidents.features).
ProximityResult proximity(const layers::Dataset& data, const std::vector<std::size_t>& selected,
                          const ProximityOptions& options, const Progress& progress = {});

}  // namespace fergana::analysis
