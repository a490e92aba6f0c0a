#include "render/map_plan.hpp"

#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "tests/render/synthetic.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace fergana::render {

namespace {

using testing::synthetic_dataset;

bool has_label(const MapPlan& plan, const std::string& label) {
    return std::any_of(plan.legend.begin(), plan.legend.end(),
                       [&](const LegendItem& i) { return i.label == label; });
}

}  // namespace

TEST(MapPlan, BordersInForceOnTheAsOfDateAndOnlyTheirStatusesInTheLegend) {
    const layers::Dataset data = synthetic_dataset();
    MapOptions options;
    options.as_of = layers::parse_date("2019-06-01");
    MapPlan plan = plan_map(data, options, default_style(), std::nullopt);
    ASSERT_EQ(plan.panels.size(), 1U);
    EXPECT_EQ(plan.panels[0].borders, (std::vector<std::size_t>{0}));
    EXPECT_TRUE(has_label(plan, "Disputed"));
    EXPECT_FALSE(has_label(plan, "Agreed"));
    EXPECT_TRUE(has_label(plan, "Borders as of 2019-06-01"));

    options.as_of = layers::parse_date("2022-01-01");
    plan = plan_map(data, options, default_style(), std::nullopt);
    EXPECT_EQ(plan.panels[0].borders, (std::vector<std::size_t>{1}));
    EXPECT_TRUE(has_label(plan, "Agreed"));
    EXPECT_FALSE(has_label(plan, "Disputed"));
}

TEST(MapPlan, LegendListsOnlyWhatIsDrawn) {
    const layers::Dataset data = synthetic_dataset();
    MapOptions options;
    options.filter.types = {"shelling"};
    const MapPlan plan = plan_map(data, options, default_style(), std::nullopt);
    EXPECT_TRUE(has_label(plan, "Shelling (1)"));
    EXPECT_FALSE(has_label(plan, "Armed clash (1)"));
    EXPECT_TRUE(has_label(plan, "Dam"));
    EXPECT_FALSE(has_label(plan, "Intake"));
    EXPECT_FALSE(has_label(plan, "Canal"));
    EXPECT_TRUE(has_label(plan, "River"));
    EXPECT_TRUE(has_label(plan, "Enclave"));
}

TEST(MapPlan, SettlementsWithinReachAreFound) {
    const layers::Dataset data = synthetic_dataset();
    MapOptions options;
    options.reach_m = 60000;  // Alpha is 50 km from the clash, Beta 40 km from the shelling
    const MapPlan plan = plan_map(data, options, default_style(), std::nullopt);
    EXPECT_EQ(plan.panels[0].settlements_in_reach, (std::vector<std::size_t>{0, 1}));
    options.reach_m = 1000;
    EXPECT_TRUE(plan_map(data, options, default_style(), std::nullopt)
                    .panels[0]
                    .settlements_in_reach.empty());
}

TEST(MapPlan, OnePanelPerYearWithTheBordersOfItsLastDay) {
    const layers::Dataset data = synthetic_dataset();
    MapOptions options;
    options.by = Period::Year;
    const MapPlan plan = plan_map(data, options, default_style(), std::nullopt);
    ASSERT_EQ(plan.panels.size(), 3U);  // 2019, 2020 (empty), 2021
    EXPECT_EQ(plan.panels[0].label, "2019");
    EXPECT_EQ(plan.panels[0].incidents, (std::vector<std::size_t>{0}));
    EXPECT_TRUE(plan.panels[1].incidents.empty());
    EXPECT_EQ(plan.panels[2].incidents, (std::vector<std::size_t>{1}));
    EXPECT_EQ(plan.panels[0].borders_as_of.to_string(), "2019-12-31");
    EXPECT_EQ(plan.panels[0].borders, (std::vector<std::size_t>{0}));  // still disputed in 2019
    EXPECT_EQ(plan.panels[2].borders, (std::vector<std::size_t>{1}));
}

TEST(MapPlan, TooManyPanelsIsAUsageError) {
    const layers::Dataset data = synthetic_dataset();
    MapOptions options;
    options.by = Period::Month;
    options.max_panels = 12;
    EXPECT_THROW((void)plan_map(data, options, default_style(), std::nullopt), UsageError);
}

TEST(MapPlan, DefaultExtentLeavesOutIncidentsFarFromTheBorders) {
    layers::Dataset data = synthetic_dataset();
    layers::Incident far = data.incidents.features.front();
    far.id = "far";
    far.position = {74.59, 42.87};  // Bishkek, hundreds of km from the test border
    data.incidents.features.push_back(far);
    const MapPlan plan = plan_map(data, MapOptions{}, default_style(), std::nullopt);
    EXPECT_LT(plan.extent.max_lon, 72.5);
    EXPECT_LT(plan.extent.max_lat, 41.5);
    EXPECT_GT(plan.extent.max_lon, 71.5);  // the near incidents are in
}

TEST(MapPlan, DisputedHookAddsHatchedStretchesAndZonesToTheLegend) {
    const layers::Dataset data = synthetic_dataset();
    MapOptions options;
    options.add_disputed({geo::Geometry::line({{71.0, 40.4}, {71.0, 40.6}}),
                          geo::Geometry::polygon(testing::box_polygon(70.9, 40.7, 71.1, 40.8))},
                         "test analysis");
    const MapPlan plan = plan_map(data, options, default_style(), std::nullopt);
    EXPECT_EQ(plan.disputed.stretches.size(), 1U);
    EXPECT_EQ(plan.disputed.zones.size(), 1U);
    EXPECT_TRUE(has_label(plan, "Disputed stretch"));
    EXPECT_TRUE(has_label(plan, "Disputed zone"));
}

TEST(MapPlan, AttributionNamesTheProvidersAndIncidentSources) {
    const MapPlan plan = plan_map(synthetic_dataset(), MapOptions{}, default_style(), std::nullopt);
    ASSERT_GE(plan.attribution.size(), 2U);
    EXPECT_NE(plan.attribution[0].find("\u00a9 OpenStreetMap contributors"), std::string::npos)
        << plan.attribution[0];
    EXPECT_NE(plan.attribution[0].find("GeoNames"), std::string::npos);
    EXPECT_NE(plan.attribution[1].find("Test Wire"), std::string::npos) << plan.attribution[1];
    EXPECT_NE(plan.attribution[1].find("Other Wire"), std::string::npos) << plan.attribution[1];
}

TEST(FindPlace, EnclavesThenSettlementsCaseInsensitive) {
    const layers::Dataset data = synthetic_dataset();
    const auto islet = find_place(data, "islet");
    ASSERT_TRUE(islet);
    EXPECT_NEAR(islet->lon, 70.5, 1e-9);
    EXPECT_NEAR(islet->lat, 40.5, 1e-9);
    const auto beta = find_place(data, "BETA");
    ASSERT_TRUE(beta);
    EXPECT_DOUBLE_EQ(beta->lon, 71.6);
    EXPECT_FALSE(find_place(data, "Atlantis"));
}

TEST(BoxAround, SpansTheRadiusEachWay) {
    const geo::Box b = box_around({71.0, 40.0}, 20000.0);
    EXPECT_NEAR(geo::distance_m({71.0, 40.0}, {71.0, b.max_lat}), 20000.0, 1e-3);
    EXPECT_NEAR(geo::distance_m({71.0, 40.0}, {b.min_lon, 40.0}), 20000.0,
                20.0);  // a parallel is not a geodesic
}

}  // namespace fergana::render
