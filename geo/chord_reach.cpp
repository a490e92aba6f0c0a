#include "geo/chord_reach.hpp"

#include <cmath>

namespace fergana::geo {

namespace {

// The largest x in [0, hi] with bound(x) <= limit, for a bound that never decreases with x;
// -1 when even bound(0) exceeds the limit. Found by bisection down to adjacent doubles, so
// the threshold comes from the bound's own code and not from an inverted formula.
template <typename Bound>
double largest_within(Bound&& bound, double hi, double limit) noexcept {
    if (bound(hi) <= limit) {
        return hi;
    }
    if (!(bound(0.0) <= limit)) {
        return -1.0;
    }
    double lo = 0.0;
    for (;;) {
        const double mid = lo + 0.5 * (hi - lo);
        if (!(mid > lo && mid < hi)) {
            return lo;
        }
        (bound(mid) <= limit ? lo : hi) = mid;
    }
}

}  // namespace

ChordReach::ChordReach(double radius_m) noexcept : m_radius_m(radius_m) {
    if (!(radius_m >= 0.0)) {
        m_nothing = true;
        return;
    }
    // Outside: the lower bound of edge_distance_lower_bound_m (the chord less its rounding
    // margin) for a chord of length x, and the first chord beyond the largest that passes.
    const double outside = largest_within(
        [](double x) {
            return edge_distance_lower_bound_m({x, 0.0, 0.0}, {}, {}, 0.0);
        },
        radius_m + 1.0, radius_m);
    m_max_chord_m = outside;
    m_outside_chord2_m2 = outside * outside;
    // Inside: geodesic_length_upper_bound_m stretches the polar axis by a/b, so among the
    // chords of one length it is largest for a chord along that axis; the chord is never longer
    // than the bound, so nothing beyond radius_m qualifies.
    const double inside = largest_within(
        [](double x) {
            return geodesic_length_upper_bound_m({}, {0.0, 0.0, x});
        },
        radius_m, radius_m);
    m_inside_chord2_m2 = inside < 0.0 ? -1.0 : inside * inside;
}

}  // namespace fergana::geo
