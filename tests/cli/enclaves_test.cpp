// `fergana enclaves` as a user runs it: the golden table for the nested fixture
// (tests/data/enclaves/README.md), the polygons it writes, usage errors, the bundled
// Fergana enclaves and Baarle.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace fergana::testing {

namespace {

const std::string dir = std::string(FERGANA_TEST_DATA) + "/enclaves/";
const std::string bundled = FERGANA_BUNDLED_DATA;

std::string nested_data() {
    return "--data " + dir + "nested_countries.geojson --countries " + dir +
           "nested_countries.geojson --enclaves " + dir + "nested_enclaves.geojson --settlements " +
           dir + "nested_settlements.geojson --water " + dir + "nested_water.geojson";
}

nlohmann::json by_id(const std::string& geojson) {
    nlohmann::json out = nlohmann::json::object();
    const nlohmann::json parsed = nlohmann::json::parse(geojson);
    for (const auto& f : parsed["features"]) out[f["properties"]["id"].get<std::string>()] = f;
    return out;
}

}  // namespace

TEST(EnclavesCli, GoldenTableForTheNest) {
    const CliResult r = run_fergana("enclaves -q --as-of 2024-01-01 " + nested_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, slurp(dir + "golden_nested.txt"));
}

TEST(EnclavesCli, PolygonsWithKindNestingAndMeasures) {
    const CliResult r = run_fergana("enclaves -q --as-of 2024-01-01 -o - " + nested_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json f = by_id(r.out);
    ASSERT_EQ(f.size(), 4U);
    const auto& e1 = f["EEE-1"]["properties"];
    EXPECT_EQ(e1["kind"], "enclave");
    EXPECT_EQ(e1["owner"], "EEE");
    EXPECT_EQ(e1["host"], "HHH");
    EXPECT_EQ(e1["depth"], 1);
    EXPECT_EQ(e1["name"], "Alpha");
    EXPECT_NEAR(e1["area_m2"].get<double>(), 9847255.75, 1.0);              // quadrangle formula
    EXPECT_NEAR(e1["mainland_distance_m"].get<double>(), 16697.92, 0.005);  // GeodSolve
    EXPECT_EQ(e1["population"], 500);
    EXPECT_EQ(e1["water_count"], 2);
    const auto& h2 = f["HHH-1"]["properties"];
    EXPECT_EQ(h2["kind"], "counter_enclave");
    EXPECT_EQ(h2["depth"], 2);
    EXPECT_EQ(h2["parent"], "EEE-1");
    EXPECT_EQ(h2["record_in_force"], false);
    const auto& x1 = f["XXX-1"]["properties"];
    EXPECT_EQ(x1["kind"], "exclave");
    EXPECT_EQ(x1["neighbours"], "HHH;KKK");
    EXPECT_TRUE(x1["host"].is_null());
    EXPECT_EQ(f["XXX-2"]["properties"]["touches_sea"], true);
    EXPECT_EQ(f["EEE-1"]["geometry"]["type"], "Polygon");
}

TEST(EnclavesCli, UsageErrorsExitTwo) {
    for (const char* bad : {"--as-of 2024-02-30", "--water-radius -1km", "--water-radius 3 miles",
                            "--touch 10", "--min-area lots"}) {
        const CliResult r = run_fergana("enclaves " + nested_data() + " " + std::string(bad));
        EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
    }
}

TEST(EnclavesCli, BundledFerganaEnclaves) {
    ASSERT_TRUE(std::filesystem::exists(bundled)) << bundled;
    const CliResult r =
        run_fergana("enclaves -q --data " + bundled + " --as-of 2026-01-01 --no-exclaves -o -");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json parsed = nlohmann::json::parse(r.out);
    std::map<std::string, double> km2;
    for (const auto& f : parsed["features"]) {
        km2[f["properties"]["name"].get<std::string>()] =
            f["properties"]["area_m2"].get<double>() / 1e6;
    }
    // shared/data/README.md, 2017 OSM polygons, and PostGIS ST_Area(geography).
    ASSERT_EQ(km2.size(), 7U);
    EXPECT_NEAR(km2["Vorukh"], 97.689, 0.0005);
    EXPECT_NEAR(km2["Sokh"], 225.979, 0.0005);
    EXPECT_NEAR(km2["Shakhimardan"], 43.686, 0.0005);
    EXPECT_NEAR(km2["Chong-Kara"], 2.852, 0.0005);
    EXPECT_NEAR(km2["Jani-Ayil"], 0.845, 0.0005);
    EXPECT_NEAR(km2["Barak"], 2.082, 0.0005);
    EXPECT_NEAR(km2["Sarvak"], 13.669, 0.0005);
}

TEST(EnclavesCli, Baarle) {
    const CliResult r =
        run_fergana("enclaves -q --data " + dir + "baarle_countries.geojson --country NLD -o -");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json parsed = nlohmann::json::parse(r.out);
    int enclaves = 0;
    for (const auto& f : parsed["features"]) {
        if (f["properties"]["kind"] == "enclave")
            ++enclaves;
    }
    EXPECT_EQ(enclaves, 18);  // PostGIS: 18 Belgian parts inside the Dutch outline
}

}  // namespace fergana::testing
