// The simplestyle hints of GeoJSON outputs: the colours are the maps' (one table).
#include "tools/style_hints.hpp"

#include <gtest/gtest.h>

namespace fergana::tools {

TEST(StyleHints, IncidentColoursAreTheMapLegendsColours) {
    // The hex strings written in render/style.cpp, read back through the map style.
    EXPECT_EQ(incident_colour("armed_clash"), "#e41a1c");
    EXPECT_EQ(incident_colour("shelling"), "#984ea3");
    EXPECT_EQ(incident_colour("shooting"), "#ff7f00");
    EXPECT_EQ(incident_colour("water_dispute"), "#1f78b4");
    EXPECT_EQ(incident_colour("other"), "#999999");
    EXPECT_EQ(incident_colour("no such type"), "#999999");
}

TEST(StyleHints, MarkerSizeByFatalities) {
    EXPECT_EQ(incident_marker_size(std::nullopt), "small");
    EXPECT_EQ(incident_marker_size(0), "small");
    EXPECT_EQ(incident_marker_size(9), "medium");
    EXPECT_EQ(incident_marker_size(10), "large");
}

}  // namespace fergana::tools
