// `fergana disputed` as a user runs it: the golden table for the bulge fixture
// (tests/data/disputed/README.md has the hand-worked answers), the files it writes, usage
// errors, and the documented comparison of the OSM 2017 line with the 2026 one.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace fergana::testing {

namespace {

const std::string dir = std::string(FERGANA_TEST_DATA) + "/disputed/";
const std::string shared = FERGANA_SHARED_DATA;
const std::string bundled = FERGANA_BUNDLED_DATA;

std::string bulge_data() {
    return "--data " + dir + "bulge_claims.geojson --claims " + dir +
           "bulge_claims.geojson --countries " + dir + "bulge_countries.geojson --settlements " +
           dir + "bulge_settlements.geojson --water " + dir + "bulge_water.geojson --incidents " +
           dir + "bulge_incidents.geojson";
}

std::filesystem::path scratch_dir(const std::string& name) {
    const auto d = std::filesystem::temp_directory_path() /
                   ("fergana-disputed-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

}  // namespace

TEST(DisputedCli, GoldenTableForTheBulge) {
    const CliResult r = run_fergana("disputed --as-of 2024-01-01 --tolerance 500m " + bulge_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, slurp(dir + "golden_bulge.txt"));
}

TEST(DisputedCli, WritesStretchesZonesSummaryAndProvenance) {
    const auto out = scratch_dir("files");
    const std::string stretches = (out / "stretches.geojson").string();
    const std::string zones = (out / "zones.gpkg").string();
    const std::string summary = (out / "summary.json").string();
    const CliResult r =
        run_fergana("disputed -q --as-of 2024-01-01 --tolerance 0.5km " + bulge_data() + " -o " +
                    stretches + " --zones " + zones + " --summary " + summary);
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const nlohmann::json lines = nlohmann::json::parse(slurp(stretches));
    ASSERT_EQ(lines["features"].size(), 2U);
    for (const auto& f : lines["features"]) {
        const auto& p = f["properties"];
        EXPECT_EQ(p["pair"], "AAA-BBB");
        EXPECT_EQ(f["geometry"]["type"], "LineString");
        if (p["claimant"] == "beta") {
            EXPECT_EQ(p["other"], "alpha");
            EXPECT_NEAR(p["length_m"].get<double>(), 2000.0, 0.05);
            EXPECT_NEAR(p["max_offset_m"].get<double>(), 1000.0, 0.05);
            EXPECT_NEAR(p["mean_offset_m"].get<double>(), 875.0, 0.05);
            EXPECT_EQ(p["zone"], "AAA-BBB/alpha~beta/1");
        } else {
            EXPECT_EQ(p["claimant"], "alpha");
            EXPECT_NEAR(p["length_m"].get<double>(), 200.0, 0.05);
            EXPECT_NEAR(p["max_offset_m"].get<double>(), 583.10, 0.01);
        }
    }
    EXPECT_TRUE(std::filesystem::exists(zones));
    const nlohmann::json s = nlohmann::json::parse(slurp(summary));
    EXPECT_EQ(s["as_of"], "2024-01-01");
    EXPECT_EQ(s["tolerance_m"].get<double>(), 500.0);
    ASSERT_EQ(s["comparisons"].size(), 1U);
    const auto& c = s["comparisons"][0];
    EXPECT_NEAR(c["hausdorff_m"].get<double>(), 1000.0, 0.05);
    EXPECT_NEAR(c["zone_area_m2"].get<double>(), 999999.996, 1.0);
    EXPECT_NEAR(c["beta"]["disputed_m"].get<double>(), 2000.0, 0.05);
    EXPECT_NEAR(c["beta"]["agreed_m"].get<double>(), 9400.0, 0.05);
    EXPECT_NEAR(c["alpha"]["disputed_share"].get<double>(), 0.02, 1e-5);

    for (const std::string& path : {stretches, zones}) {
        const std::string side = path + ".provenance.json";
        ASSERT_TRUE(std::filesystem::exists(side)) << side;
        const nlohmann::json prov = nlohmann::json::parse(slurp(side));
        EXPECT_EQ(prov["command"], "disputed");
        EXPECT_EQ(prov["settings"]["as_of"], "2024-01-01");
        EXPECT_EQ(prov["settings"]["tolerance_m"].get<double>(), 500.0);
        EXPECT_FALSE(prov["inputs"].empty());
    }
    // Again without --overwrite: refused, nothing replaced.
    const CliResult again =
        run_fergana("disputed -q --tolerance 500m " + bulge_data() + " -o " + stretches);
    EXPECT_NE(again.exit_code, 0);
    EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
    std::filesystem::remove_all(out);
}

TEST(DisputedCli, UsageErrorsExitTwo) {
    const std::string base = "disputed " + bulge_data() + " ";
    for (const char* bad :
         {"--as-of 2024-13-45", "--as-of yesterday", "--tolerance -5m", "--tolerance 5parsecs",
          "--tolerance 100", "--tolerance 0m", "--compare nolabel", "--compare osm=", "--pair KGZ",
          "--no-zones --zones /tmp/never.geojson", "--claimant =x"}) {
        const CliResult r = run_fergana(base + std::string(bad));
        EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
        EXPECT_TRUE(r.out.empty()) << bad;
    }
}

TEST(DisputedCli, InputProblemsExitOneWithAHint) {
    // Claims without a pair need --pair.
    CliResult r =
        run_fergana("disputed -q --data " + shared + "/border_kgz_tjk_lines.geojson --claims " +
                    shared + "/border_kgz_tjk_lines.geojson --field claims.claimant=source");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("have no pair"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--pair"), std::string::npos) << r.err;
    // A --claimant that matches nothing names the claimants there are.
    r = run_fergana("disputed -q " + bulge_data() + " --claimant nobody");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("alpha, beta"), std::string::npos) << r.err;
}

TEST(DisputedCli, DocumentedComparisonOfTheOsmLinesBeforeAndAfterTheTreaty) {
    // README / docs/disputed.md: the bundled OSM 2017 line against the 2026 OSM line in
    // ../shared/data/real, selected by its `source` field.
    ASSERT_TRUE(std::filesystem::exists(bundled)) << bundled;
    const auto out = scratch_dir("osm");
    const std::string summary = (out / "summary.json").string();
    const CliResult r = run_fergana(
        "disputed -q --data " + bundled +
        " --pair KGZ-TJK --tolerance 500m --claimant osm2017 --compare 'osm2026=" + shared +
        "/border_kgz_tjk_lines.geojson#source=OSM relations*' --summary " + summary);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("KGZ-TJK  osm2017   osm2026"), std::string::npos) << r.out;
    const nlohmann::json s = nlohmann::json::parse(slurp(summary));
    ASSERT_EQ(s["comparisons"].size(), 1U);
    const auto& c = s["comparisons"][0];
    EXPECT_EQ(c["claimant"], "osm2017");
    EXPECT_EQ(c["other"], "osm2026");
    // Checked in tests/analysis/disputed_test.cpp against PostGIS and GeographicLib.
    EXPECT_NEAR(c["osm2017"]["length_m"].get<double>(), 952914.591, 0.01);
    EXPECT_NEAR(c["osm2026"]["length_m"].get<double>(), 1004047.125, 0.01);
    EXPECT_NEAR(c["osm2017"]["beyond_tolerance_m"].get<double>(), 191085.0, 30.0);
    EXPECT_EQ(c["osm2017"]["runs_beyond_tolerance"], 65);
    EXPECT_NEAR(c["hausdorff_m"].get<double>(), 4034.59, 0.05);
    EXPECT_GT(c["zones"].get<int>(), 40);
    std::filesystem::remove_all(out);
}

TEST(DisputedCli, BundledStatusOnTheClashDate) {
    ASSERT_TRUE(std::filesystem::exists(bundled)) << bundled;
    const CliResult r =
        run_fergana("disputed -q --data " + bundled + " --as-of 2022-09-14 --no-zones --summary -");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json s = nlohmann::json::parse(r.out);
    ASSERT_EQ(s["status"].size(), 3U);
    EXPECT_EQ(s["status"][0]["pair"], "KGZ-TJK");
    EXPECT_EQ(s["status"][0]["status"], "unknown");
    EXPECT_NEAR(s["status"][0]["length_m"].get<double>(), 952914.591, 0.01);  // PostGIS geography
    EXPECT_EQ(s["status"][2]["pair"], "TJK-UZB");
    EXPECT_EQ(s["status"][2]["status"], "delimited");
    // osm2017 against naturalearth for each of the three pairs.
    EXPECT_EQ(s["comparisons"].size(), 3U);
}

}  // namespace fergana::testing
