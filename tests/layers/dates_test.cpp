#include "layers/dates.hpp"

#include <gtest/gtest.h>

namespace fergana::layers {

TEST(Dates, DayRoundTripAndEpoch) {
    EXPECT_EQ(Date::from_ymd(1970, 1, 1)->days(), 0);
    EXPECT_EQ(Date::from_ymd(2000, 3, 1)->days(), 11017);  // date -d 2000-03-01 +%s / 86400
    EXPECT_EQ(Date::from_ymd(2022, 9, 14)->to_string(), "2022-09-14");
    EXPECT_EQ(Date::from_ymd(2024, 2, 29)->year(), 2024);
    EXPECT_FALSE(Date::from_ymd(2023, 2, 29));
    EXPECT_FALSE(Date::from_ymd(1900, 2, 29));
    EXPECT_TRUE(Date::from_ymd(2000, 2, 29));
}

TEST(Dates, ParsesDaysRangesMonthsYearsAndTimes) {
    EXPECT_EQ(parse_date_range("2022-09-14")->to_string(), "2022-09-14");
    EXPECT_EQ(parse_date_range(" 2022-09-14/2022-09-16 ")->to_string(), "2022-09-14/2022-09-16");
    EXPECT_EQ(parse_date_range("2021-04")->to_string(), "2021-04-01/2021-04-30");
    EXPECT_EQ(parse_date_range("2024-02")->to_string(), "2024-02-01/2024-02-29");
    EXPECT_EQ(parse_date_range("2014")->to_string(), "2014-01-01/2014-12-31");
    EXPECT_EQ(parse_date_range("2022-09-14T05:30:00Z")->to_string(), "2022-09-14");
    EXPECT_EQ(parse_date_range("2022-09-14T05:30+05:00")->to_string(), "2022-09-14");
    EXPECT_EQ(parse_date("2022-09-14")->to_string(), "2022-09-14");
}

TEST(Dates, RefusesNonsense) {
    for (const char* bad : {"2022-13-45", "yesterday", "", "2022-9-14", "2022-09-31", "14.09.2022",
                            "2022-09-16/2022-09-14", "2022-09-14/", "2022-09-14T25", "20220914"}) {
        EXPECT_FALSE(parse_date_range(bad)) << bad;
    }
    EXPECT_FALSE(parse_date("2022-09"));  // a single day is wanted
    EXPECT_FALSE(parse_date("2022-09-14/2022-09-15"));
}

TEST(Dates, ValidityIsHalfOpen) {
    const Validity v{Date::from_ymd(2022, 1, 1), Date::from_ymd(2025, 3, 13)};
    EXPECT_TRUE(v.in_force(*Date::from_ymd(2022, 1, 1)));
    EXPECT_TRUE(v.in_force(*Date::from_ymd(2025, 3, 12)));
    EXPECT_FALSE(v.in_force(*Date::from_ymd(2025, 3, 13)));
    EXPECT_TRUE(Validity{}.in_force(*Date::from_ymd(1900, 1, 1)));
}

}  // namespace fergana::layers
