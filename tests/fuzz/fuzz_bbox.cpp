// Fuzz target: bounding boxes (--bbox MINLON,MINLAT,MAXLON,MAXLAT) and points (--center LON,LAT).
// Properties: an accepted box is finite, within -180..180 / -90..90 with min < max, and
// written back with the shortest exact digits it parses to the same box; likewise a point.
#include "tests/fuzz/fuzz_check.hpp"

#include "geo/error.hpp"
#include "tools/units.hpp"

#include <charconv>
#include <cmath>

namespace {

using fergana::UsageError;
using fergana::fuzz::as_text;

std::string shortest(double v) {
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, r.ptr);
}

bool lon_ok(double v) { return std::isfinite(v) && v >= -180.0 && v <= 180.0; }
bool lat_ok(double v) { return std::isfinite(v) && v >= -90.0 && v <= 90.0; }

void check_bbox(std::string_view text) {
    fergana::geo::Box box;
    try {
        box = fergana::tools::parse_bbox(text, "--bbox");
    } catch (const UsageError&) {
        return;
    }
    const std::string input(text);
    FUZZ_CHECK(lon_ok(box.min_lon) && lon_ok(box.max_lon) && lat_ok(box.min_lat) && lat_ok(box.max_lat), input);
    FUZZ_CHECK(box.min_lon < box.max_lon && box.min_lat < box.max_lat, input);
    FUZZ_CHECK(!box.empty(), input);
    const std::string back = shortest(box.min_lon) + "," + shortest(box.min_lat) + "," + shortest(box.max_lon) +
                             "," + shortest(box.max_lat);
    const fergana::geo::Box again = fergana::tools::parse_bbox(back, "--bbox");
    FUZZ_CHECK(again.min_lon == box.min_lon && again.min_lat == box.min_lat && again.max_lon == box.max_lon &&
                   again.max_lat == box.max_lat,
               input + " -> " + back);
}

void check_lon_lat(std::string_view text) {
    fergana::geo::LonLat p;
    try {
        p = fergana::tools::parse_lon_lat(text, "--center");
    } catch (const UsageError&) {
        return;
    }
    const std::string input(text);
    FUZZ_CHECK(lon_ok(p.lon) && lat_ok(p.lat), input);
    const std::string back = shortest(p.lon) + "," + shortest(p.lat);
    FUZZ_CHECK(fergana::tools::parse_lon_lat(back, "--center") == p, input + " -> " + back);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = as_text(data, size);
    check_bbox(text);
    check_lon_lat(text);
    return 0;
}
