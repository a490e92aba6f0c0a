// What every command writes, checked as a user's tools would see it, on the small fixture
// (tests/data/small/, README there): RFC 7946 GeoJSON (ring orientation, precision, no
// `crs`, WGS84 ranges), every file readable by ogrinfo (and the QGIS styles by xmllint),
// byte-identical outputs run to run, the provenance sidecars against sha256sum and the
// libraries' own version tools, the atomic-write rules for regular and special files,
// and the table on a terminal versus GeoJSON in a pipe.
// Refused outputs (missing directory, existing file, an input, /dev/full) are in
// bad_input_test.cpp.
#include "tests/cli/golden.hpp"

#include <gtest/gtest.h>
#include <pty.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <regex>
#include <thread>

namespace fergana::testing {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct ShellResult {
    int exit_code = -1;
    std::string out;  // stdout and stderr
};

ShellResult shell(const std::string& command) {
    const fs::path out =
        fs::temp_directory_path() / ("fergana-outputs-shell-" + std::to_string(::getpid()));
    const int status = std::system((command + " >" + out.string() + " 2>&1").c_str());
    ShellResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out);
    fs::remove(out);
    return r;
}

bool have_tool(const std::string& tool) {
    return shell("command -v " + tool).exit_code == 0;
}

CliResult run_ok(const std::string& args) {
    CliResult r = run_fergana(args + small_data());
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.err;
    return r;
}

// ---------------------------------------------------------------------------
// RFC 7946

struct GeoJsonCheck {
    std::size_t features = 0;
    std::size_t positions = 0;
    std::size_t exterior_rings = 0;
    std::size_t holes = 0;
};

/// Twice the signed area of a ring in the lon/lat plane: positive counter-clockwise.
double signed_area(const json& ring) {
    double a = 0.0;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        a += ring[i - 1][0].get<double>() * ring[i][1].get<double>() -
             ring[i][0].get<double>() * ring[i - 1][1].get<double>();
    }
    return a;
}

void check_position(const json& p, GeoJsonCheck& c) {
    ASSERT_TRUE(p.is_array());
    ASSERT_EQ(p.size(), 2U) << p.dump();  // longitude, latitude; we write no altitude
    const double lon = p[0].get<double>();
    const double lat = p[1].get<double>();
    EXPECT_TRUE(lon >= -180.0 && lon <= 180.0) << p.dump();
    EXPECT_TRUE(lat >= -90.0 && lat <= 90.0) << p.dump();
    ++c.positions;
}

void check_polygon(const json& rings, GeoJsonCheck& c) {
    ASSERT_FALSE(rings.empty());
    for (std::size_t r = 0; r < rings.size(); ++r) {
        const json& ring = rings[r];
        ASSERT_GE(ring.size(), 4U) << ring.dump();
        EXPECT_EQ(ring.front(), ring.back()) << "ring not closed: " << ring.dump();
        for (const json& p : ring) check_position(p, c);
        // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
        if (r == 0) {
            EXPECT_GT(signed_area(ring), 0.0) << "exterior ring is clockwise: " << ring.dump();
            ++c.exterior_rings;
        } else {
            EXPECT_LT(signed_area(ring), 0.0) << "hole is counter-clockwise: " << ring.dump();
            ++c.holes;
        }
    }
}

void check_geometry(const json& g, GeoJsonCheck& c) {
    if (g.is_null())
        return;
    const std::string type = g.at("type");
    EXPECT_FALSE(g.contains("crs"));
    if (type == "GeometryCollection") {
        for (const json& part : g.at("geometries")) check_geometry(part, c);
        return;
    }
    const json& xy = g.at("coordinates");
    if (type == "Point") {
        check_position(xy, c);
    } else if (type == "MultiPoint" || type == "LineString") {
        for (const json& p : xy) check_position(p, c);
    } else if (type == "MultiLineString") {
        for (const json& line : xy) {
            EXPECT_GE(line.size(), 2U);
            for (const json& p : line) check_position(p, c);
        }
    } else if (type == "Polygon") {
        check_polygon(xy, c);
    } else if (type == "MultiPolygon") {
        for (const json& polygon : xy) check_polygon(polygon, c);
    } else {
        ADD_FAILURE() << "not an RFC 7946 geometry type: " << type;
    }
}

/// Checks GeoJSON text against RFC 7946: a FeatureCollection of Features, no `crs` member
/// anywhere, two-number WGS84 positions within range, rings closed and wound right, and
/// no coordinate with more than `max_decimals` digits after the point.
GeoJsonCheck check_rfc7946(const std::string& text, int max_decimals) {
    GeoJsonCheck c;
    const json j = json::parse(text);
    EXPECT_EQ(j.at("type"), "FeatureCollection");
    EXPECT_FALSE(j.contains("crs")) << "RFC 7946 §4: no crs member";
    // No `crs` member in any object, however deep.
    EXPECT_EQ(text.find("\"crs\""), std::string::npos);
    for (const json& f : j.at("features")) {
        EXPECT_EQ(f.at("type"), "Feature");
        EXPECT_TRUE(f.contains("properties"));
        EXPECT_TRUE(f.contains("geometry"));
        check_geometry(f.at("geometry"), c);
        ++c.features;
    }
    // The digits as written: every number inside a "coordinates" member.
    static const std::regex coordinates(R"re("coordinates":(\[[-+0-9.eE,\[\]]*\]))re");
    static const std::regex number(R"re(-?[0-9]+(\.([0-9]+))?([eE][-+]?[0-9]+)?)re");
    std::size_t numbers = 0;
    for (auto m = std::sregex_iterator(text.begin(), text.end(), coordinates);
         m != std::sregex_iterator(); ++m) {
        const std::string array = (*m)[1];
        for (auto n = std::sregex_iterator(array.begin(), array.end(), number);
             n != std::sregex_iterator(); ++n) {
            ++numbers;
            EXPECT_FALSE((*n)[3].matched) << "exponent in a coordinate: " << n->str();
            EXPECT_LE((*n)[2].length(), max_decimals)
                << "more than " << max_decimals << " decimals: " << n->str();
        }
    }
    EXPECT_EQ(numbers, 2 * c.positions);
    return c;
}

// ---------------------------------------------------------------------------
// Files

/// Every file of a directory (recursively) with its bytes, except provenance files, whose
/// start time and duration differ run to run by design.
std::map<std::string, std::string> output_files(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file())
            continue;
        const std::string name = fs::relative(e.path(), dir).string();
        if (name.size() >= 15 && name.substr(name.size() - 15) == "provenance.json")
            continue;
        files[name] = slurp(e.path());
    }
    return files;
}

std::string sha256sum(const std::string& path) {
    const ShellResult r = shell("sha256sum '" + path + "'");
    return r.out.substr(0, r.out.find(' '));
}

// ---------------------------------------------------------------------------
// A pseudo-terminal

/// Runs `fergana ARGS` (shell text) with its standard output and error on a pseudo-terminal
/// (stdin /dev/null); returns what the terminal received. ARGS may redirect either stream.
CliResult run_on_terminal(const std::string& args) {
    struct termios raw {};
    cfmakeraw(&raw);  // no "\r\n" translation: the bytes as written
    int terminal = -1;
    const pid_t pid = forkpty(&terminal, nullptr, &raw, nullptr);
    CliResult result;
    if (pid < 0) {
        ADD_FAILURE() << "forkpty failed: " << std::strerror(errno);
        return result;
    }
    if (pid == 0) {
        const std::string command = std::string(FERGANA_BIN) + " " + args + " </dev/null";
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(terminal, buffer, sizeof buffer);
        if (n > 0) {
            result.out.append(buffer, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;  // EIO once the child has closed the terminal
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(terminal);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace

// ---------------------------------------------------------------------------

TEST(Rfc7946, EveryGeoJsonOutputWithPrecision) {
    OutputDir dir;
    run_ok("proximity -q --as-of 2024-01-01 --precision 5 -o " + (dir / "proximity.geojson"));
    run_ok("affected -q --precision 5 -o " + (dir / "affected.geojson") + " --per-incident " +
           (dir / "per_incident.geojson"));
    run_ok("disputed -q --as-of 2024-01-01 --tolerance 500m --precision 5 -o " +
           (dir / "stretches.geojson") + " --zones " + (dir / "zones.geojson") + " --segments " +
           (dir / "segments.geojson"));
    run_ok("enclaves -q --as-of 2024-01-01 --precision 5 -o " + (dir / "enclaves.geojson"));
    run_ok("query -q bbox 70,40,71,40.27 --in countries --precision 5 -o " +
           (dir / "countries.geojson"));
    GeoJsonCheck all;
    for (const char* name : {"proximity", "affected", "per_incident", "stretches", "zones",
                             "segments", "enclaves", "countries"}) {
        SCOPED_TRACE(name);
        const GeoJsonCheck c = check_rfc7946(slurp(dir / (std::string(name) + ".geojson")), 5);
        EXPECT_GT(c.features, 0U);
        all.positions += c.positions;
        all.exterior_rings += c.exterior_rings;
        all.holes += c.holes;
    }
    // The fixture winds every ring the wrong way; checked: KGZ's exterior and hole, TJK's two
    // parts, the enclave, the zone.
    EXPECT_EQ(all.exterior_rings, 5U);
    EXPECT_EQ(all.holes, 1U);
    // 5 decimals really cut: at-5km's longitude is 70.358594972428108 in the fixture.
    EXPECT_NE(slurp(dir / "proximity.geojson").find("[70.35859,40.04999]"), std::string::npos);
}

TEST(Rfc7946, StdoutOfQueryFollowsPrecision) {
    // Regression: query printed GeoJSON and CSV on stdout with 7 decimals whatever --precision
    // said.
    const CliResult g =
        run_ok("query -q nearest Westville --in incidents -k 3 --format geojson --precision 3");
    check_rfc7946(g.out, 3);
    EXPECT_NE(g.out.find("[70.359,40.05]"), std::string::npos) << g.out;
    const CliResult c =
        run_ok("query -q nearest Westville --in incidents --format csv --precision 3");
    EXPECT_NE(c.out.find("\n70.359,40.05,5000,at-5km,"), std::string::npos) << c.out;
}

TEST(Rfc7946, ReportLayersAndDefaultPrecision) {
    OutputDir dir;
    run_ok("report -q --as-of 2024-01-01 --tolerance 500m -o " + (dir / "r"));
    for (const char* name : {"disputed", "disputed_zones", "enclaves", "proximity", "affected"}) {
        SCOPED_TRACE(name);
        EXPECT_GT(check_rfc7946(slurp(dir / ("r/" + std::string(name) + ".geojson")), 7).features,
                  0U);
    }
}

TEST(Outputs, EveryFormatIsReadableByOgrinfo) {
    if (!have_tool("ogrinfo"))
        GTEST_SKIP() << "ogrinfo is not installed";
    OutputDir dir;
    for (const char* ext : {"geojson", "csv", "gpkg", "fgb"}) {
        run_ok(std::string("proximity -q --as-of 2024-01-01 -o ") +
               (dir / (std::string("proximity.") + ext)));
        run_ok(std::string("disputed -q --as-of 2024-01-01 --tolerance 500m -o ") +
               (dir / (std::string("stretches.") + ext)) + " --zones " +
               (dir / (std::string("zones.") + ext)));
    }
    run_ok("enclaves -q --as-of 2024-01-01 -o " + (dir / "enclaves.gpkg"));
    run_ok("query -q bbox 70,40,71,40.27 --in countries -o " + (dir / "countries.fgb"));
    const std::vector<std::pair<std::string, int>> expected = {
        {"proximity.geojson", 6}, {"proximity.csv", 6}, {"proximity.gpkg", 6}, {"proximity.fgb", 6},
        {"stretches.geojson", 2}, {"stretches.csv", 2}, {"stretches.gpkg", 2}, {"stretches.fgb", 2},
        {"zones.geojson", 1},     {"zones.csv", 1},     {"zones.gpkg", 1},     {"zones.fgb", 1},
        {"enclaves.gpkg", 1},     {"countries.fgb", 2}};
    for (const auto& [name, count] : expected) {
        const ShellResult r = shell("ogrinfo -ro -so -al " + (dir / name));
        EXPECT_EQ(r.exit_code, 0) << name << "\n" << r.out;
        EXPECT_NE(r.out.find("Feature Count: " + std::to_string(count) + "\n"), std::string::npos)
            << name << "\n"
            << r.out;
        if (name.find(".csv") == std::string::npos) {
            // A WGS84 geographic CRS in the file (GeoJSON implies it).
            EXPECT_NE(r.out.find("WGS 84"), std::string::npos) << name << "\n" << r.out;
        }
    }
    // The binary formats keep every digit: the hand-computed 1,704.509055 m
    // (tests/data/proximity/README.md), where the text formats round to 2 decimals.
    for (const char* name : {"proximity.gpkg", "proximity.fgb"}) {
        const ShellResult r =
            shell(std::string("ogrinfo -ro -al -q ") + (dir / name) + " -where \"id='mid-edge'\"");
        std::smatch m;
        ASSERT_TRUE(
            std::regex_search(r.out, m, std::regex(R"(border_distance_m \(Real\) = ([0-9.]+))")))
            << r.out;
        EXPECT_NEAR(std::stod(m[1]), 1704.509055, 1e-5) << name;
        EXPECT_NE(r.out.find("POINT (70.52 40.135)"), std::string::npos) << r.out;
    }
    // Point, multi-line and multi-polygon layers are typed as such.
    EXPECT_NE(shell("ogrinfo -ro -so -al " + (dir / "proximity.gpkg")).out.find("Geometry: Point"),
              std::string::npos);
    EXPECT_NE(
        shell("ogrinfo -ro -so -al " + (dir / "zones.fgb")).out.find("Geometry: Multi Polygon"),
        std::string::npos);
}

TEST(Outputs, ShapefileIsRefusedBeforeAnyWork) {
    OutputDir dir;
    for (const char* command : {"proximity", "affected", "enclaves", "disputed"}) {
        const CliResult r =
            run_fergana(std::string(command) + " -q -o " + (dir / "out.shp") + small_data());
        EXPECT_EQ(r.exit_code, 2) << command << "\n" << r.err;
        EXPECT_NE(
            r.err.find("Shapefile output is refused: it truncates field names to 10 characters"),
            std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("hint: write .gpkg, .fgb, .geojson or .csv"), std::string::npos)
            << r.err;
    }
    const CliResult q = run_fergana("query -q bbox 70,40,71,40.27 --in settlements -o " +
                                    (dir / "out.SHP") + small_data());
    EXPECT_EQ(q.exit_code, 2) << q.err;
    EXPECT_TRUE(fs::is_empty(dir.path));
}

TEST(Outputs, QgisStylesAreWellFormedXml) {
    if (!have_tool("xmllint"))
        GTEST_SKIP() << "xmllint is not installed";
    OutputDir dir;
    run_ok("report -q --as-of 2024-01-01 --tolerance 500m --no-maps -o " + (dir / "r"));
    int styles = 0;
    for (const auto& e : fs::directory_iterator(dir.path / "r")) {
        if (e.path().extension() != ".qml")
            continue;
        ++styles;
        const ShellResult r = shell("xmllint --noout " + e.path().string());
        EXPECT_EQ(r.exit_code, 0) << e.path() << "\n" << r.out;
    }
    EXPECT_EQ(styles, 5);  // one beside each GeoJSON layer
}

TEST(Outputs, SecondaryGeoJsonOutputsGetAStyleAndProvenanceToo) {
    // Regression: `affected --per-incident` and `disputed --zones/--segments` GeoJSON had no
    // .qml, and an existing sidecar of --per-incident stopped the run after the main output.
    OutputDir dir;
    std::ofstream(dir / "per.geojson.provenance.json") << "old\n";
    const CliResult refused =
        run_fergana("affected -q -o " + (dir / "a.geojson") + " --per-incident " +
                    (dir / "per.geojson") + small_data());
    EXPECT_EQ(refused.exit_code, 1) << refused.err;
    EXPECT_NE(refused.err.find("per.geojson.provenance.json"), std::string::npos) << refused.err;
    EXPECT_FALSE(fs::exists(dir / "a.geojson"));  // refused before any work
    fs::remove(dir / "per.geojson.provenance.json");
    ASSERT_EQ(run_fergana("affected -q -o " + (dir / "a.geojson") + " --per-incident " +
                          (dir / "per.geojson") + small_data())
                  .exit_code,
              0);
    ASSERT_EQ(run_fergana("disputed -q --tolerance 500m --zones " + (dir / "zones.geojson") +
                          " --segments " + (dir / "segments.geojson") + small_data())
                  .exit_code,
              0);
    for (const char* name : {"a", "per", "zones", "segments"}) {
        EXPECT_TRUE(fs::exists(dir / (std::string(name) + ".qml"))) << name;
        EXPECT_TRUE(fs::exists(dir / (std::string(name) + ".geojson.provenance.json"))) << name;
    }
}

TEST(Determinism, EveryFormatTwiceIsByteIdentical) {
    const OutputDir a("-a");
    const OutputDir b("-b");
    const std::vector<std::string> commands = {
        "proximity -q --as-of 2024-01-01 -o {}/proximity.geojson",
        "proximity -q --as-of 2024-01-01 -o {}/proximity.csv",
        "proximity -q --as-of 2024-01-01 -o {}/proximity.gpkg",
        "proximity -q --as-of 2024-01-01 -o {}/proximity.fgb",
        "affected -q -o {}/affected.geojson --per-incident {}/per_incident.gpkg --summary "
        "{}/summary.json",
        "disputed -q --as-of 2024-01-01 --tolerance 500m -o {}/stretches.fgb --zones {}/zones.gpkg "
        "--segments {}/segments.csv --summary {}/disputed.json",
        "enclaves -q --as-of 2024-01-01 -o {}/enclaves.gpkg",
        "query -q nearest Westville --in incidents -k 3 -o {}/query.gpkg",
        "map -q --as-of 2024-01-01 --width 500 -o {}/map.png",
        "map -q --as-of 2024-01-01 --width 500 -o {}/map.svg",
        "map -q --as-of 2024-01-01 --width 500 -o {}/map.pdf",
        "map -q --as-of 2024-01-01 -o {}/map.html",
        "report -q --as-of 2024-01-01 --tolerance 500m -o {}/report",
    };
    for (const OutputDir* dir : {&a, &b}) {
        for (const std::string& command : commands) {
            run_ok(std::regex_replace(command, std::regex(R"(\{\})"), dir->path.string()));
        }
        // GeoPackage timestamps come from the clock unless fixed: give the clock time to move.
        if (dir == &a)
            std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    }
    const auto first = output_files(a.path);
    const auto second = output_files(b.path);
    EXPECT_EQ(first.size(), 35U);  // 19 of the commands (with a .qml), 16 of the report
    ASSERT_EQ(first.size(), second.size());
    for (const auto& [name, bytes] : first) {
        const auto other = second.find(name);
        ASSERT_NE(other, second.end()) << name;
        EXPECT_TRUE(bytes == other->second) << name << " differs between two identical runs";
    }
    // The GeoPackage's own timestamp is the fixed one, so the test above could have failed.
    if (have_tool("ogrinfo")) {
        const ShellResult r = shell("ogrinfo -ro -q " + (a / "proximity.gpkg") +
                                    " -sql 'SELECT last_change FROM gpkg_contents'");
        EXPECT_NE(r.out.find("last_change (DateTime) = 2000/01/01 00:00:00"), std::string::npos)
            << r.out;
    }
}

TEST(Determinism, ThreadCountDoesNotChangeResults) {
    OutputDir dir;
    run_ok("proximity -q --as-of 2024-01-01 --threads 1 -o " + (dir / "one.geojson"));
    run_ok("proximity -q --as-of 2024-01-01 --threads 4 -o " + (dir / "four.geojson"));
    run_ok("affected -q --threads 1 -o " + (dir / "affected_one.csv"));
    run_ok("affected -q --threads 4 -o " + (dir / "affected_four.csv"));
    EXPECT_EQ(slurp(dir / "one.geojson"), slurp(dir / "four.geojson"));
    EXPECT_EQ(slurp(dir / "affected_one.csv"), slurp(dir / "affected_four.csv"));
}

TEST(Provenance, SidecarFieldsAgainstIndependentTools) {
    OutputDir dir;
    run_ok("affected -q --radius 7.5km --from 2020-01-01 -o " + (dir / "affected.geojson"));
    const json p = json::parse(slurp(dir / "affected.geojson.provenance.json"));
    EXPECT_EQ(p["command"], "affected");
    // fergana's version and commit as --version prints them.
    const std::string version = fergana_version_line();  // fergana X (commit Y)
    EXPECT_EQ("fergana " + p["fergana"]["version"].get<std::string>() + " (commit " +
                  p["fergana"]["commit"].get<std::string>() + ")",
              version);
    // The libraries' versions as their own tools print them.
    if (have_tool("gdal-config")) {
        const std::string gdal = shell("gdal-config --version").out;
        EXPECT_EQ(p["libraries"]["GDAL"].get<std::string>(), gdal.substr(0, gdal.find('\n')));
    }
    if (have_tool("geos-config")) {
        const std::string geos = shell("geos-config --version").out;
        EXPECT_EQ(
            p["libraries"]["GEOS"].get<std::string>().rfind(geos.substr(0, geos.find('\n')), 0), 0U)
            << p["libraries"]["GEOS"] << " vs " << geos;
    }
    if (have_tool("proj")) {
        const std::string proj = shell("proj 2>&1 </dev/null | head -1").out;  // "Rel. 9.1.1, ..."
        EXPECT_NE(proj.find("Rel. " + p["libraries"]["PROJ"].get<std::string>() + ","),
                  std::string::npos)
            << proj;
    }
    EXPECT_NE(p["ellipsoid"].get<std::string>().find("WGS84"), std::string::npos);
    EXPECT_NE(p["ellipsoid"].get<std::string>().find("a=6378137 m, f=1/298.257223563"),
              std::string::npos);
    // The options as given, in metres.
    EXPECT_EQ(p["settings"]["radius_m"].get<double>(), 7500.0);
    EXPECT_EQ(p["settings"]["from"], "2020-01-01");
    // Every input with the SHA-256 and size of the file read.
    std::map<std::string, std::string> roles;
    for (const json& in : p["inputs"]) {
        const std::string source = in["source"];
        roles[in["role"]] = source;
        EXPECT_EQ(in["sha256"].get<std::string>(), sha256sum(source)) << source;
        EXPECT_EQ(in["bytes"].get<std::uintmax_t>(), fs::file_size(source)) << source;
    }
    EXPECT_EQ(roles["incidents"], small_fixture() + "incidents.csv");
    EXPECT_EQ(roles["settlements"], small_fixture() + "settlements.csv");
    EXPECT_EQ(roles.size(), 2U) << "affected reads only the incidents and the settlements";
    EXPECT_EQ(p["outputs"], json::array({dir / "affected.geojson"}));
    // The timestamps: well-formed and now, not compared with a golden file.
    const std::string started = p["started_utc"];
    EXPECT_TRUE(std::regex_match(started, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
        << started;
    std::tm tm{};
    ASSERT_NE(::strptime(started.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm), nullptr);
    const auto age =
        std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(::timegm(&tm));
    EXPECT_LT(std::chrono::abs(age), std::chrono::minutes(5));
    EXPECT_GE(p["duration_s"].get<double>(), 0.0);
    EXPECT_LT(p["duration_s"].get<double>(), 300.0);
}

TEST(Provenance, ReportListsEveryFileAndInput) {
    OutputDir dir;
    run_ok("report -q --as-of 2024-01-01 --tolerance 500m -o " + (dir / "r"));
    const json p = json::parse(slurp(dir / "r/provenance.json"));
    EXPECT_EQ(p["command"], "report");
    EXPECT_EQ(p["settings"]["as_of"], "2024-01-01");
    EXPECT_EQ(p["settings"]["tolerance_m"].get<double>(), 500.0);
    EXPECT_EQ(p["settings"]["radius_m"].get<double>(), 5000.0);
    std::vector<std::string> listed;
    for (const json& o : p["outputs"])
        listed.push_back(fs::path(o.get<std::string>()).filename().string());
    std::vector<std::string> on_disk;
    for (const auto& e : fs::directory_iterator(dir.path / "r"))
        on_disk.push_back(e.path().filename().string());
    std::sort(listed.begin(), listed.end());
    std::sort(on_disk.begin(), on_disk.end());
    EXPECT_EQ(listed, on_disk);
    EXPECT_EQ(on_disk.size(), 17U);
    for (const json& in : p["inputs"])
        EXPECT_EQ(in["sha256"].get<std::string>(), sha256sum(in["source"]));
}

TEST(AtomicWrites, OverwriteRenamesANewFileIntoPlace) {
    OutputDir dir;
    const std::string out = dir / "proximity.geojson";
    std::ofstream(out) << "old\n";
    // A second name for the old file: an in-place rewrite would change it too, a rename does not.
    fs::create_hard_link(out, dir / "old.geojson");
    run_ok("proximity -q --overwrite -o " + out);
    EXPECT_EQ(slurp(dir / "old.geojson"), "old\n");
    EXPECT_EQ(slurp(out).rfind("{\"type\":\"FeatureCollection\"", 0), 0U);
    EXPECT_EQ(fs::hard_link_count(out), 1U);
    // Nothing else left in the directory: the output, its style, its provenance, the old name.
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names,
              (std::vector<std::string>{"old.geojson", "proximity.geojson",
                                        "proximity.geojson.provenance.json", "proximity.qml"}));
}

TEST(AtomicWrites, DashIsStandardOutputWithNothingBeside) {
    OutputDir dir;
    const CliResult r =
        run_fergana_in(dir.path.string(), "proximity -q --as-of 2024-01-01 -o -" + small_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_GT(check_rfc7946(r.out, 7).features, 0U);
    EXPECT_TRUE(fs::is_empty(dir.path));  // no "-", no "-.provenance.json", no .qml
}

TEST(AtomicWrites, DevStdoutRedirectedToAFileIsWrittenThroughTheDescriptor) {
    // Regression: with stdout redirected to a regular file, /dev/stdout resolved to that
    // file, which made it a "regular file": exit 2 (no extension), or with --overwrite a
    // temporary file in /dev renamed over /dev/stdout.
    struct stat before {};
    ASSERT_EQ(::lstat("/dev/stdout", &before), 0);
    for (const char* overwrite : {"", "--overwrite "}) {
        const CliResult r =
            run_fergana(std::string("proximity -q --as-of 2024-01-01 ") + overwrite +
                        "-o /dev/stdout" + small_data());  // run_fergana sends stdout to a file
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(check_rfc7946(r.out, 7).features, 6U);
    }
    // The affected table goes to stdout too, unless stdout holds the GeoJSON.
    const CliResult a = run_fergana("affected -q -o /dev/stdout" + small_data());
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(check_rfc7946(a.out, 7).features, 2U);
    struct stat after {};
    ASSERT_EQ(::lstat("/dev/stdout", &after), 0);
    EXPECT_TRUE(S_ISLNK(after.st_mode));
    EXPECT_EQ(before.st_ino, after.st_ino);
    EXPECT_FALSE(fs::exists("/dev/stdout.provenance.json"));
    EXPECT_FALSE(fs::exists("/dev/stdout.qml"));
}

TEST(AtomicWrites, DescriptorNamesAppendToWhatTheyLeadTo) {
    // Regression: /dev/stderr redirected to a file was reopened with truncation, erasing
    // what the shell had written to it before.
    OutputDir dir;
    const ShellResult r = shell("( { echo before >&2; " + std::string(FERGANA_BIN) +
                                " proximity -q --as-of 2024-01-01 -o /dev/stderr" + small_data() +
                                "; } 2>" + (dir / "log") + " >/dev/null )");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const std::string log = slurp(dir / "log");
    ASSERT_EQ(log.rfind("before\n", 0), 0U) << log.substr(0, 200);
    EXPECT_EQ(check_rfc7946(log.substr(7), 7).features, 6U);
}

TEST(AtomicWrites, NamedPipeIsWrittenDirectlyAndStaysAPipe) {
    OutputDir dir;
    const std::string pipe = dir / "pipe";
    ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
    const std::string got = dir / "got.csv";
    // A reader drains the pipe while fergana writes the CSV into it.
    const ShellResult r = shell("cat '" + pipe + "' >'" + got + "' & " + std::string(FERGANA_BIN) +
                                " proximity -q --as-of 2024-01-01 -o " + pipe + small_data() +
                                "; status=$?; wait; exit $status");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    // A pipe named without .csv gets GeoJSON.
    const std::string text = slurp(got);
    EXPECT_EQ(check_rfc7946(text, 7).features, 6U);
    struct stat st {};
    ASSERT_EQ(::lstat(pipe.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names,
              (std::vector<std::string>{"got.csv", "pipe"}));  // no sidecar, no temporary file
}

TEST(AtomicWrites, BinaryFormatsRefuseSpecialFilesUpFront) {
    // Regression: a pipe named .gpkg received GeoJSON. GeoPackage and FlatGeobuf need a file
    // GDAL can seek in: a usage error before any work (`timeout`: a writer would block).
    OutputDir dir;
    const std::string pipe = dir / "pipe.gpkg";
    ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
    const ShellResult g =
        shell("timeout 60 " + std::string(FERGANA_BIN) + " proximity -q -o " + pipe + small_data());
    EXPECT_EQ(g.exit_code, 2) << g.out;
    EXPECT_NE(g.out.find("GeoPackage needs a regular file"), std::string::npos) << g.out;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path))
        names.push_back(e.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"pipe.gpkg"});
}

TEST(AtomicWrites, ReportRefusesAnExistingFileBeforeWritingAny) {
    // Regression: the report checked only some of its files up front, so an earlier map.svg
    // stopped it after the layers were written: half a report.
    OutputDir dir;
    fs::create_directories(dir.path / "r");
    std::ofstream(dir / "r/map.svg") << "mine\n";
    const CliResult r =
        run_fergana("report -q --as-of 2024-01-01 -o " + (dir / "r") + small_data());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("map.svg"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--overwrite"), std::string::npos) << r.err;
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path / "r")) ++files;
    EXPECT_EQ(files, 1U);
    EXPECT_EQ(slurp(dir / "r/map.svg"), "mine\n");
    // With --overwrite every file is replaced.
    const CliResult again =
        run_fergana("report -q --overwrite --as-of 2024-01-01 -o " + (dir / "r") + small_data());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(slurp(dir / "r/map.svg").rfind("<?xml", 0), 0U);
    // A file where the directory should be.
    std::ofstream(dir / "plain") << "x\n";
    const CliResult file = run_fergana("report -q -o " + (dir / "plain") + small_data());
    EXPECT_EQ(file.exit_code, 1) << file.err;
    EXPECT_NE(file.err.find("not a directory"), std::string::npos) << file.err;
}

TEST(Terminal, QueryPrintsATableOnATerminalAndGeoJsonInAPipe) {
    const std::string args =
        "query nearest Westville --in incidents -k 3" + small_data() + " 2>/dev/null";
    const CliResult tty = run_on_terminal(args);
    ASSERT_EQ(tty.exit_code, 0) << tty.out;
    EXPECT_EQ(tty.out.rfind("distance_m  id          date", 0), 0U) << tty.out;
    EXPECT_NE(tty.out.find("\n   5000.50  beyond-5km  2021-04-29  armed_clash"), std::string::npos)
        << tty.out;
    EXPECT_NE(tty.out.find("3 feature(s)\n"), std::string::npos) << tty.out;
    // The same command into a pipe.
    const ShellResult piped = shell(std::string(FERGANA_BIN) + " " + args + " | cat");
    ASSERT_EQ(piped.exit_code, 0) << piped.out;
    EXPECT_EQ(check_rfc7946(piped.out, 7).features, 3U);
    // --format wins over the terminal; -o - is GeoJSON on a terminal too.
    EXPECT_EQ(run_on_terminal(args + " --format csv").out.rfind("lon,lat,distance_m,id,", 0), 0U);
    EXPECT_EQ(check_rfc7946(run_on_terminal("query nearest Westville --in incidents -o -" +
                                            small_data() + " 2>/dev/null")
                                .out,
                            7)
                  .features,
              1U);
}

TEST(Terminal, ReportShowsAProgressBarOnlyOnATerminal) {
    OutputDir dir;
    const CliResult tty =
        run_on_terminal("report --no-maps --as-of 2024-01-01 -o " + (dir / "a") + small_data());
    ASSERT_EQ(tty.exit_code, 0) << tty.out;
    EXPECT_NE(tty.out.find("\r[##"), std::string::npos) << tty.out;
    EXPECT_NE(tty.out.find("%"), std::string::npos);
    EXPECT_NE(tty.out.find("report: 14 files written to"), std::string::npos) << tty.out;
    // --quiet: nothing at all.
    const CliResult quiet =
        run_on_terminal("report -q --no-maps --as-of 2024-01-01 -o " + (dir / "b") + small_data());
    ASSERT_EQ(quiet.exit_code, 0) << quiet.out;
    EXPECT_EQ(quiet.out, "");
    // stderr to a file: the list of files, no bar.
    const CliResult file =
        run_fergana("report --no-maps --as-of 2024-01-01 -o " + (dir / "c") + small_data());
    ASSERT_EQ(file.exit_code, 0) << file.err;
    EXPECT_EQ(file.err.find('\r'), std::string::npos) << file.err;
    EXPECT_EQ(file.err.rfind("report: 14 files written to", 0), 0U) << file.err;
}

}  // namespace fergana::testing
