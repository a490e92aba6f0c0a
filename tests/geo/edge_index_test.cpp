// EdgeIndex against a brute-force answer: every edge of every geometry solved exactly
// (geo::nearest_on_edge) and every polygon tested (geo::polygon_contains), no pruning.
#include "geo/edge_index.hpp"

#include "geo/error.hpp"
#include "geo/geodesic.hpp"

#include <gtest/gtest.h>

#include <memory>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace fergana::geo {
namespace {

constexpr double pi = 3.14159265358979323846;

// Distance from p to a geometry the slow way.
double brute_distance_m(const Geometry& g, LonLat p, bool interiors) {
    double best = std::numeric_limits<double>::infinity();
    for (const LonLat& q : g.points()) {
        best = std::min(best, distance_m(p, q));
    }
    auto path_distance = [&](const Path& path) {
        if (path.size() == 1) {
            best = std::min(best, distance_m(p, path.front()));
        }
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            best = std::min(best, nearest_on_edge(path[i], path[i + 1], p).distance_m);
        }
    };
    for (const Path& line : g.lines()) {
        path_distance(line);
    }
    for (const Polygon& poly : g.polygons()) {
        if (interiors && polygon_contains(poly, p)) {
            return 0.0;
        }
        for (const Path& ring : poly.rings) {
            path_distance(ring);
        }
    }
    return best;
}

struct Scene {
    std::vector<Geometry> geometries;
};

// Random walks (border-like lines with short and long edges), star-shaped polygons (some
// with holes), settlements as points, and collections of all three, in the valley.
Scene make_scene(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> lon(69.0, 74.0);
    std::uniform_real_distribution<double> lat(39.0, 42.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Scene scene;
    auto walk = [&](std::size_t n, double step_deg) {
        Path path{{lon(rng), lat(rng)}};
        double heading = 2.0 * pi * unit(rng);
        for (std::size_t i = 1; i < n; ++i) {
            heading += (unit(rng) - 0.5) * 1.5;
            const double step = step_deg * (0.1 + unit(rng));
            path.push_back({path.back().lon + step * std::cos(heading),
                            path.back().lat + step * std::sin(heading)});
        }
        return path;
    };
    auto star = [&](LonLat centre, double radius_deg, std::size_t n) {
        Path ring;
        for (std::size_t i = 0; i < n; ++i) {
            const double angle = 2.0 * pi * static_cast<double>(i) / static_cast<double>(n);
            const double r = radius_deg * (0.5 + 0.5 * unit(rng));
            ring.push_back({centre.lon + r * std::cos(angle), centre.lat + r * std::sin(angle)});
        }
        ring.push_back(ring.front());
        return ring;
    };
    for (int i = 0; i < 40; ++i) {
        scene.geometries.push_back(Geometry::line(walk(40 + static_cast<std::size_t>(i) * 3, 0.01)));
    }
    for (int i = 0; i < 10; ++i) {  // Natural Earth-like: long edges, up to 35 km
        scene.geometries.push_back(Geometry::line(walk(12, 0.3)));
    }
    for (int i = 0; i < 20; ++i) {
        const LonLat centre{lon(rng), lat(rng)};
        Polygon poly{{star(centre, 0.05 + 0.3 * unit(rng), 8 + static_cast<std::size_t>(i) * 3)}};
        if (i % 4 == 0) {
            Path hole = star(centre, 0.02, 6);
            std::reverse(hole.begin(), hole.end());
            poly.rings.push_back(hole);
        }
        scene.geometries.push_back(Geometry::polygon(poly));
    }
    for (int i = 0; i < 40; ++i) {
        scene.geometries.push_back(Geometry::point({lon(rng), lat(rng)}));
    }
    for (int i = 0; i < 5; ++i) {
        const LonLat centre{lon(rng), lat(rng)};
        scene.geometries.push_back(Geometry::collection(
            {{lon(rng), lat(rng)}, {lon(rng), lat(rng)}}, {walk(20, 0.02)},
            {Polygon{{star(centre, 0.1, 12)}}}));
    }
    return scene;
}

std::vector<LonLat> random_points(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> lon(68.5, 74.5);
    std::uniform_real_distribution<double> lat(38.5, 42.5);
    std::vector<LonLat> points(n);
    for (LonLat& p : points) {
        p = {lon(rng), lat(rng)};
    }
    return points;
}

struct Ranked {
    double distance_m;
    std::size_t id;
};

std::vector<Ranked> brute_ranking(const Scene& scene, LonLat p, bool interiors) {
    std::vector<Ranked> all;
    for (std::size_t g = 0; g < scene.geometries.size(); ++g) {
        all.push_back({brute_distance_m(scene.geometries[g], p, interiors), g});
    }
    std::sort(all.begin(), all.end(), [](const Ranked& x, const Ranked& y) {
        return x.distance_m < y.distance_m || (x.distance_m == y.distance_m && x.id < y.id);
    });
    return all;
}

class EdgeIndexScene : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_scene = new Scene(make_scene(4242));
        s_index = new EdgeIndex(s_scene->geometries);
    }
    static void TearDownTestSuite() {
        delete s_index;
        delete s_scene;
    }
    static Scene* s_scene;
    static EdgeIndex* s_index;
};
Scene* EdgeIndexScene::s_scene = nullptr;
EdgeIndex* EdgeIndexScene::s_index = nullptr;

TEST_F(EdgeIndexScene, NearestMatchesBruteForce) {
    EdgeIndex::Scratch scratch;
    for (const LonLat p : random_points(150, 1)) {
        const std::vector<Ranked> ranking = brute_ranking(*s_scene, p, true);
        const std::optional<EdgeHit> hit = s_index->nearest(p, scratch);
        ASSERT_TRUE(hit.has_value());
        EXPECT_NEAR(hit->distance_m, ranking.front().distance_m, 1e-7)
            << "query (" << p.lon << ", " << p.lat << ")";
        // Same geometry, or one at the same distance.
        EXPECT_NEAR(brute_distance_m(s_scene->geometries[hit->geometry_id], p, true),
                    ranking.front().distance_m, 1e-7);
        if (!hit->inside) {
            EXPECT_NEAR(distance_m(p, hit->nearest), hit->distance_m, 1e-6);
        }
    }
}

TEST_F(EdgeIndexScene, NearestKMatchesBruteForce) {
    EdgeIndex::Scratch scratch;
    for (const LonLat p : random_points(60, 2)) {
        const std::vector<Ranked> ranking = brute_ranking(*s_scene, p, true);
        const std::vector<EdgeHit> hits = s_index->nearest_k(p, 7, scratch);
        ASSERT_EQ(hits.size(), 7U);
        for (std::size_t i = 0; i < hits.size(); ++i) {
            EXPECT_NEAR(hits[i].distance_m, ranking[i].distance_m, 1e-7) << "rank " << i;
            if (i > 0) {
                EXPECT_LE(hits[i - 1].distance_m, hits[i].distance_m);
                EXPECT_NE(hits[i - 1].geometry_id, hits[i].geometry_id);
            }
        }
    }
}

TEST_F(EdgeIndexScene, WithinMatchesBruteForce) {
    EdgeIndex::Scratch scratch;
    for (const double radius_m : {2000.0, 15000.0}) {
        for (const LonLat p : random_points(50, 3)) {
            std::vector<std::size_t> expected;
            for (const Ranked& r : brute_ranking(*s_scene, p, true)) {
                if (r.distance_m <= radius_m) {
                    expected.push_back(r.id);
                }
            }
            std::vector<std::size_t> found;
            for (const EdgeHit& h : s_index->within(p, radius_m, scratch)) {
                EXPECT_LE(h.distance_m, radius_m);
                found.push_back(h.geometry_id);
            }
            std::sort(expected.begin(), expected.end());
            std::sort(found.begin(), found.end());
            EXPECT_EQ(found, expected);
        }
    }
}

TEST_F(EdgeIndexScene, PolygonsAsRingsOnly) {
    const EdgeQueryOptions rings_only{std::numeric_limits<double>::infinity(), false};
    EdgeIndex::Scratch scratch;
    for (const LonLat p : random_points(50, 4)) {
        const std::vector<Ranked> ranking = brute_ranking(*s_scene, p, false);
        const std::optional<EdgeHit> hit = s_index->nearest(p, scratch, rings_only);
        ASSERT_TRUE(hit.has_value());
        EXPECT_FALSE(hit->inside);
        EXPECT_NEAR(hit->distance_m, ranking.front().distance_m, 1e-7);
    }
}

TEST_F(EdgeIndexScene, InsideAPolygonIsDistanceZero) {
    // Geometry 51 is the second star polygon (the first has a hole at its centre).
    const Geometry& star = s_scene->geometries[51];
    ASSERT_EQ(star.type(), GeometryType::Polygon);
    const Box box = star.bounds();
    const LonLat centre{0.5 * (box.min_lon + box.max_lon), 0.5 * (box.min_lat + box.max_lat)};
    ASSERT_TRUE(polygon_contains(star.polygons().front(), centre));
    const std::optional<EdgeHit> hit = s_index->nearest(centre);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->distance_m, 0.0);
    EXPECT_TRUE(hit->inside);
    EXPECT_EQ(hit->nearest, centre);
    const std::vector<EdgeHit> around = s_index->within(centre, 0.0);
    ASSERT_FALSE(around.empty());
    EXPECT_TRUE(std::any_of(around.begin(), around.end(),
                            [](const EdgeHit& h) { return h.geometry_id == 51; }));
}

TEST_F(EdgeIndexScene, MaxDistanceLimitsNearest) {
    const LonLat p{71.0, 40.5};
    const std::optional<EdgeHit> any = s_index->nearest(p);
    ASSERT_TRUE(any.has_value());
    if (any->distance_m > 0.0) {
        EdgeQueryOptions closer;
        closer.max_distance_m = any->distance_m * 0.999;
        EXPECT_FALSE(s_index->nearest(p, closer).has_value());
        closer.max_distance_m = any->distance_m * 1.001;
        EXPECT_TRUE(s_index->nearest(p, closer).has_value());
    }
}

void expect_batch_equals_sequential(const EdgeIndex& index, const std::vector<LonLat>& points,
                                    const EdgeQueryOptions& options) {
    const auto batch = index.nearest_all(points, 2, options);
    ASSERT_EQ(batch.size(), points.size());
    EdgeIndex::Scratch scratch;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const std::optional<EdgeHit> one = index.nearest(points[i], scratch, options);
        ASSERT_EQ(batch[i].has_value(), one.has_value()) << i;
        if (one) {
            EXPECT_EQ(batch[i]->geometry_id, one->geometry_id);
            EXPECT_EQ(batch[i]->distance_m, one->distance_m);  // bit for bit: same solutions
            EXPECT_EQ(batch[i]->inside, one->inside);
        }
    }
}

TEST_F(EdgeIndexScene, ThreadedBatchEqualsSequential) {
    // Sparse: every point searched on its own.
    expect_batch_equals_sequential(*s_index, random_points(3000, 5), {});
}

TEST_F(EdgeIndexScene, DenseBatchReusesCandidatesExactly) {
    // 20,000 points in a 0.6 x 0.4 degree box: a few hundred metres apart, so candidate sets
    // are reused; the answers must not change, with and without a distance limit or interiors.
    std::mt19937_64 rng(6);
    std::uniform_real_distribution<double> lon(71.0, 71.6);
    std::uniform_real_distribution<double> lat(40.2, 40.6);
    std::vector<LonLat> points(20000);
    for (LonLat& q : points) {
        q = {lon(rng), lat(rng)};
    }
    expect_batch_equals_sequential(*s_index, points, {});
    expect_batch_equals_sequential(*s_index, points, {5000.0, false});
}

TEST_F(EdgeIndexScene, QueryAllRethrowsTheFirstError) {
    EXPECT_THROW(s_index->query_all(5000, 2,
                                    [](std::size_t i, EdgeIndex::Scratch&) {
                                        if (i == 4321) {
                                            throw std::runtime_error("query failed");
                                        }
                                    }),
                 std::runtime_error);
}

TEST(EdgeIndex, EmptyIndexFindsNothing) {
    const EdgeIndex empty;
    EXPECT_FALSE(empty.nearest({70.0, 40.0}).has_value());
    EXPECT_TRUE(empty.within({70.0, 40.0}, 1e6).empty());
    const EdgeIndex no_geometries(std::vector<Geometry>{});
    EXPECT_FALSE(no_geometries.nearest({70.0, 40.0}).has_value());
    EXPECT_TRUE(no_geometries.nearest_k({70.0, 40.0}, 3).empty());
}

TEST(EdgeIndex, TiesGoToTheLowestId) {
    const Geometry line = Geometry::line({{70.0, 40.0}, {70.2, 40.1}});
    const std::vector<Geometry> geometries{Geometry::point({75.0, 45.0}), line, line};
    const EdgeIndex index(geometries);
    const std::optional<EdgeHit> hit = index.nearest({70.1, 40.2});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->geometry_id, 1U);
    const std::vector<EdgeHit> two = index.nearest_k({70.1, 40.2}, 2);
    ASSERT_EQ(two.size(), 2U);
    EXPECT_EQ(two[0].geometry_id, 1U);
    EXPECT_EQ(two[1].geometry_id, 2U);
    EXPECT_EQ(two[0].distance_m, two[1].distance_m);
    // Asking for more neighbours than there are geometries returns them all, in order.
    const std::vector<EdgeHit> all = index.nearest_k({70.1, 40.2}, 10);
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[2].geometry_id, 0U);
}

TEST(EdgeIndex, ReportsWhereTheNearestPointLies) {
    const std::vector<Geometry> geometries{
        Geometry::multi_line({{{70.0, 40.0}, {70.1, 40.0}}, {{71.0, 40.0}, {71.1, 40.0}, {71.2, 40.05}}})};
    const EdgeIndex index(geometries);
    const std::optional<EdgeHit> hit = index.nearest({71.15, 40.0});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->where.kind, PartKind::Line);
    EXPECT_EQ(hit->where.part, 1U);
    EXPECT_EQ(hit->where.edge, 1U);
    EXPECT_GT(hit->where.along_m, 0.0);
    const EdgeNearest direct = nearest_on_edge({71.1, 40.0}, {71.2, 40.05}, {71.15, 40.0});
    EXPECT_NEAR(hit->distance_m, direct.distance_m, 1e-9);
    EXPECT_NEAR(hit->where.along_m, direct.along_m, 1e-6);
}

TEST(EdgeIndex, AScratchKeptAcrossIndexesNeverMixesTheirEdges) {
    // A scratch keeps the lines of edges it solved, by item. Indexes made one after another
    // (often at the same address) each have their own item 0: the second index's answer must
    // be its own edge's, as with a fresh scratch, not a line left from the first.
    EdgeIndex::Scratch scratch;
    const LonLat p{71.15, 40.02};
    for (int round = 0; round < 4; ++round) {
        const double north = 0.01 * round;  // a different single edge each time
        const std::vector<Geometry> one{Geometry::line({{71.1, 40.0 + north}, {71.2, 40.05 - north}})};
        auto index = std::make_unique<EdgeIndex>(one);
        const std::optional<EdgeHit> kept = index->nearest(p, scratch);
        ASSERT_TRUE(kept.has_value());
        const std::optional<EdgeHit> fresh = index->nearest(p);  // a scratch of its own
        ASSERT_TRUE(fresh.has_value());
        EXPECT_EQ(kept->distance_m, fresh->distance_m) << "round " << round;
        EXPECT_EQ(kept->nearest, fresh->nearest) << "round " << round;
        const EdgeNearest direct = nearest_on_edge({71.1, 40.0 + north}, {71.2, 40.05 - north}, p);
        EXPECT_NEAR(kept->distance_m, direct.distance_m, 1e-6) << "round " << round;
    }
}

TEST(EdgeIndex, InvalidCoordinatesAreRejected) {
    const std::vector<Geometry> bad{Geometry::point({70.0, 40.0}),
                                    Geometry::line({{70.0, 40.0}, {70.0, 95.0}})};
    try {
        const EdgeIndex index(bad);
        FAIL() << "expected a GeometryError";
    } catch (const GeometryError& e) {
        EXPECT_EQ(e.where().feature, "1");
    }
    const std::vector<Geometry> nan{Geometry::point({std::nan(""), 40.0})};
    EXPECT_THROW(EdgeIndex{nan}, GeometryError);
}

TEST(EdgeIndex, PolygonAcrossTheAntimeridian) {
    const std::vector<Geometry> geometries{Geometry::polygon(
        Polygon{{{{179.0, 0.0}, {-179.0, 0.0}, {-179.0, 1.0}, {179.0, 1.0}, {179.0, 0.0}}}})};
    const EdgeIndex index(geometries);
    for (const LonLat p : {LonLat{179.5, 0.5}, LonLat{-179.5, 0.5}}) {
        const std::optional<EdgeHit> hit = index.nearest(p);
        ASSERT_TRUE(hit.has_value());
        EXPECT_TRUE(hit->inside);
    }
    const std::optional<EdgeHit> outside = index.nearest({-178.5, 0.5});
    ASSERT_TRUE(outside.has_value());
    EXPECT_FALSE(outside->inside);
    EXPECT_NEAR(outside->distance_m, distance_m({-178.5, 0.5}, {-179.0, 0.5}), 1.0);
}

// The long northern edge of this cell bulges 480 m north of the 41st parallel: a point 220 m
// north of the parallel is inside, and the index agrees with geo::polygon_contains.
TEST(EdgeIndex, InteriorFollowsGeodesicEdges) {
    const Polygon cell{{{{70.0, 39.0}, {72.0, 39.0}, {72.0, 41.0}, {70.0, 41.0}, {70.0, 39.0}}}};
    const EdgeIndex index(std::vector<Geometry>{Geometry::polygon(cell)});
    const std::optional<EdgeHit> hit = index.nearest({71.0, 41.002});
    ASSERT_TRUE(hit.has_value());
    EXPECT_TRUE(hit->inside);
    EXPECT_FALSE(index.nearest({71.0, 41.006})->inside);
}

}  // namespace
}  // namespace fergana::geo
