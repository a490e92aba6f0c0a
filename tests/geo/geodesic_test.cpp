// Reference values from GeographicLib 2.1.2's command-line tools (Debian
// geographiclib-tools), an implementation independent of PROJ's C port:
//   echo "40.0 70.0 40.5 71.2" | GeodSolve -i -p 9
//   printf "40 70\n40 71\n41 71\n41 70\n" | Planimeter -p 6
#include "geo/geodesic.hpp"

#include <gtest/gtest.h>

namespace fergana::geo {

TEST(Geodesic, InverseMatchesGeographicLib) {
    const GeodesicInverse r = geodesic_inverse({70.0, 40.0}, {71.2, 40.5});
    EXPECT_NEAR(r.distance_m, 116215.587401241, 1e-6);
    EXPECT_NEAR(r.azimuth1_deg, 61.07641634225123, 1e-9);
    EXPECT_NEAR(r.azimuth2_deg, 61.85178909290242, 1e-9);
}

TEST(Geodesic, MeridianArcMatchesGeographicLib) {
    EXPECT_NEAR(distance_m({70.5, 39.9}, {70.5, 40.0}), 11103.367192034, 1e-6);
}

TEST(Geodesic, DirectMatchesGeographicLib) {
    // echo "40 70 45 10000" | GeodSolve -p 12
    const LonLat p = geodesic_direct({70.0, 40.0}, 45.0, 10000.0);
    EXPECT_NEAR(p.lat, 40.063653472688209, 1e-12);
    EXPECT_NEAR(p.lon, 70.082882350891168, 1e-12);
}

TEST(Geodesic, AreaAndPerimeterOfOneDegreeCell) {
    const Polygon cell{{{{70, 40}, {71, 40}, {71, 41}, {70, 41}, {70, 40}}}};
    EXPECT_NEAR(area_m2(cell), 9412788745.7, 0.5);
    EXPECT_NEAR(perimeter_m(Geometry::polygon(cell)), 391616.656366, 1e-5);
    // Orientation does not matter.
    const Polygon reversed{{{{70, 40}, {70, 41}, {71, 41}, {71, 40}, {70, 40}}}};
    EXPECT_NEAR(area_m2(reversed), 9412788745.7, 0.5);
}

TEST(Geodesic, HolesAreSubtracted) {
    const Path outer{{70, 40}, {71, 40}, {71, 41}, {70, 41}, {70, 40}};
    const Path hole{{70.25, 40.25}, {70.75, 40.25}, {70.75, 40.75}, {70.25, 40.75}, {70.25, 40.25}};
    const double with_hole = area_m2(Polygon{{outer, hole}});
    EXPECT_NEAR(with_hole, area_m2(Polygon{{outer}}) - area_m2(Polygon{{hole}}), 1e-3);
    EXPECT_LT(with_hole, 9412788745.7 * 0.8);
}

TEST(Geodesic, LengthSumsGeodesicEdges) {
    const Path path{{70.0, 40.0}, {71.2, 40.5}, {71.2, 40.6}};
    EXPECT_NEAR(length_m(path), 116215.587401241 + distance_m({71.2, 40.5}, {71.2, 40.6}), 1e-6);
    EXPECT_EQ(length_m(Path{}), 0.0);
}

}  // namespace fergana::geo
