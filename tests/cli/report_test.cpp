// `fergana report -o DIR`: every analysis in one directory. On the small fixture
// (tests/data/small/README.md; summary.md itself is golden_test.cpp's) and, with no
// options, on the bundled data, whose summary must show the figures docs/ publishes.
#include "tests/cli/golden.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace fergana::testing {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// The cells of the first Markdown table row of `text` after `after` whose first cell is
/// `first` (empty if none).
std::vector<std::string> md_row(const std::string& text, const std::string& first,
                                const std::string& after = {}) {
    const auto from = text.find(after);
    std::istringstream lines(from == std::string::npos ? std::string() : text.substr(from));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("| " + first + " |", 0) != 0)
            continue;
        std::vector<std::string> cells;
        std::istringstream row(line.substr(1));
        std::string cell;
        while (std::getline(row, cell, '|')) {
            const auto a = cell.find_first_not_of(' ');
            const auto b = cell.find_last_not_of(' ');
            cells.push_back(a == std::string::npos ? std::string() : cell.substr(a, b - a + 1));
        }
        return cells;
    }
    return {};
}

const json* feature_with(const json& collection, const std::string& key, const std::string& value) {
    for (const json& f : collection["features"]) {
        if (f["properties"][key] == value)
            return &f;
    }
    return nullptr;
}

}  // namespace

TEST(Report, WritesEveryLayerMapAndSummaryOfTheSmallFixture) {
    OutputDir dir;
    const CliResult r = run_fergana("report -q --as-of 2024-01-01 --tolerance 500m -o " +
                                    (dir / "r") + small_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");  // -q
    EXPECT_EQ(
        names_in(dir.path / "r"),
        (std::vector<std::string>{
            "affected.csv", "affected.geojson", "affected.qml", "disputed.geojson", "disputed.qml",
            "disputed_zones.geojson", "disputed_zones.qml", "enclaves.geojson", "enclaves.qml",
            "map.html", "map.png", "map.svg", "provenance.json", "proximity.csv",
            "proximity.geojson", "proximity.qml", "summary.md"}));
    // The maps are what their names say.
    EXPECT_EQ(slurp(dir / "r/map.png").substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(slurp(dir / "r/map.svg").rfind("<?xml", 0), 0U);
    EXPECT_NE(slurp(dir / "r/map.html").find("id=\"fergana-data\""), std::string::npos);

    // The layers agree with the single commands' answers (README figures).
    const json enclaves = json::parse(slurp(dir / "r/enclaves.geojson"));
    ASSERT_EQ(enclaves["features"].size(), 1U);
    EXPECT_NEAR(enclaves["features"][0]["properties"]["area_m2"].get<double>(), 23661420.0, 1.0);
    const json zones = json::parse(slurp(dir / "r/disputed_zones.geojson"));
    ASSERT_EQ(zones["features"].size(), 1U);
    EXPECT_NEAR(zones["features"][0]["properties"]["area_m2"].get<double>(), 9454968.0, 1.0);
    const json affected = json::parse(slurp(dir / "r/affected.geojson"));
    EXPECT_EQ(affected["features"].size(), 2U);  // Westville and Bulgeabad
    // Proximity measures against the disputed stretches the report found: in-bulge is
    // 681.15 m from the west claim's stretch on the meridian (GeodSolve: 681.153606 m), and
    // after-treaty, beyond the treaty but next to the stretch, 851.44 m from it.
    const json proximity = json::parse(slurp(dir / "r/proximity.geojson"));
    const json* in_bulge = feature_with(proximity, "id", "in-bulge");
    const json* after_treaty = feature_with(proximity, "id", "after-treaty");
    ASSERT_NE(in_bulge, nullptr);
    ASSERT_NE(after_treaty, nullptr);
    EXPECT_NEAR((*in_bulge)["properties"]["disputed_distance_m"].get<double>(), 681.15, 0.005);
    EXPECT_NEAR((*after_treaty)["properties"]["disputed_distance_m"].get<double>(), 851.44, 0.005);
    // The CSV twins hold the same rows.
    const std::string csv = slurp(dir / "r/proximity.csv");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);  // header and 6 incidents
}

TEST(Report, FiltersAndNoMaps) {
    OutputDir dir;
    const CliResult r =
        run_fergana("report -q --no-maps --as-of 2024-01-01 --from 2022-01-01 --type shelling -o " +
                    (dir / "r") + small_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::vector<std::string> names = names_in(dir.path / "r");
    EXPECT_EQ(std::count_if(names.begin(), names.end(),
                            [](const std::string& n) { return n.rfind("map.", 0) == 0; }),
              0);
    const std::string summary = slurp(dir / "r/summary.md");
    EXPECT_EQ(summary.find("## Maps"), std::string::npos);
    // Only the two shellings of 2022 (mid-edge, in-bulge).
    EXPECT_EQ(md_row(summary, "2022", "## Incidents per year"),
              (std::vector<std::string>{"2022", "2", "2"}));
    EXPECT_EQ(md_row(summary, "2021", "## Incidents per year"), std::vector<std::string>{});
    const json proximity = json::parse(slurp(dir / "r/proximity.geojson"));
    EXPECT_EQ(proximity["features"].size(), 2U);
    const json p = json::parse(slurp(dir / "r/provenance.json"));
    EXPECT_EQ(p["settings"]["from"], "2022-01-01");
    EXPECT_EQ(p["settings"]["types"], "shelling");
}

TEST(Report, UsageErrorsExitTwo) {
    OutputDir dir;
    for (const char* bad : {"--as-of 2024-02-30", "--radius -1km", "--tolerance 5 parsecs",
                            "--from 2023-01-01 --to 2022-01-01", "--bogus"}) {
        const CliResult r = run_fergana("report -q -o " + (dir / "r") + " " + bad + small_data());
        EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
        EXPECT_EQ(r.err.rfind("fergana: error: ", 0), 0U) << r.err;
    }
    EXPECT_FALSE(fs::exists(dir.path / "r"));  // nothing created before the options are checked
}

TEST(Report, BadInputLeavesNoDirectoryBehind) {
    // Regression: the directory was created before the data was read.
    OutputDir dir;
    const CliResult r =
        run_fergana("report -q -o " + (dir / "r") + " --data " + small_fixture() +
                    "countries.geojson --incidents " + small_fixture() + "no_such_file.csv");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("no_such_file.csv"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path / "r"));
}

TEST(Report, WithNoOptionsRunsOnTheBundledDataWithTheDocumentedFigures) {
    OutputDir dir;
    const CliResult r = run_fergana_in(dir.path.string(), "report -q");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(fs::is_directory(dir.path / "report"));  // the default directory
    EXPECT_EQ(names_in(dir.path / "report").size(), 17U);
    const std::string s = slurp(dir / "report/summary.md");
    // docs/data.md: 144 settlements, 86 incidents, all dated.
    EXPECT_EQ(md_row(s, "settlements").back(), "144");
    EXPECT_EQ(md_row(s, "incidents").back(), "86");
    EXPECT_EQ(md_row(s, "all", "## Incidents per year").back(), "86") << "every incident is dated";
    // docs/disputed.md: the OSM 2017 lines, KGZ-TJK agreed since the March 2025 treaty.
    EXPECT_EQ(md_row(s, "KGZ-TJK"), (std::vector<std::string>{"KGZ-TJK", "agreed", "952.9"}));
    // docs/disputed.md, "The bundled data", 500 m: naturalearth length / disputed (share),
    // osm2017 length, Hausdorff, zones and their area.
    const std::vector<std::vector<std::string>> pairs = {
        {"KGZ-TJK", "naturalearth vs osm2017", "838.3", "952.9", "655.4", "78.2 %", "5.88", "",
         "73", "1479"},
        {"KGZ-UZB", "naturalearth vs osm2017", "1051.0", "1295.7", "813.0", "77.4 %", "8.49", "",
         "96", "1745"},
        {"TJK-UZB", "naturalearth vs osm2017", "1121.0", "1297.7", "880.1", "78.5 %", "7.27", "",
         "62", "1879"}};
    std::istringstream lines(s);
    std::string line;
    int compared = 0;
    while (std::getline(lines, line)) {
        for (const auto& expected : pairs) {
            if (line.rfind("| " + expected[0] + " | " + expected[1] + " |", 0) != 0)
                continue;
            std::vector<std::string> cells;
            std::istringstream row(line.substr(1));
            std::string cell;
            while (std::getline(row, cell, '|')) cells.push_back(cell.substr(1, cell.size() - 2));
            ASSERT_GE(cells.size(), 10U) << line;
            for (std::size_t k = 0; k < 7; ++k) EXPECT_EQ(cells[k], expected[k]) << line;
            EXPECT_EQ(cells[8], expected[8]) << line;
            EXPECT_NEAR(std::stod(cells[9]), std::stod(expected[9]), 0.5)
                << line;  // km², docs round to 1
            ++compared;
        }
    }
    EXPECT_EQ(compared, 3) << s;
    // docs/enclaves.md: area (km²) and distance to the mainland (km) of the three large ones,
    // and the documented populations.
    // and the documented settlements: Vorukh (3,836), Ravon in Sokh (no population given),
    // Shohimardon (5,100).
    EXPECT_EQ(md_row(s, "Vorukh", "## Enclaves"),
              (std::vector<std::string>{"Vorukh", "TJK", "KGZ", "enclave", "97.69", "5.36", "1",
                                        "3,836", "0"}));
    EXPECT_EQ(md_row(s, "Sokh", "## Enclaves"),
              (std::vector<std::string>{"Sokh", "UZB", "KGZ", "enclave", "225.98", "4.69", "1", "0",
                                        "1"}));
    EXPECT_EQ(md_row(s, "Shakhimardan", "## Enclaves"),
              (std::vector<std::string>{"Shakhimardan", "UZB", "KGZ", "enclave", "43.69", "14.70",
                                        "1", "5,100", "0"}));
    for (const char* small : {"Barak", "Sarvak", "Chong-Kara", "Jani-Ayil"})
        EXPECT_FALSE(md_row(s, small, "## Enclaves").empty()) << small;
    for (const char* section :
         {"## Borders as of", "## Disputed stretches", "## Enclaves", "## Settlements in reach",
          "### The most affected settlements", "## Incidents per year and type",
          "## Incidents nearest to water facilities", "## Maps", "## Attribution"}) {
        EXPECT_NE(s.find(section), std::string::npos) << section;
    }
}

}  // namespace fergana::testing
