// UTM reference values from PROJ's own command-line tool (independent of our wrapper):
//   echo "40 71" | cs2cs -d 4 EPSG:4326 EPSG:32642   (cs2cs takes EPSG:4326 as lat lon)
#include "geo/error.hpp"
#include "geo/proj.hpp"

#include <gtest/gtest.h>

namespace fergana::geo {

TEST(Proj, LonLatToUtm42NAndBack) {
    ProjContext ctx;
    const Transformer utm(ctx, "EPSG:4326", "EPSG:32642");
    // Longitude first even though EPSG:4326 is officially lat/lon.
    const XY xy = utm.forward({71.0, 40.0});
    EXPECT_NEAR(xy.x, 670725.4943, 1e-3);
    EXPECT_NEAR(xy.y, 4429672.9731, 1e-3);
    const XY back = utm.inverse(xy);
    EXPECT_NEAR(back.x, 71.0, 1e-9);
    EXPECT_NEAR(back.y, 40.0, 1e-9);
}

TEST(Proj, BadDefinitionIsAProjectionError) {
    ProjContext ctx;
    EXPECT_THROW(Transformer(ctx, "EPSG:4326", "+proj=nonsense +foo"), ProjectionError);
    EXPECT_THROW(Transformer(ctx, "EPSG:999999", "EPSG:4326"), ProjectionError);
}

}  // namespace fergana::geo
