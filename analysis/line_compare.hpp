#pragma once
// Comparing two versions of a line (two claimants' borders, two sources, two dates): where
// one line is farther than a tolerance from the other, by how much, and the Hausdorff distance.
//
//   analysis::LineCompareOptions o;
//   o.tolerance_m = 500.0;
//   analysis::LineComparison c = analysis::compare_lines(osm2017, naturalearth, o);
//   // c.a.stretches: the parts of osm2017 farther than 500 m from naturalearth, cut exactly
//   // where the distance is 500 m; c.b likewise the other way; c.hausdorff_m.
//
// Method. Each line is walked by arc length along its geodesic edges. Samples are taken at
// every vertex and in between, and each sample's geodesic distance to the other line is
// solved exactly (geo::EdgeIndex, best-first over an R-tree: O(log n) per query, so a
// comparison costs O(n log n)). With keep_samples the samples are at most max_step_m apart
// (the zones are built from them); without, the first ones are 16 steps apart and intervals
// are halved only where the bounds below ask for it. Between two samples on one geodesic
// edge, h metres apart with offsets d0 and d1 and nearest points Fa and Fb, the offset d is
//   - 1-Lipschitz in arc length (the distance to a fixed set changes by at most the distance
//     moved): the tent min(d0 + x, d1 + h - x) bounds it above, max(d0 - x, d1 - h + x) below;
//   - at most the distance to Fa or to Fb, each convex along a geodesic (Hessian comparison
//     with the ellipsoid's greatest curvature, 1 / b^2: convex while the distance is below a
//     quarter meridian, which every offset here is by far), so below the chords from d0 to
//     |P(b) Fa| and from |P(a) Fb| to d1;
//   - semiconcave where it is at least D > 0: d'' <= 1 / D along a geodesic (Hessian
//     comparison with the curvature's lower bound, 0, for each point of the other line; the
//     minimum of such functions keeps the bound), so at most x (h - x) / (2 D) below its chord.
// The refinement splits an interval when
//   - the sides of the tolerance differ: the bracket is narrowed (halved, or cut where the
//     chord meets the tolerance when the envelope proves every crossing that close) until
//     shorter than precision_m, and the crossing interpolated inside it;
//   - the envelope allows an excursion beyond the tolerance by more than precision_m between
//     two samples on the same side: none is missed, whatever the step. (One by less than
//     precision_m may be: a dip of depth e below the tolerance t is then up to sqrt(8 t e)
//     long, 14 m for t = 500 m and e = 5 cm, and the stretches on either side count as one.)
//   - the envelope allows a maximum above the best known one (of the stretch, or of the line)
//     by more than precision_m / 10 (branch and bound): every stretch's maximum offset and the
//     line's (the directed Hausdorff distance) are exact to precision_m;
//   - without keep_samples, it is longer than max_step_m and the envelope is more than
//     twice as wide as the accuracy promised below.
// Mean and median offsets. With keep_samples, the trapezoid rule on samples at most
// max_step_m apart: within (h^2 - (d1 - d0)^2) / 4 per interval, so the mean within
// max_step_m / 4 of the exact one, and the median of the chords within max_step_m / 2.
// Without, each interval's trapezoid is moved by its end correction h^2 (d0' - d1') / 12 (the
// slopes from the directions to the feet) as far as the envelope allows while staying within
// h max_step_m / 4 of the exact integral: the mean within max_step_m / 4. The median comes from
// the chords between the samples, which an interval no longer than max_step_m may leave up to
// max_step_m / 2 from the offset: the median within max_step_m / 2, as with keep_samples. In
// practice centimetres for the mean (docs/disputed.md). Lengths are geodesic arc lengths along the line (geo::length_m).

#include "geo/edge_index.hpp"
#include "geo/geometry.hpp"
#include "geo/progress.hpp"

#include <cstddef>
#include <vector>

namespace fergana::analysis {

struct LineCompareOptions {
    /// A point of one line farther than this from the other line is disputed. Must be > 0.
    /// Default 100 m.
    double tolerance_m = 100.0;
    /// With keep_samples, the longest distance between two samples along a line (every vertex
    /// is sampled too). Bounds the error of the mean and median offsets only (max_step_m / 4
    /// for the mean), with or without keep_samples. Default 50 m.
    double max_step_m = 50.0;
    /// Two stretches separated by an agreed gap shorter than this become one stretch (the gap
    /// counts as disputed). Negative: the tolerance. Default -1 (= tolerance_m).
    double merge_gap_m = -1.0;
    /// Tolerance crossings and maximum offsets are located to within this. Default 0.05 m.
    double precision_m = 0.05;
    /// Threads for the distance queries; 0: one per hardware thread. Default 0.
    unsigned threads = 0;
    /// Keep every sample in the result (zones are built from them), at most max_step_m
    /// apart. Without, samples are only as dense as the bounds require. Default false.
    bool keep_samples = false;
    /// Locate the maximum offset of every stretch and of the line to precision_m (branch and
    /// bound). Without it the maxima are those of the samples (within max_step_m / 2), and a
    /// lengths-and-counts query costs a third. Default true.
    bool refine_maxima = true;

    /// merge_gap_m with the negative default resolved.
    [[nodiscard]] double merge_gap() const noexcept {
        return merge_gap_m < 0.0 ? tolerance_m : merge_gap_m;
    }
};

/// A point of a line and its distance to the other line.
struct OffsetSample {
    std::size_t part = 0;  // index into the line geometry's lines()
    double along_m = 0.0;  // arc length from the part's first vertex
    geo::LonLat point;
    double offset_m = 0.0;       // geodesic distance to the other line
    geo::LonLat nearest;         // the nearest point of the other line
    geo::PartRef nearest_where;  // where on the other line `nearest` lies
};

/// A stretch of a line farther than the tolerance from the other line.
/// On a closed part (a ring drawn as a line, e.g. an enclave's boundary) a stretch may run
/// across the ring's first vertex: then `wraps` and to_m < from_m.
struct Stretch {
    std::size_t part = 0;
    double from_m = 0.0;         // along the part, where the offset rises above the tolerance
    double to_m = 0.0;           // (or the part's end)
    bool wraps = false;          // runs from from_m through the ring's seam to to_m
    bool whole_ring = false;     // the whole closed part is farther than the tolerance
    bool starts_at_end = false;  // from_m is the start of an open part, not a crossing
    bool ends_at_end = false;    // to_m is the end of an open part, not a crossing
    geo::Path path;              // the line between from_m and to_m, cut exactly there
    double length_m = 0.0;       // geodesic
    double max_offset_m = 0.0;
    geo::LonLat max_at;            // the point of the stretch farthest from the other line
    geo::LonLat max_nearest;       // and its nearest point on the other line
    double mean_offset_m = 0.0;    // length-weighted over the stretch
    std::size_t runs = 1;          // runs beyond the tolerance merged into this stretch
    std::size_t first_sample = 0;  // with keep_samples: the stretch's samples are
    std::size_t end_sample = 0;    // samples[first_sample, end_sample), crossings included
    std::size_t wrap_first = 0;    // and, when it wraps, samples[wrap_first, wrap_end) after them
    std::size_t wrap_end = 0;

    /// Starts and ends at tolerance crossings: the lines part and rejoin around it.
    [[nodiscard]] bool closed() const noexcept {
        return !starts_at_end && !ends_at_end && !whole_ring;
    }
};

/// One line measured against another.
struct LineProfile {
    double length_m = 0.0;
    std::vector<Stretch> stretches;   // by part, then along
    double disputed_length_m = 0.0;   // the stretches' total (merged gaps included)
    double beyond_tolerance_m = 0.0;  // length strictly farther than the tolerance
    std::size_t runs = 0;             // runs beyond the tolerance, before merging
    double max_offset_m = 0.0;        // the directed Hausdorff distance to the other line
    geo::LonLat max_at;
    geo::LonLat max_nearest;
    double mean_offset_m = 0.0;         // length-weighted
    double median_offset_m = 0.0;       // length-weighted
    std::size_t queries = 0;            // distance queries solved: a cost diagnostic
    std::vector<OffsetSample> samples;  // with keep_samples: by part, then along

    /// Length-weighted share of the line farther than `distance_m` from the other line,
    /// from the samples (needs keep_samples).
    [[nodiscard]] double share_beyond(double distance_m) const;
    /// The indices of a stretch's samples in order along it (needs keep_samples).
    [[nodiscard]] std::vector<std::size_t> sample_indices(const Stretch& stretch) const;
};

/// Measures every line of `line` against the geometry indexed in `other`.
/// Throws GeometryError when `line` has no line part of positive length.
LineProfile profile_line(const geo::Geometry& line, const geo::EdgeIndex& other,
                         const LineCompareOptions& options, const Progress& progress = {});

/// The part of `path` between arc lengths from_m and to_m (clamped to the path), its ends
/// interpolated on the geodesic edges that hold them.
geo::Path cut_path(const geo::Path& path, double from_m, double to_m);

/// Both directions and their maximum.
struct LineComparison {
    LineProfile a;             // line a against line b
    LineProfile b;             // line b against line a
    double hausdorff_m = 0.0;  // max(a.max_offset_m, b.max_offset_m)
};

/// Compares the lines of `a` and `b` (points and polygons are ignored).
LineComparison compare_lines(const geo::Geometry& a, const geo::Geometry& b,
                             const LineCompareOptions& options, const Progress& progress = {});

}  // namespace fergana::analysis
