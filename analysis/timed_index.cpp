#include "analysis/timed_index.hpp"

#include <algorithm>
#include <stdexcept>

namespace fergana::analysis {

TimedGeometryIndex::TimedGeometryIndex(std::vector<geo::Geometry> geometries,
                                       std::vector<layers::Validity> validity)
    : m_geometries(std::move(geometries)), m_validity(std::move(validity)) {
    for (const layers::Validity& v : m_validity) {
        if (v.from) m_boundaries.push_back(*v.from);
        if (v.to) m_boundaries.push_back(*v.to);
    }
    std::sort(m_boundaries.begin(), m_boundaries.end());
    m_boundaries.erase(std::unique(m_boundaries.begin(), m_boundaries.end()), m_boundaries.end());
    m_epoch_of.assign(m_boundaries.size() + 1, -1);
}

std::size_t TimedGeometryIndex::slot(layers::Date date) const {
    // Slot k covers [boundary k-1, boundary k): the dates strictly before boundary k.
    return static_cast<std::size_t>(std::upper_bound(m_boundaries.begin(), m_boundaries.end(), date) -
                                    m_boundaries.begin());
}

std::vector<std::size_t> TimedGeometryIndex::in_force(layers::Date date) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_validity.size(); ++i) {
        if (m_validity[i].in_force(date)) out.push_back(i);
    }
    return out;
}

void TimedGeometryIndex::prepare(const std::vector<layers::Date>& dates) {
    for (const layers::Date date : dates) {
        const std::size_t s = slot(date);
        if (m_epoch_of[s] >= 0) continue;
        std::vector<std::size_t> members = in_force(date);
        if (const auto it = m_by_members.find(members); it != m_by_members.end()) {
            m_epoch_of[s] = it->second;
            continue;
        }
        std::vector<geo::Geometry> subset;
        subset.reserve(members.size());
        for (std::size_t i : members) subset.push_back(m_geometries[i]);
        Epoch epoch;
        epoch.members = members;
        epoch.index = std::make_unique<geo::EdgeIndex>(subset);
        m_epochs.push_back(std::move(epoch));
        const int id = static_cast<int>(m_epochs.size() - 1);
        m_by_members.emplace(std::move(members), id);
        m_epoch_of[s] = id;
    }
}

std::optional<geo::EdgeHit> TimedGeometryIndex::nearest(layers::Date date, geo::LonLat p,
                                                        geo::EdgeIndex::Scratch& scratch) const {
    const int id = m_epoch_of[slot(date)];
    if (id < 0) {
        throw std::logic_error("TimedGeometryIndex::nearest on a date that was not prepared");
    }
    const Epoch& epoch = m_epochs[static_cast<std::size_t>(id)];
    std::optional<geo::EdgeHit> hit = epoch.index->nearest(p, scratch);
    if (hit) hit->geometry_id = epoch.members[hit->geometry_id];
    return hit;
}

std::vector<std::optional<geo::EdgeHit>> TimedGeometryIndex::nearest_all(
    const std::vector<layers::Date>& dates, std::span<const geo::LonLat> points, unsigned threads) const {
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
    // The points of each epoch, in input order.
    std::vector<std::vector<std::size_t>> by_epoch(m_epochs.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        const int id = m_epoch_of[slot(dates[i])];
        if (id < 0) {
            throw std::logic_error("TimedGeometryIndex::nearest_each on a date that was not prepared");
        }
        by_epoch[static_cast<std::size_t>(id)].push_back(i);
    }
    std::vector<geo::LonLat> subset;
    for (std::size_t e = 0; e < m_epochs.size(); ++e) {
        const std::vector<std::size_t>& members = by_epoch[e];
        if (members.empty()) continue;
        subset.clear();
        for (std::size_t i : members) subset.push_back(points[i]);
        const Epoch& epoch = m_epochs[e];
        epoch.index->nearest_each(subset, threads, [&](std::size_t k, const std::optional<geo::EdgeHit>& hit) {
            if (!hit) {
                sink(members[k], hit);
                return;
            }
            geo::EdgeHit mapped = *hit;
            mapped.geometry_id = epoch.members[hit->geometry_id];
            sink(members[k], mapped);
        });
    }
}

}  // namespace fergana::analysis
