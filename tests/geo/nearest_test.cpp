// Point-to-edge, point-to-geometry and point-in-polygon on WGS84, checked against a
// brute-force search that uses only PROJ's geodesic routines (geod_inverseline,
// geod_position, geod_inverse): samples every edge finely, then golden-section search.
#include "geo/nearest.hpp"

#include "geo/geodesic.hpp"

#include <geodesic.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

namespace fergana::geo {
namespace {

const geod_geodesic& wgs84() {
    static const geod_geodesic g = [] {
        geod_geodesic init{};
        geod_init(&init, 6378137.0, 1.0 / 298.257223563);
        return init;
    }();
    return g;
}

struct Reference {
    double distance_m = 0.0;
    double along_m = 0.0;
};

// The minimum of the distance from p over the geodesic a -> b: 400 samples, then golden-section
// search on the two intervals around the best sample down to a micrometre.
Reference brute_force(LonLat a, LonLat b, LonLat p) {
    geod_geodesicline line{};
    geod_inverseline(&line, &wgs84(), a.lat, a.lon, b.lat, b.lon,
                     GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
    const double length = line.s13;
    auto distance_at = [&](double s) {
        double lat = 0.0;
        double lon = 0.0;
        geod_position(&line, s, &lat, &lon, nullptr);
        double d = 0.0;
        geod_inverse(&wgs84(), p.lat, p.lon, lat, lon, &d, nullptr, nullptr);
        return d;
    };
    constexpr int samples = 400;
    int best = 0;
    double best_d = distance_at(0.0);
    for (int i = 1; i <= samples; ++i) {
        const double d = distance_at(length * i / samples);
        if (d < best_d) {
            best_d = d;
            best = i;
        }
    }
    double lo = length * std::max(0, best - 1) / samples;
    double hi = length * std::min(samples, best + 1) / samples;
    const double ratio = (std::sqrt(5.0) - 1.0) / 2.0;
    double x1 = hi - ratio * (hi - lo);
    double x2 = lo + ratio * (hi - lo);
    double f1 = distance_at(x1);
    double f2 = distance_at(x2);
    while (hi - lo > 1e-6) {
        if (f1 < f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - ratio * (hi - lo);
            f1 = distance_at(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + ratio * (hi - lo);
            f2 = distance_at(x2);
        }
    }
    Reference r{best_d, length * best / samples};
    for (const double s : {lo, hi, 0.5 * (lo + hi)}) {
        const double d = distance_at(s);
        if (d < r.distance_m) {
            r = {d, s};
        }
    }
    return r;
}

// The point at `along_m` on the geodesic from `from` with azimuth `azimuth_deg`, and the
// azimuth of that geodesic there.
struct Direct {
    LonLat point;
    double azimuth_deg = 0.0;
};
Direct direct(LonLat from, double azimuth_deg, double along_m) {
    Direct r;
    geod_direct(&wgs84(), from.lat, from.lon, azimuth_deg, along_m, &r.point.lat, &r.point.lon,
                &r.azimuth_deg);
    return r;
}

// ---------------------------------------------------------------------------
// Point to edge: cases checkable by hand.

// A point 6 km off the middle of a 30 km edge, on the geodesic leaving the edge at a right
// angle: the first variation makes that foot the nearest point, at exactly 6 km.
TEST(NearestOnEdge, MidEdgeFootOfPerpendicular) {
    const LonLat a{70.8, 40.1};
    const LonLat b = direct(a, 63.0, 30000.0).point;
    const Direct foot = direct(a, 63.0, 14000.0);
    const LonLat p = direct(foot.point, foot.azimuth_deg + 90.0, 6000.0).point;

    const EdgeNearest n = nearest_on_edge(a, b, p);
    EXPECT_NEAR(n.distance_m, 6000.0, 1e-6);
    EXPECT_NEAR(n.along_m, 14000.0, 5e-3);
    EXPECT_LT(distance_m(n.nearest, foot.point), 5e-3);
    // The vertices alone are kilometres farther.
    EXPECT_GT(std::min(distance_m(p, a), distance_m(p, b)), 14000.0);
}

TEST(NearestOnEdge, MeridianEdge) {
    const LonLat a{71.0, 40.0};
    const LonLat b{71.0, 40.27};
    const Direct foot = direct(a, 0.0, 15000.0);
    const LonLat p = direct(foot.point, 90.0, 8000.0).point;
    const EdgeNearest n = nearest_on_edge(a, b, p);
    EXPECT_NEAR(n.distance_m, 8000.0, 1e-6);
    EXPECT_NEAR(n.along_m, 15000.0, 5e-3);
    EXPECT_NEAR(n.nearest.lon, 71.0, 1e-9);
}

TEST(NearestOnEdge, BeyondAnEndTheEndIsNearest) {
    const LonLat a{71.0, 40.0};
    const LonLat b{71.0, 40.27};
    // Straight on beyond b, along the meridian.
    const EdgeNearest beyond_b = nearest_on_edge(a, b, direct(b, 0.0, 5000.0).point);
    EXPECT_NEAR(beyond_b.distance_m, 5000.0, 1e-6);
    EXPECT_EQ(beyond_b.nearest, b);
    EXPECT_NEAR(beyond_b.along_m, distance_m(a, b), 1e-6);
    // Behind a and to the side: the angle at a is more than 90 degrees.
    const EdgeNearest behind_a = nearest_on_edge(a, b, direct(a, 200.0, 3000.0).point);
    EXPECT_NEAR(behind_a.distance_m, 3000.0, 1e-6);
    EXPECT_EQ(behind_a.nearest, a);
    EXPECT_EQ(behind_a.along_m, 0.0);
    EXPECT_EQ(behind_a.evaluations, 1);  // one inverse problem, no iteration
}

TEST(NearestOnEdge, PointOnTheEdge) {
    const LonLat a{69.5, 39.7};
    const LonLat b = direct(a, 101.0, 31000.0).point;
    const LonLat p = direct(a, 101.0, 12345.0).point;
    const EdgeNearest n = nearest_on_edge(a, b, p);
    EXPECT_LT(n.distance_m, 1e-6);
    EXPECT_NEAR(n.along_m, 12345.0, 1e-3);
    // Its vertices themselves are on the edge too.
    EXPECT_EQ(nearest_on_edge(a, b, a).distance_m, 0.0);
    EXPECT_LT(nearest_on_edge(a, b, b).distance_m, 1e-9);
}

TEST(NearestOnEdge, ZeroLengthEdgeIsAPoint) {
    const LonLat a{70.0, 40.0};
    const LonLat p{70.1, 40.1};
    const EdgeNearest n = nearest_on_edge(a, a, p);
    EXPECT_NEAR(n.distance_m, distance_m(a, p), 1e-9);
    EXPECT_EQ(n.nearest, a);
}

// A long east-west edge: the geodesic runs up to 480 m north of the parallel its ends share.
// The straight lon/lat segment and a sphere are both wrong by hundreds of metres here.
TEST(NearestOnEdge, LongEdgeBulgesPolewardOfItsChord) {
    const LonLat a{70.0, 41.0};
    const LonLat b{72.0, 41.0};
    const LonLat p{71.0, 41.0};  // on the chord, south of the geodesic
    const Reference ref = brute_force(a, b, p);
    const EdgeNearest n = nearest_on_edge(a, b, p);
    EXPECT_NEAR(n.distance_m, ref.distance_m, 1e-6);
    EXPECT_GT(n.distance_m, 400.0);
    EXPECT_LT(n.distance_m, 500.0);
}

// ---------------------------------------------------------------------------
// Point to edge: against brute force on random edges and points in the valley.

struct RandomCase {
    LonLat a;
    LonLat b;
    LonLat p;
};

std::vector<RandomCase> random_cases(int count, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> lon(69.0, 74.0);
    std::uniform_real_distribution<double> lat(39.0, 42.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<RandomCase> cases;
    for (int i = 0; i < count; ++i) {
        RandomCase c;
        c.a = {lon(rng), lat(rng)};
        const double length = 50000.0 * unit(rng);
        const Direct edge = direct(c.a, 360.0 * unit(rng), length);
        c.b = edge.point;
        // A point near a random spot of the edge or its extension: a third up to 100 km away, a
        // third within 1 km, a third within 10 m.
        const double reach = i % 3 == 0 ? 100000.0 : (i % 3 == 1 ? 1000.0 : 10.0);
        geod_geodesicline line{};
        geod_inverseline(&line, &wgs84(), c.a.lat, c.a.lon, c.b.lat, c.b.lon,
                         GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
        LonLat x;
        geod_position(&line, (unit(rng) * 1.4 - 0.2) * line.s13, &x.lat, &x.lon, nullptr);
        c.p = direct(x, 360.0 * unit(rng), reach * unit(rng)).point;
        cases.push_back(c);
    }
    return cases;
}

TEST(NearestOnEdge, MatchesBruteForceWithinOneCentimetre) {
    const std::vector<RandomCase> cases = random_cases(1500, 20240601);
    double max_error_m = 0.0;
    double max_along_error_m = 0.0;
    double max_vertex_excess_m = 0.0;
    long evaluations = 0;
    int worst_evaluations = 0;
    for (const RandomCase& c : cases) {
        const Reference ref = brute_force(c.a, c.b, c.p);
        const EdgeNearest n = nearest_on_edge(c.a, c.b, c.p);
        const double error = n.distance_m - ref.distance_m;
        ASSERT_LT(std::fabs(error), 0.01) << "edge (" << c.a.lon << ' ' << c.a.lat << ", "
                                          << c.b.lon << ' ' << c.b.lat << ") point (" << c.p.lon
                                          << ' ' << c.p.lat << ')';
        max_error_m = std::max(max_error_m, std::fabs(error));
        // Where the minimum is flat (p far away) the reference's own position is only good to
        // about sqrt(2 d * 1e-9 m); elsewhere the two agree to millimetres.
        const double along_tolerance = 5e-3 + std::sqrt(2.0 * ref.distance_m * 1e-9) * 4.0;
        EXPECT_NEAR(n.along_m, ref.along_m, along_tolerance);
        max_along_error_m = std::max(max_along_error_m, std::fabs(n.along_m - ref.along_m));
        // The reported point is on the edge and at the reported distance.
        EXPECT_NEAR(distance_m(c.p, n.nearest), n.distance_m, 1e-6);
        max_vertex_excess_m = std::max(
            max_vertex_excess_m,
            std::min(distance_m(c.p, c.a), distance_m(c.p, c.b)) - ref.distance_m);
        evaluations += n.evaluations;
        worst_evaluations = std::max(worst_evaluations, n.evaluations);
    }
    RecordProperty("max_error_m", std::to_string(max_error_m));
    RecordProperty("mean_evaluations",
                   std::to_string(static_cast<double>(evaluations) / static_cast<double>(cases.size())));
    std::printf(
        "[ stats    ] %zu cases: max |error| %.3g m, max along error %.3g m, mean %.2f inverse "
        "problems (worst %d); vertex-only distance off by up to %.0f m\n",
        cases.size(), max_error_m, max_along_error_m,
        static_cast<double>(evaluations) / static_cast<double>(cases.size()), worst_evaluations,
        max_vertex_excess_m);
    EXPECT_LT(max_error_m, 1e-5);
    EXPECT_GT(max_vertex_excess_m, 1000.0);  // vertices alone are wrong by kilometres
}

// ---------------------------------------------------------------------------
// Bounds.

TEST(Bounds, ChordAndUpperBoundBracketTheGeodesic) {
    const std::vector<RandomCase> cases = random_cases(2000, 7);
    for (const RandomCase& c : cases) {
        const double d = distance_m(c.a, c.p);
        const Ecef a = to_ecef(c.a);
        const Ecef p = to_ecef(c.p);
        EXPECT_LE(chord_m(a, p), d + 1e-8);  // rounding of 6e6 m coordinates: a few nanometres
        EXPECT_GE(geodesic_length_upper_bound_m(a, p), d);
        EXPECT_LE(geodesic_length_upper_bound_m(a, p), d * 1.0034 + 1e-3);
    }
}

TEST(Bounds, EdgeLowerBoundNeverExceedsTheDistance) {
    const std::vector<RandomCase> cases = random_cases(2000, 11);
    double worst_gap_m = 0.0;
    for (const RandomCase& c : cases) {
        const GeodesicEdge edge = GeodesicEdge::between(c.a, c.b);
        const double exact = nearest_on_edge(edge, c.p).distance_m;
        const double bound = edge_distance_lower_bound_m(to_ecef(c.p), to_ecef(c.a),
                                                         to_ecef(c.b), edge_sag_bound_m(edge.length_m));
        EXPECT_LE(bound, exact);
        worst_gap_m = std::max(worst_gap_m, exact - bound);
    }
    // Loose only by the sag of a 50 km edge (49 m) and the chord's d^3/24R^2 (1 m at 100 km).
    EXPECT_LT(worst_gap_m, 60.0);
}

TEST(Bounds, GeodesicStaysWithinItsSagOfTheChord) {
    const std::vector<RandomCase> cases = random_cases(300, 5);
    for (const RandomCase& c : cases) {
        geod_geodesicline line{};
        geod_inverseline(&line, &wgs84(), c.a.lat, c.a.lon, c.b.lat, c.b.lon,
                         GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
        const double sag = edge_sag_bound_m(line.s13);
        const Ecef a = to_ecef(c.a);
        const Ecef b = to_ecef(c.b);
        for (int i = 0; i <= 20; ++i) {
            LonLat x;
            geod_position(&line, line.s13 * i / 20.0, &x.lat, &x.lon, nullptr);
            const Ecef xe = to_ecef(x);
            EXPECT_LE(edge_distance_lower_bound_m(xe, a, b, 0.0), sag);
        }
    }
}

TEST(Bounds, RayEdgeMarginHoldsTheGeodesic) {
    const std::vector<RandomCase> cases = random_cases(300, 13);
    for (const RandomCase& c : cases) {
        const detail::RayEdge edge = detail::make_ray_edge(c.a, c.b);
        if (edge.a.lon == edge.b.lon) {
            continue;
        }
        geod_geodesicline line{};
        geod_inverseline(&line, &wgs84(), c.a.lat, c.a.lon, c.b.lat, c.b.lon,
                         GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
        for (int i = 1; i < 20; ++i) {
            LonLat x;
            geod_position(&line, line.s13 * i / 20.0, &x.lat, &x.lon, nullptr);
            const double t = (x.lon - edge.a.lon) / (edge.b.lon - edge.a.lon);
            const double chord_lat = edge.a.lat + t * (edge.b.lat - edge.a.lat);
            EXPECT_LE(std::fabs(x.lat - chord_lat), edge.margin_deg);
        }
    }
}

// ---------------------------------------------------------------------------
// Point in polygon.

Polygon box_polygon(double west, double south, double east, double north) {
    return Polygon{{{{west, south}, {east, south}, {east, north}, {west, north}, {west, south}}}};
}

TEST(PolygonContains, InsideOutsideAndHoles) {
    Polygon square = box_polygon(70.0, 40.0, 71.0, 41.0);
    EXPECT_TRUE(polygon_contains(square, {70.5, 40.5}));
    EXPECT_FALSE(polygon_contains(square, {71.5, 40.5}));
    EXPECT_FALSE(polygon_contains(square, {70.5, 39.5}));
    square.rings.push_back(box_polygon(70.25, 40.25, 70.75, 40.75).rings.front());
    EXPECT_FALSE(polygon_contains(square, {70.5, 40.5}));  // in the hole
    EXPECT_TRUE(polygon_contains(square, {70.1, 40.5}));
}

TEST(PolygonContains, RayThroughAVertexCountsOnce) {
    const Polygon diamond{{{{71, 40}, {72, 41}, {71, 42}, {70, 41}, {71, 40}}}};
    EXPECT_TRUE(polygon_contains(diamond, {71.0, 41.0}));   // ray north through (71, 42)
    EXPECT_FALSE(polygon_contains(diamond, {71.0, 39.0}));  // ray through both (71,40) and (71,42)
    EXPECT_FALSE(polygon_contains(diamond, {71.0, 42.5}));
}

TEST(PolygonContains, FollowsTheGeodesicNotTheChord) {
    const Polygon cell = box_polygon(70.0, 39.0, 72.0, 41.0);
    // The northern edge's geodesic passes about 480 m north of the 41st parallel at 71E.
    geod_geodesicline line{};
    geod_inverseline(&line, &wgs84(), 41.0, 70.0, 41.0, 72.0,
                     GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
    LonLat middle;
    geod_position(&line, 0.5 * line.s13, &middle.lat, &middle.lon, nullptr);
    ASSERT_NEAR(middle.lon, 71.0, 1e-9);
    ASSERT_GT(middle.lat, 41.004);
    ASSERT_LT(middle.lat, 41.005);
    EXPECT_TRUE(polygon_contains(cell, {71.0, 41.002}));   // north of the chord, south of the edge
    EXPECT_TRUE(polygon_contains(cell, {71.0, middle.lat - 1e-7}));
    EXPECT_FALSE(polygon_contains(cell, {71.0, middle.lat + 1e-7}));
    EXPECT_FALSE(polygon_contains(cell, {71.0, 41.006}));
}

TEST(PolygonContains, AcrossTheAntimeridian) {
    const Polygon square{{{{179.0, 0.0}, {-179.0, 0.0}, {-179.0, 1.0}, {179.0, 1.0}, {179.0, 0.0}}}};
    EXPECT_TRUE(polygon_contains(square, {179.5, 0.5}));
    EXPECT_TRUE(polygon_contains(square, {-179.5, 0.5}));
    EXPECT_TRUE(polygon_contains(square, {180.0, 0.5}));
    EXPECT_FALSE(polygon_contains(square, {178.5, 0.5}));
    EXPECT_FALSE(polygon_contains(square, {-178.5, 0.5}));
}

TEST(PolygonContains, UnclosedRingIsClosed) {
    const Polygon open{{{{70, 40}, {71, 40}, {71, 41}, {70, 41}}}};
    EXPECT_TRUE(polygon_contains(open, {70.5, 40.5}));
    EXPECT_FALSE(polygon_contains(open, {69.5, 40.5}));
}

// ---------------------------------------------------------------------------
// Point to geometry.

TEST(NearestPoint, PolygonInsideIsZeroButBoundaryIsReported) {
    const Geometry g = Geometry::polygon(box_polygon(70.0, 40.0, 71.0, 41.0));
    const LonLat p{70.5, 40.02};
    const NearestOnGeometry inside = nearest_point(g, p);
    EXPECT_TRUE(inside.inside);
    EXPECT_EQ(inside.distance_m, 0.0);
    // Nearest is the southern edge. 0.02 degrees of latitude is 2.22 km, but the geodesic
    // from (70, 40) to (71, 40) bulges 120 m north of the parallel: 2.10 km.
    EXPECT_NEAR(inside.boundary_distance_m, brute_force({70.0, 40.0}, {71.0, 40.0}, p).distance_m,
                1e-5);
    EXPECT_NEAR(inside.boundary_distance_m, 2101.0, 1.0);
    EXPECT_EQ(inside.where.kind, PartKind::Ring);
    EXPECT_EQ(inside.where.edge, 0U);
    EXPECT_NEAR(inside.nearest.lat, 40.00108, 1e-5);

    const NearestOnGeometry outside = nearest_point(g, {71.2, 40.5});
    EXPECT_FALSE(outside.inside);
    EXPECT_EQ(outside.distance_m, outside.boundary_distance_m);
    EXPECT_EQ(outside.where.edge, 1U);
    EXPECT_NEAR(outside.distance_m, 0.2 * 84.8e3, 100.0);
}

TEST(NearestPoint, InAHoleMeasuresToTheHole) {
    Polygon poly = box_polygon(70.0, 40.0, 71.0, 41.0);
    poly.rings.push_back(box_polygon(70.25, 40.25, 70.75, 40.75).rings.front());
    const NearestOnGeometry n = nearest_point(Geometry::polygon(poly), {70.5, 40.3});
    EXPECT_FALSE(n.inside);
    EXPECT_EQ(n.where.ring, 1U);
    EXPECT_NEAR(n.distance_m, 0.05 * 111.0e3, 50.0);
}

TEST(NearestPoint, MatchesEveryEdgeSolvedExactly) {
    // A wiggly line and a few points: the pruned search equals solving every edge.
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> step(-0.01, 0.01);
    Path line{{71.0, 40.5}};
    for (int i = 0; i < 300; ++i) {
        line.push_back({line.back().lon + 0.005 + step(rng), line.back().lat + step(rng)});
    }
    const Geometry g = Geometry::collection({{71.2, 40.2}, {72.0, 40.9}}, {line}, {});
    std::uniform_real_distribution<double> lon(70.5, 73.0);
    std::uniform_real_distribution<double> lat(40.0, 41.0);
    for (int q = 0; q < 200; ++q) {
        const LonLat p{lon(rng), lat(rng)};
        double best = std::min(distance_m(p, {71.2, 40.2}), distance_m(p, {72.0, 40.9}));
        for (std::size_t i = 0; i + 1 < line.size(); ++i) {
            best = std::min(best, nearest_on_edge(line[i], line[i + 1], p).distance_m);
        }
        const NearestOnGeometry n = nearest_point(g, p);
        EXPECT_NEAR(n.distance_m, best, 1e-9);
        EXPECT_NEAR(distance_m(p, n.nearest), n.distance_m, 1e-6);
    }
}

TEST(NearestPoint, PointsAndEmptyGeometries) {
    const NearestOnGeometry none = nearest_point(Geometry{}, {70.0, 40.0});
    EXPECT_FALSE(none.found());
    const NearestOnGeometry one = nearest_point(Geometry::point({70.1, 40.0}), {70.0, 40.0});
    ASSERT_TRUE(one.found());
    EXPECT_EQ(one.where.kind, PartKind::Point);
    EXPECT_NEAR(one.distance_m, distance_m({70.1, 40.0}, {70.0, 40.0}), 1e-9);
}

// Real vertices of the Kyrgyzstan-Tajikistan border (OSM, border_kgz_tjk_lines.geojson).
TEST(NearestPoint, RealBorderVerticesAgainstBruteForce) {
    const Path border{{70.5046, 39.9195}, {70.5247, 39.9301}, {70.5437, 39.9277},
                      {70.5641, 39.9416}, {70.5779, 39.9370}, {70.6105, 39.9521},
                      {70.6390, 39.9489}, {70.6702, 39.9641}};
    const Geometry g = Geometry::line(border);
    for (const LonLat p : {LonLat{70.55, 39.98}, LonLat{70.60, 39.90}, LonLat{70.70, 40.10},
                           LonLat{70.45, 39.85}}) {
        double best = 1e300;
        for (std::size_t i = 0; i + 1 < border.size(); ++i) {
            best = std::min(best, brute_force(border[i], border[i + 1], p).distance_m);
        }
        EXPECT_NEAR(nearest_point(g, p).distance_m, best, 1e-5);
    }
}

}  // namespace
}  // namespace fergana::geo
