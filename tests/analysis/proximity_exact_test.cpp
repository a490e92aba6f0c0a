// The border distances of `fergana proximity --measure border` (the benchmark's W1) against
// a brute-force reference that shares no code with geo/nearest or geo/edge_index
// (bench/brute_force.hpp: every edge of every border in force, golden-section search along
// the geodesic with PROJ's geod_direct/geod_inverse). The bundled OSM borders; points
// uniform in the benchmark's box and points within about 1 km of a border vertex, where
// the nearest edge changes most often; dates across the borders' epochs.
#include "analysis/proximity.hpp"
#include "bench/brute_force.hpp"
#include "layers/load.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace fergana::analysis {
namespace {

// SplitMix64, as the benchmark's generator: the sample is the same on every machine.
struct Rng {
    std::uint64_t state;
    double unit() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return static_cast<double>((z ^ (z >> 31U)) >> 11U) * 0x1.0p-53;
    }
};

TEST(ProximityExact, BorderDistancesWithinOneCentimetreOfBruteForce) {
    layers::LoadOptions options;
    options.data = FERGANA_BUNDLED_DATA;
    options.wanted = {layers::Role::Borders};
    layers::Dataset data = layers::load_dataset(options);
    ASSERT_GE(data.borders.features.size(), 3U);

    std::vector<geo::LonLat> vertices;
    for (const layers::Border& b : data.borders.features) {
        for (const geo::Path& line : b.geometry.lines()) vertices.insert(vertices.end(), line.begin(), line.end());
    }
    const char* dates[] = {"2001-05-01", "2017-10-01", "2023-06-01", "2025-01-10", "2026-01-01"};
    Rng rng{42};
    for (int k = 0; k < 120; ++k) {
        layers::Incident i;
        i.id = "t" + std::to_string(k);
        i.date = layers::parse_date_range(dates[k % 5]);
        if (k % 2 == 0) {
            i.position = {69.0 + 4.8 * rng.unit(), 39.3 + 2.3 * rng.unit()};
        } else {
            const geo::LonLat v = vertices[static_cast<std::size_t>(rng.unit() * static_cast<double>(vertices.size()))];
            i.position = {v.lon + 0.02 * (rng.unit() - 0.5), v.lat + 0.02 * (rng.unit() - 0.5)};
        }
        data.incidents.features.push_back(i);
    }
    std::vector<std::size_t> selected(data.incidents.features.size());
    for (std::size_t k = 0; k < selected.size(); ++k) selected[k] = k;

    ProximityOptions po;
    po.measure = {false, true, false, false, false, false};
    po.threads = 2;
    const ProximityResult result = proximity(data, selected, po);
    ASSERT_EQ(result.rows.size(), selected.size());

    const bench::BruteForce brute;
    for (std::size_t k = 0; k < selected.size(); ++k) {
        const layers::Incident& i = data.incidents.features[k];
        double best = std::numeric_limits<double>::infinity();
        std::string best_pair;
        for (const layers::Border& b : data.borders.features) {
            if (!b.valid.in_force(i.date->first)) continue;
            const double d = brute.distance_to_paths_m(b.geometry.lines(), i.position);
            if (d < best) {
                best = d;
                best_pair = b.pair;
            }
        }
        const ProximityRow& row = result.rows[k];
        ASSERT_TRUE(row.border.has_value()) << i.id;
        EXPECT_NEAR(row.border->distance_m, best, 0.01) << i.id << " at " << i.position.lon << "," << i.position.lat;
        EXPECT_EQ(row.border_pair(data), best_pair) << i.id;
        // Nothing else was measured.
        EXPECT_TRUE(result.more.empty());
    }
}

}  // namespace
}  // namespace fergana::analysis
