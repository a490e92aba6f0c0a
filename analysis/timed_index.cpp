#include "analysis/timed_index.hpp"

#include "geo/memory.hpp"
#include "geo/parallel.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>

namespace fergana::analysis {

namespace {

// Bit for bit, not ==: 0.0 and -0.0 compare equal, but an index built from either need not
// answer with the same bits.
bool same_path(const geo::Path& a, const geo::Path& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](geo::LonLat x, geo::LonLat y) {
        return std::bit_cast<std::uint64_t>(x.lon) == std::bit_cast<std::uint64_t>(y.lon) &&
               std::bit_cast<std::uint64_t>(x.lat) == std::bit_cast<std::uint64_t>(y.lat);
    });
}

// Whether an EdgeIndex would be built the same from either: the same points, lines and
// polygon rings, in the same order.
bool same_geometry(const geo::Geometry& a, const geo::Geometry& b) {
    const auto same_polygon = [](const geo::Polygon& x, const geo::Polygon& y) {
        return std::equal(x.rings.begin(), x.rings.end(), y.rings.begin(), y.rings.end(),
                          same_path);
    };
    return same_path(a.points(), b.points()) &&
           std::equal(a.lines().begin(), a.lines().end(), b.lines().begin(), b.lines().end(),
                      same_path) &&
           std::equal(a.polygons().begin(), a.polygons().end(), b.polygons().begin(),
                      b.polygons().end(), same_polygon);
}

}  // namespace

TimedGeometryIndex::TimedGeometryIndex(std::vector<geo::Geometry> geometries,
                                       std::vector<layers::Validity> validity)
    : m_geometries(std::move(geometries)), m_validity(std::move(validity)) {
    for (const layers::Validity& v : m_validity) {
        if (v.from)
            m_boundaries.push_back(*v.from);
        if (v.to)
            m_boundaries.push_back(*v.to);
    }
    std::sort(m_boundaries.begin(), m_boundaries.end());
    m_boundaries.erase(std::unique(m_boundaries.begin(), m_boundaries.end()), m_boundaries.end());
    m_epoch_of.assign(m_boundaries.size() + 1, -1);
}

std::size_t TimedGeometryIndex::slot(layers::Date date) const {
    // Slot k covers [boundary k-1, boundary k): the dates strictly before boundary k, that is
    // the number of boundaries on or before the date. A few boundaries (the usual: a treaty's
    // date or two) are counted without a branch: a million random dates mispredict each step
    // of a binary search.
    if (m_boundaries.size() <= 16) {
        std::size_t k = 0;
        for (const layers::Date b : m_boundaries) k += b <= date ? 1U : 0U;
        return k;
    }
    return static_cast<std::size_t>(
        std::upper_bound(m_boundaries.begin(), m_boundaries.end(), date) - m_boundaries.begin());
}

std::vector<std::size_t> TimedGeometryIndex::in_force(layers::Date date) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_validity.size(); ++i) {
        if (m_validity[i].in_force(date))
            out.push_back(i);
    }
    return out;
}

void TimedGeometryIndex::prepare(const std::vector<layers::Date>& dates, unsigned threads) {
    // The slots the dates fall in, with a date of each (every date of a slot has the same
    // features in force), found on every core (a million dates); then each new slot's epoch,
    // in slot order. Which epoch comes first changes no answer: each maps its hits through
    // its own members.
    constexpr std::size_t grain = 65536;
    std::vector<std::vector<std::optional<layers::Date>>> seen(
        geo::worker_count(dates.size(), grain, threads), std::vector<std::optional<layers::Date>>(m_epoch_of.size()));
    geo::parallel_for(dates.size(), grain, threads, [&](std::size_t begin, std::size_t end, unsigned worker) {
        std::vector<std::optional<layers::Date>>& mine = seen[worker];
        for (std::size_t i = begin; i < end; ++i) {
            std::optional<layers::Date>& date = mine[slot(dates[i])];
            if (!date) date = dates[i];
        }
    });
    for (std::size_t s = 0; s < m_epoch_of.size(); ++s) {
        if (m_epoch_of[s] >= 0) continue;
        for (const auto& mine : seen) {
            if (mine[s]) {
                m_epoch_of[s] = epoch_for(*mine[s], threads);
                break;
            }
        }
    }
}

int TimedGeometryIndex::epoch_for(layers::Date date, unsigned threads) {
    std::vector<std::size_t> members = in_force(date);
    if (const auto it = m_by_members.find(members); it != m_by_members.end()) return it->second;
    Epoch epoch;
    epoch.members = members;
    const auto shared = std::find_if(m_indexes.begin(), m_indexes.end(), [&](const SharedIndex& x) {
        return std::equal(x.members.begin(), x.members.end(), members.begin(), members.end(),
                          [this](std::size_t a, std::size_t b) {
                              return same_geometry(m_geometries[a], m_geometries[b]);
                          });
    });
    if (shared != m_indexes.end()) {
        epoch.index = static_cast<std::size_t>(shared - m_indexes.begin());
    } else {
        std::vector<geo::Geometry> subset;
        subset.reserve(members.size());
        for (std::size_t i : members) subset.push_back(m_geometries[i]);
        epoch.index = m_indexes.size();
        m_indexes.push_back({members, std::make_unique<geo::EdgeIndex>(subset, threads)});
    }
    m_epochs.push_back(std::move(epoch));
    const int id = static_cast<int>(m_epochs.size() - 1);
    m_by_members.emplace(std::move(members), id);
    return id;
}

std::optional<geo::EdgeHit> TimedGeometryIndex::nearest(layers::Date date, geo::LonLat p,
                                                        geo::EdgeIndex::Scratch& scratch) const {
    const int id = m_epoch_of[slot(date)];
    if (id < 0) {
        throw std::logic_error("TimedGeometryIndex::nearest on a date that was not prepared");
    }
    const Epoch& epoch = m_epochs[static_cast<std::size_t>(id)];
    std::optional<geo::EdgeHit> hit = m_indexes[epoch.index].index->nearest(p, scratch);
    if (hit)
        hit->geometry_id = epoch.members[hit->geometry_id];
    return hit;
}

std::vector<std::optional<geo::EdgeHit>> TimedGeometryIndex::nearest_all(
    const std::vector<layers::Date>& dates, std::span<const geo::LonLat> points,
    unsigned threads) const {
    std::vector<std::optional<geo::EdgeHit>> out(points.size());
    nearest_each(dates, points, threads,
                 [&out](std::size_t i, const std::optional<geo::EdgeHit>& hit) { out[i] = hit; });
    return out;
}

void TimedGeometryIndex::nearest_each(
    const std::vector<layers::Date>& dates, std::span<const geo::LonLat> points, unsigned threads,
    const std::function<void(std::size_t, const std::optional<geo::EdgeHit>&)>& sink) const {
    if (dates.size() != points.size()) {
        throw std::logic_error("TimedGeometryIndex::nearest_each: one date per point");
    }
    // Each point's epoch (for its features' numbering) and how many points each index
    // answers, on every core.
    std::vector<std::uint32_t> epoch_of_point;
    reserve_fresh(epoch_of_point, points.size(), threads);
    epoch_of_point.resize(points.size());
    constexpr std::size_t grain = 65536;
    std::vector<std::vector<std::size_t>> counted(geo::worker_count(points.size(), grain, threads),
                                                  std::vector<std::size_t>(m_indexes.size(), 0));
    geo::parallel_for(points.size(), grain, threads, [&](std::size_t begin, std::size_t end, unsigned worker) {
        for (std::size_t i = begin; i < end; ++i) {
            const int id = m_epoch_of[slot(dates[i])];
            if (id < 0) {
                throw std::logic_error("TimedGeometryIndex::nearest_each on a date that was not prepared");
            }
            epoch_of_point[i] = static_cast<std::uint32_t>(id);
            ++counted[worker][m_epochs[static_cast<std::size_t>(id)].index];
        }
    });
    std::vector<std::size_t> per_index(m_indexes.size(), 0);
    for (const auto& mine : counted) {
        for (std::size_t x = 0; x < per_index.size(); ++x) per_index[x] += mine[x];
    }
    auto answer = [&](std::size_t i, const std::optional<geo::EdgeHit>& hit) {
        if (!hit) {
            sink(i, hit);
            return;
        }
        std::optional<geo::EdgeHit> mapped = hit;  // one copy: the sink takes an optional
        mapped->geometry_id = m_epochs[epoch_of_point[i]].members[hit->geometry_id];
        sink(i, mapped);
    };
    std::vector<std::size_t> ids;
    std::vector<geo::LonLat> subset;
    for (std::size_t x = 0; x < m_indexes.size(); ++x) {
        const geo::EdgeIndex& index = *m_indexes[x].index;
        if (per_index[x] == points.size()) {
            index.nearest_each(points, threads, answer);  // one index for all: no copy
            break;
        }
        if (per_index[x] == 0)
            continue;
        ids.clear();
        subset.clear();
        for (std::size_t i = 0; i < points.size(); ++i) {
            if (m_epochs[epoch_of_point[i]].index == x) {
                ids.push_back(i);
                subset.push_back(points[i]);
            }
        }
        index.nearest_each(
            subset, threads,
            [&](std::size_t k, const std::optional<geo::EdgeHit>& hit) { answer(ids[k], hit); });
    }
}

}  // namespace fergana::analysis
