#pragma once
// Small string helpers shared by the SVG canvas, the HTML page and the projection's
// description. Internal to render/.

#include <charconv>
#include <string>

namespace fergana::render::detail {

/// `s` with &, <, > and " escaped: for XML (SVG) and HTML text and attribute values.
inline std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

/// Replaces every occurrence of `from` in `s` by `to` (left to right, never re-scanning `to`).
inline void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos;
         at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
}

/// Fixed-point text with at most `decimals` digits, trailing zeros and a bare point dropped,
/// locale-proof; "-0" prints as "0".
inline std::string trimmed_fixed(double v, int decimals) {
    char buffer[64];
    const auto r =
        std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, decimals);
    std::string out(buffer, r.ptr);
    if (out.find('.') != std::string::npos) {
        while (out.back() == '0') out.pop_back();
        if (out.back() == '.')
            out.pop_back();
    }
    return out == "-0" ? "0" : out;
}

}  // namespace fergana::render::detail
