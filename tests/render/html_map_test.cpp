#include "render/html_map.hpp"

#include "geo/error.hpp"
#include "tests/render/synthetic.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace fergana::render {

namespace {
std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}
}  // namespace

TEST(HtmlMap, SelfContainedWithLeafletTheLayersAndTheLegend) {
    const HtmlMap m = render_html(testing::synthetic_dataset(), MapOptions{}, default_style());
    EXPECT_EQ(m.markers, 2U);
    EXPECT_EQ(m.html.rfind("<!DOCTYPE html>", 0), 0U);
    EXPECT_NE(m.html.find("Leaflet 1.9.4"), std::string::npos);  // the library's own banner
    EXPECT_NE(m.html.find(".leaflet-container"), std::string::npos);
    // Nothing is fetched: no script or stylesheet source, no image from the network.
    EXPECT_EQ(count(m.html, "<script src"), 0U);
    EXPECT_EQ(count(m.html, "<link"), 0U);
    EXPECT_EQ(count(m.html, "url(images/"), 0U);
    EXPECT_FALSE(std::regex_search(m.html, std::regex(R"(url\(\s*["']?https?:)")));
    for (const char* layer :
         {"\"countries\"", "\"borders\"", "\"enclaves\"", "\"settlements\"", "\"water\""}) {
        EXPECT_NE(m.html.find(std::string("\"id\":") + layer), std::string::npos) << layer;
    }
    EXPECT_NE(m.html.find("Armed clash (1)"), std::string::npos);   // the legend
    EXPECT_NE(m.html.find("id=\"date-from\""), std::string::npos);  // the date filter
    EXPECT_NE(m.html.find("L.control.scale"), std::string::npos);
    EXPECT_NE(m.html.find("L.control.layers"), std::string::npos);
    EXPECT_NE(m.html.find("\"description\""), std::string::npos);  // popups carry every attribute
    // Leaflet draws in web Mercator: the page names that projection, not the print one.
    EXPECT_NE(m.html.find("Projection: web Mercator (EPSG:3857, Leaflet)"), std::string::npos);
    EXPECT_EQ(m.html.find("Projection: " + m.projection.description()), std::string::npos);
}

TEST(HtmlMap, EmbeddedDataCannotCloseTheScript) {
    layers::Dataset data = testing::synthetic_dataset();
    data.incidents.features[0].mutable_details().description = "</script><script>alert(1)</script>";
    const HtmlMap m = render_html(data, MapOptions{}, default_style());
    EXPECT_EQ(m.html.find("</script><script>alert"), std::string::npos);
    EXPECT_NE(m.html.find("<\\/script><script>alert(1)<\\/script>"), std::string::npos);
}

TEST(HtmlMap, SmallMultiplesAreForStaticMaps) {
    MapOptions options;
    options.by = Period::Year;
    EXPECT_THROW((void)render_html(testing::synthetic_dataset(), options, default_style()),
                 UsageError);
}

}  // namespace fergana::render
