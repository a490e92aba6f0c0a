#include "render/style.hpp"

#include "geo/error.hpp"

#include <gtest/gtest.h>

namespace fergana::render {

TEST(Color, ParsesAndFormatsHex) {
    EXPECT_EQ(to_hex(*parse_color("#D7301F")), "#d7301f");
    EXPECT_EQ(to_hex(*parse_color("#fff")), "#ffffff");
    EXPECT_NEAR(parse_color("#00000080")->a, 128.0 / 255.0, 1e-12);
    EXPECT_FALSE(parse_color("red"));
    EXPECT_FALSE(parse_color("#12345"));
    EXPECT_FALSE(parse_color("#gg0000"));
}

TEST(Style, DefaultsDrawDisputedDashedAndAgreedSolid) {
    const Style s = default_style();
    EXPECT_TRUE(s.border_agreed.dash_pt.empty());
    EXPECT_FALSE(s.border_disputed.dash_pt.empty());
    EXPECT_FALSE(s.border_unknown.dash_pt.empty());
    EXPECT_EQ(s.font, "DejaVu Sans");
    EXPECT_EQ(to_hex(s.incident_marker("armed_clash", 0).color), "#e41a1c");
}

TEST(Style, JsonOverridesNestedAndDottedKeys) {
    Style s = default_style();
    apply_style_json(s,
                     R"({"borders": {"disputed": {"color": "#c51b7d", "width": 3, "dash": [8, 2]}},
                            "countries.fill.KAZ": "#eeeeee",
                            "incidents": {"types": {"smuggling": {"color": "#123456", "shape": "star"}}}})",
                     "test");
    EXPECT_EQ(to_hex(s.border_disputed.color), "#c51b7d");
    EXPECT_DOUBLE_EQ(s.border_disputed.width_pt, 3.0);
    EXPECT_EQ(s.border_disputed.dash_pt, (std::vector<double>{8, 2}));
    EXPECT_EQ(to_hex(s.country_color("KAZ")), "#eeeeee");
    EXPECT_EQ(s.incident_marker("smuggling", 0).shape, MarkerShape::Star);
}

TEST(Style, UnknownKeyIsAUsageErrorNamingIt) {
    Style s = default_style();
    try {
        apply_style_json(s, R"({"borders": {"disputed": {"colour": "#c51b7d"}}})", "my.json");
        FAIL() << "accepted an unknown key";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("'borders.disputed.colour'"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("my.json"), std::string::npos) << e.what();
    }
}

TEST(Style, BadValuesAreUsageErrorsNamingTheKey) {
    for (const char* bad :
         {R"({"ink": "black"})", R"({"incidents": {"radius": -1}})", R"({"claims": {"dash": 3}})",
          R"({"incidents": {"types": {"shelling": {"shape": "blob"}}}})",
          R"({"incidents.opacity": 2})", "[1, 2]", "{not json"}) {
        Style s = default_style();
        EXPECT_THROW(apply_style_json(s, bad, "t"), UsageError) << bad;
    }
}

TEST(Style, PrintedStyleReadsBackUnchanged) {
    Style s = default_style();
    const std::string printed = style_to_json(s);
    Style again = default_style();
    apply_style_json(again, printed, "printed");
    EXPECT_EQ(style_to_json(again), printed);
    EXPECT_NE(printed.find("\"disputed\""), std::string::npos);
}

}  // namespace fergana::render
