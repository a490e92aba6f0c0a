#pragma once
// Locale-proof number formatting and aligned text tables for the CLI.

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::tools {

/// Fixed-point text with `decimals` digits, independent of the C and C++ locales
/// (std::to_chars), trailing zeros kept. NaN and infinities print as "nan", "inf".
std::string format_number(double value, int decimals);

/// Columns a UTF-8 string takes on a terminal: one per code point (no wide or combining
/// characters in our data); a stray byte of invalid UTF-8 counts as one.
std::size_t display_width(std::string_view text);

/// The longest prefix of `text` at most `width` columns wide, cut between code points.
std::string truncate_to_width(std::string_view text, std::size_t width);

/// Levenshtein distance in bytes (insertions, deletions, substitutions): how close a
/// mistyped option or place name is to a known one, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// A table printed with aligned columns (by display width, so names such as "Yangiyŭl"
/// keep their column); numbers (cells parsing as numbers) align right.
class Table {
public:
    explicit Table(std::vector<std::string> header);
    void add(std::vector<std::string> row);
    void print(std::ostream& out) const;

private:
    std::vector<std::string> m_header;
    std::vector<std::vector<std::string>> m_rows;
};

}  // namespace fergana::tools
