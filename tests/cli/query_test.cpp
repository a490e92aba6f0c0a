// `fergana query` on the hand-made fixtures of tests/data/proximity (see its README).
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fergana::testing {

namespace {

const std::string fixture = std::string(FERGANA_TEST_DATA) + "/proximity/";

std::string data() {
    return " --data " + fixture + "fixture_countries.geojson --enclaves " + fixture +
           "fixture_enclaves.geojson --settlements " + fixture + "fixture_settlements.csv --incidents " + fixture +
           "fixture_incidents.csv";
}

nlohmann::json geojson(const CliResult& r) {
    return nlohmann::json::parse(r.out);
}

}  // namespace

TEST(Query, NearSortsByDistanceAndIsInclusive) {
    // at-5km is exactly 5,000 m from Westville (70.3, 40.05); beyond-5km 5,000.5 m.
    const CliResult r = run_fergana("query near 70.3,40.05 --radius 5km --in incidents" + data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = geojson(r);  // stdout is not a terminal: GeoJSON
    ASSERT_EQ(j["features"].size(), 1U) << r.out;
    EXPECT_EQ(j["features"][0]["properties"]["id"], "at-5km");
    EXPECT_NEAR(j["features"][0]["properties"]["distance_m"].get<double>(), 5000.0, 0.005);
}

TEST(Query, NearestKByPlaceName) {
    const CliResult r = run_fergana("query nearest Westville --in incidents -k 2 --format json" + data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = nlohmann::json::parse(r.out);
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0]["id"], "at-5km");
    EXPECT_EQ(rows[1]["id"], "beyond-5km");
    EXPECT_LT(rows[0]["distance_m"].get<double>(), rows[1]["distance_m"].get<double>());
}

TEST(Query, WithinAnEnclaveByName) {
    const CliResult r = run_fergana("query within incidents --zone enclaves:testabad" + data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = geojson(r);
    ASSERT_EQ(j["features"].size(), 1U);
    EXPECT_EQ(j["features"][0]["properties"]["id"], "in-enclave");
}

TEST(Query, BboxAndWhereFilters) {
    CliResult r = run_fergana("query bbox 70.0,40.0,70.5,40.27 --in settlements" + data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(geojson(r)["features"].size(), 2U);  // Westville and Nobody, not Eastville
    r = run_fergana("query bbox 70.0,40.0,71.0,40.27 --in settlements --where 'population >= 2000'" + data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(geojson(r)["features"].size(), 1U);
    EXPECT_EQ(geojson(r)["features"][0]["properties"]["name"], "Eastville");
    r = run_fergana("query bbox 70.0,40.0,71.0,40.27 --in settlements --where 'name ~ VILLE' --format csv" + data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("lon,lat,id,name,country,population,source\n", 0), 0U) << r.out;
    EXPECT_NE(r.out.find("Westville"), std::string::npos);
    EXPECT_NE(r.out.find("Eastville"), std::string::npos);
}

TEST(Query, UnknownPlaceListsClosestNames) {
    const CliResult r = run_fergana("query near Westvile --radius 1km --in incidents" + data());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("no settlement or enclave named 'Westvile'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("closest names: Westville"), std::string::npos) << r.err;
}

TEST(Query, BadArgumentsAreUsageErrors) {
    for (const char* bad : {"query near 70,40 --in incidents",            // no radius
                            "query near 70,40 --radius 1km --in rivers",   // no such role
                            "query bbox 1,2,3 --in incidents",              // three numbers
                            "query frob 1 --in incidents",
                            "query near 70,40 --radius 1km --in incidents --where 'nope = 1'",
                            "query near 70,40 --radius 1km --in incidents --where 'type'"}) {
        const CliResult r = run_fergana(std::string(bad) + data());
        EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
    }
}

}  // namespace fergana::testing
