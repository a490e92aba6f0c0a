#include "geo/error.hpp"
#include "tools/units.hpp"
#include "tools/where.hpp"

#include <gtest/gtest.h>

namespace fergana::tools {

TEST(Units, DistancesNeedAKnownUnit) {
    EXPECT_DOUBLE_EQ(parse_distance_m("5km", "--radius"), 5000.0);
    EXPECT_DOUBLE_EQ(parse_distance_m("5 km", "--radius"), 5000.0);
    EXPECT_DOUBLE_EQ(parse_distance_m("2.5KM", "--radius"), 2500.0);
    EXPECT_DOUBLE_EQ(parse_distance_m("500m", "--radius"), 500.0);
    EXPECT_DOUBLE_EQ(parse_distance_m("0m", "--radius", true), 0.0);
    for (const char* bad : {"-5km", "5", "5 parsecs", "km", "", "nan km", "inf m", "0km", "5kmm", "1e999m"}) {
        EXPECT_THROW((void)parse_distance_m(bad, "--radius"), UsageError) << bad;
    }
    try {
        (void)parse_distance_m("5 parsecs", "--radius");
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "--radius '5 parsecs': unknown unit 'parsecs' (m and km are understood)");
    }
}

TEST(Units, RadiusByType) {
    const auto m = parse_radius_by_type("Shelling=20km, armed_clash=5km", "--radius-by-type");
    EXPECT_EQ(m.size(), 2U);
    EXPECT_DOUBLE_EQ(m.at("shelling"), 20000.0);
    EXPECT_DOUBLE_EQ(m.at("armed_clash"), 5000.0);
    EXPECT_THROW((void)parse_radius_by_type("shelling", "--radius-by-type"), UsageError);
    EXPECT_THROW((void)parse_radius_by_type("=5km", "--radius-by-type"), UsageError);
    EXPECT_THROW((void)parse_radius_by_type("", "--radius-by-type"), UsageError);
}

TEST(Units, BoxesAndPoints) {
    const geo::Box b = parse_bbox("69.5,39.5,71.5,40.5", "--bbox");
    EXPECT_DOUBLE_EQ(b.min_lon, 69.5);
    EXPECT_DOUBLE_EQ(b.max_lat, 40.5);
    for (const char* bad : {"1,2,3", "1,2,3,4,5", "71,40,70,41", "a,b,c,d", "-181,0,0,1", "0,0,1,91"}) {
        EXPECT_THROW((void)parse_bbox(bad, "--bbox"), UsageError) << bad;
    }
    EXPECT_EQ(parse_lon_lat("70.58,39.85", "near").lon, 70.58);
    try {
        (void)parse_lon_lat("39.85,170.58", "near");
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_EQ(e.hint(), "longitude comes first: LON,LAT");
    }
}

TEST(Units, DatesAndOrder) {
    EXPECT_EQ(parse_date_option("2022-09-14", "--from").to_string(), "2022-09-14");
    EXPECT_THROW((void)parse_date_option("2022-13-45", "--from"), UsageError);
    EXPECT_THROW((void)parse_date_option("yesterday", "--from"), UsageError);
    EXPECT_THROW(check_date_order("2023-01-01", "2022-01-01"), UsageError);
    EXPECT_NO_THROW(check_date_order("2022-01-01", "2022-01-01"));
}

TEST(Where, ParsesAndMatches) {
    const WhereClause c = parse_where("population >= 10000");
    EXPECT_EQ(c.field, "population");
    EXPECT_EQ(c.op, ">=");
    EXPECT_EQ(c.value, "10000");
    const layers::OutputField pop{"population", layers::FieldKind::Integer};
    EXPECT_TRUE(matches(c, layers::Value{std::int64_t{23000}}, pop));
    EXPECT_FALSE(matches(c, layers::Value{std::int64_t{9999}}, pop));
    EXPECT_FALSE(matches(c, layers::Value{}, pop));  // NULL matches only !=
    // Numbers compare as numbers, not text: 9 < 10.
    EXPECT_TRUE(matches(parse_where("population < 10"), layers::Value{std::int64_t{9}}, pop));
    const layers::OutputField name{"name", layers::FieldKind::Text};
    EXPECT_TRUE(matches(parse_where("name ~ 'kok'"), layers::Value{std::string("Kok-Tash")}, name));
    EXPECT_TRUE(matches(parse_where("name=kok-tash"), layers::Value{std::string("Kok-Tash")}, name));
    EXPECT_TRUE(matches(parse_where("name != Vorukh"), layers::Value{}, name));
    for (const char* bad : {"population", "= 5", "pop; DROP TABLE x = 1", "a b = 1"}) {
        EXPECT_THROW((void)parse_where(bad), UsageError) << bad;
    }
}

}  // namespace fergana::tools
