// `fergana proximity` and `fergana affected` on hand-made fixtures (tests/data/proximity/README.md
// gives the reference values and how they were computed) and on Bellingcat's 2022 points.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fergana::testing {

namespace {

const std::string fixture = std::string(FERGANA_TEST_DATA) + "/proximity/";
const std::string shared = FERGANA_SHARED_DATA;

std::string fixture_data() {
    return "--data " + fixture + "fixture_countries.geojson --borders " + fixture +
           "fixture_borders.geojson --enclaves " + fixture + "fixture_enclaves.geojson --settlements " +
           fixture + "fixture_settlements.csv --incidents " + fixture + "fixture_incidents.csv";
}

nlohmann::json features_by_id(const std::string& geojson) {
    nlohmann::json out = nlohmann::json::object();
    const nlohmann::json parsed = nlohmann::json::parse(geojson);  // kept alive for the loop
    for (const auto& f : parsed["features"]) out[f["properties"]["id"].get<std::string>()] = f;
    return out;
}

}  // namespace

TEST(Proximity, HandComputedDistancesSidesAndStatusInForce) {
    const CliResult r = run_fergana("proximity -q -o - " + fixture_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json f = features_by_id(r.out);
    ASSERT_EQ(f.size(), 5U);

    const auto& mid = f["mid-edge"]["properties"];
    EXPECT_EQ(mid["side"], "TJK");
    EXPECT_EQ(mid["border_pair"], "KGZ-TJK");
    // GeodSolve brute force: 1704.509055 m; nearest point mid-edge, not a vertex (15 km away).
    EXPECT_NEAR(mid["border_distance_m"].get<double>(), 1704.51, 0.005);
    EXPECT_NEAR(mid["border_lon"].get<double>(), 70.5, 1e-9);
    EXPECT_NEAR(mid["border_lat"].get<double>(), 40.135, 0.001);
    // The line was disputed on 2022-09-14.
    EXPECT_NEAR(mid["disputed_distance_m"].get<double>(), 1704.51, 0.005);
    // precision_m 2000 > 1704.51: the uncertainty circle crosses the line.
    EXPECT_EQ(mid["border_distance_min_m"].get<double>(), 0.0);
    EXPECT_NEAR(mid["border_distance_max_m"].get<double>(), 3704.51, 0.005);
    EXPECT_EQ(mid["may_be_across_border"], true);
    EXPECT_EQ(mid["marker-color"], "#984ea3");

    // After the treaty the same line is agreed: no disputed stretch to measure against.
    EXPECT_TRUE(f["after-treaty"]["properties"]["disputed_distance_m"].is_null());
    EXPECT_EQ(f["after-treaty"]["properties"]["side"], "KGZ");

    // Inside the enclave: the owner's side, the enclave's name, distance 0.
    const auto& enc = f["in-enclave"]["properties"];
    EXPECT_EQ(enc["side"], "TJK");
    EXPECT_EQ(enc["side_enclave"], "Testabad");
    EXPECT_EQ(enc["enclave_name"], "Testabad");
    EXPECT_EQ(enc["enclave_distance_m"].get<double>(), 0.0);
    EXPECT_TRUE(enc["may_be_across_border"].is_null());  // no precision given

    EXPECT_EQ(f["at-5km"]["properties"]["settlement_name"], "Westville");
    EXPECT_NEAR(f["at-5km"]["properties"]["settlement_distance_m"].get<double>(), 5000.0, 0.005);
}

TEST(Proximity, DateAndTypeFilters) {
    CliResult r = run_fergana("proximity -q -o - --from 2021-01-01 --to 2022-12-31 " + fixture_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json f = features_by_id(r.out);
    EXPECT_EQ(f.size(), 3U);  // mid-edge, at-5km, beyond-5km
    EXPECT_TRUE(f.contains("mid-edge"));
    EXPECT_FALSE(f.contains("in-enclave"));

    r = run_fergana("proximity -q -o - --type armed_clash,SHOOTING " + fixture_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    f = features_by_id(r.out);
    EXPECT_EQ(f.size(), 3U);
    EXPECT_TRUE(f.contains("in-enclave"));

    r = run_fergana("proximity -q --from 2023-01-01 --to 2022-01-01 " + fixture_data());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--from 2023-01-01 is after --to 2022-01-01"), std::string::npos) << r.err;
}

// The date column: a day in 1900-2099 comes from a table made once, other days and ranges
// (a month is a range) are written out as before. Both ends of the table and the days
// just outside it, by hand.
TEST(Proximity, DatesInsideAndOutsideTheTableOfDays) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("fergana-dates-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream csv(dir / "incidents.csv");
        csv << "id,date,type,lon,lat\n"
               "before,1899-12-31,shelling,70.52,40.135\n"
               "first,1900-01-01,shelling,70.52,40.135\n"
               "last,2099-12-31,shelling,70.52,40.135\n"
               "after,2100-01-01,shelling,70.52,40.135\n"
               "range,2020-01-01/2020-01-05,shelling,70.52,40.135\n"
               "month,2021-04,shelling,70.52,40.135\n"
               "undated,,shelling,70.52,40.135\n";
    }
    const CliResult r = run_fergana("proximity -q --measure border -o - --data " + fixture +
                                    "fixture_countries.geojson --borders " + fixture +
                                    "fixture_borders.geojson --incidents " + (dir / "incidents.csv").string());
    fs::remove_all(dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json f = features_by_id(r.out);
    EXPECT_EQ(f["before"]["properties"]["date"], "1899-12-31");
    EXPECT_EQ(f["first"]["properties"]["date"], "1900-01-01");
    EXPECT_EQ(f["last"]["properties"]["date"], "2099-12-31");
    EXPECT_EQ(f["after"]["properties"]["date"], "2100-01-01");
    EXPECT_EQ(f["range"]["properties"]["date"], "2020-01-01/2020-01-05");
    EXPECT_EQ(f["month"]["properties"]["date"], "2021-04-01/2021-04-30");
    EXPECT_TRUE(f["undated"]["properties"]["date"].is_null());
}

TEST(Affected, ExactlyFiveKilometresIsInReach) {
    const CliResult r = run_fergana("affected -q --radius 5km -o - " + fixture_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto features = nlohmann::json::parse(r.out)["features"];
    ASSERT_EQ(features.size(), 1U) << r.out;
    const auto& p = features[0]["properties"];
    EXPECT_EQ(p["name"], "Westville");
    EXPECT_EQ(p["population"], 1000);
    EXPECT_EQ(p["incident_count"], 1);  // at-5km; beyond-5km is 5,000.5 m away
    EXPECT_EQ(p["nearest_incident_id"], "at-5km");
    EXPECT_NEAR(p["nearest_incident_distance_m"].get<double>(), 5000.0, 0.005);
    EXPECT_EQ(p["incident_ids"], "at-5km");
    EXPECT_EQ(p["first_date"], "2021-04-29");
}

TEST(Affected, SelectedFieldsKeepTheirValues) {
    // The id lists are made only when selected: selected, they are as above; not selected, the
    // other fields are unchanged.
    CliResult r = run_fergana("affected -q --radius 5km -o - --select incident_ids,id " + fixture_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto features = nlohmann::json::parse(r.out)["features"];
    ASSERT_EQ(features.size(), 1U) << r.out;
    EXPECT_EQ(features[0]["properties"].size(), 2U);
    EXPECT_EQ(features[0]["properties"]["incident_ids"], "at-5km");
    r = run_fergana("affected -q --radius 5km -o - --select name,incident_count,nearest_incident_distance_m " +
                    fixture_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    features = nlohmann::json::parse(r.out)["features"];
    ASSERT_EQ(features.size(), 1U) << r.out;
    EXPECT_EQ(features[0]["properties"].size(), 3U);
    EXPECT_EQ(features[0]["properties"]["name"], "Westville");
    EXPECT_EQ(features[0]["properties"]["incident_count"], 1);
    EXPECT_NEAR(features[0]["properties"]["nearest_incident_distance_m"].get<double>(), 5000.0, 0.005);
}

TEST(Affected, SelectReadsOnlyTheIncidentFieldsItNeeds) {
    // at-5km's date is not a date: an error when dates are read, which first_date and
    // last_date need, and the count does not.
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fergana_affected_reads";
    const std::filesystem::path bad =
        copy_with_change(fixture + "fixture_incidents.csv", dir, "at-5km,2021-04-29,", "at-5km,2021-04-31,");
    const std::string run = "affected -q --radius 5km -o - --settlements " + fixture +
                            "fixture_settlements.csv --incidents " + bad.string();

    const CliResult everything = run_fergana(run);
    EXPECT_EQ(everything.exit_code, 1);
    EXPECT_NE(everything.err.find("2021-04-31"), std::string::npos) << everything.err;
    EXPECT_EQ(run_fergana(run + " --select id,first_date").exit_code, 1);
    EXPECT_EQ(run_fergana(run + " --select id,incident_count --per-incident " + (dir / "p.csv").string()).exit_code, 1);
    // The summary needs neither dates nor types.
    const std::string summary = (dir / "s.json").string();
    ASSERT_EQ(run_fergana(run + " --select id,incident_count --summary " + summary).exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(slurp(summary))["incidents"], 5);

    const CliResult lean = run_fergana(run + " --select name,incident_count,nearest_incident_id");
    ASSERT_EQ(lean.exit_code, 0) << lean.err;
    const auto features = nlohmann::json::parse(lean.out)["features"];
    ASSERT_EQ(features.size(), 1U) << lean.out;
    EXPECT_EQ(features[0]["properties"]["name"], "Westville");
    EXPECT_EQ(features[0]["properties"]["incident_count"], 1);
    EXPECT_EQ(features[0]["properties"]["nearest_incident_id"], "at-5km");
    std::filesystem::remove_all(dir);
}

TEST(Affected, RadiusByTypeAndSummary) {
    const CliResult r = run_fergana("affected --radius 1km --radius-by-type armed_clash=5001m,shelling=30km " +
                                    fixture_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Both armed clashes reach Westville (5,000 and 5,000.5 m); the shelling at mid-edge reaches
    // Westville (about 19 km), Eastville (about 24 km) and Nobody (about 41 km: no).
    EXPECT_NE(r.out.find("KGZ                1        1000                   0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("TJK                1        2500                   0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("total              2        3500                   0"), std::string::npos) << r.out;
}

TEST(Affected, BadRadiusIsAUsageError) {
    for (const char* bad : {"--radius -5km", "--radius '5 parsecs'", "--radius 5", "--radius-by-type shelling"}) {
        const CliResult r = run_fergana(std::string("affected ") + bad + " " + fixture_data());
        EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
        EXPECT_NE(r.err.find("--radius"), std::string::npos) << r.err;
    }
}

TEST(Proximity, BellingcatPointsAsGiven) {
    // The brief's command line, as is, on Bellingcat's 398 geolocated damage points.
    const CliResult r = run_fergana("proximity -q -o - --incidents " + shared +
                                    "/incidents_bellingcat_tjkg2022.csv --field incidents.id=tkid "
                                    "--field incidents.type=impact");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto features = nlohmann::json::parse(r.out)["features"];
    EXPECT_EQ(features.size(), 398U);
    std::size_t with_border = 0;
    for (const auto& f : features) {
        if (!f["properties"]["border_distance_m"].is_null()) ++with_border;
        EXPECT_TRUE(f["properties"]["type"] == "civinfra" || f["properties"]["type"] == "privateprop");
    }
    EXPECT_EQ(with_border, 398U);
}

}  // namespace fergana::testing
