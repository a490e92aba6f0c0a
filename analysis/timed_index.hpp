#pragma once
// A spatial index over features that come and go (borders, claims, enclaves with
// valid_from / valid_to): one geo::EdgeIndex per distinct set of geometries in force.
//
//   TimedIndex<layers::Border> borders(data.borders.features);
//   borders.prepare(dates);                       // builds what those dates need (not thread-safe)
//   auto hit = borders.nearest(date, p, scratch); // thread-safe; geometry_id = feature index
//
// The set in force is constant between consecutive validity boundaries, so the
// dates fall into a handful of epochs and each epoch's index is built once. Epochs whose
// features in force have the same geometries, coordinate for coordinate and in the same
// order (a border whose status changed but not its line), share one index: an index built
// from the same geometries gives the same answers, bit for bit, and nearest_each queries
// their points in one batch, where neighbours are denser and share more of the search.

#include "geo/edge_index.hpp"
#include "layers/dates.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace fergana::analysis {

class TimedGeometryIndex {
public:
    TimedGeometryIndex(std::vector<geo::Geometry> geometries, std::vector<layers::Validity> validity);

    /// Builds the indexes that queries on these dates will need (looking at the dates and
    /// building on `threads` threads, 0: one per hardware thread).
    void prepare(const std::vector<layers::Date>& dates, unsigned threads = 0);

    /// The nearest feature in force on `date` (geometry_id = the feature's index), or
    /// nothing when none is. `date` must have been prepared.
    [[nodiscard]] std::optional<geo::EdgeHit> nearest(layers::Date date, geo::LonLat p,
                                                      geo::EdgeIndex::Scratch& scratch) const;

    /// nearest() for every point on its date (dates[i] for points[i], every one prepared),
    /// through geo::EdgeIndex::nearest_all on each index's points (all epochs sharing it in
    /// one batch): the same answers, bit for bit, with the batch's reuse of candidates
    /// between neighbouring points.
    [[nodiscard]] std::vector<std::optional<geo::EdgeHit>> nearest_all(const std::vector<layers::Date>& dates,
                                                                       std::span<const geo::LonLat> points,
                                                                       unsigned threads) const;

    /// nearest_all without the vector of results: sink(i, hit) for every point, called from
    /// the worker threads (each i once, in no particular order).
    void nearest_each(const std::vector<layers::Date>& dates, std::span<const geo::LonLat> points, unsigned threads,
                      const std::function<void(std::size_t, const std::optional<geo::EdgeHit>&)>& sink) const;

    /// Indices of the features in force on `date`.
    [[nodiscard]] std::vector<std::size_t> in_force(layers::Date date) const;

    /// The distinct indexes built so far (epochs with the same geometries share one).
    [[nodiscard]] std::size_t index_count() const noexcept { return m_indexes.size(); }

private:
    struct Epoch {
        std::vector<std::size_t> members;  // feature indices in force
        std::size_t index = 0;             // into m_indexes; its geometry i is members[i]'s
    };
    struct SharedIndex {
        std::vector<std::size_t> members;  // of the epoch that built it: whose geometries it holds
        std::unique_ptr<geo::EdgeIndex> index;
    };
    std::vector<geo::Geometry> m_geometries;
    std::vector<layers::Validity> m_validity;
    std::vector<layers::Date> m_boundaries;  // sorted distinct valid_from / valid_to dates
    std::vector<int> m_epoch_of;             // epoch slot -> index into m_epochs (-1: not built)
    std::vector<Epoch> m_epochs;
    std::vector<SharedIndex> m_indexes;
    std::map<std::vector<std::size_t>, int> m_by_members;

    [[nodiscard]] std::size_t slot(layers::Date date) const;
    /// The epoch of the features in force on `date`, made (and its index built on `threads`
    /// threads, or shared) if new.
    int epoch_for(layers::Date date, unsigned threads);
};

template <typename T>
class TimedIndex : public TimedGeometryIndex {
public:
    explicit TimedIndex(const std::vector<T>& features)
        : TimedGeometryIndex(geometries_of(features), validity_of(features)) {}

private:
    static std::vector<geo::Geometry> geometries_of(const std::vector<T>& features) {
        std::vector<geo::Geometry> out;
        out.reserve(features.size());
        for (const T& f : features) out.push_back(f.geometry);
        return out;
    }
    static std::vector<layers::Validity> validity_of(const std::vector<T>& features) {
        std::vector<layers::Validity> out;
        out.reserve(features.size());
        for (const T& f : features) out.push_back(f.valid);
        return out;
    }
};

}  // namespace fergana::analysis
