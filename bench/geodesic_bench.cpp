// Speed of the geodesic engine: point-to-edge distance and the EdgeIndex, on synthetic edges
// and on the real OSM borders of Kyrgyzstan, Tajikistan and Uzbekistan (their polygon rings
// taken as border lines, ~78k edges) from shared/data/real.
//
//   build/bin/fergana_bench --benchmark_filter=Index
//
// Figures from a run are in docs/geodesic.md.
#include "geo/edge_index.hpp"
#include "geo/geodesic.hpp"
#include "geo/nearest.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace fergana::geo {
namespace {

const char* const borders_path = FERGANA_SHARED_DATA "/borders_osm2026_kgz_tjk_uzb.geojson";

// ---------------------------------------------------------------------------
// Inputs.

Path read_ring(const nlohmann::json& coordinates) {
    Path ring;
    for (const auto& c : coordinates) {
        ring.push_back({c.at(0).get<double>(), c.at(1).get<double>()});
    }
    return ring;
}

// Each country's rings as one multi-line geometry; empty if the file is missing.
std::vector<Geometry> read_border_lines() {
    std::ifstream in(borders_path);
    if (!in) {
        return {};
    }
    const nlohmann::json doc = nlohmann::json::parse(in);
    std::vector<Geometry> countries;
    for (const auto& feature : doc.at("features")) {
        const auto& geometry = feature.at("geometry");
        const std::string type = geometry.at("type").get<std::string>();
        std::vector<Path> rings;
        const auto& coordinates = geometry.at("coordinates");
        if (type == "Polygon") {
            for (const auto& ring : coordinates) {
                rings.push_back(read_ring(ring));
            }
        } else if (type == "MultiPolygon") {
            for (const auto& polygon : coordinates) {
                for (const auto& ring : polygon) {
                    rings.push_back(read_ring(ring));
                }
            }
        }
        countries.push_back(Geometry::multi_line(std::move(rings)));
    }
    return countries;
}

const std::vector<Geometry>& border_lines() {
    static const std::vector<Geometry> lines = read_border_lines();
    return lines;
}

const EdgeIndex& border_index() {
    static const EdgeIndex index(border_lines());
    return index;
}

// Uniform over the Fergana Valley box (lon 69-74, lat 39-42): typically 5-30 km from a border.
std::vector<LonLat> valley_points(std::size_t n) {
    std::mt19937_64 rng(2024);
    std::uniform_real_distribution<double> lon(69.0, 74.0);
    std::uniform_real_distribution<double> lat(39.0, 42.0);
    std::vector<LonLat> points(n);
    for (LonLat& p : points) {
        p = {lon(rng), lat(rng)};
    }
    return points;
}

// Within about 2 km of a border vertex inside the valley box: incidents and villages.
std::vector<LonLat> near_border_points(std::size_t n) {
    std::vector<LonLat> vertices;
    for (const Geometry& g : border_lines()) {
        for (const Path& line : g.lines()) {
            for (const LonLat& v : line) {
                if (v.lon >= 69.0 && v.lon <= 74.0 && v.lat >= 39.0 && v.lat <= 42.0) {
                    vertices.push_back(v);
                }
            }
        }
    }
    std::vector<LonLat> points(n);
    if (vertices.empty()) {
        return points;
    }
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::size_t> pick(0, vertices.size() - 1);
    std::uniform_real_distribution<double> offset(-0.02, 0.02);
    for (LonLat& p : points) {
        const LonLat v = vertices[pick(rng)];
        p = {v.lon + offset(rng), v.lat + offset(rng)};
    }
    return points;
}

struct EdgeCase {
    GeodesicEdge edge;
    LonLat p;
};

// Edges of a given length, points at a given distance from a random spot of the edge.
std::vector<EdgeCase> edge_cases(double length_m, double reach_m) {
    std::mt19937_64 rng(99);
    std::uniform_real_distribution<double> lon(69.0, 74.0);
    std::uniform_real_distribution<double> lat(39.0, 42.0);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<EdgeCase> cases(4096);
    for (EdgeCase& c : cases) {
        const LonLat a{lon(rng), lat(rng)};
        const double azimuth = 360.0 * unit(rng);
        c.edge = GeodesicEdge::between(a, geodesic_direct(a, azimuth, length_m));
        const LonLat on = geodesic_direct(a, azimuth, length_m * unit(rng));
        c.p = geodesic_direct(on, 360.0 * unit(rng), reach_m * (0.5 + 0.5 * unit(rng)));
    }
    return cases;
}

bool skip_without_borders(benchmark::State& state) {
    if (border_lines().empty()) {
        state.SkipWithError(("missing " + std::string(borders_path)).c_str());
        return true;
    }
    return false;
}

// ---------------------------------------------------------------------------
// Point to edge.

void BM_GeodesicInverse(benchmark::State& state) {
    const std::vector<EdgeCase> cases = edge_cases(1000.0, 1000.0);
    std::size_t i = 0;
    for (auto _ : state) {
        const EdgeCase& c = cases[i++ % cases.size()];
        benchmark::DoNotOptimize(distance_m(c.p, c.edge.a));
    }
}
BENCHMARK(BM_GeodesicInverse);

// Args: edge length (m), distance of the point from the edge (m).
void BM_PointToEdge(benchmark::State& state) {
    const std::vector<EdgeCase> cases =
        edge_cases(static_cast<double>(state.range(0)), static_cast<double>(state.range(1)));
    std::size_t i = 0;
    std::int64_t probes = 0;
    for (auto _ : state) {
        const EdgeCase& c = cases[i++ % cases.size()];
        const EdgeNearest n = nearest_on_edge(c.edge, c.p);
        probes += n.evaluations;
        benchmark::DoNotOptimize(n.distance_m);
    }
    state.counters["inverse_per_query"] = benchmark::Counter(
        static_cast<double>(probes), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_PointToEdge)
    ->Args({100, 1000})
    ->Args({100, 50000})
    ->Args({35000, 1000})
    ->Args({35000, 50000});

// ---------------------------------------------------------------------------
// The index over the real borders.

void BM_IndexBuild(benchmark::State& state) {
    if (skip_without_borders(state)) {
        return;
    }
    for (auto _ : state) {
        const EdgeIndex index(border_lines());
        benchmark::DoNotOptimize(index.item_count());
    }
    state.counters["edges"] = static_cast<double>(border_index().item_count());
}
BENCHMARK(BM_IndexBuild)->Unit(benchmark::kMillisecond);

void BM_IndexNearest(benchmark::State& state, bool near_border) {
    if (skip_without_borders(state)) {
        return;
    }
    const EdgeIndex& index = border_index();
    const std::vector<LonLat> points =
        near_border ? near_border_points(1 << 16) : valley_points(1 << 16);
    EdgeIndex::Scratch scratch;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(index.nearest(points[i++ % points.size()], scratch));
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_IndexNearest, valley, false);
BENCHMARK_CAPTURE(BM_IndexNearest, near_border, true);

void BM_IndexNearestK5(benchmark::State& state) {
    if (skip_without_borders(state)) {
        return;
    }
    const std::vector<LonLat> points = valley_points(1 << 14);
    EdgeIndex::Scratch scratch;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(border_index().nearest_k(points[i++ % points.size()], 5, scratch));
    }
}
BENCHMARK(BM_IndexNearestK5);

void BM_IndexWithin5km(benchmark::State& state) {
    if (skip_without_borders(state)) {
        return;
    }
    const std::vector<LonLat> points = near_border_points(1 << 14);
    EdgeIndex::Scratch scratch;
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(border_index().within(points[i++ % points.size()], 5000.0, scratch));
    }
}
BENCHMARK(BM_IndexWithin5km);

// The target: 1e6 nearest-border queries, spread over range(0) threads.
void BM_IndexNearestMillion(benchmark::State& state, bool near_border) {
    if (skip_without_borders(state)) {
        return;
    }
    const EdgeIndex& index = border_index();
    const std::vector<LonLat> points =
        near_border ? near_border_points(1000000) : valley_points(1000000);
    const auto threads = static_cast<unsigned>(state.range(0));
    for (auto _ : state) {
        const std::vector<std::optional<EdgeHit>> hits = index.nearest_all(points, threads);
        benchmark::DoNotOptimize(hits.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(points.size()));
}
BENCHMARK_CAPTURE(BM_IndexNearestMillion, valley, false)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_IndexNearestMillion, near_border, true)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fergana::geo
