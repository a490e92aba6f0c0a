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
    // Beyond 1e15 fixed notation is a wall of digits (or does not fit: 1e300 from a hostile
    // input field): the shortest exact form, with an exponent.
    const auto result = std::abs(value) >= 1e15
                            ? std::to_chars(buffer, buffer + sizeof buffer, value)
                            : std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    std::string out(buffer, result.ptr);
    if (out == "-0" || (out.rfind("-0.", 0) == 0 && out.find_first_not_of("-0.") == std::string::npos)) {
        out.erase(0, 1);  // no "-0.000"
    }
    return out;
}

namespace {
/// The index after the code point starting at `i`: a lead byte with its continuation
/// bytes, or one byte (ASCII, or a stray byte of invalid UTF-8).
std::size_t next_code_point(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t j = i + 1;
    if (lead >= 0xC2 && lead <= 0xF4) {
        while (j < text.size() && j < i + 4 && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) ++j;
    }
    return j;
}
}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < text.size(); i = next_code_point(text, i)) ++width;
    return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width) {
    std::size_t end = 0;
    for (std::size_t columns = 0; end < text.size() && columns < width; ++columns) end = next_code_point(text, end);
    return std::string(text.substr(0, end));
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
        width[c] = display_width(m_header[c]);
        for (const auto& row : m_rows) width[c] = std::max(width[c], display_width(row[c]));
    }
    auto line = [&](const std::vector<std::string>& row, bool header) {
        std::string text;
        for (std::size_t c = 0; c < row.size(); ++c) {
            const std::size_t pad = width[c] - display_width(row[c]);
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
