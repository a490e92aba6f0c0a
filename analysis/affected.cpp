#include "analysis/affected.hpp"

#include "geo/chord_reach.hpp"
#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "geo/memory.hpp"
#include "geo/parallel.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

// How it stays exact and fast. There are few settlements and many incidents, so the work is
// done per settlement: the incidents' Earth-centred positions are computed once (in parallel)
// and bucketed in a grid of cubes, and each settlement scans only the cells within the longest
// chord that can be in reach (a chord is never longer than the geodesic). Each pair is decided
// by geo::ChordReach from its chord where the proven bounds settle it; only the pairs in the
// band around the radius (at most 0.34 % of it wide) and the candidates for the nearest
// incident (lower bound at most the best upper bound) are solved with the inverse geodesic
// problem, in the direction geo::EdgeIndex::within solved them (incident to settlement), so
// every distance is bit for bit the one the index gave. For 1e6 incidents and 20 km (workload
// W2): 3.1 million pairs scanned, 1.7 million in reach, 11,600 inverse problems instead of 1.7
// million. With per_incident each incident's settlements are ordered by distance: solved only
// where the pairs' bounds overlap. Settlements are spread over the threads and merged in
// settlement order: the result does not depend on the thread count.

namespace fergana::analysis {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr std::size_t max_reaches = std::numeric_limits<std::uint16_t>::max();

// A selected incident as the settlement scan reads it (40 bytes: a cell's incidents are read
// in one sweep). No default member initialisers: a million of them are allocated, then
// written once, not zeroed first.
struct Located {
    double x, y, z;          // Earth-centred, metres
    std::int32_t first_day;  // of its date, when dated
    std::int32_t last_day;
    std::uint32_t k;      // position in `selected`
    std::uint16_t reach;  // index into the reaches
    bool dated;

    [[nodiscard]] geo::Ecef ecef() const noexcept { return {x, y, z}; }
};

// The incidents that can be in reach of a settlement, bucketed in a grid of cubes of
// Earth-centred coordinates, each cell's incidents in increasing k. Every incident within
// chord c of a point lies in a cell whose box is within c of it: no degrees, no antimeridian
// or pole to treat apart. The grid covers the settlements' box grown by the longest chord in
// reach, so whatever lies outside it reaches no settlement and is left out.
//
// Memory touched for the first time is what costs most here (docs/performance.md), so the
// incidents are written once, straight into their cells, by all threads: a first pass finds
// each incident's cell, a counting sort gives each its place, and a second pass fills it in.
class IncidentGrid {
public:
    // Cells about half the longest chord wide, larger when that would make more cells than
    // about two per incident.
    IncidentGrid(const std::vector<geo::Ecef>& places, double max_chord_m, std::size_t incidents) {
        if (places.empty() || incidents == 0 || !(max_chord_m >= 0.0)) {
            m_empty = true;
            return;
        }
        // A metre more than the chord: cells are found by rounded arithmetic.
        const double slack_m = max_chord_m + 1.0;
        std::array<double, 3> hi{-infinity, -infinity, -infinity};
        m_origin = {infinity, infinity, infinity};
        for (const geo::Ecef& p : places) {
            const std::array<double, 3> v = coordinates(p);
            for (std::size_t d = 0; d < 3; ++d) {
                m_origin[d] = std::min(m_origin[d], v[d] - slack_m);
                hi[d] = std::max(hi[d], v[d] + slack_m);
            }
        }
        for (std::size_t d = 0; d < 3; ++d) {
            if (!std::isfinite(hi[d] - m_origin[d])) return;  // reaches everything: one cell
        }
        // Cell numbers must fit the 32-bit slots of fill().
        const double max_cells = std::min(2.0 * static_cast<double>(incidents) + 64.0, 2147483648.0);
        m_cell_m = max_chord_m > 0.0 ? 0.5 * max_chord_m : 1.0;
        for (;;) {
            double cells = 1.0;
            for (std::size_t d = 0; d < 3; ++d) cells *= std::ceil((hi[d] - m_origin[d]) / m_cell_m);
            if (cells <= max_cells) break;
            m_cell_m *= 2.0;
        }
        for (std::size_t d = 0; d < 3; ++d) {
            m_dims[d] = static_cast<std::size_t>(std::ceil((hi[d] - m_origin[d]) / m_cell_m));
        }
    }

    // locate(k, e) fills e for incident k and returns false when it reaches nothing; it is
    // called twice per incident, from several threads.
    template <typename Locate>
    void fill(std::size_t count, unsigned threads, Locate&& locate) {
        if (m_empty) return;
        const std::size_t cells = m_dims[0] * m_dims[1] * m_dims[2];
        // Per incident: its cell (outside: `cells`), then its place among the items.
        std::unique_ptr<std::uint32_t[]> slot(new std::uint32_t[count]);
        advise_huge_pages(slot.get(), count * sizeof(std::uint32_t));
        geo::parallel_for(count, 16384, threads, [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t k = begin; k < end; ++k) {
                Located e;
                slot[k] = static_cast<std::uint32_t>(locate(k, e) ? cell_of(e.ecef()).value_or(cells) : cells);
            }
        });
        // Counting sort by cell, stable: a cell's incidents stay in increasing k.
        m_starts.assign(cells + 2, 0);
        for (std::size_t k = 0; k < count; ++k) ++m_starts[slot[k] + 1];
        for (std::size_t c = 1; c < m_starts.size(); ++c) m_starts[c] += m_starts[c - 1];
        m_count = m_starts[cells];
        std::vector<std::uint32_t> next(m_starts.begin(), m_starts.end() - 1);
        for (std::size_t k = 0; k < count; ++k) slot[k] = next[slot[k]]++;
        m_starts.pop_back();
        m_items.reset(new Located[m_count]);
        advise_huge_pages(m_items.get(), m_count * sizeof(Located));
        geo::parallel_for(count, 16384, threads, [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t k = begin; k < end; ++k) {
                if (slot[k] < m_count) (void)locate(k, m_items[slot[k]]);
            }
        });
    }

    [[nodiscard]] const Located& item(std::uint32_t n) const noexcept { return m_items[n]; }

    // Calls fn(n) for every item n in the cells whose box is within chord_m (at most the grid's
    // chord) of p: every incident within chord_m of p, and others.
    template <typename Fn>
    void for_each_near(const geo::Ecef& p, double chord_m, Fn&& fn) const {
        if (m_empty || m_count == 0) return;
        const double reach_m = chord_m + 1.0;
        const std::array<double, 3> v = coordinates(p);
        std::array<std::size_t, 3> first{};
        std::array<std::size_t, 3> last{};
        for (std::size_t d = 0; d < 3; ++d) {
            first[d] = 0;
            last[d] = m_dims[d] - 1;
            if (std::isinf(reach_m)) continue;  // the one cell
            const double from = std::floor((v[d] - reach_m - m_origin[d]) / m_cell_m);
            const double to = std::floor((v[d] + reach_m - m_origin[d]) / m_cell_m);
            if (to < 0.0 || from > static_cast<double>(last[d])) return;  // the window misses the grid
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
    bool m_empty = false;
    std::array<double, 3> m_origin{};
    double m_cell_m = infinity;  // infinite: a single cell
    std::array<std::size_t, 3> m_dims{1, 1, 1};
    std::vector<std::uint32_t> m_starts;  // per cell: its first item; one more at the end
    std::unique_ptr<Located[]> m_items;   // not value-initialised: each is written once
    std::uint32_t m_count = 0;

    static std::array<double, 3> coordinates(const geo::Ecef& p) noexcept { return {p.x, p.y, p.z}; }

    // The cell holding p, or nothing when p lies outside the grid (beyond the reach of every
    // settlement, by a metre at least).
    [[nodiscard]] std::optional<std::size_t> cell_of(const geo::Ecef& p) const noexcept {
        if (std::isinf(m_cell_m)) return 0;
        const std::array<double, 3> v = coordinates(p);
        std::size_t cell = 0;
        for (std::size_t d = 0; d < 3; ++d) {
            const double i = std::floor((v[d] - m_origin[d]) / m_cell_m);
            if (!(i >= 0.0 && i < static_cast<double>(m_dims[d]))) return std::nullopt;
            cell = cell * m_dims[d] + static_cast<std::size_t>(i);
        }
        return cell;
    }
    // Distance along dimension d from v to the slab of cell i (0 inside it).
    [[nodiscard]] double gap(double v, std::size_t i, std::size_t d) const noexcept {
        if (std::isinf(m_cell_m)) return 0.0;
        const double from = m_origin[d] + static_cast<double>(i) * m_cell_m;
        const double to = from + m_cell_m;
        return v < from ? from - v : (v > to ? v - to : 0.0);
    }
};

// An incident in reach of the settlement being scanned.
struct InReach {
    std::uint32_t item;  // in the grid
    std::uint32_t k;
    double chord2_m2;
    double distance_m;  // exact; NaN until solved
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
        if (reaches.size() >= max_reaches) throw GeometryError("affected: too many radii by type");
    }
    const auto default_reach = static_cast<std::uint16_t>(reaches.size());
    reaches.emplace_back(options.radius_m + geo::radius_tolerance_m);
    double max_chord_m = 0.0;
    for (const geo::ChordReach& r : reaches) {
        if (!r.reaches_nothing()) max_chord_m = std::max(max_chord_m, r.max_chord_m());
    }

    // The incidents' positions, reaches and dates, in the grid.
    IncidentGrid grid(places, max_chord_m, selected.size());
    grid.fill(selected.size(), options.threads, [&](std::size_t k, Located& e) {
        const layers::Incident& incident = incidents[selected[k]];
        const auto typed = reach_of_type.find(incident.type);
        e.reach = typed == reach_of_type.end() ? default_reach : typed->second;
        const geo::LonLat p = incident.position;
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::fabs(p.lat) > 90.0 ||
            reaches[e.reach].reaches_nothing()) {
            return false;  // as the index: an unusable point finds nothing
        }
        const geo::Ecef ecef = geo::to_ecef(p);
        e.x = ecef.x;
        e.y = ecef.y;
        e.z = ecef.z;
        e.k = static_cast<std::uint32_t>(k);
        e.dated = incident.date.has_value();
        e.first_day = e.dated ? incident.date->first.days() : 0;
        e.last_day = e.dated ? incident.date->last.days() : 0;
        return true;
    });

    // Per settlement: the incidents in reach, in k order, with the exact distances needed.
    report(progress, 0.1, "searching");
    struct Found {
        bool affected = false;
        AffectedSettlement settlement;
        std::vector<InReach> reach;  // kept with per_incident only
    };
    std::vector<Found> found(settlements.size());
    // Per thread: the pairs in reach of the settlement scanned, and a bit per incident that
    // turns them into a list in k order without sorting.
    struct Scan {
        std::vector<InReach> in;
        std::vector<std::uint64_t> seen;
    };
    std::vector<Scan> scans(geo::worker_count(settlements.size(), 1, options.threads));
    geo::parallel_for(settlements.size(), 1, options.threads, [&](std::size_t s, std::size_t, unsigned worker) {
        const geo::Ecef& place = places[s];
        const geo::LonLat position = settlements[s].position;
        auto solve = [&](InReach& h) { h.distance_m = geo::distance_m(incidents[selected[h.k]].position, position); };
        std::vector<InReach>& in = scans[worker].in;
        in.clear();
        grid.for_each_near(place, max_chord_m, [&](std::uint32_t n) {
            const Located& e = grid.item(n);
            const geo::ChordReach& reach = reaches[e.reach];
            InReach h{n, e.k, geo::chord2_m2(place, e.ecef()), std::numeric_limits<double>::quiet_NaN()};
            switch (reach.side(h.chord2_m2)) {
                case geo::ChordReach::Side::Outside: return;
                case geo::ChordReach::Side::Inside: break;
                case geo::ChordReach::Side::Undecided:
                    solve(h);
                    if (!(h.distance_m <= reach.radius_m())) return;
                    break;
            }
            in.push_back(h);
        });
        if (in.empty()) return;

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
            best_upper_m =
                std::min(best_upper_m, geo::geodesic_length_upper_bound_m(place, grid.item(shortest->item).ecef()));
        }
        const double prefilter_m = best_upper_m + 1.0;  // the lower bound below decides
        // The pair that gave the bound is a candidate itself, so there is at least one.
        std::size_t nearest = 0;
        bool candidate = false;
        for (std::size_t n = 0; n < in.size(); ++n) {
            InReach& h = in[n];
            if (h.chord2_m2 > prefilter_m * prefilter_m) continue;
            if (geo::edge_distance_lower_bound_m(grid.item(h.item).ecef(), place, place, 0.0) > best_upper_m) continue;
            if (std::isnan(h.distance_m)) solve(h);
            if (!candidate || h.distance_m < in[nearest].distance_m ||
                (h.distance_m == in[nearest].distance_m && h.k < in[nearest].k)) {
                nearest = n;
            }
            candidate = true;
        }

        Found& f = found[s];
        f.affected = true;
        AffectedSettlement& a = f.settlement;
        a.settlement = s;
        a.nearest_incident = selected[in[nearest].k];
        a.nearest_incident_distance_m = in[nearest].distance_m;
        std::int32_t first_day = std::numeric_limits<std::int32_t>::max();
        std::int32_t last_day = std::numeric_limits<std::int32_t>::min();
        bool dated = false;
        std::vector<std::uint64_t>& seen = scans[worker].seen;
        seen.resize(selected.size() / 64 + 1);
        std::size_t first_word = seen.size();
        std::size_t last_word = 0;
        for (const InReach& h : in) {
            seen[h.k / 64] |= std::uint64_t{1} << (h.k % 64);
            first_word = std::min<std::size_t>(first_word, h.k / 64);
            last_word = std::max<std::size_t>(last_word, h.k / 64);
            const Located& e = grid.item(h.item);
            if (!e.dated) continue;
            dated = true;
            first_day = std::min(first_day, e.first_day);
            last_day = std::max(last_day, e.last_day);
        }
        if (dated) {
            a.first_date = layers::Date::from_days(first_day);
            a.last_date = layers::Date::from_days(last_day);
        }
        a.incidents.reserve(in.size());
        for (std::size_t w = first_word; w <= last_word; ++w) {
            for (std::uint64_t bits = seen[w]; bits != 0; bits &= bits - 1) {
                a.incidents.push_back(selected[w * 64 + static_cast<std::size_t>(std::countr_zero(bits))]);
            }
            seen[w] = 0;
        }
        if (options.per_incident) f.reach.assign(in.begin(), in.end());
    });

    report(progress, 0.8, "aggregating");
    AffectedResult result;
    if (options.per_incident) {
        // Per incident: its settlements by distance, then index (as EdgeIndex::within ordered
        // them). Only the order needs distances: a pair whose interval [lower, upper] (the chord
        // bounds) overlaps no other pair's of the same incident has its place without one, so
        // the inverse problem is solved only within runs of overlapping intervals.
        struct Pair {
            double distance_m;  // exact; NaN until solved
            std::size_t settlement;
            std::uint32_t item;
        };
        std::vector<std::size_t> starts(selected.size() + 1, 0);
        for (const Found& f : found) {
            for (const InReach& h : f.reach) ++starts[h.k + 1];
        }
        for (std::size_t k = 1; k < starts.size(); ++k) starts[k] += starts[k - 1];
        std::vector<Pair> pairs(starts.back());
        std::vector<std::size_t> next(starts.begin(), starts.end() - 1);
        for (std::size_t s = 0; s < found.size(); ++s) {
            for (const InReach& h : found[s].reach) pairs[next[h.k]++] = {h.distance_m, s, h.item};
            found[s].reach = {};
        }
        struct Bounds {
            double lower_m;
            double upper_m;
            Pair pair;
        };
        std::vector<std::vector<Bounds>> bounds(geo::worker_count(selected.size(), 4096, options.threads));
        result.per_incident.resize(selected.size());
        geo::parallel_for(selected.size(), 4096, options.threads, [&](std::size_t begin, std::size_t end, unsigned worker) {
            std::vector<Bounds>& order = bounds[worker];
            for (std::size_t k = begin; k < end; ++k) {
                IncidentReach& reach = result.per_incident[k];
                const layers::Incident& incident = incidents[selected[k]];
                reach.incident = selected[k];
                reach.radius_m = options.radius_for(incident.type);
                order.clear();
                for (std::size_t n = starts[k]; n < starts[k + 1]; ++n) {
                    const Pair& p = pairs[n];
                    if (!std::isnan(p.distance_m)) {
                        order.push_back({p.distance_m, p.distance_m, p});
                        continue;
                    }
                    const geo::Ecef e = grid.item(p.item).ecef();
                    const geo::Ecef& place = places[p.settlement];
                    order.push_back({geo::edge_distance_lower_bound_m(e, place, place, 0.0),
                                     geo::geodesic_length_upper_bound_m(e, place), p});
                }
                std::sort(order.begin(), order.end(),
                          [](const Bounds& x, const Bounds& y) { return x.lower_m < y.lower_m; });
                for (std::size_t run = 0; run < order.size();) {
                    std::size_t stop = run + 1;
                    double upper_m = order[run].upper_m;
                    while (stop < order.size() && !(order[stop].lower_m > upper_m)) {
                        upper_m = std::max(upper_m, order[stop].upper_m);
                        ++stop;
                    }
                    if (stop - run > 1) {
                        for (std::size_t n = run; n < stop; ++n) {
                            Pair& p = order[n].pair;
                            if (std::isnan(p.distance_m)) {
                                p.distance_m = geo::distance_m(incident.position, settlements[p.settlement].position);
                            }
                        }
                        std::sort(order.begin() + static_cast<std::ptrdiff_t>(run),
                                  order.begin() + static_cast<std::ptrdiff_t>(stop),
                                  [](const Bounds& x, const Bounds& y) {
                                      return x.pair.distance_m < y.pair.distance_m ||
                                             (x.pair.distance_m == y.pair.distance_m &&
                                              x.pair.settlement < y.pair.settlement);
                                  });
                    }
                    run = stop;
                }
                reach.settlements.reserve(order.size());
                for (const Bounds& b : order) {
                    reach.settlements.push_back(b.pair.settlement);
                    if (const auto& pop = settlements[b.pair.settlement].population) reach.population += *pop;
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
