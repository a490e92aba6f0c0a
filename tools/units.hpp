#pragma once
// Parsing of command-line values with units, ranges and lists. Every parser throws
// UsageError naming the option and the bad text (exit code 2).

#include "geo/geometry.hpp"
#include "layers/dates.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::tools {

/// "5km", "5 km", "500m", "2.5km" -> metres. A unit is required; negative, zero (unless
/// allow_zero), NaN and unknown units ("5 parsecs") are refused.
double parse_distance_m(std::string_view text, std::string_view option, bool allow_zero = false);

/// "shelling=20km,armed_clash=5km" -> {type: metres}. Types are lower-cased.
std::map<std::string, double> parse_radius_by_type(std::string_view text, std::string_view option);

/// "MINLON,MINLAT,MAXLON,MAXLAT" in degrees, min < max, within range.
geo::Box parse_bbox(std::string_view text, std::string_view option);

/// "LON,LAT" in degrees, within range.
geo::LonLat parse_lon_lat(std::string_view text, std::string_view option);

/// YYYY-MM-DD.
layers::Date parse_date_option(std::string_view text, std::string_view option);

/// Checks --from <= --to when both are given.
void check_date_order(const std::string& from, const std::string& to);

/// --threads: a whole number 1..256, or empty for 0 (= one per hardware thread).
unsigned parse_threads(std::string_view text);

/// "a,b , c" -> {"a","b","c"} (empty items dropped), lower-cased when `lower`.
std::vector<std::string> split_list(std::string_view text, bool lower);

}  // namespace fergana::tools
