#include "tools/units.hpp"

#include "geo/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fergana::tools {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool parse_double(std::string_view s, double& out) {
    s = trim(s);
    if (s.empty()) return false;
    if (s.front() == '+') s.remove_prefix(1);
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

[[noreturn]] void bad(std::string_view option, std::string_view text, const std::string& why,
                      const std::string& hint) {
    throw UsageError(std::string(option) + " '" + std::string(text) + "': " + why, hint);
}

}  // namespace

double parse_distance_m(std::string_view text, std::string_view option, bool allow_zero) {
    const std::string_view t = trim(text);
    std::size_t split = t.size();
    while (split > 0 && std::isalpha(static_cast<unsigned char>(t[split - 1]))) --split;
    const std::string_view number = trim(t.substr(0, split));
    std::string unit(t.substr(split));
    std::transform(unit.begin(), unit.end(), unit.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    double value = 0.0;
    const std::string hint = "give a distance with its unit, e.g. 5km or 500m";
    if (!parse_double(number, value)) bad(option, text, "not a number with a unit", hint);
    double factor = 0.0;
    if (unit == "m") factor = 1.0;
    else if (unit == "km") factor = 1000.0;
    else if (unit.empty()) bad(option, text, "no unit", hint);
    else bad(option, text, "unknown unit '" + unit + "' (m and km are understood)", hint);
    if (value < 0.0 || (value == 0.0 && !allow_zero)) {
        bad(option, text, allow_zero ? "must not be negative" : "must be positive", hint);
    }
    // "1e306km" is a finite number of kilometres but not of metres.
    if (!std::isfinite(value * factor)) bad(option, text, "too large", hint);
    return value * factor;
}

std::map<std::string, double> parse_radius_by_type(std::string_view text, std::string_view option) {
    std::map<std::string, double> out;
    for (const std::string& item : split_list(text, false)) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0) {
            bad(option, text, "'" + item + "' is not TYPE=DISTANCE", "e.g. shelling=20km,armed_clash=5km");
        }
        std::string type = item.substr(0, eq);
        std::transform(type.begin(), type.end(), type.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out[std::string(trim(type))] = parse_distance_m(item.substr(eq + 1), option);
    }
    if (out.empty()) bad(option, text, "no TYPE=DISTANCE pairs", "e.g. shelling=20km,armed_clash=5km");
    return out;
}

geo::Box parse_bbox(std::string_view text, std::string_view option) {
    const std::vector<std::string> parts = split_list(text, false);
    const std::string hint = "give MINLON,MINLAT,MAXLON,MAXLAT in degrees, e.g. 69.5,39.5,71.5,40.5";
    if (parts.size() != 4) bad(option, text, "needs 4 numbers", hint);
    double v[4];
    for (int i = 0; i < 4; ++i) {
        if (!parse_double(parts[static_cast<std::size_t>(i)], v[i])) bad(option, text, "'" + parts[static_cast<std::size_t>(i)] + "' is not a number", hint);
    }
    if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90) bad(option, text, "outside -180..180 / -90..90", hint);
    if (v[0] >= v[2] || v[1] >= v[3]) bad(option, text, "minimum not below maximum", hint);
    return geo::Box{v[0], v[1], v[2], v[3]};
}

geo::LonLat parse_lon_lat(std::string_view text, std::string_view option) {
    const std::vector<std::string> parts = split_list(text, false);
    const std::string hint = "give LON,LAT in degrees, e.g. 70.58,39.85";
    if (parts.size() != 2) bad(option, text, "needs LON,LAT", hint);
    double lon = 0, lat = 0;
    if (!parse_double(parts[0], lon) || !parse_double(parts[1], lat)) bad(option, text, "not two numbers", hint);
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
        bad(option, text, "outside -180..180 / -90..90",
            std::fabs(lon) <= 90 && std::fabs(lat) <= 180 ? "longitude comes first: LON,LAT" : hint);
    }
    return {lon, lat};
}

layers::Date parse_date_option(std::string_view text, std::string_view option) {
    const auto d = layers::parse_date(text);
    if (!d) bad(option, text, "not a date", "use YYYY-MM-DD, e.g. 2022-09-14");
    return *d;
}

void check_date_order(const std::string& from, const std::string& to) {
    if (from.empty() || to.empty()) return;
    if (parse_date_option(to, "--to") < parse_date_option(from, "--from")) {
        throw UsageError("--from " + from + " is after --to " + to, "swap the two dates");
    }
}

unsigned parse_threads(std::string_view text) {
    if (trim(text).empty()) return 0;
    unsigned n = 0;
    const std::string_view t = trim(text);
    const auto r = std::from_chars(t.data(), t.data() + t.size(), n);
    if (r.ec != std::errc() || r.ptr != t.data() + t.size() || n < 1 || n > 256) {
        bad("--threads", text, "not a whole number from 1 to 256", "e.g. --threads 2");
    }
    return n;
}

std::vector<std::string> split_list(std::string_view text, bool lower) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const std::string_view item = trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (!item.empty()) {
            std::string s(item);
            if (lower) {
                std::transform(s.begin(), s.end(), s.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            }
            out.push_back(std::move(s));
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace fergana::tools
