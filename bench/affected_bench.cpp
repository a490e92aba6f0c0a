// The query phase of workload W2 (docs/performance.md) alone: analysis::affected over the
// bundled settlements and N synthetic incidents held in memory, so that neither reading the
// incidents nor writing the result is timed.
//   build/bin/fergana_bench_affected                                   # 1e5 and 1e6, 20 km
//   build/bin/fergana_bench_affected --benchmark_filter='/1000000/'    # W2 at 1e6
// Real time and the whole process's CPU time (both threads) are reported.
#include "analysis/affected.hpp"
#include "layers/load.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace fergana;

// Incidents uniformly random in the box of bench/make_incidents.cpp (69.0-73.8 E,
// 39.3-41.6 N), with a type of five and a date in 2000-2025; SplitMix64, fixed seed.
const layers::Dataset& dataset(std::size_t incidents) {
    static std::map<std::size_t, layers::Dataset> cache;
    auto [it, inserted] = cache.try_emplace(incidents);
    if (!inserted) return it->second;
    layers::LoadOptions options;
    options.wanted = {layers::Role::Settlements};
    it->second = layers::load_dataset(options);
    std::uint64_t state = 20221;
    auto next = [&state] {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    auto uniform = [&next](double lo, double hi) {
        return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53;
    };
    const std::array<const char*, 5> types = {"shelling", "armed_clash", "shooting", "drone_strike", "other"};
    auto& features = it->second.incidents.features;
    features.resize(incidents);
    for (std::size_t i = 0; i < incidents; ++i) {
        layers::Incident& incident = features[i];
        incident.id = std::to_string(i + 1);
        incident.position = {uniform(69.0, 73.8), uniform(39.3, 41.6)};
        incident.type = types[next() % types.size()];
        const auto day = layers::Date::from_days(static_cast<std::int32_t>(uniform(10957.0, 20453.0)));
        incident.date = layers::DateRange{day, day};
    }
    return it->second;
}

void BM_Affected(benchmark::State& state, bool per_incident) {
    const layers::Dataset& data = dataset(static_cast<std::size_t>(state.range(0)));
    std::vector<std::size_t> selected(data.incidents.features.size());
    for (std::size_t i = 0; i < selected.size(); ++i) selected[i] = i;
    analysis::AffectedOptions options;
    options.radius_m = static_cast<double>(state.range(1));
    options.per_incident = per_incident;
    std::size_t in_reach = 0;
    for (auto _ : state) {
        const analysis::AffectedResult r = analysis::affected(data, selected, options);
        in_reach = 0;
        for (const auto& s : r.settlements) in_reach += s.incidents.size();
        benchmark::DoNotOptimize(in_reach);
    }
    state.counters["pairs_in_reach"] = static_cast<double>(in_reach);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Affected, settlements, false)
    ->Args({100000, 20000})
    ->Args({1000000, 20000})
    ->Args({1000000, 5000})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Affected, per_incident, true)
    ->Args({1000000, 20000})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
