#pragma once
// Locale-proof number formatting and aligned text tables for the CLI.

#include <iosfwd>
#include <string>
#include <vector>

namespace fergana::tools {

/// Fixed-point text with `decimals` digits, independent of the C and C++ locales
/// (std::to_chars), trailing zeros kept. NaN and infinities print as "nan", "inf".
std::string format_number(double value, int decimals);

/// A table printed with aligned columns; numbers (cells parsing as numbers) align right.
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
