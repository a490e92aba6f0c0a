#include "render/map_projection.hpp"

#include "geo/geodesic.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace fergana::render {

namespace {
const geo::Box fergana_valley{69.0, 39.4, 73.6, 41.6};  // wider than tall
const geo::Box tall{70.0, 38.0, 71.0, 42.0};
}  // namespace

TEST(ChooseProjection, WideExtentGetsLambertConicWithKavrayskiyParallels) {
    const ProjectionChoice p = choose_projection(fergana_valley);
    EXPECT_EQ(p.kind, ProjectionKind::LambertConformalConic);
    EXPECT_NEAR(p.lon_0, 71.3, 1e-9);
    EXPECT_NEAR(p.lat_0, 40.5, 1e-9);
    EXPECT_NEAR(p.lat_1, 39.4 + 2.2 / 6, 1e-9);
    EXPECT_NEAR(p.lat_2, 41.6 - 2.2 / 6, 1e-9);
    EXPECT_NE(p.proj.find("+proj=lcc"), std::string::npos) << p.proj;
    EXPECT_NE(p.description().find("Lambert conformal conic"), std::string::npos);
}

TEST(ChooseProjection, TallExtentGetsTransverseMercatorOnItsCentralMeridian) {
    const ProjectionChoice p = choose_projection(tall);
    EXPECT_EQ(p.kind, ProjectionKind::TransverseMercator);
    EXPECT_NE(p.proj.find("+proj=tmerc"), std::string::npos);
    EXPECT_NE(p.proj.find("+lon_0=70.5"), std::string::npos) << p.proj;
}

TEST(ChooseProjection, NeverPlainLonLat) {
    for (const geo::Box& b :
         {fergana_valley, tall, geo::Box{70.5, 40.0, 70.6, 40.1}, geo::Box{-10, -5, 10, 5}}) {
        const ProjectionChoice p = choose_projection(b);
        EXPECT_EQ(p.proj.find("longlat"), std::string::npos);
        EXPECT_EQ(p.proj.find("eqc"), std::string::npos);
    }
}

TEST(MapView, FitsTheExtentInTheFrameCentredAndRoundTrips) {
    const ProjectionChoice p = choose_projection(fergana_valley);
    const Rect frame{50, 40, 600, 500};
    const MapView view(p, fergana_valley, frame);
    // Every corner of the extent lies inside the frame, and the extent touches two sides.
    double min_x = 1e9, max_x = -1e9, min_y = 1e9, max_y = -1e9;
    for (double lon = fergana_valley.min_lon; lon <= fergana_valley.max_lon + 1e-9; lon += 0.23) {
        for (double lat : {fergana_valley.min_lat, fergana_valley.max_lat}) {
            const geo::XY xy = view.to_page({lon, lat});
            min_x = std::min(min_x, xy.x);
            max_x = std::max(max_x, xy.x);
            min_y = std::min(min_y, xy.y);
            max_y = std::max(max_y, xy.y);
        }
    }
    EXPECT_GE(min_x, frame.x - 1e-6);
    EXPECT_LE(max_x, frame.right() + 1e-6);
    EXPECT_GE(min_y, frame.y - 1e-6);
    EXPECT_LE(max_y, frame.bottom() + 1e-6);
    EXPECT_TRUE(std::abs(max_x - min_x - frame.w) < 1.0 || std::abs(max_y - min_y - frame.h) < 1.0);

    const geo::LonLat osh{72.798, 40.528};
    const geo::LonLat back = view.to_lonlat(view.to_page(osh));
    EXPECT_NEAR(back.lon, osh.lon, 1e-9);
    EXPECT_NEAR(back.lat, osh.lat, 1e-9);
    // North is up: a point north of another is higher on the page.
    EXPECT_LT(view.to_page({71.0, 41.0}).y, view.to_page({71.0, 40.0}).y);
    EXPECT_LT(view.to_page({70.0, 40.5}).x, view.to_page({72.0, 40.5}).x);
}

TEST(MapView, ScaleAtTheCentreMatchesGeodesicDistances) {
    const ProjectionChoice p = choose_projection(fergana_valley);
    const MapView view(p, fergana_valley, Rect{0, 0, 800, 600});
    const double mpp = view.metres_per_point_at_centre();
    // Independent: 10 km east and north of the centre, measured on the page.
    const geo::LonLat centre = view.to_lonlat({400, 300});
    for (double azimuth : {90.0, 0.0, 45.0}) {
        const geo::LonLat there = geo::geodesic_direct(centre, azimuth, 10000.0);
        const geo::XY a = view.to_page(centre);
        const geo::XY b = view.to_page(there);
        const double page = std::hypot(b.x - a.x, b.y - a.y);
        EXPECT_NEAR(page * mpp, 10000.0, 10000.0 * 0.001)
            << "azimuth " << azimuth;  // conformal: same in every direction
    }
}

TEST(MapView, NorthArrowFollowsTheMeridiansOfTheCone) {
    const ProjectionChoice p = choose_projection(fergana_valley);
    const MapView view(p, fergana_valley, Rect{0, 0, 800, 600});
    const geo::XY centre = view.to_page({p.lon_0, p.lat_0});
    EXPECT_NEAR(view.north_angle_at(centre), 0.0, 1e-4);
    // Meridians converge towards the pole: east of the central meridian north leans left.
    EXPECT_LT(view.north_angle_at({780, 300}), -0.01);
    EXPECT_GT(view.north_angle_at({20, 300}), 0.01);
}

TEST(MapView, RecreatedFromItsPlacementGivesTheSamePagePoints) {
    const ProjectionChoice p = choose_projection(fergana_valley);
    const MapView view(p, fergana_valley, Rect{10, 20, 700, 400});
    const MapView again(p, view.placement());
    const geo::XY a = view.to_page({71.5, 40.7});
    const geo::XY b = again.to_page({71.5, 40.7});
    EXPECT_DOUBLE_EQ(a.x, b.x);
    EXPECT_DOUBLE_EQ(a.y, b.y);
}

}  // namespace fergana::render
