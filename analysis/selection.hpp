#pragma once
// Selecting what an analysis looks at: incidents by date and type, and borders,
// claims and enclaves in force on a date (valid_from <= date < valid_to).

#include "layers/features.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fergana::analysis {

/// --from / --to / --type. An incident dated by a range matches when the range
/// overlaps [from, to]; an undated incident matches only when no date bound is set.
struct IncidentFilter {
    std::optional<layers::Date> from;
    std::optional<layers::Date> to;
    std::vector<std::string> types;  // lower-case; empty: all types

    [[nodiscard]] bool active() const noexcept { return from || to || !types.empty(); }
    [[nodiscard]] bool matches(const layers::Incident& incident) const;
};

/// Indices of the incidents that match (without a filter, all of them, written on `threads`
/// threads, 0: one per hardware thread).
std::vector<std::size_t> select(const std::vector<layers::Incident>& incidents, const IncidentFilter& filter,
                                unsigned threads = 0);

/// Indices of the features in force on `date` (all of them when date is nullopt).
template <typename T>
std::vector<std::size_t> in_force(const std::vector<T>& features, std::optional<layers::Date> date) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (!date || features[i].valid.in_force(*date)) out.push_back(i);
    }
    return out;
}

}  // namespace fergana::analysis
