#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "geo/geos.hpp"

#include <gtest/gtest.h>

namespace fergana::geo {

TEST(Geos, ParseErrorBecomesGeometryErrorWithGeosMessage) {
    GeosContext ctx;
    try {
        (void)ctx.from_wkt("POLYGON((0 0, 1 1");
        FAIL() << "expected a GeometryError";
    } catch (const GeometryError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("GEOS WKT reading failed"), std::string::npos) << what;
        // GEOS's own message is carried through.
        EXPECT_NE(what.find("ParseException"), std::string::npos) << what;
        EXPECT_EQ(what.find("ParseException"), what.find(ctx.last_error()));
    }
}

TEST(Geos, UnclosedRingIsAnError) {
    GeosContext ctx;
    const Geometry open = Geometry::polygon(Polygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}});
    EXPECT_THROW((void)ctx.from_geometry(open), GeometryError);
}

TEST(Geos, RoundTripKeepsCoordinates) {
    GeosContext ctx;
    const Geometry g = Geometry::polygon(
        Polygon{{{{70, 40}, {71, 40}, {71, 41}, {70, 41}, {70, 40}},
                 {{70.2, 40.2}, {70.4, 40.2}, {70.4, 40.4}, {70.2, 40.2}}}});
    const GeosGeom h = ctx.from_geometry(g);
    const Geometry back = ctx.to_geometry(*h);
    ASSERT_EQ(back.type(), GeometryType::Polygon);
    ASSERT_EQ(back.polygons().size(), 1U);
    EXPECT_EQ(back.polygons()[0].rings, g.polygons()[0].rings);
    EXPECT_EQ(ctx.to_wkt(*h, 1),
              "POLYGON ((70 40, 71 40, 71 41, 70 41, 70 40), (70.2 40.2, 70.4 40.2, 70.4 40.4, "
              "70.2 40.2))");
}

TEST(Geos, BowTieIsInvalidAndMakeValidKeepsItsArea) {
    GeosContext ctx;
    const GeosGeom bowtie = ctx.from_wkt("POLYGON((0 0, 2 2, 2 0, 0 2, 0 0))");
    std::string reason;
    EXPECT_FALSE(ctx.is_valid(*bowtie, &reason));
    EXPECT_NE(reason.find("Self-intersection"), std::string::npos) << reason;
    const GeosGeom fixed = ctx.make_valid(*bowtie);
    EXPECT_TRUE(ctx.is_valid(*fixed));
    // Two triangles of area 1 each (planar, in the unit square's degrees).
    EXPECT_NEAR(ctx.planar_area_deg2(*fixed), 2.0, 1e-12);
}

TEST(Geos, DifferenceCutsAnEnclaveOutOfItsHost) {
    GeosContext ctx;
    const GeosGeom host = ctx.from_wkt("POLYGON((70 40, 71 40, 71 41, 70 41, 70 40))");
    const GeosGeom enclave = ctx.from_wkt("POLYGON((70.4 40.4, 70.6 40.4, 70.6 40.6, 70.4 40.6, 70.4 40.4))");
    const GeosGeom holed = ctx.difference(*host, *enclave);
    const Geometry g = ctx.to_geometry(*holed);
    ASSERT_EQ(g.polygons().size(), 1U);
    EXPECT_EQ(g.polygons()[0].rings.size(), 2U);
    const GeosPrepared prepared = ctx.prepare(*holed);
    EXPECT_FALSE(ctx.prepared_covers(*prepared, LonLat{70.5, 40.5}));
    EXPECT_TRUE(ctx.prepared_covers(*prepared, LonLat{70.2, 40.5}));
    EXPECT_NEAR(area_m2(g), area_m2(ctx.to_geometry(*host)) - area_m2(ctx.to_geometry(*enclave)), 1.0);
}

TEST(Geos, MixedCollectionRoundTrips) {
    GeosContext ctx;
    const Geometry g = Geometry::collection({{70, 40}}, {{{70, 40}, {71, 41}}}, {});
    const Geometry back = ctx.to_geometry(*ctx.from_geometry(g));
    EXPECT_EQ(back.type(), GeometryType::GeometryCollection);
    EXPECT_EQ(back.points().size(), 1U);
    EXPECT_EQ(back.lines().size(), 1U);
}

}  // namespace fergana::geo
