#include "geo/geometry.hpp"

#include <gtest/gtest.h>

namespace fergana::geo {

TEST(Geometry, BoundsCoverEveryVertex) {
    const Geometry g = Geometry::multi_line({{{70.0, 40.0}, {71.0, 40.5}}, {{69.5, 41.0}}});
    const Box b = g.bounds();
    EXPECT_DOUBLE_EQ(b.min_lon, 69.5);
    EXPECT_DOUBLE_EQ(b.max_lon, 71.0);
    EXPECT_DOUBLE_EQ(b.min_lat, 40.0);
    EXPECT_DOUBLE_EQ(b.max_lat, 41.0);
    EXPECT_EQ(g.vertex_count(), 3U);
    EXPECT_EQ(g.type(), GeometryType::MultiLineString);
}

TEST(Geometry, DefaultIsEmptyCollection) {
    const Geometry g;
    EXPECT_TRUE(g.empty());
    EXPECT_TRUE(g.bounds().empty());
    EXPECT_EQ(to_string(g.type()), "GeometryCollection");
}

TEST(Box, IntersectsAndContains) {
    const Box a{0, 0, 1, 1};
    const Box b{1, 1, 2, 2};
    const Box c{1.5, 1.5, 2, 2};
    EXPECT_TRUE(a.intersects(b));  // touching counts
    EXPECT_FALSE(a.intersects(c));
    EXPECT_TRUE(a.contains({0.5, 1.0}));
    EXPECT_FALSE(a.contains({1.5, 0.5}));
}

}  // namespace fergana::geo
