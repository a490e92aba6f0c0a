// geo::ChordReach against PROJ's inverse geodesic problem: a pair it calls Inside is never
// farther than the radius, one it calls Outside never nearer, and it leaves undecided only
// pairs within 0.34 % of the radius (the upper bound's stated excess).
#include "bench/brute_force.hpp"
#include "geo/chord_reach.hpp"

#include "geo/geodesic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace fergana::geo {
namespace {

// PROJ directly (not geo::distance_m), incident first as the analyses measure.
double reference_m(LonLat from, LonLat to) {
    static const bench::BruteForce brute;
    return brute.distance_m(from, to);
}

ChordReach::Side side_of(const ChordReach& reach, LonLat a, LonLat b) {
    return reach.side(chord2_m2(to_ecef(a), to_ecef(b)));
}

TEST(ChordReach, AgreesWithTheGeodesicAroundTheRadius) {
    std::mt19937_64 rng(20261122);
    std::uniform_real_distribution<double> azimuth(-180.0, 180.0);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    std::size_t undecided = 0;
    std::size_t pairs = 0;
    for (const double radius_m : {1.0, 5000.0, 20000.0, 100000.0, 1000000.0}) {
        const ChordReach reach(radius_m);
        for (const double lat : {0.0, 40.5, -63.0, 80.0, 89.9}) {
            for (int n = 0; n < 400; ++n) {
                const LonLat centre{71.0, lat};
                // Mostly within 1 % of the radius, some right at it.
                const double d = n % 4 == 0 ? radius_m + 1e-3 * unit(rng) : radius_m * (1.0 + 0.01 * unit(rng));
                const LonLat p = geodesic_direct(centre, azimuth(rng), d);
                const double exact = reference_m(p, centre);
                ++pairs;
                switch (side_of(reach, p, centre)) {
                    case ChordReach::Side::Inside: EXPECT_LE(exact, radius_m) << lat << " " << d; break;
                    case ChordReach::Side::Outside: EXPECT_GT(exact, radius_m) << lat << " " << d; break;
                    case ChordReach::Side::Undecided:
                        ++undecided;
                        EXPECT_LE(std::fabs(exact - radius_m), 0.0034 * radius_m + 1e-5) << lat << " " << d;
                        break;
                }
            }
        }
    }
    // Roughly a third of the pairs lie within 0.34 % of the radius.
    EXPECT_GT(undecided, pairs / 10);
    EXPECT_LT(undecided, pairs / 2);
}

TEST(ChordReach, ClearCasesAreDecidedFromTheChord) {
    const ChordReach reach(20000.0);
    EXPECT_NEAR(reach.max_chord_m(), 20000.0, 2e-6);  // the chord less 1 um must not exceed 20 km
    const LonLat centre{71.0, 40.5};
    for (const double azimuth_deg : {0.0, 45.0, 90.0, 180.0, 300.0}) {
        EXPECT_EQ(side_of(reach, geodesic_direct(centre, azimuth_deg, 19900.0), centre), ChordReach::Side::Inside);
        EXPECT_EQ(side_of(reach, geodesic_direct(centre, azimuth_deg, 20010.0), centre), ChordReach::Side::Outside);
    }
    EXPECT_EQ(side_of(reach, centre, centre), ChordReach::Side::Inside);
    // The same point: within the rounding tolerance surely, for a radius of 0 the upper bound's
    // 1 um margin leaves it to the geodesic. Nothing is within a negative or NaN radius, and
    // everything (even the antipode) within an infinite one.
    EXPECT_EQ(side_of(ChordReach(radius_tolerance_m), centre, centre), ChordReach::Side::Inside);
    EXPECT_EQ(side_of(ChordReach(0.0), centre, centre), ChordReach::Side::Undecided);
    EXPECT_TRUE(ChordReach(-1.0).reaches_nothing());
    EXPECT_EQ(side_of(ChordReach(-1.0), centre, centre), ChordReach::Side::Outside);
    EXPECT_TRUE(ChordReach(std::numeric_limits<double>::quiet_NaN()).reaches_nothing());
    const ChordReach everything(std::numeric_limits<double>::infinity());
    EXPECT_EQ(side_of(everything, centre, {-109.0, -40.5}), ChordReach::Side::Inside);
}

}  // namespace
}  // namespace fergana::geo
