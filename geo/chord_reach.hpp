#pragma once
// "Is the geodesic distance between these two points at most R?" answered from the straight
// line between their Earth-centred coordinates where the proven chord bounds of
// geo/nearest.hpp settle it, so that only the pairs in a thin band around R need the inverse
// geodesic problem.
//
//   const geo::ChordReach reach(20000.0);
//   const double chord2_m2 = geo::chord2_m2(geo::to_ecef(a), geo::to_ecef(b));
//   switch (reach.side(chord2_m2)) {
//       case geo::ChordReach::Side::Outside: ...;  // the geodesic is longer than 20 km
//       case geo::ChordReach::Side::Inside: ...;   // it is at most 20 km
//       case geo::ChordReach::Side::Undecided: geo::distance_m(a, b) <= 20000.0 decides
//   }
//
// Outside: the chord less 1 um (the rounding margin of edge_distance_lower_bound_m) exceeds R,
// and a chord is never longer than the geodesic. Inside: geodesic_length_upper_bound_m is at
// most R for every pair with so short a chord (the bound is largest when the chord runs along
// the polar axis, which the constructor evaluates), and that bound already includes PROJ's
// rounding. "Inside" and "Outside" therefore agree with the comparison of geo::distance_m
// itself with R. The band between them is at most 0.34 % of R wide: 68 m at 20 km.

#include "geo/nearest.hpp"

namespace fergana::geo {

/// The squared straight-line distance in m^2 between two Earth-centred points.
[[nodiscard]] inline double chord2_m2(const Ecef& a, const Ecef& b) noexcept {
    const double dx = a.x - b.x;
    const double dy = a.y - b.y;
    const double dz = a.z - b.z;
    return dx * dx + dy * dy + dz * dz;
}

class ChordReach {
public:
    enum class Side { Outside, Inside, Undecided };

    /// radius_m: inclusive. A radius that is negative or NaN reaches nothing (every pair is
    /// Outside); an infinite one reaches everything.
    explicit ChordReach(double radius_m) noexcept;

    [[nodiscard]] double radius_m() const noexcept { return m_radius_m; }
    /// The longest chord that can be in reach: a search window of this half-width holds
    /// every point within radius_m. 0 when nothing is in reach (see reaches_nothing()).
    [[nodiscard]] double max_chord_m() const noexcept { return m_max_chord_m; }
    [[nodiscard]] bool reaches_nothing() const noexcept { return m_nothing; }

    [[nodiscard]] Side side(double chord2_m2) const noexcept {
        if (m_nothing || chord2_m2 > m_outside_chord2_m2) {
            return Side::Outside;
        }
        return chord2_m2 <= m_inside_chord2_m2 ? Side::Inside : Side::Undecided;
    }

private:
    double m_radius_m = 0.0;
    bool m_nothing = false;
    double m_max_chord_m = 0.0;
    double m_outside_chord2_m2 = 0.0;  // beyond this squared chord: farther than the radius
    double m_inside_chord2_m2 = -1.0;  // up to this squared chord: within the radius
};

}  // namespace fergana::geo
