// `fergana proximity --measure`: only what is asked for, with the same numbers as the full
// run (whose values tests/cli/proximity_test.cpp checks against GeodSolve), on the hand-made
// fixtures of tests/data/proximity.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>

namespace fergana::testing {

namespace {

const std::string fixture = std::string(FERGANA_TEST_DATA) + "/proximity/";

std::string fixture_data() {
    return "--data " + fixture + "fixture_countries.geojson --borders " + fixture +
           "fixture_borders.geojson --enclaves " + fixture +
           "fixture_enclaves.geojson --settlements " + fixture +
           "fixture_settlements.csv --incidents " + fixture + "fixture_incidents.csv";
}

nlohmann::ordered_json properties_by_id(const std::string& geojson) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    const nlohmann::ordered_json parsed =
        nlohmann::ordered_json::parse(geojson);  // keeps the column order
    for (const auto& f : parsed["features"])
        out[f["properties"]["id"].get<std::string>()] = f["properties"];
    return out;
}

}  // namespace

TEST(ProximityMeasure, BorderOnlyKeepsTheBorderColumnsAndTheirValues) {
    const CliResult all = run_fergana("proximity -q -o - " + fixture_data());
    ASSERT_EQ(all.exit_code, 0) << all.err;
    const CliResult border = run_fergana("proximity -q --measure border -o - " + fixture_data());
    ASSERT_EQ(border.exit_code, 0) << border.err;
    const nlohmann::ordered_json a = properties_by_id(all.out);
    const nlohmann::ordered_json b = properties_by_id(border.out);
    ASSERT_EQ(a.size(), 5U);
    ASSERT_EQ(b.size(), a.size());
    std::vector<std::string> keys;
    for (const auto& [key, value] : b["mid-edge"].items()) keys.push_back(key);
    EXPECT_EQ(keys,
              (std::vector<std::string>{"id", "date", "type", "border_pair", "border_distance_m",
                                        "border_lon", "border_lat", "precision_m",
                                        "border_distance_min_m", "border_distance_max_m",
                                        "may_be_across_border", "marker-color", "marker-size"}));
    for (const auto& [id, props] : b.items()) {
        for (const auto& [key, value] : props.items())
            EXPECT_EQ(value, a[id][key]) << id << " " << key;
    }
    // GeodSolve brute force, as in tests/cli/proximity_test.cpp.
    EXPECT_NEAR(b["mid-edge"]["border_distance_m"].get<double>(), 1704.51, 0.005);
}

TEST(ProximityMeasure, CsvHeaderOfSeveralQuantities) {
    const std::filesystem::path out =
        std::filesystem::temp_directory_path() / "fergana_measure_test.csv";
    std::filesystem::remove(out);
    const CliResult w = run_fergana("proximity -q --overwrite --measure settlement,side -o " +
                                    out.string() + " " + fixture_data());
    ASSERT_EQ(w.exit_code, 0) << w.err;
    const std::string csv = slurp(out);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "lon,lat,id,date,type,side,side_enclave,settlement_id,settlement_name,settlement_"
              "distance_m,"
              "marker-color,marker-size");
    std::filesystem::remove(out);
    std::filesystem::remove(out.string() + ".provenance.json");
}

TEST(ProximityMeasure, SelectWritesTheNamedColumnsOnly) {
    const std::filesystem::path out = std::filesystem::temp_directory_path() / "fergana_select_test.csv";
    std::filesystem::remove(out);
    // The workload of bench W1: id, pair and distance, without coordinates.
    CliResult w = run_fergana("proximity -q --overwrite --measure border --select id,border_pair,border_distance_m -o " +
                              out.string() + " " + fixture_data());
    ASSERT_EQ(w.exit_code, 0) << w.err;
    std::string csv = slurp(out);
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "id,border_pair,border_distance_m");
    // The same distance as the full run's (GeodSolve brute force, as above).
    EXPECT_NE(csv.find("\nmid-edge,"), std::string::npos) << csv;
    EXPECT_NE(csv.find(",1704.51\n"), std::string::npos) << csv;
    // Coordinates when named, always first; other fields in the order named.
    w = run_fergana("proximity -q --overwrite --measure border --select border_distance_m,lat,id,lon -o " +
                    out.string() + " " + fixture_data());
    ASSERT_EQ(w.exit_code, 0) << w.err;
    csv = slurp(out);
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "lon,lat,border_distance_m,id");
    // The provenance records the option.
    EXPECT_NE(slurp(out.string() + ".provenance.json").find("--select"), std::string::npos);
    // The coordinates alone: no field at all (a generated table's rows still made whole).
    w = run_fergana("proximity -q --overwrite --measure border --select lat,lon -o " + out.string() + " " +
                    fixture_data());
    ASSERT_EQ(w.exit_code, 0) << w.err;
    csv = slurp(out);
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "lon,lat");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 6) << csv;  // the header and five incidents
    EXPECT_EQ(std::count(csv.begin(), csv.end(), ','), 6) << csv;

    // Mistakes are usage errors that name the field, before anything is written.
    std::filesystem::remove(out);
    std::filesystem::remove(out.string() + ".provenance.json");
    for (const std::string& bad : {std::string("id,nope"), std::string("id,,border_pair"), std::string("id,id"),
                                   std::string("id,lon")}) {
        const CliResult r = run_fergana("proximity -q --measure border --select " + bad + " -o " + out.string() +
                                        " " + fixture_data());
        EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
        EXPECT_FALSE(std::filesystem::exists(out)) << bad;
        EXPECT_FALSE(std::filesystem::exists(out.string() + ".provenance.json")) << bad;
    }
    const CliResult unknown = run_fergana("proximity -q --measure border --select id,nope -o " + out.string() +
                                          " " + fixture_data());
    EXPECT_NE(unknown.err.find("no field 'nope'"), std::string::npos) << unknown.err;
    EXPECT_NE(unknown.err.find("border_distance_m"), std::string::npos) << unknown.err;  // what there is
    const CliResult geojson = run_fergana("proximity -q --measure border --select id,lon,lat -o -" + std::string(" ") +
                                          fixture_data());
    EXPECT_EQ(geojson.exit_code, 2);
    EXPECT_NE(geojson.err.find("'lon' is a CSV column"), std::string::npos) << geojson.err;
    const CliResult no_output = run_fergana("proximity -q --measure border --select id " + fixture_data());
    EXPECT_EQ(no_output.exit_code, 2);
    EXPECT_NE(no_output.err.find("give -o too"), std::string::npos) << no_output.err;
    std::filesystem::remove(out.string() + ".provenance.json");
}

TEST(ProximityMeasure, UnknownQuantityIsAUsageError) {
    const CliResult r = run_fergana("proximity -q --measure border,elevation " + fixture_data());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("elevation"), std::string::npos) << r.err;
}

TEST(ProximityMeasure, SelectReadsOnlyTheIncidentFieldsItNeeds) {
    // mid-edge's count is 'many', not a number: an error when the count is read, which the
    // selected fields decide (marker-size is made from it).
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fergana_select_reads";
    const std::filesystem::path bad = copy_with_change(fixture + "fixture_incidents.csv", dir,
                                                       "mid-edge,2022-09-14,shelling,3,",
                                                       "mid-edge,2022-09-14,shelling,many,");
    const std::string data = "--data " + fixture + "fixture_countries.geojson --borders " + fixture +
                             "fixture_borders.geojson --incidents " + bad.string();
    const std::string out = (dir / "d.csv").string();
    const std::string run = "proximity -q --overwrite --measure border -o " + out + " " + data;

    const CliResult everything = run_fergana(run);
    EXPECT_EQ(everything.exit_code, 1);
    EXPECT_NE(everything.err.find("'many' is not a whole number"), std::string::npos) << everything.err;
    const CliResult marker = run_fergana(run + " --select id,marker-size");
    EXPECT_EQ(marker.exit_code, 1);

    const CliResult lean = run_fergana(run + " --select id,border_distance_m");
    ASSERT_EQ(lean.exit_code, 0) << lean.err;
    EXPECT_NE(slurp(out).find("\nmid-edge,1704.51\n"), std::string::npos) << slurp(out);
    std::filesystem::remove_all(dir);
}

TEST(ProximityMeasure, SelectedFieldsHoldTheFullRunsValues) {
    // A selection fills only its fields: each must hold the full output's value, whatever the
    // order and wherever the field sits in the full row. The fixture's cells hold no commas.
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fergana_select_values";
    std::filesystem::create_directories(dir);
    const std::string out = (dir / "d.csv").string();
    auto table = [&](const std::string& select) {
        const CliResult r = run_fergana("proximity -q --overwrite -o " + out + select + " " + fixture_data());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::map<std::string, std::map<std::string, std::string>> rows;  // id -> field -> text
        std::istringstream text(slurp(out));
        std::string line;
        std::vector<std::string> header;
        while (std::getline(text, line)) {
            std::vector<std::string> cells;
            std::istringstream cells_text(line);
            for (std::string cell; std::getline(cells_text, cell, ',');) cells.push_back(cell);
            if (line.back() == ',') cells.emplace_back();
            if (header.empty()) {
                header = cells;
                continue;
            }
            EXPECT_EQ(cells.size(), header.size()) << line;
            std::map<std::string, std::string> row;
            for (std::size_t k = 0; k < cells.size() && k < header.size(); ++k) row[header[k]] = cells[k];
            rows[row["id"]] = row;
        }
        return rows;
    };
    const auto full = table("");
    ASSERT_EQ(full.size(), 5U);
    const std::vector<std::string> picked = {"marker-size", "border_distance_min_m", "type", "id", "water_distance_m",
                                             "precision_m", "may_be_across_border", "border_lat", "date",
                                             "settlement_name", "border_pair", "side", "marker-color"};
    std::string select;
    for (const std::string& f : picked) select += (select.empty() ? " --select " : ",") + f;
    const auto some = table(select);
    ASSERT_EQ(some.size(), full.size());
    for (const auto& [id, row] : some) {
        ASSERT_EQ(row.size(), picked.size()) << id;
        for (const std::string& f : picked) EXPECT_EQ(row.at(f), full.at(id).at(f)) << id << " " << f;
    }
    EXPECT_EQ(some.at("mid-edge").at("border_pair"), "KGZ-TJK");
    std::filesystem::remove_all(dir);
}

}  // namespace fergana::testing
