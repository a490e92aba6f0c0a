#pragma once
// Disputed borders: segments by status on a date, and the stretches and zones where two
// claimants' (or two sources') lines of the same border disagree.
//
//   analysis::DisputedOptions o;             // tolerance 100 m, as of today
//   o.tolerance_m = 500.0;
//   analysis::DisputedInput in;
//   in.borders = data.borders.features;      // spans over the typed layers
//   in.claims = data.claims.features;
//   in.countries = data.countries.features;  // to tell which country holds a zone
//   analysis::DisputedResult r = analysis::analyse_disputed(in, o);
//   for (const analysis::PairComparison& c : r.comparisons) { c.a.stretches; c.zones; }
//
// 1. By status: the borders in force on as_of whose status is disputed, delimited (only)
//    or unknown, and their geodesic length by pair and status.
// 2. By comparing claims: the claims in force on as_of are grouped by pair and claimant.
//    A claimant's line for a pair is its line features, or, for polygon claims (one
//    country per feature, named by `pair` or an iso3/a3 attribute), the boundary of the
//    pair's second country that lies within shared_boundary_m of the first one. Every two
//    claimants of a pair are compared with analysis::compare_lines (line_compare.hpp):
//    stretches farther apart than the tolerance, cut exactly at the tolerance, with their
//    geodesic length and maximum and mean offsets; the Hausdorff distance.
// 3. Zones: the region between the two lines where they part and rejoin. For every stretch
//    that starts and ends at a tolerance crossing, the zone is swept by the shortest
//    connections from the stretch's samples to the other line (the stretch, then the
//    nearest points in reverse, as a ring); the rings of both lines are unioned. The union
//    is built in a local transverse Mercator projection centred on the pair's extent (scale
//    error below 1 + x^2 / (2 R^2): 7.7e-4 at 250 km from the centre, and it only shapes
//    the polygon: every vertex maps back to the exact lon/lat it came from). A zone whose
//    maximum inscribed circle has a diameter below the tolerance is confetti: it is not
//    reported and its stretches count as agreed. Areas are geodesic (geo::area_m2) on the
//    lon/lat polygon, whose edges are at most max_step_m long.
//    Who holds a zone under each line: with polygon claims, the claimant's country polygon
//    containing the zone; otherwise the side of the claimant's line the zone lies on, named
//    by the countries layer (for each line part, probes side_probe_m to the left and right
//    of its vertices vote for which country lies on which side). Settlements, water
//    features and incidents inside each zone are listed.
// Stretches that run to a line's end (where the other line stops, e.g. at a tripoint) are
// reported as stretches but make no zone: the lines part there but do not rejoin.

#include "analysis/line_compare.hpp"
#include "geo/progress.hpp"
#include "layers/features.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fergana::analysis {

struct DisputedOptions {
    /// Borders and claims in force on this date (valid_from <= as_of < valid_to).
    /// Default: nullopt, meaning today (UTC).
    std::optional<layers::Date> as_of;
    /// Two lines farther apart than this disagree. Default 100 m.
    double tolerance_m = 100.0;
    /// Samples along each line at most this far apart. Default 50 m.
    double max_step_m = 50.0;
    /// Stretches separated by an agreed gap shorter than this are merged. Default -1: the
    /// tolerance.
    double merge_gap_m = -1.0;
    /// Tolerance crossings and maximum offsets to within this. Default 0.05 m.
    double precision_m = 0.05;
    /// Only these pairs ("KGZ-TJK", sorted codes). Default: empty, every pair.
    std::vector<std::string> pairs;
    /// Build the zones between the lines (costs a planar overlay). Default true.
    bool zones = true;
    /// Polygon claims: the pair's second country's boundary within this of the first
    /// country is their shared line. Default 100 m.
    double shared_boundary_m = 100.0;
    /// How far to the left and right of a line its sides are probed in the countries layer.
    /// Default 3000 m.
    double side_probe_m = 3000.0;
    /// Threads for the distance queries; 0: one per hardware thread. Default 0.
    unsigned threads = 0;

    [[nodiscard]] LineCompareOptions line_options() const;
};

/// The typed layers the analysis reads. Any may be empty.
struct DisputedInput {
    std::span<const layers::Border> borders;
    std::span<const layers::Claim> claims;
    std::span<const layers::Country> countries;  // names the side a zone lies on
    std::span<const layers::Settlement> settlements;
    std::span<const layers::WaterFeature> water;
    std::span<const layers::Incident> incidents;
};

/// A border in force whose status is disputed, delimited or unknown.
struct StatusSegment {
    std::size_t border = 0;  // index into DisputedInput::borders
    std::string pair;
    layers::BorderStatus status = layers::BorderStatus::Unknown;
    double length_m = 0.0;
};

struct StatusTotal {
    std::string pair;
    layers::BorderStatus status = layers::BorderStatus::Unknown;
    std::size_t segments = 0;
    double length_m = 0.0;
};

/// A zone between two lines.
struct Zone {
    std::string id;          // "KGZ-TJK/3"
    geo::Geometry geometry;  // polygons, lon/lat
    double area_m2 = 0.0;
    double width_m = 0.0;       // diameter of the largest inscribed circle
    double max_offset_m = 0.0;  // of the stretches bounding it
    std::string holder_a;       // ISO3 holding the zone under a's line; empty: unknown
    std::string holder_b;
    std::string holder_basis_a;  // "polygons", "sides" or "unknown"
    std::string holder_basis_b;
    std::string side_a;  // "left" / "right" of a's line as drawn; empty if unknown
    std::string side_b;
    std::vector<std::size_t> settlements;  // indices into DisputedInput::settlements
    std::int64_t population = 0;           // of those with a known population
    std::vector<std::size_t> water;
    std::vector<std::size_t> incidents;
};

/// A stretch of one claimant's line, with the zone it bounds.
struct ClaimStretch {
    Stretch stretch;
    std::string zone;  // the zone's id; empty for a stretch running to a line's end
};

/// Two claimants' lines of one pair compared.
struct PairComparison {
    std::string pair;
    std::string claimant_a;
    std::string claimant_b;
    LineProfile a;  // a's line against b's (without samples; a.stretches are all of them)
    LineProfile b;
    double hausdorff_m = 0.0;
    std::vector<ClaimStretch> stretches_a;  // reported: confetti zones' stretches removed
    std::vector<ClaimStretch> stretches_b;
    double disputed_a_m = 0.0;  // total of stretches_a
    double disputed_b_m = 0.0;
    std::vector<Zone> zones;
    std::size_t confetti = 0;  // zones thinner than the tolerance, not reported
    double confetti_area_m2 = 0.0;
};

struct DisputedResult {
    layers::Date as_of;
    std::vector<StatusSegment> segments;
    std::vector<StatusTotal> totals;          // by pair, then status
    std::vector<PairComparison> comparisons;  // by pair, then claimants
    /// Things the caller should tell the user (a pair with a single claimant, ...).
    std::vector<std::string> notes;
};

/// Runs the three parts. Throws GeometryError when an overlay fails.
DisputedResult analyse_disputed(const DisputedInput& input, const DisputedOptions& options,
                                const Progress& progress = {});

/// The line of each claimant for each pair, as compared (exposed for tests and benchmarks).
struct ClaimLine {
    std::string pair;
    std::string claimant;
    geo::Geometry lines;
    /// Polygon claims: the claimant's country polygons by ISO3, for zone holders.
    std::vector<std::pair<std::string, geo::Geometry>> countries;
};
std::vector<ClaimLine> claim_lines(std::span<const layers::Claim> claims,
                                   const DisputedOptions& options);

}  // namespace fergana::analysis
