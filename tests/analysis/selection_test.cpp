#include "analysis/selection.hpp"

#include <gtest/gtest.h>

namespace fergana::analysis {

namespace {
layers::Incident incident(const char* date, const char* type) {
    layers::Incident i;
    if (date) i.date = layers::parse_date_range(date);
    i.type = type;
    return i;
}
}  // namespace

TEST(IncidentFilter, RangesOverlapTheWindow) {
    IncidentFilter f;
    f.from = layers::parse_date("2022-09-15");
    f.to = layers::parse_date("2022-09-30");
    EXPECT_TRUE(f.matches(incident("2022-09-14/2022-09-16", "shelling")));  // overlaps
    EXPECT_FALSE(f.matches(incident("2022-09-01/2022-09-14", "shelling")));
    EXPECT_TRUE(f.matches(incident("2022-09-30", "shelling")));              // inclusive
    EXPECT_FALSE(f.matches(incident("2022-10-01", "shelling")));
    EXPECT_FALSE(f.matches(incident(nullptr, "shelling")));                   // undated
}

TEST(IncidentFilter, TypesAndNoBounds) {
    IncidentFilter f;
    EXPECT_TRUE(f.matches(incident(nullptr, "other")));
    f.types = {"shelling", "armed_clash"};
    EXPECT_TRUE(f.matches(incident("2021-04-29", "armed_clash")));
    EXPECT_FALSE(f.matches(incident("2021-04-29", "brawl")));
    const std::vector<layers::Incident> all = {incident("2021-04-29", "brawl"), incident("2021-04-29", "shelling")};
    EXPECT_EQ(select(all, f), (std::vector<std::size_t>{1}));
}

TEST(IncidentFilter, NoFilterSelectsEveryIncidentInOrder) {
    // Past a block of 65,536 so that the indices are written by more than one worker.
    const std::vector<layers::Incident> all(200000, incident(nullptr, "brawl"));
    const std::vector<std::size_t> every = select(all, IncidentFilter{});
    ASSERT_EQ(every.size(), all.size());
    for (std::size_t i = 0; i < every.size(); ++i) ASSERT_EQ(every[i], i);
}

TEST(InForce, HalfOpenValidity) {
    std::vector<layers::Border> borders(2);
    borders[0].valid.to = layers::parse_date("2025-03-13");
    borders[1].valid.from = layers::parse_date("2025-03-13");
    EXPECT_EQ(in_force(borders, layers::parse_date("2022-09-14")), (std::vector<std::size_t>{0}));
    EXPECT_EQ(in_force(borders, layers::parse_date("2025-03-13")), (std::vector<std::size_t>{1}));
    EXPECT_EQ(in_force(borders, std::nullopt).size(), 2U);
}

}  // namespace fergana::analysis
