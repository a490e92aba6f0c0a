#include "analysis/line_compare.hpp"

#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "geo/nearest.hpp"
#include "geo/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <future>
#include <limits>
#include <optional>
#include <string>
#include <thread>

namespace fergana::analysis {

namespace {

/// A line part prepared for walking by arc length.
struct Part {
    std::size_t index = 0;  // in the geometry's lines()
    const geo::Path* path = nullptr;
    std::vector<double> along;  // arc length at each vertex
    std::vector<geo::GeodesicEdge> edges;
    double length_m = 0.0;

    /// The point at arc length s, on the geodesic edge holding it.
    [[nodiscard]] geo::LonLat at(double s) const {
        if (s <= 0.0)
            return path->front();
        if (s >= length_m)
            return path->back();
        auto it = std::upper_bound(along.begin(), along.end(), s);
        std::size_t e = static_cast<std::size_t>(it - along.begin()) - 1;
        e = std::min(e, edges.size() - 1);
        const geo::GeodesicEdge& edge = edges[e];
        if (edge.length_m <= 0.0)
            return edge.a;
        return geo::geodesic_direct(edge.a, edge.azimuth_a_deg, s - along[e]);
    }
};

struct Node {
    double s = 0.0;
    geo::LonLat p;
    double d = std::numeric_limits<double>::infinity();
    geo::LonLat foot;
    geo::PartRef where;
    bool crossing = false;
    bool measured = false;
    const Part* on = nullptr;  // when set, p is still to be placed at s on this part
    // The feet's distances of the interval to the next node, once found (see envelope()):
    // valid while that node is still at arc length bounds_to.
    double bounds_to = -1.0;
    double to_next_foot = 0.0;  // from this node's point to the next node's foot
    double from_next = 0.0;     // from the next node's point to this node's foot
    // The interval to the next node (at this arc length) hides no excursion and is fine
    // enough for the mean: those checks depend on its ends only and need no repeating.
    double settled_to = -1.0;
};

/// The part between arc lengths from and to, its ends interpolated on their edges.
geo::Path cut(const Part& part, double from_m, double to_m) {
    from_m = std::clamp(from_m, 0.0, part.length_m);
    to_m = std::clamp(to_m, from_m, part.length_m);
    geo::Path out;
    out.push_back(part.at(from_m));
    const auto first =
        std::upper_bound(part.along.begin(), part.along.end(), from_m) - part.along.begin();
    for (auto v = static_cast<std::size_t>(first); v < part.path->size() && part.along[v] < to_m;
         ++v) {
        out.push_back((*part.path)[v]);
    }
    out.push_back(part.at(to_m));
    return out;
}

Node make_node(double s, geo::LonLat p) {
    Node n;
    n.s = s;
    n.p = p;
    return n;
}

/// A node at arc length s of `part`, placed on its edge by evaluate() (in parallel).
Node make_node(double s, const Part& part) {
    Node n;
    n.s = s;
    n.on = &part;
    return n;
}

std::vector<Part> prepare(const geo::Geometry& line) {
    std::vector<Part> parts;
    for (std::size_t i = 0; i < line.lines().size(); ++i) {
        const geo::Path& path = line.lines()[i];
        if (path.size() < 2)
            continue;
        Part part;
        part.index = i;
        part.path = &path;
        part.along.reserve(path.size());
        part.edges.reserve(path.size() - 1);
        double s = 0.0;
        part.along.push_back(0.0);
        for (std::size_t k = 0; k + 1 < path.size(); ++k) {
            part.edges.push_back(geo::GeodesicEdge::between(path[k], path[k + 1]));
            s += part.edges.back().length_m;
            part.along.push_back(s);
        }
        part.length_m = s;
        if (s > 0.0)
            parts.push_back(std::move(part));
    }
    return parts;
}

/// Solves the distance of every pending node to the other line, in parallel.
void evaluate(const geo::EdgeIndex& other, std::vector<Node*>& pending, unsigned threads,
              std::size_t& queries) {
    // One batch: samples along a line are close together, so nearest_all's reuse of the
    // candidate edges between neighbouring points (same answers, bit for bit) pays well.
    std::vector<geo::LonLat> points(pending.size());
    geo::parallel_for(pending.size(), 1024, threads, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
            Node& n = *pending[i];
            if (n.on != nullptr) {
                n.p = n.on->at(n.s);
                n.on = nullptr;
            }
            points[i] = n.p;
        }
    });
    const std::vector<std::optional<geo::EdgeHit>> hits = other.nearest_all(points, threads);
    for (std::size_t i = 0; i < pending.size(); ++i) {
        Node& n = *pending[i];
        const std::optional<geo::EdgeHit>& hit = hits[i];
        n.measured = true;
        if (hit) {
            n.d = hit->distance_m;
            n.foot = hit->nearest;
            n.where = hit->where;
        } else {
            n.d = std::numeric_limits<double>::infinity();
            n.foot = n.p;
        }
    }
    queries += pending.size();
    pending.clear();
}

/// The mean of a 1-Lipschitz offset over [a.s, b.s] times its length (trapezoid rule).
double integral(const Node& a, const Node& b) {
    return 0.5 * (a.d + b.d) * (b.s - a.s);
}

/// What the offset d can do between two neighbouring nodes a and b, h apart on one geodesic
/// edge, around their chord c(x) = d0 + (d1 - d0) x / h (x from a). See the header for the
/// reasoning; in short:
///   - above: d(x) <= c(x) + min(tent, feet). The tent is the 1-Lipschitz bound
///     min(d0 + x, d1 + h - x). The feet: d(x) <= |P(x) Fa| for a's nearest point Fa on the
///     other line, and a distance to a fixed point is convex along a geodesic (Hessian
///     comparison: the ellipsoid's curvature is positive and these distances are far below
///     a quarter meridian), so d(x) <= c(x) + (ga - d1) x / h with ga = |P(b) Fa|; likewise
///     d(x) <= c(x) + (gb - d0) (h - x) / h with gb = |P(a) Fb|.
///   - below: d(x) >= c(x) - min(tent, x (h - x) / (2 D)). Where d >= D > 0, the distance to
///     a set is semiconcave along a geodesic, d'' <= 1 / D (Hessian comparison again), and
///     the Lipschitz tent gives D = (d0 + d1 - h) / 2.
struct Envelope {
    double above_m = 0.0;    // d - c at most, anywhere in the interval
    double above_m2 = 0.0;   // the integral of d - c at most
    double below_m = 0.0;    // c - d at most
    double below_m2 = 0.0;   // the integral of c - d at most
    double max_offset_m = 0.0;  // d at most
};

/// An upper bound of the geodesic distance between two points, from their chord c: a
/// geodesic is a space curve of curvature at most a / b^2 (WGS84's largest normal
/// curvature), so by Schur's comparison theorem it is no longer than the circular arc of
/// radius b^2 / a (6,335,439 m) on the same chord. Above the geodesic by c^3 / (24 rho^2):
/// 0.3 um at 1 km, 0.3 mm at 10 km.
double geodesic_upper_bound_m(const geo::Ecef& p, const geo::Ecef& q) {
    constexpr double rho_m = 6.335e6;  // a little below b^2 / a: a longer bound
    const double c = geo::chord_m(p, q);
    return 2.0 * rho_m * std::asin(std::min(1.0, c / (2.0 * rho_m))) + 1e-8;
}

/// The unit vector from p to q, or nothing when they coincide.
std::optional<std::array<double, 3>> direction(const geo::Ecef& p, const geo::Ecef& q) {
    const std::array<double, 3> v{q.x - p.x, q.y - p.y, q.z - p.z};
    const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (!(n > 0.0))
        return std::nullopt;
    return std::array<double, 3>{v[0] / n, v[1] / n, v[2] / n};
}

/// The envelope of the interval from a to its next node b. ga = |P(b) Fa| and gb = |P(a) Fb|
/// (upper bounds of them: that only widens the envelope) are found once per interval and
/// kept in `a`. Without `feet` only the tent and the semiconcave bound are used.
Envelope envelope(Node& a, const Node& b, bool feet = true) {
    const double h = b.s - a.s;
    const double d0 = a.d;
    const double d1 = b.d;
    if (feet && a.bounds_to != b.s) {
        a.from_next = geodesic_upper_bound_m(geo::to_ecef(b.p), geo::to_ecef(a.foot));
        a.to_next_foot = geodesic_upper_bound_m(geo::to_ecef(a.p), geo::to_ecef(b.foot));
        a.bounds_to = b.s;
    }
    // Both ga >= d1 and gb >= d0 (d is the least distance); a micrometre covers the rounding
    // of the solved distances and nearest points.
    constexpr double slack_m = 1e-6;
    const double alpha = std::max(0.0, a.from_next - d1) + slack_m;
    const double beta = std::max(0.0, a.to_next_foot - d0) + slack_m;
    const double delta = d1 - d0;
    const double tent_m = std::max(0.0, (h * h - delta * delta) / (2.0 * h));
    const double tent_m2 = 0.5 * h * tent_m;

    Envelope e;
    e.above_m = tent_m;
    e.above_m2 = tent_m2;
    e.max_offset_m = 0.5 * (d0 + d1 + h);
    if (feet) {
        const double feet_m = alpha * beta / (alpha + beta);
        e.above_m = std::min(tent_m, feet_m);
        e.above_m2 = std::min(tent_m2, 0.5 * h * feet_m);
        // The upper bound c + min(alpha x / h, beta (h - x) / h) is concave and peaks where
        // the two meet; the tent's peak is (d0 + d1 + h) / 2.
        const double u = beta / (alpha + beta);
        e.max_offset_m = std::min(e.max_offset_m, std::max({d0, d1, d0 + delta * u + feet_m}));
    }
    e.below_m = tent_m;
    e.below_m2 = tent_m2;
    const double least_m = 0.5 * (d0 + d1 - h);
    if (least_m > 0.0) {
        e.below_m = std::min(e.below_m, h * h / (8.0 * least_m));
        e.below_m2 = std::min(e.below_m2, h * h * h / (12.0 * least_m));
    }
    return e;
}

/// The end correction of the trapezoid rule over the interval from a to b, h^2 (d0' - d1') / 12,
/// from the offset's slopes at both ends, found with the feet (0 where a slope is unknown).
/// Exact for a cubic; an estimate only, which estimate() keeps inside the envelope.
double end_correction_m2(const Node& a, const Node& b) {
    const double h = b.s - a.s;
    const geo::Ecef pa = geo::to_ecef(a.p);
    const geo::Ecef pb = geo::to_ecef(b.p);
    // d'(x) = -cos(angle between the line and the way to the foot). The chord of the interval
    // and the chords to the feet stand for the geodesics' directions: they lean out of the
    // horizontal by h / 2R and d / 2R, which moves the cosines only to second order (below
    // 1e-6 here).
    const auto along = direction(pa, pb);
    const auto to_fa = direction(pa, geo::to_ecef(a.foot));
    const auto to_fb = direction(pb, geo::to_ecef(b.foot));
    if (!along || !to_fa || !to_fb) return 0.0;
    auto dot = [](const std::array<double, 3>& u, const std::array<double, 3>& v) {
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    };
    const double slope0 = -dot(*along, *to_fa);
    const double slope1 = -dot(*along, *to_fb);
    return h * h * (slope0 - slope1) / 12.0;
}

/// x moved into [lo, hi], or the middle of the envelope when that range is empty.
double within(double x, double lo, double hi, double middle) {
    return lo <= hi ? std::clamp(x, lo, hi) : middle;
}

/// An interval's share of the mean and median where it may be coarser than max_step_m.
struct Estimate {
    double integral_m2 = 0.0;  // of the offset over the interval
    double shift_m = 0.0;      // the chord moved by this stands for the offset (median)
};

/// The interval from a to its next node b, h long, estimated as accurately as on max_step_m
/// samples in the worst case. The exact integral lies within [-below_m2, above_m2] of the
/// trapezoid: any estimate within [above_m2 - B, B - below_m2] of it is within B = h step / 4
/// of the exact one, and the end correction is moved into that range. Likewise, pointwise,
/// the chord moved by the mean correction stays within step / 4 of the offset. (Where a range
/// is empty, for an interval the refinement left coarser, the envelope's middle.)
Estimate estimate(Node& a, const Node& b, double step) {
    const double h = b.s - a.s;
    const double trapezoid = integral(a, b);
    if (!std::isfinite(trapezoid) || !(h > 0.0))
        return {trapezoid, 0.0};
    const Envelope e = envelope(a, b);
    const double budget = 0.25 * h * step;
    const double c = within(end_correction_m2(a, b), std::max(-e.below_m2, e.above_m2 - budget),
                            std::min(e.above_m2, budget - e.below_m2),
                            0.5 * (e.above_m2 - e.below_m2));
    const double shift = within(c / h, e.above_m - 0.25 * step, 0.25 * step - e.below_m,
                                0.5 * (e.above_m - e.below_m));
    return {trapezoid + c, shift};
}

/// The length-weighted median of the offset taken as linear between neighbouring nodes:
/// pieces (d at one end, d at the other, length).
double median_of(const std::vector<std::array<double, 3>>& pieces, double total_m) {
    struct Event {
        double at;     // an offset
        double jump;   // the length whose offset is exactly `at`
        double slope;  // the change in length per metre of offset from here on
    };
    std::vector<Event> events;
    events.reserve(2 * pieces.size());
    for (const auto& [d0, d1, length] : pieces) {
        if (!(length > 0.0))
            continue;
        const double lo = std::min(d0, d1);
        const double hi = std::max(d0, d1);
        if (hi > lo && std::isfinite(hi)) {
            events.push_back(Event{lo, 0.0, length / (hi - lo)});
            events.push_back(Event{hi, 0.0, -length / (hi - lo)});
        } else {
            events.push_back(Event{0.5 * (d0 + d1), length, 0.0});
        }
    }
    if (events.empty())
        return 0.0;
    std::sort(events.begin(), events.end(),
              [](const Event& x, const Event& y) { return x.at < y.at; });
    const double half = 0.5 * total_m;
    double below = 0.0;  // the length with an offset below `at`
    double slope = 0.0;
    double at = events.front().at;
    for (const Event& e : events) {
        const double reach = below + slope * (e.at - at);
        if (slope > 0.0 && reach >= half)
            return at + (half - below) / slope;
        below = reach;
        at = e.at;
        below += e.jump;
        if (below >= half)
            return at;
        slope += e.slope;
    }
    return at;
}

}  // namespace

std::vector<std::size_t> LineProfile::sample_indices(const Stretch& stretch) const {
    std::vector<std::size_t> out;
    for (std::size_t i = stretch.first_sample; i < stretch.end_sample && i < samples.size(); ++i)
        out.push_back(i);
    for (std::size_t i = stretch.wrap_first; i < stretch.wrap_end && i < samples.size(); ++i)
        out.push_back(i);
    return out;
}

double LineProfile::share_beyond(double distance_m) const {
    if (!(length_m > 0.0))
        return 0.0;
    double beyond = 0.0;
    for (std::size_t i = 0; i + 1 < samples.size(); ++i) {
        const OffsetSample& a = samples[i];
        const OffsetSample& b = samples[i + 1];
        if (a.part != b.part)
            continue;
        const double h = b.along_m - a.along_m;
        if (h <= 0.0)
            continue;
        const bool above_a = a.offset_m > distance_m;
        const bool above_b = b.offset_m > distance_m;
        if (above_a && above_b) {
            beyond += h;
        } else if (above_a != above_b) {
            // Linear between the samples: the share of the interval above the threshold.
            const double x = (distance_m - a.offset_m) / (b.offset_m - a.offset_m);
            beyond += above_a ? x * h : (1.0 - x) * h;
        }
    }
    return beyond / length_m;
}

LineProfile profile_line(const geo::Geometry& line, const geo::EdgeIndex& other,
                         const LineCompareOptions& options, const Progress& progress) {
    const double t = options.tolerance_m;
    const double eps = options.precision_m;
    if (!(t > 0.0) || !std::isfinite(t)) {
        throw GeometryError("line comparison: the tolerance must be a positive number of metres");
    }
    if (!(options.max_step_m > 0.0) || !(eps > 0.0)) {
        throw GeometryError("line comparison: the sampling step and precision must be positive");
    }
    const std::vector<Part> parts = prepare(line);
    if (parts.empty()) {
        throw GeometryError("line comparison: the geometry has no line of positive length");
    }

    LineProfile out;
    std::vector<std::vector<Node>> nodes(parts.size());
    std::vector<Node*> pending;

    // Every vertex, and enough points between them that no two samples are farther apart
    // than max_step_m. Without keep_samples the first samples are sparser (coarse_steps
    // steps apart) and the refinement below adds samples only where the bounds ask for them:
    // near the tolerance, near maxima, and where the mean or median would lose accuracy.
    const bool sparse = !options.keep_samples;
    constexpr double coarse_steps = 16.0;
    const double first_step_m = sparse ? coarse_steps * options.max_step_m : options.max_step_m;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const Part& part = parts[k];
        out.length_m += part.length_m;
        std::vector<Node>& list = nodes[k];
        for (std::size_t e = 0; e < part.edges.size(); ++e) {
            const double s0 = part.along[e];
            const double h = part.edges[e].length_m;
            if (list.empty() || s0 > list.back().s)
                list.push_back(make_node(s0, (*part.path)[e]));
            if (h <= 0.0)
                continue;
            const auto steps = static_cast<std::size_t>(std::ceil(h / first_step_m));
            for (std::size_t j = 1; j < steps; ++j) {
                const double u = h * static_cast<double>(j) / static_cast<double>(steps);
                list.push_back(make_node(s0 + u, part));
            }
        }
        if (list.back().s < part.length_m)
            list.push_back(make_node(part.length_m, part.path->back()));
        for (Node& n : list) pending.push_back(&n);
    }
    report(progress, 0.0, "measuring offsets");
    evaluate(other, pending, options.threads, out.queries);

    // Refinement: split the intervals that may hide a crossing, an excursion beyond the
    // tolerance or a larger maximum, and (sparse) those longer than max_step_m whose mean or
    // median would be less accurate than at max_step_m (see the header for the bounds).
    const double step = options.max_step_m;
    // The feet bound makes maxima cheap to pin down: they are located ten times finer than
    // precision_m (the guarantee stays precision_m).
    const double max_eps = 0.1 * eps;
    // Halving an interval of 20,000 km to 5 mm takes 32 rounds: 64 are never used up unless
    // something is wrong, and then the bounds would no longer hold: an error, never a quiet
    // answer.
    constexpr int max_rounds = 64;
    bool converged = false;
    for (int round = 0; round < max_rounds; ++round) {
        double global_best = 0.0;
        for (const auto& list : nodes)
            for (const Node& n : list) global_best = std::max(global_best, n.d);
        std::vector<std::vector<Node>> next(parts.size());
        bool split_any = false;
        for (std::size_t k = 0; k < parts.size(); ++k) {
            const std::vector<Node>& list = nodes[k];
            // The best offset of the run beyond the tolerance each node belongs to.
            std::vector<double> run_best(list.size(), 0.0);
            for (std::size_t i = 0; i < list.size();) {
                if (!(list[i].d > t)) {
                    ++i;
                    continue;
                }
                std::size_t j = i;
                double best = 0.0;
                while (j < list.size() && list[j].d > t) best = std::max(best, list[j++].d);
                for (std::size_t m = i; m < j; ++m) run_best[m] = best;
                i = j;
            }
            std::vector<Node>& out_list = next[k];
            out_list.reserve(list.size() + list.size() / 4);
            for (std::size_t i = 0; i < list.size(); ++i) {
                out_list.push_back(list[i]);
                if (i + 1 == list.size())
                    break;
                Node& a = out_list.back();  // keeps the envelope's distances
                const Node& b = list[i + 1];
                const double h = b.s - a.s;
                if (!(h > eps))
                    continue;
                const bool far_a = a.d > t;
                const bool far_b = b.d > t;
                bool split = far_a != far_b;
                const bool finite = std::isfinite(a.d) && std::isfinite(b.d);
                const bool settled = a.settled_to == b.s;
                if (!split && !settled &&
                    std::fabs(a.d - t) + std::fabs(b.d - t) + 2.0 * eps <= h) {
                    // The tent allows an excursion across the tolerance: the envelope may not.
                    split = true;
                    if (finite) {
                        const Envelope e = envelope(a, b, !far_a);
                        split = far_a ? std::min(a.d, b.d) - e.below_m < t - eps
                                      : e.max_offset_m > t + eps;
                    }
                }
                if (!split && !settled && finite && sparse && h > step) {
                    // Coarser than max_step_m: keep the interval only if estimate() can stay
                    // within h * step / 4 of its integral and step / 4 of its offset, i.e.
                    // the envelope is at most twice that wide. What lies below the chord
                    // needs no distances: rule on it first.
                    const Envelope lower = envelope(a, b, false);
                    split = lower.below_m2 > 0.5 * h * step || lower.below_m > 0.5 * step;
                    if (!split) {
                        const Envelope e = envelope(a, b);
                        split = e.above_m2 + e.below_m2 > 0.5 * h * step ||
                                e.above_m + e.below_m > 0.5 * step;
                    }
                }
                if (!split)
                    a.settled_to = b.s;
                if (!split && finite && options.refine_maxima) {
                    // Repeated every round: the best offsets it is held to change.
                    const double best = far_a ? run_best[i] : global_best;
                    // The tent first; the feet only when it cannot rule a larger maximum out.
                    split = 0.5 * (a.d + b.d + h) > best + max_eps &&
                            envelope(a, b).max_offset_m > best + max_eps;
                }
                if (split) {
                    // Halved; but a crossing lies where the chord meets the tolerance, give or
                    // take what the envelope allows: |d - c| <= w puts every crossing within
                    // w / |slope| of that point. When that is narrower than a halving, the
                    // bracket is cut there on both sides (at least eps / 4 apart). Either way
                    // a change of side stays between two nodes, so no crossing can be lost.
                    double cuts[2] = {0.5 * (a.s + b.s), 0.0};
                    int count = 1;
                    if (far_a != far_b && finite) {
                        const Envelope e = envelope(a, b);
                        const double slope = std::fabs(b.d - a.d) / h;
                        const double meets = a.s + h * (t - a.d) / (b.d - a.d);
                        const double reach =
                            std::max(e.above_m, e.below_m) / slope * (1.0 + 1e-9) + 1e-9;
                        if (2.0 * reach <= 0.5 * h) {
                            const double r = std::max(reach, 0.25 * eps);
                            count = 0;
                            if (meets - r > a.s)
                                cuts[count++] = meets - r;
                            if (meets + r < b.s)
                                cuts[count++] = meets + r;
                        }
                    }
                    for (int c = 0; c < count; ++c) out_list.push_back(make_node(cuts[c], parts[k]));
                    split_any = true;
                }
            }
        }
        if (!split_any) {
            converged = true;
            break;
        }
        nodes = std::move(next);
        for (auto& list : nodes)
            for (Node& n : list)
                if (!n.measured)
                    pending.push_back(&n);
        report(progress, std::min(0.9, 0.1 + 0.05 * round), "refining crossings and maxima");
        evaluate(other, pending, options.threads, out.queries);
    }
    if (!converged) {
        throw GeometryError("line comparison: the crossings and maxima did not settle in " +
                            std::to_string(max_rounds) + " rounds of refinement (non-finite distances?)");
    }

    // The crossings, interpolated inside their (now tiny) brackets, and measured.
    for (std::size_t k = 0; k < parts.size(); ++k) {
        std::vector<Node>& list = nodes[k];
        std::vector<Node> with;
        with.reserve(list.size() + 16);
        for (std::size_t i = 0; i < list.size(); ++i) {
            with.push_back(list[i]);
            if (i + 1 == list.size())
                break;
            const Node& a = list[i];
            const Node& b = list[i + 1];
            if ((a.d > t) == (b.d > t))
                continue;
            const double x = std::clamp((t - a.d) / (b.d - a.d), 0.0, 1.0);
            const double s = a.s + x * (b.s - a.s);
            Node c = make_node(s, parts[k]);
            c.crossing = true;
            with.push_back(c);
        }
        list = std::move(with);
    }
    for (auto& list : nodes)
        for (Node& n : list)
            if (!n.measured)
                pending.push_back(&n);
    evaluate(other, pending, options.threads, out.queries);

    // Runs beyond the tolerance, merged into stretches across short agreed gaps. On a closed
    // part (a ring drawn as a line) the seam at its first vertex is no end: runs meet across it.
    const double gap = options.merge_gap();
    double weighted = 0.0;
    std::vector<std::array<double, 3>> pieces;  // (offset, offset, length) for the median
    std::size_t sample_base = 0;
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const Part& part = parts[k];
        std::vector<Node>& list = nodes[k];  // estimate() keeps bounds in the nodes
        const double length = part.length_m;
        const bool closed = part.path->size() > 3 && part.path->front() == part.path->back();
        // Each interval's integral of the offset and its piece for the median: on the dense
        // samples the trapezoid and the chord, as always; sparse, estimate()'s, within
        // h * max_step_m / 4 and max_step_m / 4.
        std::vector<double> area(list.size() - 1);
        for (std::size_t i = 0; i + 1 < list.size(); ++i) {
            const double h = list[i + 1].s - list[i].s;
            const Estimate e = sparse ? estimate(list[i], list[i + 1], step)
                                      : Estimate{integral(list[i], list[i + 1]), 0.0};
            area[i] = e.integral_m2;
            weighted += area[i];
            pieces.push_back({list[i].d + e.shift_m, list[i + 1].d + e.shift_m, h});
        }
        for (const Node& n : list) {
            if (n.d > out.max_offset_m) {
                out.max_offset_m = n.d;
                out.max_at = n.p;
                out.max_nearest = n.foot;
            }
        }
        struct Run {
            std::size_t first;
            std::size_t last;
            std::size_t runs;
        };
        std::vector<Run> runs;
        bool in_run = !list.empty() && list.front().d > t && !list.front().crossing;
        std::size_t start = 0;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].crossing)
                continue;
            if (!in_run) {
                start = i;
                in_run = true;
            } else {
                runs.push_back(Run{start, i, 1});
                in_run = false;
            }
        }
        if (in_run)
            runs.push_back(Run{start, list.size() - 1, 1});
        out.runs += runs.size();
        for (const Run& r : runs) out.beyond_tolerance_m += list[r.last].s - list[r.first].s;
        if (closed && runs.size() > 1 && runs.front().first == 0 &&
            runs.back().last + 1 == list.size()) {
            --out.runs;  // one run across the seam, counted twice
        }

        std::vector<Run> merged;
        for (const Run& r : runs) {
            if (!merged.empty() && list[r.first].s - list[merged.back().last].s < gap) {
                merged.back().last = r.last;
                merged.back().runs += r.runs;
            } else {
                merged.push_back(r);
            }
        }
        // Across the seam of a closed part.
        bool whole = false;
        bool wrap = false;
        if (closed && !merged.empty()) {
            const double seam_gap =
                (length - list[merged.back().last].s) + list[merged.front().first].s;
            if (merged.size() == 1) {
                whole = seam_gap < gap ||
                        (merged.front().first == 0 && merged.front().last + 1 == list.size());
            } else {
                wrap = seam_gap < gap ||
                       (merged.front().first == 0 && merged.back().last + 1 == list.size());
            }
        }

        auto add_stats = [&](Stretch& st, std::size_t first, std::size_t last, double& sum) {
            for (std::size_t i = first; i <= last; ++i) {
                if (i < last)
                    sum += area[i];
                if (list[i].d > st.max_offset_m) {
                    st.max_offset_m = list[i].d;
                    st.max_at = list[i].p;
                    st.max_nearest = list[i].foot;
                }
            }
        };
        auto emit = [&](Stretch st, double sum) {
            st.part = part.index;
            st.mean_offset_m = st.length_m > 0.0 ? sum / st.length_m : st.max_offset_m;
            out.disputed_length_m += st.length_m;
            out.stretches.push_back(std::move(st));
        };
        if (whole) {
            Stretch st;
            st.whole_ring = true;
            st.from_m = 0.0;
            st.to_m = length;
            st.length_m = length;
            st.runs = runs.size();
            st.path = *part.path;
            double sum = 0.0;
            add_stats(st, 0, list.size() - 1, sum);
            st.first_sample = sample_base;
            st.end_sample = sample_base + list.size();
            emit(std::move(st), sum);
        } else {
            const std::size_t first_plain = wrap ? 1 : 0;
            const std::size_t end_plain = wrap ? merged.size() - 1 : merged.size();
            for (std::size_t m = first_plain; m < end_plain; ++m) {
                const Run& r = merged[m];
                Stretch st;
                st.from_m = list[r.first].s;
                st.to_m = list[r.last].s;
                st.length_m = st.to_m - st.from_m;
                st.runs = r.runs;
                st.starts_at_end = !closed && r.first == 0 && !list[r.first].crossing;
                st.ends_at_end = !closed && r.last + 1 == list.size() && !list[r.last].crossing;
                st.path = cut(part, st.from_m, st.to_m);
                double sum = 0.0;
                add_stats(st, r.first, r.last, sum);
                st.first_sample = sample_base + r.first;
                st.end_sample = sample_base + r.last + 1;
                emit(std::move(st), sum);
            }
            if (wrap) {
                const Run& tail = merged.back();
                const Run& head = merged.front();
                Stretch st;
                st.wraps = true;
                st.from_m = list[tail.first].s;
                st.to_m = list[head.last].s;
                st.length_m = (length - st.from_m) + st.to_m;
                st.runs = tail.runs + head.runs;
                st.path = cut(part, st.from_m, length);
                const geo::Path head_path = cut(part, 0.0, st.to_m);
                st.path.insert(st.path.end(), head_path.begin() + 1, head_path.end());
                double sum = 0.0;
                add_stats(st, tail.first, list.size() - 1, sum);
                add_stats(st, 0, head.last, sum);
                st.first_sample = sample_base + tail.first;
                st.end_sample = sample_base + list.size();
                st.wrap_first = sample_base + 1;  // node 0 repeats the last node
                st.wrap_end = sample_base + head.last + 1;
                emit(std::move(st), sum);
            }
        }
        if (options.keep_samples) {
            for (const Node& n : list) {
                out.samples.push_back(OffsetSample{part.index, n.s, n.p, n.d, n.foot, n.where});
            }
        }
        sample_base += list.size();
    }
    // Stretches in part order, then along (a wrapped stretch sorts by its start).
    std::stable_sort(out.stretches.begin(), out.stretches.end(),
                     [](const Stretch& x, const Stretch& y) {
                         return x.part != y.part ? x.part < y.part : x.from_m < y.from_m;
                     });
    out.mean_offset_m = out.length_m > 0.0 ? weighted / out.length_m : 0.0;
    out.median_offset_m = median_of(pieces, out.length_m);
    report(progress, 1.0, "offsets measured");
    return out;
}

geo::Path cut_path(const geo::Path& path, double from_m, double to_m) {
    geo::Geometry single = geo::Geometry::line(path);
    const std::vector<Part> parts = prepare(single);
    if (parts.empty())
        return path.empty() ? geo::Path{} : geo::Path{path.front()};
    return cut(parts.front(), from_m, to_m);
}

namespace {

geo::Geometry lines_of(const geo::Geometry& g) {
    return geo::Geometry::multi_line(g.lines());
}

}  // namespace

LineComparison compare_lines(const geo::Geometry& a, const geo::Geometry& b,
                             const LineCompareOptions& options, const Progress& progress) {
    const geo::Geometry la = lines_of(a);
    const geo::Geometry lb = lines_of(b);
    const geo::EdgeIndex index_a(std::span<const geo::Geometry>(&la, 1), options.threads);
    const geo::EdgeIndex index_b(std::span<const geo::Geometry>(&lb, 1), options.threads);
    LineComparison c;
    // The two directions on threads of their own when there are two: each profile has long
    // stretches of single-threaded refinement between its batches of queries. The answers do
    // not depend on it (every query is solved alone). Progress follows the first direction.
    const unsigned threads = options.threads != 0 ? options.threads
                                                  : std::max(1U, std::thread::hardware_concurrency());
    if (threads >= 2) {
        LineCompareOptions oa = options;
        LineCompareOptions ob = options;
        oa.threads = threads / 2;
        ob.threads = threads - threads / 2;
        std::future<LineProfile> b_profile =
            std::async(std::launch::async, [&] { return profile_line(lb, index_a, ob); });
        c.a = profile_line(la, index_b, oa, progress);
        c.b = b_profile.get();
    } else {
        c.a = profile_line(la, index_b, options, [&](double f, std::string_view stage) {
            report(progress, 0.5 * f, stage);
        });
        c.b = profile_line(lb, index_a, options, [&](double f, std::string_view stage) {
            report(progress, 0.5 + 0.5 * f, stage);
        });
    }
    c.hausdorff_m = std::max(c.a.max_offset_m, c.b.max_offset_m);
    return c;
}

}  // namespace fergana::analysis
