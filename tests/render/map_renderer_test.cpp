#include "render/map_renderer.hpp"

#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "layers/load.hpp"
#include "tests/render/synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

namespace fergana::render {

namespace {

using testing::synthetic_dataset;

double distance(Rgba a, Rgba b) {
    return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}

struct Rendered {
    RenderedMap map;
    Raster raster;
    double px_per_pt = 0.0;

    // The pixel where a coordinate lies, in panel `panel`.
    [[nodiscard]] std::pair<int, int> pixel(geo::LonLat p, std::size_t panel = 0) const {
        const MapView view(map.projection, map.panels.at(panel));
        const geo::XY pt = view.to_page(p);
        return {static_cast<int>(std::floor(pt.x * px_per_pt)),
                static_cast<int>(std::floor(pt.y * px_per_pt))};
    }
    [[nodiscard]] Rgba at(geo::LonLat p, std::size_t panel = 0) const {
        const auto [x, y] = pixel(p, panel);
        return raster.at(x, y);
    }
};

Rendered render_png(const layers::Dataset& data, const MapOptions& options) {
    RenderOptions ro;
    ro.width_px = 1200;
    ro.dpi = 144;
    Rendered r;
    r.map = render_map(data, options, default_style(), ro);
    r.raster = decode_png(r.map.bytes);
    r.px_per_pt = 144.0 / 72.0;
    return r;
}

// The whole of the two test countries, so every test point is in the frame.
const geo::Box both_countries{70.0, 40.0, 72.0, 41.0};

MapOptions at(const char* date) {
    MapOptions o;
    o.as_of = layers::parse_date(date);
    o.extent = both_countries;
    return o;
}

}  // namespace

TEST(RenderMap, PngHasTheSizeAsked) {
    const Rendered r = render_png(synthetic_dataset(), at("2022-01-01"));
    EXPECT_EQ(r.raster.width, 1200);
    EXPECT_EQ(r.map.width_px, 1200);
    EXPECT_EQ(r.raster.height, r.map.height_px);
    EXPECT_EQ(r.map.bytes.substr(1, 3), "PNG");
}

TEST(RenderMap, AgreedBorderPixelIsInTheBorderColour) {
    const Rendered r = render_png(synthetic_dataset(), at("2022-01-01"));
    const Rgba want = default_style().border_agreed.color;
    for (double lat : {40.15, 40.35, 40.62, 40.88}) {
        EXPECT_LT(distance(r.at({71.0, lat}), want), 0.08)
            << "lat " << lat << ": " << to_hex(r.at({71.0, lat}));
    }
    // Off the line: the country fills.
    EXPECT_LT(distance(r.at({70.85, 40.93}), default_style().country_color("KGZ")), 0.05)
        << to_hex(r.at({70.85, 40.93}));
    EXPECT_LT(distance(r.at({71.15, 40.93}), default_style().country_color("UZB")), 0.05)
        << to_hex(r.at({71.15, 40.93}));
}

TEST(RenderMap, DisputedBorderIsDashedInTheStrongColour) {
    const Rendered r = render_png(synthetic_dataset(), at("2019-06-01"));
    const Rgba want = default_style().border_disputed.color;
    // Along 0.1° of the line, some pixels are the dash colour and some are gaps.
    int on = 0, off = 0;
    const auto [x, y0] = r.pixel({71.0, 40.6});
    const auto [x1, y1] = r.pixel({71.0, 40.7});
    for (int y = std::min(y0, y1); y <= std::max(y0, y1); ++y) {
        if (distance(r.raster.at(x, y), want) < 0.1) {
            ++on;
        } else {
            ++off;
        }
    }
    EXPECT_GT(on, 5);
    EXPECT_GT(off, 5);
}

TEST(RenderMap, IncidentSymbolIsWhereItsPointProjects) {
    const Rendered r = render_png(synthetic_dataset(), at("2022-01-01"));
    const Rgba clash = r.at({70.3, 40.75});  // armed clash: red circle
    EXPECT_GT(clash.r, 0.8) << to_hex(clash);
    EXPECT_LT(clash.g, 0.35) << to_hex(clash);
    EXPECT_LT(clash.b, 0.35) << to_hex(clash);
    const Rgba shelling = r.at({71.5, 40.25});  // shelling: purple triangle
    EXPECT_LT(distance(shelling, default_style().incident_marker("shelling", 0).color), 0.15)
        << to_hex(shelling);
    EXPECT_EQ(r.map.incidents_drawn, 2U);
}

TEST(RenderMap, LegendBoxIsPresentAndListsWhatIsDrawn) {
    const Rendered r = render_png(synthetic_dataset(), at("2022-01-01"));
    const Rect& l = r.map.legend;
    ASSERT_GT(l.w, 100.0);
    ASSERT_GT(l.h, 100.0);
    const Rect& frame = r.map.panels.front().frame;
    EXPECT_GT(l.x, frame.right());  // beside the map, never over it
    const int inside_x = static_cast<int>((l.x + 4) * r.px_per_pt);
    const int inside_y = static_cast<int>((l.bottom() - 3) * r.px_per_pt);
    EXPECT_LT(distance(r.raster.at(inside_x, inside_y), Rgba{1, 1, 1, 1}), 0.02);
    const int edge_x = static_cast<int>(std::lround(l.x * r.px_per_pt));
    double darkest = 1.0;
    for (int dx = -1; dx <= 1; ++dx) {
        const Rgba p = r.raster.at(edge_x + dx, inside_y);
        darkest = std::min(darkest, p.r);
    }
    EXPECT_LT(darkest, 0.6);  // the legend's outline
    const auto& labels = r.map.legend_labels;
    EXPECT_NE(std::find(labels.begin(), labels.end(), "Armed clash (1)"), labels.end());
    EXPECT_NE(std::find(labels.begin(), labels.end(), "Agreed"), labels.end());
    EXPECT_EQ(std::find(labels.begin(), labels.end(), "Disputed"), labels.end());
}

TEST(RenderMap, ScaleBarIsTrueAtTheCentreOfTheMap) {
    const Rendered r = render_png(synthetic_dataset(), at("2022-01-01"));
    ASSERT_GT(r.map.scale_bar_m, 0.0);
    const double lead =
        r.map.scale_bar_m / std::pow(10.0, std::floor(std::log10(r.map.scale_bar_m)));
    EXPECT_TRUE(std::abs(lead - 1) < 1e-9 || std::abs(lead - 2) < 1e-9 || std::abs(lead - 5) < 1e-9)
        << lead;
    // Independent: a geodesic of the bar's length from the centre, measured on the page.
    const MapView view(r.map.projection, r.map.panels.front());
    const Rect& f = r.map.panels.front().frame;
    const geo::LonLat centre = view.to_lonlat({f.x + f.w / 2, f.y + f.h / 2});
    const geo::LonLat east = geo::geodesic_direct(centre, 90.0, r.map.scale_bar_m);
    const geo::XY a = view.to_page(centre);
    const geo::XY b = view.to_page(east);
    EXPECT_NEAR(std::hypot(b.x - a.x, b.y - a.y), r.map.scale_bar_pt, r.map.scale_bar_pt * 0.002);
}

TEST(RenderMap, SvgHasAGroupPerLayer) {
    RenderOptions ro;
    ro.format = ImageFormat::Svg;
    ro.width_px = 1000;
    const RenderedMap m = render_map(synthetic_dataset(), at("2022-01-01"), default_style(), ro);
    EXPECT_EQ(m.bytes.rfind("<?xml", 0), 0U);
    for (const char* layer : {"countries", "borders", "enclaves", "water", "settlements",
                              "incidents", "labels", "legend"}) {
        EXPECT_NE(m.bytes.find(std::string("<g id=\"") + layer + "\">"), std::string::npos)
            << layer;
    }
    std::size_t open = 0, close = 0;
    for (std::size_t at = m.bytes.find("<g"); at != std::string::npos;
         at = m.bytes.find("<g", at + 1))
        ++open;
    for (std::size_t at = m.bytes.find("</g>"); at != std::string::npos;
         at = m.bytes.find("</g>", at + 1))
        ++close;
    EXPECT_EQ(open, close);
    EXPECT_NE(m.bytes.find("</svg>"), std::string::npos);
}

TEST(RenderMap, PdfIsAPdf) {
    RenderOptions ro;
    ro.format = ImageFormat::Pdf;
    const RenderedMap m = render_map(synthetic_dataset(), at("2022-01-01"), default_style(), ro);
    EXPECT_EQ(m.bytes.rfind("%PDF-", 0), 0U);
    EXPECT_NE(m.bytes.find("%%EOF", m.bytes.size() - 16), std::string::npos);
}

TEST(RenderMap, SmallMultiplesDrawOnePanelPerYear) {
    MapOptions options;
    options.by = Period::Year;
    options.extent = both_countries;
    const Rendered r = render_png(synthetic_dataset(), options);
    ASSERT_EQ(r.map.panels.size(), 3U);
    // The 2019 panel draws the clash, the 2021 panel does not.
    const Rgba in_2019 = r.at({70.3, 40.75}, 0);
    const Rgba in_2021 = r.at({70.3, 40.75}, 2);
    EXPECT_GT(in_2019.r, 0.8);
    EXPECT_LT(in_2019.g, 0.35);
    EXPECT_LT(distance(in_2021, default_style().country_color("KGZ")), 0.05) << to_hex(in_2021);
}

TEST(RenderMap, DisputedOverlayIsDrawnHatched) {
    MapOptions options = at("2022-01-01");
    options.add_disputed({geo::Geometry::polygon(testing::box_polygon(70.6, 40.6, 70.9, 40.9))},
                         "test");
    const Rendered r = render_png(synthetic_dataset(), options);
    const Rgba hatch = default_style().disputed_zone.fill;
    const Rgba fill = default_style().country_color("KGZ");
    const auto [x0, y0] = r.pixel({70.7, 40.8});
    int hatched = 0, plain = 0;
    for (int d = 0; d < 20; ++d) {
        const Rgba p = r.raster.at(x0 + d, y0);
        if (distance(p, hatch) < 0.25)
            ++hatched;
        if (distance(p, fill) < 0.05)
            ++plain;
    }
    EXPECT_GT(hatched, 2);
    EXPECT_GT(plain, 2);
}

TEST(RenderMap, ImpossibleSizesAreUsageErrors) {
    RenderOptions ro;
    ro.width_px = 50;
    EXPECT_THROW((void)render_map(synthetic_dataset(), MapOptions{}, default_style(), ro),
                 UsageError);
    ro.width_px = 1000;
    ro.dpi = 5;
    EXPECT_THROW((void)render_map(synthetic_dataset(), MapOptions{}, default_style(), ro),
                 UsageError);
}

TEST(RenderMap, BundledDataBorderPixelsAreInTheBorderColour) {
    if (!std::filesystem::exists(FERGANA_BUNDLED_DATA))
        GTEST_SKIP() << "no bundled dataset";
    layers::LoadOptions lo;
    lo.data = FERGANA_BUNDLED_DATA;
    const layers::Dataset data = layers::load_dataset(lo);
    MapOptions options = at("2025-06-01");
    const Rendered r = render_png(data, options);
    // Vertices of borders in force that are in the frame and away from other symbols: most
    // of them must be drawn in their status colour.
    const Style st = default_style();
    int checked = 0, matching = 0;
    const MapView view(r.map.projection, r.map.panels.front());
    for (const layers::Border& b : data.borders.features) {
        if (!b.valid.in_force(*options.as_of))
            continue;
        const Rgba want = b.status == layers::BorderStatus::Demarcated ? st.border_demarcated.color
                                                                       : st.border_agreed.color;
        for (const geo::Path& line : b.geometry.lines()) {
            for (std::size_t i = 0; i < line.size(); i += 25) {
                const geo::XY pt = view.to_page(line[i]);
                if (!r.map.panels.front().frame.inflated(-10).contains(pt.x, pt.y))
                    continue;
                ++checked;
                const auto [x, y] = r.pixel(line[i]);
                double best = 1.0;
                for (int dy = -1; dy <= 1; ++dy) {
                    for (int dx = -1; dx <= 1; ++dx)
                        best = std::min(best, distance(r.raster.at(x + dx, y + dy), want));
                }
                if (best < 0.12)
                    ++matching;
            }
        }
    }
    ASSERT_GT(checked, 50);
    EXPECT_GT(matching, checked * 8 / 10) << matching << " of " << checked;
}

}  // namespace fergana::render
