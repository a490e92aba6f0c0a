#pragma once
// Validation findings: what the loader found wrong with the input, and what it did.
// A bad feature in a big layer is a finding, reported, not a crash.

#include "geo/error.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace fergana::layers {

enum class Severity {
    Repair,   // fixed, and reported (make-valid, overlap resolved, ring closed, Z dropped)
    Warning,  // kept as is, and reported (duplicate id, negative population, skipped NULL geometry)
    Error,    // the input cannot be used as it is (bad date, out-of-range coordinates, wrong type)
};

std::string_view to_string(Severity severity) noexcept;

struct Finding {
    Severity severity = Severity::Warning;
    std::string code;  // stable identifier, e.g. "invalid_geometry", "bad_date"
    Location where;
    std::string message;
    std::string hint;
    [[nodiscard]] std::string describe() const;  // "error: file ..., feature '7', field 'date': ..."
};

/// Collects findings, keeping the first few of each code per layer in full and
/// counting the rest, so a million bad features make a short report.
class Findings {
public:
    static constexpr std::size_t detailed_per_code = 10;

    void add(Finding finding);
    /// Adds another list's findings after this one's, as if each had been added here in
    /// turn: the detailed ones up to detailed_per_code per code, the rest counted. For a
    /// layer read in parts, merged in the parts' order. Call before summarise().
    void absorb(Findings&& other);
    /// Appends "(and N more <code> findings in layer L)" summaries; call once at the end.
    void summarise();

    [[nodiscard]] const std::vector<Finding>& list() const noexcept { return m_list; }
    [[nodiscard]] std::size_t count(Severity severity) const noexcept;
    [[nodiscard]] std::size_t count(const std::string& code) const;

private:
    std::vector<Finding> m_list;
    struct Key {
        std::string file;
        std::string layer;
        std::string code;
        auto operator<=>(const Key&) const = default;
    };
    struct Tally {
        std::size_t total = 0;
        Severity severity = Severity::Warning;
        Location where;
    };
    std::map<Key, Tally> m_tally;
    std::size_t m_counts[3] = {0, 0, 0};
};

}  // namespace fergana::layers
