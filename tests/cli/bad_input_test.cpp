// Broken and hostile input through the real binary (tests/data/bad/, README there).
// Every case: exit 1 (input) or 2 (usage) with one line on stderr naming the file,
// layer, feature and field where they apply, with a hint; or a reported repair; never
// a crash, never a partial output file.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace fergana::testing {

namespace {

namespace fs = std::filesystem;

const std::string bad = std::string(FERGANA_TEST_DATA) + "/bad/";
const std::string fixture = std::string(FERGANA_TEST_DATA) + "/proximity/";

/// Incidents from a bad file, everything else from the small fixtures, so that no case
/// depends on the bundled data.
std::string with_incidents(const std::string& file) {
    return "--data " + fixture + "fixture_countries.geojson --borders " + fixture +
           "fixture_borders.geojson --settlements " + fixture + "fixture_settlements.csv --incidents " + bad + file;
}

std::size_t lines(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

/// Expects exit `code`, a one-line message with each of `parts`, and a hint.
void expect_error(const CliResult& r, int code, const std::vector<std::string>& parts) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    EXPECT_EQ(lines(r.err), 1U) << r.err;
    EXPECT_EQ(r.err.rfind("fergana: error: ", 0), 0U) << r.err;
    for (const std::string& p : parts) EXPECT_NE(r.err.find(p), std::string::npos) << "missing '" << p << "' in " << r.err;
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("fergana-bad-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(BadInput, TruncatedAndInvalidGeoJson) {
    expect_error(run_fergana("proximity " + with_incidents("truncated.geojson")), 1,
                 {"truncated.geojson", "cannot open as a vector source", "hint:"});
    expect_error(run_fergana("proximity " + with_incidents("invalid.json.geojson")), 1,
                 {"invalid.json.geojson", "cannot open"});
}

TEST(BadInput, CorruptAndTruncatedGeoPackage) {
    expect_error(run_fergana("proximity " + with_incidents("corrupt.gpkg")), 1, {"corrupt.gpkg", "not a recognised"});
    expect_error(run_fergana("proximity " + with_incidents("truncated.gpkg")), 1, {"truncated.gpkg", "malformed"});
}

TEST(BadInput, PolygonLayerGivenAsIncidents) {
    expect_error(run_fergana("proximity " + with_incidents("polygon_as_incidents.geojson")), 1,
                 {"polygon_as_incidents.geojson", "wrong geometry type", "incidents role takes points"});
}

TEST(BadInput, SelfIntersectingAndUnclosedPolygonsAreRepairedAndReported) {
    for (const char* file : {"self_intersecting.geojson", "unclosed.geojson"}) {
        const CliResult r = run_fergana(std::string("layers --data ") + bad + file + " --enclaves " + bad + file);
        EXPECT_EQ(r.exit_code, 0) << file << r.err;
        EXPECT_NE(r.out.find("repair: "), std::string::npos) << r.out;
    }
    const CliResult r = run_fergana("layers --data " + bad + "self_intersecting.geojson --enclaves " + bad +
                                    "self_intersecting.geojson");
    EXPECT_NE(r.out.find("feature 'Bowtie'"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Self-intersection"), std::string::npos) << r.out;
    // --strict turns the repair into an error.
    const CliResult strict = run_fergana("proximity --strict " + with_incidents("null_and_empty.geojson"));
    EXPECT_EQ(strict.exit_code, 1) << strict.err;
}

TEST(BadInput, EmptyFeatureCollection) {
    expect_error(run_fergana("proximity " + with_incidents("empty.geojson")), 1, {"empty.geojson", "no features"});
}

TEST(BadInput, NullAndEmptyGeometriesAreSkippedAndCounted) {
    const CliResult r = run_fergana("proximity -o - " + with_incidents("null_and_empty.geojson"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"id\":\"ok\""), std::string::npos);
    EXPECT_EQ(r.out.find("\"id\":\"null\""), std::string::npos);
    const CliResult l = run_fergana("layers --json --data " + fixture + "fixture_countries.geojson --incidents " + bad +
                                    "null_and_empty.geojson");
    EXPECT_NE(l.out.find("\"skipped\": 2"), std::string::npos) << l.out;
    EXPECT_NE(l.out.find("\"code\": \"null_geometry\""), std::string::npos);
}

TEST(BadInput, NanInfiniteAndOutOfRangeCoordinates) {
    expect_error(run_fergana("proximity " + with_incidents("nan.csv")), 1,
                 {"nan.csv", "feature 'nan-lon'", "field 'lon/lat'", "non-numeric"});
    expect_error(run_fergana("proximity " + with_incidents("inf.csv")), 1, {"inf.csv", "feature 'inf-lat'"});
    expect_error(run_fergana("proximity " + with_incidents("out_of_range.csv")), 1,
                 {"out_of_range.csv", "feature 'far'", "outside longitude -180..180 / latitude -90..90"});
}

TEST(BadInput, SwappedLatLon) {
    expect_error(run_fergana("proximity " + with_incidents("swapped.csv")), 1,
                 {"swapped.csv", "longitude and latitude swapped", "hint:"});
}

TEST(BadInput, ShapefileWithoutPrj) {
    expect_error(run_fergana("proximity " + with_incidents("no_prj.shp")), 1,
                 {"no_prj.shp", "layer 'no_prj'", "no CRS", "--assume-crs"});
    const CliResult ok = run_fergana("proximity -q --assume-crs EPSG:4326 " + with_incidents("no_prj.shp"));
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(BadInput, CsvWithMissingOrNonNumericCoordinates) {
    expect_error(run_fergana("proximity " + with_incidents("missing_lat_column.csv")), 1,
                 {"missing_lat_column.csv", "no coordinate columns", "hint:"});
    expect_error(run_fergana("proximity " + with_incidents("non_numeric.csv")), 1,
                 {"non_numeric.csv", "feature 'text'", "field 'lon/lat'"});
}

TEST(BadInput, BadDates) {
    expect_error(run_fergana("proximity " + with_incidents("bad_date.csv")), 1,
                 {"bad_date.csv", "feature 'bad-month'", "field 'date'", "'2022-13-45' is not a date", "YYYY-MM-DD"});
    expect_error(run_fergana("proximity " + with_incidents("word_date.csv")), 1,
                 {"word_date.csv", "feature 'words'", "'yesterday' is not a date"});
}

TEST(BadInput, NonUtf8NamesAreRepairedAndOutputStaysValid) {
    const std::string data = "--data " + fixture + "fixture_countries.geojson --settlements " + bad +
                             "non_utf8.csv --incidents " + fixture + "fixture_incidents.csv";
    const CliResult l = run_fergana("layers " + data);
    EXPECT_EQ(l.exit_code, 0) << l.err;
    EXPECT_NE(l.out.find("not valid UTF-8"), std::string::npos) << l.out;
    const CliResult q = run_fergana("query nearest 70.5,40.1 --in settlements --format json " + data);
    EXPECT_EQ(q.exit_code, 0) << q.err;
    EXPECT_NE(q.out.find("Kok-Tash \xEF\xBF\xBD\xEF\xBF\xBD broken"), std::string::npos) << q.out;
}

TEST(BadInput, DuplicateIdsAreWarnings) {
    const CliResult r = run_fergana("layers " + with_incidents("duplicate_ids.csv"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("id 'dup' is used by more than one feature"), std::string::npos) << r.out;
}

TEST(BadInput, ThreeDimensionalAndMeasuredGeometriesLoseZAndM) {
    const CliResult r = run_fergana("layers " + with_incidents("z_and_m.geojson"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Z or M values dropped"), std::string::npos) << r.out;
}

TEST(BadInput, ProjectedCrsIsReprojected) {
    // The fixture holds cs2cs's UTM 42N coordinates of 40N 71E to 0.1 mm.
    const CliResult r = run_fergana("query nearest 71,40 --in incidents --format csv " + with_incidents("projected_utm42n.geojson"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto line = r.out.substr(r.out.find('\n') + 1);
    EXPECT_EQ(line.rfind("71,40,0,utm,", 0), 0U) << r.out;  // to 7 decimals
}

TEST(BadInput, UnknownEpsgCode) {
    expect_error(run_fergana("proximity " + with_incidents("unknown_epsg.geojson")), 1,
                 {"unknown_epsg.geojson", "CRS is unknown", "crs not found"});
    expect_error(run_fergana("proximity --assume-crs EPSG:999999 " + with_incidents("no_prj.shp")), 2,
                 {"--assume-crs 'EPSG:999999'"});
}

TEST(BadInput, DirectoryAndMissingFile) {
    expect_error(run_fergana("proximity --data " + fixture + "fixture_countries.geojson --incidents " + fixture), 1,
                 {"is a directory"});
    expect_error(run_fergana("proximity " + with_incidents("no_such_file.csv")), 1, {"no_such_file.csv", "no such file"});
}

TEST(BadInput, UnreadableFile) {
    if (::geteuid() == 0) {
        GTEST_SKIP() << "running as root: file permissions do not stop root from reading";
    }
    TempDir dir;
    const fs::path p = dir.path / "secret.csv";
    fs::copy_file(bad + "duplicate_ids.csv", p);
    ::chmod(p.c_str(), 0);
    expect_error(run_fergana("proximity --incidents " + p.string()), 1, {"secret.csv", "permission denied"});
}

TEST(BadInput, OutputsThatMustBeRefused) {
    TempDir dir;
    // A missing directory: exit 1, nothing written.
    expect_error(run_fergana("proximity -o " + (dir.path / "no/such/dir/out.geojson").string() + " " +
                             with_incidents("duplicate_ids.csv")),
                 1, {"does not exist", "mkdir"});
    // The output is an input.
    const fs::path input = dir.path / "incidents.csv";
    fs::copy_file(bad + "duplicate_ids.csv", input);
    const CliResult same = run_fergana("proximity --overwrite -o " + input.string() + " --data " + fixture +
                                       "fixture_countries.geojson --incidents " + input.string());
    expect_error(same, 2, {"is one of the inputs"});
    std::ifstream still(input);
    std::string header;
    std::getline(still, header);
    EXPECT_EQ(header, "id,date,lon,lat");  // untouched
    // An existing output without --overwrite.
    const fs::path out = dir.path / "out.geojson";
    std::ofstream(out) << "keep me";
    expect_error(run_fergana("proximity -o " + out.string() + " " + with_incidents("duplicate_ids.csv")), 1,
                 {"the output exists", "--overwrite"});
    std::ifstream kept(out);
    std::string text;
    std::getline(kept, text);
    EXPECT_EQ(text, "keep me");
    // Nothing else appeared in the directory (no temporary files left behind).
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path)) ++files;
    EXPECT_EQ(files, 2U);
}

TEST(BadInput, FullDiskIsAnErrorAndTheDeviceIsNotReplaced) {
    const CliResult r = run_fergana("proximity -o /dev/full " + with_incidents("duplicate_ids.csv"));
    expect_error(r, 1, {"/dev/full", "No space left on device"});
    struct stat st {};
    ASSERT_EQ(::stat("/dev/full", &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST(BadInput, BadOptionValues) {
    const std::string data = with_incidents("duplicate_ids.csv");
    expect_error(run_fergana("affected --radius -5km " + data), 2, {"--radius '-5km'", "must be positive"});
    expect_error(run_fergana("affected --radius '5 parsecs' " + data), 2, {"unknown unit 'parsecs'"});
    expect_error(run_fergana("query bbox 1,2,3 --in incidents " + data), 2, {"needs 4 numbers"});
    expect_error(run_fergana("proximity --from 2023-01-01 --to 2022-01-01 " + data), 2,
                 {"--from 2023-01-01 is after --to 2022-01-01"});
    expect_error(run_fergana("proximity --from 2022-13-45 " + data), 2, {"--from '2022-13-45'"});
    expect_error(run_fergana("proximity --bogus " + data), 2, {"unknown option '--bogus'"});
}

TEST(BadInput, MaxFeaturesGuardNamesFileLayerAndLimit) {
    // fixture_incidents.csv has 5 rows; every other fixture layer has fewer.
    const std::string data = "--data " + fixture + "fixture_countries.geojson --borders " + fixture +
                             "fixture_borders.geojson --settlements " + fixture +
                             "fixture_settlements.csv --incidents " + fixture + "fixture_incidents.csv";
    expect_error(run_fergana("proximity -o - --max-features 4 " + data), 1,
                 {"file '" + fixture + "fixture_incidents.csv'", "layer 'fixture_incidents'",
                  "layer has 5 features, more than --max-features 4", "hint: raise --max-features"});
    const CliResult ok = run_fergana("proximity -q -o - --max-features 5 " + data);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("\"id\":\"mid-edge\""), std::string::npos);
    for (const char* bad_value : {"0", "-1", "1e3", "five", "99999999999999999999"}) {
        expect_error(run_fergana(std::string("proximity --max-features ") + bad_value + " " + data), 2,
                     {std::string("--max-features '") + bad_value + "' is not a positive whole number"});
    }
}

TEST(BadInput, AMillionVertexLine) {
    TempDir dir;
    const fs::path border = dir.path / "long_border.geojson";
    {
        std::ofstream out(border);
        out << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"pair":"KGZ-TJK"},)"
               R"("geometry":{"type":"LineString","coordinates":[)";
        // A meridian zig-zag at 70.5E from 40.0N to 40.27N: 1,000,000 vertices.
        const int n = 1000000;
        for (int i = 0; i < n; ++i) {
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, "%s[%.9f,%.9f]", i ? "," : "", 70.5 + (i % 2) * 1e-7,
                          40.0 + 0.27 * i / (n - 1));
            out << buffer;
        }
        out << "]}}]}\n";
    }
    const CliResult r = run_fergana("proximity -q -o - --data " + fixture + "fixture_countries.geojson --borders " +
                                    border.string() + " --incidents " + fixture + "fixture_incidents.csv");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // The mid-edge incident is 1704.51 m from the meridian; the zig-zag adds at most 1e-7 deg (9 mm).
    const auto at = r.out.find("\"id\":\"mid-edge\"");
    ASSERT_NE(at, std::string::npos);
    const auto d = r.out.find("\"border_distance_m\":", at);
    EXPECT_NEAR(std::stod(r.out.substr(d + 20, 12)), 1704.51, 0.02);
}

}  // namespace fergana::testing
