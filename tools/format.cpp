#include "tools/format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>

namespace fergana::tools {

std::string format_number(double value, int decimals) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    std::string out;
    if (result.ec == std::errc()) {
        out.assign(buffer, result.ptr);
    } else {
        // Beyond about 1e60 (a hostile input's 1e300 m): every digit of the fixed form.
        out.resize(320 + static_cast<std::size_t>(std::max(decimals, 0)));
        result = std::to_chars(out.data(), out.data() + out.size(), value, std::chars_format::fixed, decimals);
        out.resize(static_cast<std::size_t>(result.ptr - out.data()));
    }
    if (out == "-0" || (out.rfind("-0.", 0) == 0 && out.find_first_not_of("-0.") == std::string::npos)) {
        out.erase(0, 1);  // no "-0.000"
    }
    return out;
}

Table::Table(std::vector<std::string> header) : m_header(std::move(header)) {}

void Table::add(std::vector<std::string> row) {
    row.resize(m_header.size());
    m_rows.push_back(std::move(row));
}

namespace {
bool is_numeric(const std::string& s) {
    if (s.empty()) return false;
    double v = 0.0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}
}  // namespace

void Table::print(std::ostream& out) const {
    std::vector<std::size_t> width(m_header.size());
    for (std::size_t c = 0; c < m_header.size(); ++c) {
        width[c] = m_header[c].size();
        for (const auto& row : m_rows) width[c] = std::max(width[c], row[c].size());
    }
    auto line = [&](const std::vector<std::string>& row, bool header) {
        std::string text;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::size_t pad = width[c] - row[c].size();
            const bool right = !header && is_numeric(row[c]);
            if (c > 0) text += "  ";
            if (right) text += std::string(pad, ' ');
            text += row[c];
            if (!right && c + 1 < row.size()) text += std::string(pad, ' ');
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out << text << "\n";
    };
    line(m_header, true);
    std::vector<std::string> rule;
    for (std::size_t w : width) rule.emplace_back(w, '-');
    line(rule, true);
    for (const auto& row : m_rows) line(row, false);
}

}  // namespace fergana::tools
