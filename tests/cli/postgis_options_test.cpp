// PostGIS options that need no server: usage errors for -o PG:..., --table and --append,
// and an unreachable server (nothing listens on 127.0.0.1 port 1), never showing the
// password. Against a real server: tests/postgis/postgis_test.cpp (label postgis).
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fergana::testing {

namespace {

const std::string secret = "S3cret-never-shown";
const std::string nowhere = "'PG:host=127.0.0.1 port=1 dbname=gis user=u password=" + secret + "'";

void expect_hidden(const CliResult& r) {
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
}

}  // namespace

TEST(PostgisOptions, TableAndAppendGoWithAPostgisOutputOnly) {
    CliResult r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o /tmp/fergana-x.geojson --append");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--append goes with a PostGIS output"), std::string::npos) << r.err;
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o /tmp/fergana-x.geojson --table t");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--table goes with a PostGIS output"), std::string::npos) << r.err;
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o " + nowhere);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("needs --table NAME"), std::string::npos) << r.err;
    expect_hidden(r);
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o " + nowhere + " --table t --append --overwrite");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--append and --overwrite exclude each other"), std::string::npos) << r.err;
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o " + nowhere + " --table 'Robert; DROP TABLE x'");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("is not a plain table name"), std::string::npos) << r.err;
    r = run_fergana("affected -q --per-incident " + nowhere);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--per-incident writes a file"), std::string::npos) << r.err;
    expect_hidden(r);
}

TEST(PostgisOptions, UnreachableServerIsExit1WithThePasswordRedacted) {
    CliResult r = run_fergana("proximity -q --data " + nowhere);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot connect to PostgreSQL"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("password=***"), std::string::npos) << r.err;
    expect_hidden(r);
    // Quoted with spaces, after --data=, and as a URI.
    r = run_fergana("proximity -q \"--data=PG:host=127.0.0.1 port=1 dbname=gis password='two words here'\"");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err.find("two words"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("words here"), std::string::npos) << r.err;
    r = run_fergana("layers --data postgresql://u:" + secret + "@127.0.0.1:1/gis");
    EXPECT_EQ(r.exit_code, 1);
    expect_hidden(r);
    // As an output: checked before any work, exit 1.
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o " + nowhere + " --table t");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot connect to PostgreSQL"), std::string::npos) << r.err;
    expect_hidden(r);
}

TEST(PostgisOptions, BboxWindowsTheIncidentsOnly) {
    CliResult r = run_fergana("proximity -q -o - --bbox 71,40,70,41");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--bbox"), std::string::npos) << r.err;
    // The bundled incidents around Vorukh: the same rows as without the window (borders,
    // enclaves and settlements outside it still count), and only those in it.
    const CliResult all = run_fergana("proximity -q -o - --as-of 2024-01-01");
    r = run_fergana("proximity -q -o - --as-of 2024-01-01 --bbox 70.5,39.8,70.7,39.9");
    ASSERT_EQ(all.exit_code, 0) << all.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json whole = nlohmann::json::parse(all.out);
    const nlohmann::json window = nlohmann::json::parse(r.out);
    ASSERT_FALSE(window["features"].empty());
    EXPECT_LT(window["features"].size(), whole["features"].size());
    std::size_t inside = 0;
    for (const auto& f : whole["features"]) {
        const double lon = f["geometry"]["coordinates"][0], lat = f["geometry"]["coordinates"][1];
        if (lon < 70.5 || lon > 70.7 || lat < 39.8 || lat > 39.9) continue;
        ++inside;
        bool found = false;
        for (const auto& g : window["features"]) {
            if (g["properties"]["id"] == f["properties"]["id"]) {
                found = true;
                EXPECT_EQ(g, f) << f["properties"]["id"];
            }
        }
        EXPECT_TRUE(found) << f["properties"]["id"];
    }
    EXPECT_EQ(inside, window["features"].size());
}

}  // namespace fergana::testing
