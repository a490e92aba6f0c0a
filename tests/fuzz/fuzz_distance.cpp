// Fuzz target: distances with units (--radius 5km, --tolerance 500m) and per-type radii
// (--radius-by-type shelling=20km). Properties: a parsed distance is finite and positive
// (or zero where allowed), the same with allow_zero, and written back in metres
// ("1500m") it parses to exactly the same value; per-type radii have non-empty,
// lower-case types and finite positive distances.
#include "tests/fuzz/fuzz_check.hpp"

#include "geo/error.hpp"
#include "tools/units.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace {

using fergana::UsageError;
using fergana::fuzz::as_text;

std::optional<double> distance(std::string_view text, bool allow_zero) {
    try {
        return fergana::tools::parse_distance_m(text, "--radius", allow_zero);
    } catch (const UsageError&) {
        return std::nullopt;
    }
}

void check_distance(std::string_view text) {
    const auto strict = distance(text, false);
    const auto lenient = distance(text, true);
    const std::string input(text);
    if (strict) {
        FUZZ_CHECK(std::isfinite(*strict) && *strict > 0.0, input);
        FUZZ_CHECK(lenient && *lenient == *strict, input);
    }
    if (!lenient) return;
    FUZZ_CHECK(std::isfinite(*lenient) && *lenient >= 0.0, input);
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, *lenient);
    FUZZ_CHECK(r.ec == std::errc(), input);
    const std::string metres = std::string(buffer, r.ptr) + "m";
    const auto again = distance(metres, true);
    FUZZ_CHECK(again && *again == *lenient, input + " -> " + metres);
}

void check_radius_by_type(std::string_view text) {
    std::map<std::string, double> radii;
    try {
        radii = fergana::tools::parse_radius_by_type(text, "--radius-by-type");
    } catch (const UsageError&) {
        return;
    }
    const std::string input(text);
    FUZZ_CHECK(!radii.empty(), input);
    for (const auto& [type, metres] : radii) {
        FUZZ_CHECK(!type.empty(), input);
        for (char c : type) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), input + " type " + type);
        FUZZ_CHECK(std::isfinite(metres) && metres > 0.0, input);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = as_text(data, size);
    check_distance(text);
    check_radius_by_type(text);
    return 0;
}
