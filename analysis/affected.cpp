#include "analysis/affected.hpp"

#include "geo/chord_reach.hpp"
#include "geo/error.hpp"
#include "geo/geodesic.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

// How it stays exact and fast. There are few settlements and many incidents, so the work is
// done per settlement: the incidents' Earth-centred positions are computed once and bucketed
// in a grid of cubes, and each settlement scans only the cells within the longest chord that
// can be in reach (a chord is never longer than the geodesic). Each pair is decided by
// geo::ChordReach from its chord where the proven bounds settle it; only the pairs in the band
// around the radius (at most 0.34 % of it wide) and the candidates for the nearest incident
// (lower bound at most the best upper bound) are solved with the inverse geodesic problem, in
// the same direction as geo::EdgeIndex solves them (incident to settlement), so every distance
// is bit for bit the one the index gave. With per_incident, each incident's settlements are
// ordered by their exact distance, so then every pair in reach is solved.

namespace fergana::analysis {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr std::uint16_t no_reach = std::numeric_limits<std::uint16_t>::max();

// Calls fn(begin, end) for the ranges [i * grain, (i + 1) * grain) of [0, count), taken from a
// shared counter by `threads` threads (0: one per hardware thread). The first exception thrown
// by fn is rethrown here once every thread has stopped.
template <typename Fn>
void parallel_for(std::size_t count, std::size_t grain, unsigned threads, Fn&& fn) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t chunks = (count + grain - 1) / grain;
    const auto workers = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, chunks)));
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&] {
        try {
            while (!failed.load(std::memory_order_relaxed)) {
                const std::size_t chunk = next.fetch_add(1, std::memory_order_relaxed);
                if (chunk >= chunks) break;
                fn(chunk * grain, std::min(count, (chunk + 1) * grain));
            }
        } catch (...) {
            const std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            failed = true;
        }
    };
    std::vector<std::thread> pool;
    try {
        for (unsigned t = 1; t < workers; ++t) pool.emplace_back(run);
    } catch (...) {
        failed = true;
        for (std::thread& t : pool) t.join();
        throw;
    }
    run();
    for (std::thread& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

// A selected incident as the settlement scan reads it (40 bytes: a cell's incidents are read
// in one sweep).
struct Located {
    geo::Ecef ecef;
    std::int32_t first_day;  // of its date, when dated
    std::int32_t last_day;
    std::uint32_t k;         // position in `selected`
    std::uint16_t reach;     // index into the reaches; no_reach: reaches nothing
    bool dated;
};

// Incidents bucketed in a grid of cubes of Earth-centred coordinates over their extent, each
// cell's incidents in increasing k. Every incident within chord c of a point lies in a cell
// whose box is within c of it: no degrees, no antimeridian or pole to treat apart.
class IncidentGrid {
public:
    // Keeps the incidents that reach something. Cells are about half the longest chord wide,
    // larger when that would make more cells than about two per incident.
    IncidentGrid(const std::vector<Located>& incidents, double max_chord_m) {
        std::array<double, 3> lo{infinity, infinity, infinity};
        std::array<double, 3> hi{-infinity, -infinity, -infinity};
        std::size_t count = 0;
        for (const Located& e : incidents) {
            if (e.reach == no_reach) continue;
            const std::array<double, 3> v = coordinates(e.ecef);
            for (std::size_t d = 0; d < 3; ++d) {
                lo[d] = std::min(lo[d], v[d]);
                hi[d] = std::max(hi[d], v[d]);
            }
            ++count;
        }
        if (count == 0) return;
        m_origin = lo;
        const double max_cells = 2.0 * static_cast<double>(count) + 64.0;
        m_cell_m = max_chord_m > 0.0 ? 0.5 * max_chord_m : 1.0;
        for (;;) {
            double cells = 1.0;
            for (std::size_t d = 0; d < 3; ++d) cells *= std::max(1.0, std::ceil((hi[d] - lo[d]) / m_cell_m));
            if (cells <= max_cells) break;
            m_cell_m *= 2.0;
        }
        for (std::size_t d = 0; d < 3; ++d) {
            m_dims[d] = static_cast<std::size_t>(std::max(1.0, std::ceil((hi[d] - lo[d]) / m_cell_m)));
        }
        // Counting sort by cell, stable: a cell's incidents stay in increasing k.
        std::vector<std::uint32_t> cell_of(incidents.size());
        m_starts.assign(m_dims[0] * m_dims[1] * m_dims[2] + 1, 0);
        for (std::size_t i = 0; i < incidents.size(); ++i) {
            if (incidents[i].reach == no_reach) continue;
            const std::array<double, 3> v = coordinates(incidents[i].ecef);
            std::size_t cell = 0;
            for (std::size_t d = 0; d < 3; ++d) cell = cell * m_dims[d] + index(v[d], d);
            cell_of[i] = static_cast<std::uint32_t>(cell);
            ++m_starts[cell + 1];
        }
        for (std::size_t c = 1; c < m_starts.size(); ++c) m_starts[c] += m_starts[c - 1];
        std::vector<std::uint32_t> next(m_starts.begin(), m_starts.end() - 1);
        m_items.resize(count);
        for (std::size_t i = 0; i < incidents.size(); ++i) {
            if (incidents[i].reach != no_reach) m_items[next[cell_of[i]]++] = incidents[i];
        }
    }

    [[nodiscard]] const std::vector<Located>& items() const noexcept { return m_items; }

    // Calls fn(item) for every incident in the cells whose box is within chord_m of p: every
    // incident within chord_m of p, and others.
    template <typename Fn>
    void for_each_near(const geo::Ecef& p, double chord_m, Fn&& fn) const {
        if (m_items.empty()) return;
        // Cells are assigned by rounded arithmetic: a metre of slack covers it many times over.
        const double reach_m = chord_m + 1.0;
        const std::array<double, 3> v = coordinates(p);
        std::array<std::size_t, 3> first{};
        std::array<std::size_t, 3> last{};
        for (std::size_t d = 0; d < 3; ++d) {
            first[d] = 0;
            last[d] = m_dims[d] - 1;
            if (std::isinf(reach_m)) continue;  // every cell (and the cells may be infinite)
            const double from = std::floor((v[d] - reach_m - m_origin[d]) / m_cell_m);
            const double to = std::floor((v[d] + reach_m - m_origin[d]) / m_cell_m);
            if (to < 0.0 || from > static_cast<double>(last[d])) return;  // the window misses the extent
            if (from > 0.0) first[d] = static_cast<std::size_t>(from);
            if (to < static_cast<double>(last[d])) last[d] = static_cast<std::size_t>(to);
        }
        for (std::size_t i = first[0]; i <= last[0]; ++i) {
            const double gx = gap(v[0], i, 0);
            for (std::size_t j = first[1]; j <= last[1]; ++j) {
                const double gy = gap(v[1], j, 1);
                for (std::size_t l = first[2]; l <= last[2]; ++l) {
                    const double gz = gap(v[2], l, 2);
                    if (gx * gx + gy * gy + gz * gz > reach_m * reach_m) continue;
                    const std::size_t cell = (i * m_dims[1] + j) * m_dims[2] + l;
                    for (std::uint32_t n = m_starts[cell]; n < m_starts[cell + 1]; ++n) fn(n);
                }
            }
        }
    }

private:
    std::array<double, 3> m_origin{};
    double m_cell_m = 1.0;
    std::array<std::size_t, 3> m_dims{1, 1, 1};
    std::vector<std::uint32_t> m_starts;  // per cell: its first item; one more at the end
    std::vector<Located> m_items;

    static std::array<double, 3> coordinates(const geo::Ecef& p) noexcept { return {p.x, p.y, p.z}; }

    [[nodiscard]] std::size_t index(double v, std::size_t d) const noexcept {
        const double i = std::floor((v - m_origin[d]) / m_cell_m);
        return i > 0.0 ? std::min(m_dims[d] - 1, static_cast<std::size_t>(i)) : 0;
    }
    // Distance along dimension d from v to the slab of cell i (0 inside it); the edge cells
    // extend to infinity, as they hold whatever index() clamps into them.
    [[nodiscard]] double gap(double v, std::size_t i, std::size_t d) const noexcept {
        const double from = i == 0 ? -infinity : m_origin[d] + static_cast<double>(i) * m_cell_m;
        const double to = i + 1 == m_dims[d] ? infinity : m_origin[d] + static_cast<double>(i + 1) * m_cell_m;
        return v < from ? from - v : (v > to ? v - to : 0.0);
    }
};

// An incident in reach of the settlement being scanned.
struct InReach {
    std::uint32_t item;  // in the grid
    std::uint32_t k;
    double chord2_m2;
    double distance_m;   // exact; NaN until solved
};

}  // namespace

AffectedResult affected(const layers::Dataset& data, const std::vector<std::size_t>& selected,
                        const AffectedOptions& options, const Progress& progress) {
    report(progress, 0.0, "locating incidents");
    const std::vector<layers::Settlement>& settlements = data.settlements.features;
    const std::vector<layers::Incident>& incidents = data.incidents.features;
    std::vector<geo::Ecef> places;
    places.reserve(settlements.size());
    for (std::size_t s = 0; s < settlements.size(); ++s) {
        const geo::LonLat p = settlements[s].position;
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::fabs(p.lat) > 90.0) {
            throw GeometryError("settlement coordinate (" + std::to_string(p.lon) + ", " + std::to_string(p.lat) +
                                    ") is not a valid longitude/latitude",
                                Location{{}, {}, settlements[s].id, {}});
        }
        places.push_back(geo::to_ecef(p));
    }
    if (selected.size() >= std::numeric_limits<std::uint32_t>::max()) {
        throw GeometryError("affected: too many incidents (the limit is 2^32 - 1)");
    }

    // One reach per typed radius (in the map's order), then the default. Inclusive: a
    // settlement exactly 5,000 m away is in reach of 5 km.
    std::vector<geo::ChordReach> reaches;
    std::map<std::string, std::uint16_t, std::less<>> reach_of_type;
    for (const auto& [type, radius] : options.radius_by_type) {
        reach_of_type.emplace(type, static_cast<std::uint16_t>(reaches.size()));
        reaches.emplace_back(radius + geo::radius_tolerance_m);
        if (reaches.size() >= no_reach) throw GeometryError("affected: too many radii by type");
    }
    const auto default_reach = static_cast<std::uint16_t>(reaches.size());
    reaches.emplace_back(options.radius_m + geo::radius_tolerance_m);
    double max_chord_m = 0.0;
    for (const geo::ChordReach& r : reaches) {
        if (!r.reaches_nothing()) max_chord_m = std::max(max_chord_m, r.max_chord_m());
    }

    // The incidents' positions, reaches and dates (parallel; each row is its own).
    std::vector<Located> located(selected.size());
    parallel_for(selected.size(), 16384, options.threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t k = begin; k < end; ++k) {
            const layers::Incident& incident = incidents[selected[k]];
            Located& e = located[k];
            e.k = static_cast<std::uint32_t>(k);
            const auto typed = reach_of_type.find(incident.type);
            e.reach = typed == reach_of_type.end() ? default_reach : typed->second;
            const geo::LonLat p = incident.position;
            if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::fabs(p.lat) > 90.0 ||
                reaches[e.reach].reaches_nothing()) {
                e.reach = no_reach;  // as the index: an unusable point finds nothing
                continue;
            }
            e.ecef = geo::to_ecef(p);
            e.dated = incident.date.has_value();
            e.first_day = e.dated ? incident.date->first.days() : 0;
            e.last_day = e.dated ? incident.date->last.days() : 0;
        }
    });
    const IncidentGrid grid(located, max_chord_m);
    located = {};
    const std::vector<Located>& items = grid.items();

    // Per settlement: the incidents in reach, in k order, with the exact distances needed.
    report(progress, 0.1, "searching");
    struct Found {
        bool affected = false;
        AffectedSettlement settlement;
        std::vector<InReach> reach;  // kept with per_incident only
    };
    std::vector<Found> found(settlements.size());
    parallel_for(settlements.size(), 1, options.threads, [&](std::size_t s, std::size_t) {
        const geo::Ecef& place = places[s];
        const geo::LonLat position = settlements[s].position;
        auto solve = [&](InReach& h) {
            h.distance_m = geo::distance_m(incidents[selected[h.k]].position, position);
        };
        std::vector<InReach> in;
        grid.for_each_near(place, max_chord_m, [&](std::uint32_t n) {
            const Located& e = items[n];
            const geo::ChordReach& reach = reaches[e.reach];
            InReach h{n, e.k, geo::chord2_m2(place, e.ecef), std::numeric_limits<double>::quiet_NaN()};
            switch (reach.side(h.chord2_m2)) {
            case geo::ChordReach::Side::Outside:
                return;
            case geo::ChordReach::Side::Inside:
                if (options.per_incident) solve(h);
                break;
            case geo::ChordReach::Side::Undecided:
                solve(h);
                if (!(h.distance_m <= reach.radius_m())) return;
                break;
            }
            in.push_back(h);
        });
        if (in.empty()) return;
        std::sort(in.begin(), in.end(), [](const InReach& a, const InReach& b) { return a.k < b.k; });

        // The nearest: an upper bound from a solved pair or the shortest chord's, then every
        // pair whose lower bound does not exceed it solved; ties go to the first in k order.
        double best_upper_m = infinity;
        const InReach* shortest = nullptr;
        for (const InReach& h : in) {
            if (!std::isnan(h.distance_m)) {
                best_upper_m = std::min(best_upper_m, h.distance_m);
            } else if (!shortest || h.chord2_m2 < shortest->chord2_m2) {
                shortest = &h;
            }
        }
        if (shortest) {
            best_upper_m = std::min(best_upper_m, geo::geodesic_length_upper_bound_m(place, items[shortest->item].ecef));
        }
        const double prefilter_m = best_upper_m + 1.0;  // the lower bound below decides
        // The pair that gave the bound is a candidate itself, so there is at least one.
        std::size_t nearest = 0;
        bool candidate = false;
        for (std::size_t n = 0; n < in.size(); ++n) {
            InReach& h = in[n];
            if (h.chord2_m2 > prefilter_m * prefilter_m) continue;
            if (geo::edge_distance_lower_bound_m(items[h.item].ecef, place, place, 0.0) > best_upper_m) continue;
            if (std::isnan(h.distance_m)) solve(h);
            if (!candidate || h.distance_m < in[nearest].distance_m) nearest = n;
            candidate = true;
        }

        Found& f = found[s];
        f.affected = true;
        AffectedSettlement& a = f.settlement;
        a.settlement = s;
        a.nearest_incident = selected[in[nearest].k];
        a.nearest_incident_distance_m = in[nearest].distance_m;
        a.incidents.reserve(in.size());
        std::int32_t first_day = std::numeric_limits<std::int32_t>::max();
        std::int32_t last_day = std::numeric_limits<std::int32_t>::min();
        bool dated = false;
        for (const InReach& h : in) {
            a.incidents.push_back(selected[h.k]);
            const Located& e = items[h.item];
            if (!e.dated) continue;
            dated = true;
            first_day = std::min(first_day, e.first_day);
            last_day = std::max(last_day, e.last_day);
        }
        if (dated) {
            a.first_date = layers::Date::from_days(first_day);
            a.last_date = layers::Date::from_days(last_day);
        }
        if (options.per_incident) f.reach = std::move(in);
    });

    report(progress, 0.8, "aggregating");
    AffectedResult result;
    if (options.per_incident) {
        // Per incident: its settlements by distance, then index (as EdgeIndex::within orders them).
        struct Pair {
            double distance_m;
            std::size_t settlement;
        };
        std::vector<std::size_t> starts(selected.size() + 1, 0);
        for (const Found& f : found) {
            for (const InReach& h : f.reach) ++starts[h.k + 1];
        }
        for (std::size_t k = 1; k < starts.size(); ++k) starts[k] += starts[k - 1];
        std::vector<Pair> pairs(starts.back());
        std::vector<std::size_t> next(starts.begin(), starts.end() - 1);
        for (std::size_t s = 0; s < found.size(); ++s) {
            for (const InReach& h : found[s].reach) pairs[next[h.k]++] = {h.distance_m, s};
            found[s].reach = {};
        }
        result.per_incident.resize(selected.size());
        parallel_for(selected.size(), 4096, options.threads, [&](std::size_t begin, std::size_t end) {
            for (std::size_t k = begin; k < end; ++k) {
                IncidentReach& reach = result.per_incident[k];
                reach.incident = selected[k];
                reach.radius_m = options.radius_for(incidents[selected[k]].type);
                const auto first = pairs.begin() + static_cast<std::ptrdiff_t>(starts[k]);
                const auto last = pairs.begin() + static_cast<std::ptrdiff_t>(starts[k + 1]);
                std::sort(first, last, [](const Pair& a, const Pair& b) {
                    return a.distance_m < b.distance_m || (a.distance_m == b.distance_m && a.settlement < b.settlement);
                });
                reach.settlements.reserve(static_cast<std::size_t>(last - first));
                for (auto p = first; p != last; ++p) {
                    reach.settlements.push_back(p->settlement);
                    if (const auto& pop = settlements[p->settlement].population) reach.population += *pop;
                }
            }
        });
    }
    for (Found& f : found) {
        if (f.affected) result.settlements.push_back(std::move(f.settlement));
    }
    for (const AffectedSettlement& s : result.settlements) {
        const layers::Settlement& settlement = settlements[s.settlement];
        for (CountryTotals* totals : {&result.by_country[settlement.country], &result.total}) {
            ++totals->settlements;
            if (settlement.population) {
                totals->population += *settlement.population;
            } else {
                ++totals->settlements_without_population;
            }
        }
    }
    report(progress, 1.0, "done");
    return result;
}

}  // namespace fergana::analysis
