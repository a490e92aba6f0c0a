#include "render/label_placer.hpp"

#include <gtest/gtest.h>

#include <random>

namespace fergana::render {

TEST(LabelPlacer, NeverOverlapsAndStaysInBounds) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> x(0, 400), y(0, 300), w(20, 60);
    std::vector<LabelRequest> requests;
    for (int i = 0; i < 300; ++i) {
        requests.push_back(LabelRequest{
            static_cast<double>(i % 17), {x(rng), y(rng)}, 3.0, w(rng), 9.0, false, true});
    }
    const Rect bounds{0, 0, 400, 300};
    LabelPlacer placer(bounds);
    const auto placed = placer.place_all(requests);
    ASSERT_GT(placed.size(), 20U);
    EXPECT_LT(placed.size(), requests.size());  // crowded: some are left out
    for (std::size_t a = 0; a < placed.size(); ++a) {
        EXPECT_TRUE(bounds.contains(placed[a].box));
        for (std::size_t b = a + 1; b < placed.size(); ++b) {
            EXPECT_FALSE(placed[a].box.intersects(placed[b].box)) << a << " " << b;
        }
    }
}

TEST(LabelPlacer, TheMoreImportantLabelWinsAContestedPlace) {
    LabelPlacer placer(Rect{0, 0, 100, 30});
    // Two anchors so close that only one label fits in the strip.
    const std::vector<LabelRequest> requests = {
        {1.0, {20, 15}, 2.0, 70, 10, false, true},
        {5.0, {22, 15}, 2.0, 70, 10, false, true},
    };
    const auto placed = placer.place_all(requests);
    ASSERT_EQ(placed.size(), 1U);
    EXPECT_EQ(placed.front().request, 1U);
}

TEST(LabelPlacer, PrefersTheRightOfThePointAndAvoidsObstacles) {
    LabelRequest r{1.0, {50, 50}, 3.0, 20, 8, false, true};
    {
        LabelPlacer placer(Rect{0, 0, 200, 200});
        const auto box = placer.place(r);
        ASSERT_TRUE(box);
        EXPECT_DOUBLE_EQ(box->x, 53.0);
        EXPECT_DOUBLE_EQ(box->y, 46.0);
    }
    {
        LabelPlacer placer(Rect{0, 0, 200, 200});
        placer.add_obstacle({52, 30, 40, 40});  // everything to the right is taken
        const auto box = placer.place(r);
        ASSERT_TRUE(box);
        EXPECT_LE(box->right(), 52.0);
    }
}

TEST(LabelPlacer, AreaLabelsTryTheirCentreFirst) {
    LabelPlacer placer(Rect{0, 0, 200, 200});
    const auto box = placer.place(LabelRequest{1.0, {100, 100}, 30.0, 40, 10, true, true});
    ASSERT_TRUE(box);
    EXPECT_DOUBLE_EQ(box->x, 80.0);
    EXPECT_DOUBLE_EQ(box->y, 95.0);
}

}  // namespace fergana::render
