#pragma once
// Internal to layers/: UTF-8 as RFC 3629 defines it, for the reader (which repairs invalid
// text, reporting it) and the GeoJSON writer (whose output must be valid JSON).

#include <cstddef>
#include <string_view>

namespace fergana::layers::detail {

/// The length of the well-formed UTF-8 sequence at s[i] (i < s.size()): 1 to 4, or 0 when
/// there is none (a stray continuation byte, an overlong form, a surrogate, a code point above
/// U+10FFFF, a sequence cut short).
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    const std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0U) != 0x80U) return 0;
    }
    // The second byte's range where the first allows less than 0x80-0xBF.
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
        return 0;
    }
    return n;
}

}  // namespace fergana::layers::detail
