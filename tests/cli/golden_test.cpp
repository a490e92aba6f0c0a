// One golden-file test per command on the small fixture (tests/data/small/, README there):
// what each command prints and writes, compared byte for byte with tests/golden/.
// Regenerate with FERGANA_UPDATE_GOLDEN=1 and read the diff by eye (tests/cli/golden.hpp).
#include "tests/cli/golden.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace fergana::testing {

namespace {

/// Runs `fergana ARGS` on the whole small fixture, in its folder, and expects success.
CliResult run_ok(const std::string& args) {
    CliResult r = run_in_fixture(args + small_data(true));
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    return r;
}

/// The data embedded in an HTML map, one line per feature, so the golden file reads as a
/// list of what the page draws and says.
std::string html_map_data(const std::string& html) {
    const std::string open = "id=\"fergana-data\">";
    const auto from = html.find(open);
    if (from == std::string::npos)
        return "no fergana-data in the page\n";
    const auto to = html.find("</script>", from);
    const nlohmann::ordered_json data =
        nlohmann::ordered_json::parse(html.substr(from + open.size(), to - from - open.size()));
    std::ostringstream out;
    for (const auto& [key, value] : data.items()) {
        if (key == "layers")
            continue;
        if (key == "incidents" && value.contains("geojson")) {
            out << "incidents " << value.at("name").dump() << ":\n";
            for (const auto& f : value.at("geojson").at("features"))
                out << "  " << f.dump() << "\n";
            continue;
        }
        out << key << ": " << value.dump() << "\n";
    }
    if (!data.contains("layers"))
        return out.str();
    for (const auto& layer : data.at("layers")) {
        out << "layer " << layer.at("id").dump() << " " << layer.at("name").dump() << ":\n";
        if (!layer.contains("geojson"))
            continue;
        for (const auto& f : layer["geojson"]["features"]) out << "  " << f.dump() << "\n";
    }
    return out.str();
}

}  // namespace

TEST(Golden, Layers) {
    const CliResult r = run_ok("layers");
    expect_golden("layers.txt", r.out);
}

TEST(Golden, Proximity) {
    OutputDir dir;
    const CliResult table = run_ok("proximity -q --as-of 2024-01-01");
    expect_golden("proximity.txt", table.out);
    run_ok("proximity -q --as-of 2024-01-01 -o " + (dir / "proximity.geojson"));
    expect_golden("proximity.geojson", slurp(dir / "proximity.geojson"));
    expect_golden("proximity.qml", slurp(dir / "proximity.qml"));
    run_ok("proximity -q --as-of 2024-01-01 --precision 4 -o " + (dir / "proximity.csv"));
    expect_golden("proximity.csv", slurp(dir / "proximity.csv"));
}

TEST(Golden, Affected) {
    OutputDir dir;
    const CliResult r = run_ok("affected -q --radius 5km -o " + (dir / "affected.geojson") +
                               " --summary " + (dir / "affected_summary.json"));
    expect_golden("affected.txt", r.out);
    expect_golden("affected.geojson", slurp(dir / "affected.geojson"));
    expect_golden("affected_summary.json", slurp(dir / "affected_summary.json"));
}

TEST(Golden, Disputed) {
    OutputDir dir;
    const CliResult r =
        run_ok("disputed -q --as-of 2024-01-01 --tolerance 500m -o " + (dir / "disputed.geojson") +
               " --zones " + (dir / "zones.geojson") + " --segments " + (dir / "segments.geojson") +
               " --summary " + (dir / "summary.json"));
    expect_golden("disputed.txt", r.out);
    expect_golden("disputed.geojson", slurp(dir / "disputed.geojson"));
    expect_golden("disputed_zones.geojson", slurp(dir / "zones.geojson"));
    expect_golden("disputed_segments.geojson", slurp(dir / "segments.geojson"));
    // The summary keeps every digit (and sampling noise in its medians): checked against the
    // independent figures of tests/data/small/README.md instead of a golden file.
    const auto summary = nlohmann::json::parse(slurp(dir / "summary.json"));
    ASSERT_EQ(summary["comparisons"].size(), 1U);
    const auto& c = summary["comparisons"][0];
    EXPECT_NEAR(c["zone_area_m2"].get<double>(), 9454968.0, 1.0);       // Planimeter
    EXPECT_NEAR(c["hausdorff_m"].get<double>(), 1703.634, 0.01);        // GeodSolve
    EXPECT_NEAR(c["west"]["length_m"].get<double>(), 29980.052, 0.01);  // GeodSolve
    EXPECT_NEAR(summary["status"][0]["length_m"].get<double>(), 29980.052, 0.01);
}

TEST(Golden, Enclaves) {
    OutputDir dir;
    const CliResult r = run_ok("enclaves -q --as-of 2024-01-01 -o " + (dir / "enclaves.geojson"));
    expect_golden("enclaves.txt", r.out);
    expect_golden("enclaves.geojson", slurp(dir / "enclaves.geojson"));
}

TEST(Golden, Query) {
    expect_golden(
        "query_near.txt",
        run_ok("query -q near Westville --radius 12km --in incidents --format table").out);
    // GeoJSON, whose distances have 2 decimals: --format json keeps every digit of a double,
    // which the last bits of a faster geodesic could change.
    expect_golden("query_nearest.geojson",
                  run_ok("query -q nearest 70.49,40.2 --in settlements -k 5 --format geojson --precision 4").out);
    expect_golden(
        "query_within.csv",
        run_ok("query -q within incidents --zone enclaves:Testabad --format csv --precision 3")
            .out);
    // The countries with the enclave's hole: rings rewound to RFC 7946 (the fixture winds them
    // wrongly).
    expect_golden(
        "query_countries.geojson",
        run_ok("query -q bbox 70,40,71,40.27 --in countries --format geojson --precision 5").out);
    // Names with non-ASCII letters keep their column.
    expect_golden("query_settlements.txt",
                  run_ok("query -q bbox 70,40,71,40.27 --in settlements --format table").out);
}

TEST(Golden, Map) {
    // Pixels and glyph outlines depend on the font files and Cairo's version: compared
    // instead are the map's settings in its provenance (projection, frame, scale; the page
    // height follows the legend's text, measured in DejaVu Sans from fonts-dejavu-core, which
    // scripts/install-deps.sh installs) and the data the HTML map draws.
    OutputDir dir;
    run_ok("map -q --as-of 2024-01-01 --width 600 -o " + (dir / "map.svg"));
    const auto provenance = nlohmann::ordered_json::parse(slurp(dir / "map.svg.provenance.json"));
    expect_golden("map_settings.json", provenance["settings"].dump(2) + "\n");
    run_ok("map -q --as-of 2024-01-01 -o " + (dir / "map.html"));
    expect_golden("map_html_data.txt", html_map_data(slurp(dir / "map.html")));
}

TEST(Golden, Report) {
    OutputDir dir;
    const CliResult r = run_ok("report --as-of 2024-01-01 --tolerance 500m -o " + (dir / "report"));
    expect_golden("report_files.txt", normalise(r.err, dir.path.string()));
    expect_golden("report_summary.md", normalise(slurp(dir / "report/summary.md")));
}

}  // namespace fergana::testing
