#include "layers/findings.hpp"

namespace fergana::layers {

std::string_view to_string(Severity severity) noexcept {
    switch (severity) {
        case Severity::Repair: return "repair";
        case Severity::Warning: return "warning";
        case Severity::Error: return "error";
    }
    return "unknown";
}

std::string Finding::describe() const {
    std::string out(to_string(severity));
    out += ": ";
    const std::string loc = where.describe();
    if (!loc.empty()) {
        out += loc + ": ";
    }
    out += message;
    return out;
}

void Findings::add(Finding finding) {
    ++m_counts[static_cast<int>(finding.severity)];
    Tally& tally = m_tally[Key{finding.where.file, finding.where.layer, finding.code}];
    ++tally.total;
    tally.severity = finding.severity;
    tally.where = Location{finding.where.file, finding.where.layer, {}, {}};
    if (tally.total <= detailed_per_code) {
        m_list.push_back(std::move(finding));
    }
}

void Findings::absorb(Findings&& other) {
    for (Finding& f : other.m_list) add(std::move(f));
    // Those `other` only counted: count them here too.
    for (const auto& [key, tally] : other.m_tally) {
        if (tally.total <= detailed_per_code) continue;
        const std::size_t extra = tally.total - detailed_per_code;
        Tally& mine = m_tally[key];
        mine.total += extra;
        mine.severity = tally.severity;
        mine.where = tally.where;
        m_counts[static_cast<int>(tally.severity)] += extra;
    }
    other.m_list.clear();
    other.m_tally.clear();
}

void Findings::summarise() {
    for (const auto& [key, tally] : m_tally) {
        if (tally.total > detailed_per_code) {
            m_list.push_back(
                Finding{tally.severity,
                        key.code,
                        tally.where,
                        "and " + std::to_string(tally.total - detailed_per_code) + " more '" + key.code + "' findings",
                        {}});
        }
    }
    m_tally.clear();
}

std::size_t Findings::count(Severity severity) const noexcept {
    return m_counts[static_cast<int>(severity)];
}

std::size_t Findings::count(const std::string& code) const {
    std::size_t n = 0;
    for (const auto& [key, tally] : m_tally) {
        if (key.code == code) n += tally.total;
    }
    if (m_tally.empty()) {  // after summarise(): count the detailed ones
        for (const Finding& f : m_list) {
            if (f.code == code) ++n;
        }
    }
    return n;
}

}  // namespace fergana::layers
