// Regression tests for what the fuzz targets (tests/fuzz/fuzz_*.cpp, scripts/fuzz.sh) found,
// each named after its crash; the crashing input is also in tests/fuzz/corpus/TARGET/ as
// regression-NAME, replayed by the fuzz.TARGET CTest tests. docs/hostile-input.md.
#include "geo/error.hpp"
#include "layers/dates.hpp"
#include "render/style.hpp"
#include "tools/format.hpp"
#include "tools/role_table.hpp"
#include "tools/units.hpp"
#include "tools/where.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace fergana {
namespace {

std::string usage_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no usage error)";
}

// fuzz_distance, input "+77.61e306km": a finite number of kilometres overflowed to an
// infinite radius in metres.
TEST(FuzzRegression, DistanceHugeExponent) {
    const std::string message = usage_error([] { tools::parse_distance_m("+77.61e306km", "--radius"); });
    EXPECT_EQ(message, "--radius '+77.61e306km': too large");
    EXPECT_NE(usage_error([] { tools::parse_radius_by_type("shelling=1e308km", "--radius-by-type"); })
                  .find("too large"),
              std::string::npos);
    // The largest distances that still fit are accepted as they are.
    EXPECT_DOUBLE_EQ(tools::parse_distance_m("1e305km", "--radius"), 1e308);
    EXPECT_EQ(tools::parse_distance_m("1.7e308m", "--radius"), 1.7e308);
}

// fuzz_dates, input "0000": a year (or month) of year 0 dereferenced the empty optional
// from Date::from_ymd (undefined behaviour; libstdc++'s assertion caught it).
TEST(FuzzRegression, DateYearZero) {
    EXPECT_FALSE(layers::parse_date_range("0000"));
    EXPECT_FALSE(layers::parse_date_range("0000-05"));
    EXPECT_FALSE(layers::parse_date_range("0000/2022"));
    EXPECT_FALSE(layers::parse_date_range("2022/0000-01"));
    EXPECT_FALSE(layers::parse_date("0000-01-01"));
    // The first year there is: 0001-01-01 is day -719162 from 1970-01-01 (Python:
    // date(1, 1, 1).toordinal() - date(1970, 1, 1).toordinal()).
    const auto first = layers::parse_date_range("0001");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->first.days(), -719162);
    EXPECT_EQ(first->to_string(), "0001-01-01/0001-12-31");
    EXPECT_EQ(layers::parse_date_range("9999-12")->to_string(), "9999-12-01/9999-12-31");
}

// fuzz_where, input "pel=3366666e66d io o3": a real number beyond the 64-character buffer
// of format_number came out as uninitialised bytes, so --where compared garbage. Numbers of
// 1e15 and more are now written with an exponent (the shortest form that reads back exactly).
TEST(FuzzRegression, WhereHugeRealShownAsNumber) {
    const std::string exact = "3.366666e+72";
    EXPECT_EQ(tools::format_number(3366666e66, 1), exact);
    EXPECT_EQ(std::stod(exact), 3366666e66);
    EXPECT_EQ(tools::format_number(-1e300, 0), "-1e+300");
    const layers::OutputField real{"distance_m", layers::FieldKind::Real, 1};
    EXPECT_EQ(tools::cell_text(layers::Value{3366666e66}, real), exact);
    EXPECT_TRUE(tools::matches(tools::parse_where("distance_m > 3e72"), layers::Value{3366666e66}, real));
    EXPECT_FALSE(tools::matches(tools::parse_where("distance_m > 4e72"), layers::Value{3366666e66}, real));
}

// fuzz_style, input {"borders.disputed.dash": [4, 21e308]}: nlohmann::json throws
// out_of_range (not parse_error) for a number beyond double; it escaped as an unexpected
// exception instead of a usage error naming the style file.
TEST(FuzzRegression, StyleNumberOverflow) {
    render::Style style = render::default_style();
    const std::string message = usage_error(
        [&] { render::apply_style_json(style, R"({"borders.disputed.dash": [4, 21e308]})", "mine.json"); });
    EXPECT_NE(message.find("style 'mine.json' is not valid JSON"), std::string::npos) << message;
    EXPECT_NE(message.find("number overflow"), std::string::npos) << message;
}

// Found by reading the style parser beside fuzz_style (the fuzzer's inputs are too short to
// reach it): 100 000 nested objects cost a stack frame and a dotted name each, quadratic memory.
TEST(FuzzRegression, StyleNestedTooDeeply) {
    std::string doc;
    for (int i = 0; i < 100000; ++i) doc += R"({"a":)";
    doc += "1";
    for (int i = 0; i < 100000; ++i) doc += "}";
    render::Style style = render::default_style();
    const std::string message = usage_error([&] { render::apply_style_json(style, doc, "deep.json"); });
    EXPECT_NE(message.find("style 'deep.json': key 'a.a.a.a.a.a.a.a' is nested too deeply"), std::string::npos)
        << message.substr(0, 200);
    // The deepest real key still applies.
    render::apply_style_json(style, R"({"incidents":{"types":{"x":{"shape":"star"}}}})", "ok.json");
    EXPECT_EQ(style.incident_types.at("x").shape, render::MarkerShape::Star);
}

}  // namespace
}  // namespace fergana
