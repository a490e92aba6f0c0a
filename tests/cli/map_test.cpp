// `fergana map` as a user runs it: files in each format, their checks by independent
// tools (xmllint for SVG, pdfinfo for PDF), the provenance sidecar, usage errors.
// Pixel checks on rendered maps are in tests/render/map_renderer_test.cpp; the HTML map
// in Chromium is in map_browser_test.cpp.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

namespace fergana::testing {

namespace {

namespace fs = std::filesystem;

const std::string shared = FERGANA_SHARED_DATA;

struct MapDir {
    fs::path path;
    MapDir() {
        path = fs::temp_directory_path() /
               ("fergana-map-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~MapDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    [[nodiscard]] std::string operator/(const std::string& name) const {
        return (path / name).string();
    }
};

bool have_tool(const std::string& tool) {
    return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci != nullptr && std::string(ci) == "true";
}

// Skips when a checking tool is missing, except in CI where scripts/install-deps.sh installs it.
#define REQUIRE_TOOL(tool)                                                             \
    do {                                                                               \
        if (!have_tool(tool)) {                                                        \
            if (in_ci())                                                               \
                FAIL() << tool << " is missing (scripts/install-deps.sh installs it)"; \
            GTEST_SKIP() << tool << " is not installed";                               \
        }                                                                              \
    } while (false)

std::string shell(const std::string& command) {
    const fs::path out =
        fs::temp_directory_path() / ("fergana-map-shell-" + std::to_string(::getpid()));
    std::system((command + " >" + out.string() + " 2>&1").c_str());
    std::string text = slurp(out);
    fs::remove(out);
    return text;
}

// Width and height from a PNG's IHDR chunk.
std::pair<unsigned, unsigned> png_size(const std::string& bytes) {
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) << 24) |
               (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
               (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
               static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 3]));
    };
    return {be32(16), be32(20)};
}

}  // namespace

TEST(Map, DefaultPngOfTheBundledDataWithProvenance) {
    MapDir dir;
    const CliResult r = run_fergana("map -o " + (dir / "map.png"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string png = slurp(dir / "map.png");
    ASSERT_GT(png.size(), 50000U);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    const auto [w, h] = png_size(png);
    EXPECT_EQ(w, 1800U);
    EXPECT_GT(h, 900U);
    EXPECT_NE(r.out.find("map.png: 1800x"), std::string::npos) << r.out;

    const nlohmann::json p = nlohmann::json::parse(slurp(dir / "map.png.provenance.json"));
    EXPECT_EQ(p["command"], "map");
    const std::string proj = p["settings"]["map.projection"];
    EXPECT_TRUE(proj.find("+proj=lcc") != std::string::npos ||
                proj.find("+proj=tmerc") != std::string::npos)
        << proj;
    EXPECT_TRUE(p["settings"].contains("map.panel0.frame_pt"));
    EXPECT_EQ(p["outputs"][0], dir / "map.png");
    bool incidents = false;
    for (const auto& in : p["inputs"]) incidents = incidents || in["role"] == "incidents";
    EXPECT_TRUE(incidents);
}

TEST(Map, SvgIsWellFormedXmlWithAGroupPerLayer) {
    REQUIRE_TOOL("xmllint");
    MapDir dir;
    const CliResult r = run_fergana("map -q --width 1000 -o " + (dir / "map.svg"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(std::system(("xmllint --noout " + (dir / "map.svg") + " 2>/dev/null").c_str()), 0)
        << shell("xmllint --noout " + (dir / "map.svg"));
    const std::string svg = slurp(dir / "map.svg");
    for (const char* layer :
         {"countries", "borders", "enclaves", "water", "water_facilities", "settlements",
          "incidents", "labels", "legend", "title", "attribution"}) {
        EXPECT_NE(svg.find(std::string("<g id=\"") + layer + "\">"), std::string::npos) << layer;
    }
    // Each layer's ids are its own: none is defined twice.
    const std::string ids = shell("xmllint --xpath 'count(//@id)' " + (dir / "map.svg"));
    const std::string unique =
        shell("grep -o ' id=\"[^\"]*\"' " + (dir / "map.svg") + " | sort | uniq -d | wc -l");
    EXPECT_EQ(std::stoi(unique), 0) << ids;
}

TEST(Map, PdfOpensInPdfinfo) {
    REQUIRE_TOOL("pdfinfo");
    MapDir dir;
    const CliResult r =
        run_fergana("map -q --as-of 2022-09-14 --title 'Test map' -o " + (dir / "map.pdf"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string info = shell("pdfinfo " + (dir / "map.pdf"));
    // "Key:   value" lines, the padding depending on the poppler version.
    auto field = [&](const std::string& key) {
        std::smatch m;
        return std::regex_search(info, m, std::regex("(^|\n)" + key + ":\\s+([^\n]*)"))
                   ? m[2].str()
                   : std::string();
    };
    EXPECT_EQ(field("Pages"), "1") << info;
    EXPECT_EQ(field("Title"), "Test map") << info;
    EXPECT_EQ(field("Page size").rfind("864 x", 0), 0U) << info;  // 1800 px at 150 dpi
}

TEST(Map, SmallMultiplesByYear) {
    MapDir dir;
    const CliResult r =
        run_fergana("map -q --by year --from 2019-01-01 --to 2022-12-31 -o " + (dir / "years.png"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json p = nlohmann::json::parse(slurp(dir / "years.png.provenance.json"));
    EXPECT_TRUE(p["settings"].contains("map.panel3.frame_pt"));  // 2019, 2020, 2021, 2022
    EXPECT_FALSE(p["settings"].contains("map.panel4.frame_pt"));
}

TEST(Map, CentreOnAPlaceWithARadius) {
    MapDir dir;
    const CliResult r =
        run_fergana("map -q --center Vorukh --radius 15km -o " + (dir / "vorukh.png"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json p = nlohmann::json::parse(slurp(dir / "vorukh.png.provenance.json"));
    EXPECT_EQ(p["settings"]["radius_m"], 15000.0);
    // A square 30 km across is not wider than tall: transverse Mercator.
    EXPECT_NE(p["settings"]["map.projection"].get<std::string>().find("+proj=tmerc"),
              std::string::npos);
}

TEST(Map, BellingcatIncidentsOnOsmCountries) {
    MapDir dir;
    const CliResult r = run_fergana(
        "map -q -o " + (dir / "b.png") + " --countries " + shared +
        "/borders_osm2026_kgz_tjk_uzb.geojson --field countries.iso3=a3 --incidents " + shared +
        "/incidents_bellingcat_tjkg2022.csv --field incidents.id=tkid --field "
        "incidents.type=impact");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_GT(slurp(dir / "b.png").size(), 50000U);
}

TEST(Map, DrawsTheDisputedLayerHatched) {
    REQUIRE_TOOL("xmllint");
    MapDir dir;
    const std::string disputed = dir / "disputed.geojson";
    {
        std::ofstream(disputed) << R"({"type": "FeatureCollection", "features": [
          {"type": "Feature", "properties": {"pair": "KGZ-TJK", "claimant": "a", "other": "b"},
           "geometry": {"type": "LineString", "coordinates": [[70.6, 39.9], [70.7, 39.95]]}},
          {"type": "Feature", "properties": {"pair": "KGZ-TJK", "claimant": "a", "other": "b"},
           "geometry": {"type": "Polygon", "coordinates": [[[70.5, 39.8], [70.6, 39.8], [70.6, 39.85], [70.5, 39.8]]]}}]})";
    }
    const CliResult r =
        run_fergana("map -q --width 1000 --disputed " + disputed + " -o " + (dir / "d.svg"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string svg = slurp(dir / "d.svg");
    const std::size_t group = svg.find("<g id=\"disputed\">");
    ASSERT_NE(group, std::string::npos);
    EXPECT_GT(svg.find("</g>", svg.find("<path", group)) - group,
              200U);  // something is drawn in it
    EXPECT_EQ(std::system(("xmllint --noout " + (dir / "d.svg") + " 2>/dev/null").c_str()), 0);
}

TEST(Map, WritesToStandardOutputWithFormat) {
    const CliResult r = run_fergana("map -q --width 600 --format png -o -");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.substr(1, 3), "PNG");
}

TEST(Map, NeverReplacesAFileWithoutOverwrite) {
    MapDir dir;
    ASSERT_EQ(run_fergana("map -q --width 600 -o " + (dir / "m.png")).exit_code, 0);
    const std::string before = slurp(dir / "m.png");
    const CliResult again = run_fergana("map -q --width 700 -o " + (dir / "m.png"));
    EXPECT_EQ(again.exit_code, 1) << again.err;
    EXPECT_EQ(slurp(dir / "m.png"), before);
    EXPECT_EQ(run_fergana("map -q --width 700 --overwrite -o " + (dir / "m.png")).exit_code, 0);
    // No temporary file is left behind.
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir.path))
        files += e.path().filename().string().find(".tmp") == std::string::npos ? 1 : 100;
    EXPECT_EQ(files, 2U);  // m.png and its provenance
}

TEST(Map, PrintStyleIsJsonWithEveryKey) {
    const CliResult r = run_fergana("map --print-style");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json s = nlohmann::json::parse(r.out);
    EXPECT_TRUE(s["borders"]["disputed"].contains("dash"));
    EXPECT_TRUE(s["incidents"]["types"].contains("armed_clash"));
}

TEST(Map, UsageErrorsExitTwoNamingTheProblem) {
    MapDir dir;
    const std::string out = " -o " + (dir / "x.png");
    struct Case {
        std::string args;
        std::string message;
    };
    const std::string style = dir / "bad_style.json";
    { std::ofstream(style) << R"({"borders": {"disputed": {"colour": "#ff0000"}}})"; }
    for (const Case& c : std::vector<Case>{
             {"map -o " + (dir / "x.jpg"), "cannot tell the map format"},
             {"map", "missing -o FILE"},
             {"map --bbox 70,40,71,41 --center 70.5,40.5" + out, "--bbox and --center"},
             {"map --center 70.5,40.5 --radius -5km" + out, "--radius"},
             {"map --center 70.5,40.5 --radius '5 parsecs'" + out, "--radius"},
             {"map --radius 5km" + out, "--radius needs --center"},
             {"map --by week" + out, "--by 'week'"},
             {"map --by year -o " + (dir / "x.html"), "--by draws small multiples"},
             {"map --style " + style + out, "'borders.disputed.colour'"},
             {"map --colour-by mood" + out, "--colour-by"},
             {"map --width 10" + out, "--width"},
             {"map --center Atlantis" + out, "no settlement or enclave"},
         }) {
        const CliResult r = run_fergana(c.args);
        EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    }
    EXPECT_FALSE(fs::exists(dir / "x.png"));
}

}  // namespace fergana::testing
