// TimedGeometryIndex: the features in force on each date, and epochs whose features have the
// same geometries (a border whose status changed, not its line) sharing one index.
#include "analysis/timed_index.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace fergana::analysis {
namespace {

layers::Date day(int year, int month, int d) {
    return *layers::Date::from_ymd(year, month, d);
}

geo::Geometry meridian_line(double lon) {
    return geo::Geometry::line({{lon, 40.0}, {lon, 40.2}});
}

// Feature 0: line A until 2010; 1: the same line A from 2010 (a new status); 2: line B always;
// 3: line C from 2005. Members in force: 2001 {0, 2} (A, B); 2007 {0, 2, 3} (A, B, C);
// 2012 {1, 2, 3} (A, B, C again: the same geometries in the same order as 2007).
struct Scene {
    std::vector<geo::Geometry> geometries{meridian_line(71.0), meridian_line(71.0),
                                          meridian_line(72.0), meridian_line(70.0)};
    std::vector<layers::Validity> validity{{std::nullopt, day(2010, 1, 1)},
                                           {day(2010, 1, 1), std::nullopt},
                                           {std::nullopt, std::nullopt},
                                           {day(2005, 1, 1), std::nullopt}};
};

TEST(TimedIndex, EpochsWithTheSameGeometriesShareOneIndex) {
    const Scene scene;
    TimedGeometryIndex index(scene.geometries, scene.validity);
    index.prepare({day(2001, 1, 1), day(2007, 1, 1), day(2012, 1, 1), day(2003, 6, 1)});
    EXPECT_EQ(index.index_count(), 2U);  // {A, B} and {A, B, C}, not three

    // 0.1 degree north of A's northern vertex: GeodSolve -i 40.3 71 40.2 71 gives 11103.944075351
    // m.
    const geo::LonLat p{71.0, 40.3};
    geo::EdgeIndex::Scratch scratch;
    const auto before = index.nearest(day(2007, 1, 1), p, scratch);
    const auto after = index.nearest(day(2012, 1, 1), p, scratch);
    ASSERT_TRUE(before && after);
    EXPECT_EQ(before->geometry_id, 0U);  // A as feature 0
    EXPECT_EQ(after->geometry_id, 1U);   // the shared index answers with feature 1 in 2012
    EXPECT_NEAR(after->distance_m, 11103.944075351, 1e-6);
    EXPECT_EQ(after->distance_m, before->distance_m);
}

TEST(TimedIndex, DifferentCoordinatesOrOrderGetTheirOwnIndex) {
    Scene scene;
    scene.geometries[1] = geo::Geometry::line({{71.0, 40.0}, {71.0, 40.2000001}});
    TimedGeometryIndex moved(scene.geometries, scene.validity);
    moved.prepare({day(2007, 1, 1), day(2012, 1, 1)});
    EXPECT_EQ(moved.index_count(), 2U);

    // A from 2010 listed after C: members {2, 3, 4} hold B, C, A, not A, B, C.
    Scene reordered;
    reordered.geometries.push_back(meridian_line(71.0));
    reordered.validity[1] = {day(2010, 1, 1), day(2010, 1, 2)};
    reordered.validity.push_back({day(2010, 1, 2), std::nullopt});
    TimedGeometryIndex index(reordered.geometries, reordered.validity);
    index.prepare({day(2007, 1, 1), day(2012, 1, 1)});
    EXPECT_EQ(index.index_count(), 2U);
    geo::EdgeIndex::Scratch scratch;
    const auto hit = index.nearest(day(2012, 1, 1), {71.0, 40.3}, scratch);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->geometry_id, 4U);
    EXPECT_NEAR(hit->distance_m, 11103.944075351, 1e-6);
}

TEST(TimedIndex, NearestEachEqualsNearestOnEveryDate) {
    const Scene scene;
    TimedGeometryIndex index(scene.geometries, scene.validity);
    const std::vector<layers::Date> epochs{day(2001, 1, 1), day(2007, 1, 1), day(2012, 1, 1)};
    std::mt19937_64 rng(9);
    std::uniform_real_distribution<double> lon(69.5, 72.5);
    std::uniform_real_distribution<double> lat(39.8, 40.4);
    std::vector<geo::LonLat> points(5000);
    std::vector<layers::Date> dates(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        points[i] = {lon(rng), lat(rng)};
        dates[i] = epochs[i % epochs.size()];
    }
    index.prepare(dates);
    const auto batch = index.nearest_all(dates, points, 2);
    geo::EdgeIndex::Scratch scratch;
    std::vector<int> seen_c(3, 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto one = index.nearest(dates[i], points[i], scratch);
        ASSERT_TRUE(batch[i] && one) << i;
        EXPECT_EQ(batch[i]->geometry_id, one->geometry_id) << i;
        EXPECT_EQ(batch[i]->distance_m, one->distance_m) << i;  // bit for bit
        if (batch[i]->geometry_id == 3)
            ++seen_c[i % epochs.size()];
        EXPECT_NE(batch[i]->geometry_id, i % epochs.size() == 2 ? 0U : 1U)
            << i;  // A's feature in force
    }
    EXPECT_EQ(seen_c[0], 0);  // C is not in force in 2001
    EXPECT_GT(seen_c[1], 0);
    EXPECT_GT(seen_c[2], 0);
}

TEST(TimedIndex, DatesOnAndBetweenBoundariesFewOrMany) {
    // One line a year, each in force from 1 January to the next (valid_to excluded): 5 and
    // 21 boundaries, on both sides of the 16 up to which a date's slot is counted one boundary
    // at a time instead of searched. A point east of every line is nearest the line in force.
    for (const int years : {4, 20}) {
        std::vector<geo::Geometry> lines;
        std::vector<layers::Validity> validity;
        for (int y = 0; y < years; ++y) {
            lines.push_back(meridian_line(70.0 + 0.05 * y));
            validity.push_back({day(2001 + y, 1, 1), day(2002 + y, 1, 1)});
        }
        TimedGeometryIndex index(lines, validity);
        std::vector<layers::Date> dates{day(2000, 12, 31), day(2001 + years, 1, 1)};  // none in force
        for (int y = 0; y < years; ++y) {
            dates.insert(dates.end(), {day(2001 + y, 1, 1), day(2001 + y, 7, 1), day(2001 + y, 12, 31)});
        }
        index.prepare(dates);
        geo::EdgeIndex::Scratch scratch;
        const geo::LonLat east{71.5, 40.1};
        EXPECT_FALSE(index.nearest(dates[0], east, scratch)) << years;
        EXPECT_FALSE(index.nearest(dates[1], east, scratch)) << years;
        for (std::size_t i = 2; i < dates.size(); ++i) {
            const auto hit = index.nearest(dates[i], east, scratch);
            ASSERT_TRUE(hit) << years << " " << dates[i].to_string();
            EXPECT_EQ(hit->geometry_id, (i - 2) / 3) << years << " " << dates[i].to_string();
        }
    }
}

}  // namespace
}  // namespace fergana::analysis
