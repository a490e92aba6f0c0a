#include "geo/error.hpp"
#include "layers/output.hpp"
#include "layers/source_info.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fergana::layers {

namespace fs = std::filesystem;

namespace {

OutputTable sample() {
    OutputTable t("sample", {{"id", FieldKind::Text},
                             {"distance_m", FieldKind::Real, 2},
                             {"count", FieldKind::Integer},
                             {"inside", FieldKind::Boolean}});
    t.add(geo::Geometry::point({70.123456789, 40.5}), {std::string("a \"quoted\", name"), 1234.5678,
                                                        std::int64_t{3}, true});
    t.add(geo::Geometry::point({-0.00000001, 40.0}), {std::string("bad \xff utf8"), Value{}, Value{}, false});
    return t;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("fergana-output-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(Output, GeoJsonIsRfc7946WithFixedPrecision) {
    // Inspected by eye: no crs member, 7 decimals, trailing zeros trimmed, -0 is 0,
    // invalid UTF-8 replaced by U+FFFD, NULL as null.
    EXPECT_EQ(to_geojson(sample(), 7),
              "{\"type\":\"FeatureCollection\",\"name\":\"sample\",\"features\":[\n"
              "{\"type\":\"Feature\",\"properties\":{\"id\":\"a \\\"quoted\\\", name\",\"distance_m\":1234.57,"
              "\"count\":3,\"inside\":true},\"geometry\":{\"type\":\"Point\",\"coordinates\":[70.1234568,40.5]}},\n"
              "{\"type\":\"Feature\",\"properties\":{\"id\":\"bad \xEF\xBF\xBD utf8\",\"distance_m\":null,"
              "\"count\":null,\"inside\":false},\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,40]}}\n"
              "]}\n");
}

// Regression: a value too long for fixed notation (a hostile precision_m of 1e300) put the
// formatting buffer's stale bytes into GeoJSON and CSV.
TEST(Output, HugeValuesAreValidNumbers) {
    OutputTable t("huge", {{"precision_m", FieldKind::Real, 2}});
    t.add(geo::Geometry::point({70.5, 40.5}), {1e300});
    t.add(geo::Geometry::point({70.5, 40.5}), {-1.5e45});
    EXPECT_EQ(to_geojson(t, 7),
              "{\"type\":\"FeatureCollection\",\"name\":\"huge\",\"features\":[\n"
              "{\"type\":\"Feature\",\"properties\":{\"precision_m\":1e+300},\"geometry\":{\"type\":\"Point\","
              "\"coordinates\":[70.5,40.5]}},\n"
              "{\"type\":\"Feature\",\"properties\":{\"precision_m\":-1.5e+45},\"geometry\":{\"type\":\"Point\","
              "\"coordinates\":[70.5,40.5]}}\n"
              "]}\n");
    EXPECT_EQ(to_csv(t, 7), "lon,lat,precision_m\n70.5,40.5,1e+300\n70.5,40.5,-1.5e+45\n");
}

TEST(Output, PolygonRingsAreReorientedCounterClockwise) {
    OutputTable t("p", {});
    // Exterior given clockwise, hole given counter-clockwise: both wrong for RFC 7946.
    t.add(geo::Geometry::polygon({{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}},
                                   {{0.2, 0.2}, {0.4, 0.2}, {0.4, 0.4}, {0.2, 0.2}}}}),
          {});
    const std::string json = to_geojson(t, 7);
    EXPECT_NE(json.find("[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0.2,0.2],[0.4,0.4],[0.4,0.2],[0.2,0.2]]]"),
              std::string::npos)
        << json;
}

TEST(Output, CsvHasLonLatForPointsAndQuotesCells) {
    TempDir dir;
    write_table(sample(), (dir.path / "s.csv").string(), {});
    EXPECT_EQ(read(dir.path / "s.csv"),
              "lon,lat,id,distance_m,count,inside\n"
              "70.1234568,40.5,\"a \"\"quoted\"\", name\",1234.57,3,true\n"
              "0,40,bad \xff utf8,,,false\n");
}

// A large table is formatted in blocks on several threads (format_rows): every row once, in
// order, each line as the row's own values say.
TEST(Output, LargeGeneratedTablesKeepTheirRowOrder) {
    constexpr std::size_t n = 100003;  // several blocks and a short last one
    const OutputTable t = OutputTable::generated(
        "rows", {{"id", FieldKind::Text}, {"half", FieldKind::Real, 1}}, n, true,
        [](std::size_t i, OutputFeature& out) {
            out.geometry = geo::Geometry::point({static_cast<double>(i % 180), 0.25});
            out.values = {Value{"r" + std::to_string(i)}, Value{static_cast<double>(i) / 2.0}};
        });
    TempDir dir;
    write_table(t, (dir.path / "rows.csv").string(), {});
    write_table(t, (dir.path / "rows.geojson").string(), {});
    std::istringstream csv(read(dir.path / "rows.csv"));
    std::string line;
    std::getline(csv, line);
    EXPECT_EQ(line, "lon,lat,id,half");
    std::size_t i = 0;
    for (; std::getline(csv, line); ++i) {
        const std::string half = std::to_string(i / 2) + (i % 2 ? ".5" : "");
        ASSERT_EQ(line, std::to_string(i % 180) + ",0.25,r" + std::to_string(i) + "," + half) << "row " << i;
    }
    EXPECT_EQ(i, n);
    const std::string json = read(dir.path / "rows.geojson");
    std::size_t features = 0, at = 0, last = 0;
    for (std::size_t k = 0; k < n; k += 9973) {  // a sample of rows, in increasing positions
        at = json.find("\"id\":\"r" + std::to_string(k) + "\"", last);
        ASSERT_NE(at, std::string::npos) << "row " << k;
        last = at;
    }
    for (std::size_t p = json.find("\"type\":\"Feature\""); p != std::string::npos;
         p = json.find("\"type\":\"Feature\"", p + 1)) {
        ++features;
    }
    EXPECT_EQ(features, n);
    std::size_t separators = 0;
    for (std::size_t p = json.find("},\n{"); p != std::string::npos; p = json.find("},\n{", p + 1)) ++separators;
    EXPECT_EQ(separators, n - 1);
    const std::string head = R"({"type":"FeatureCollection","name":"rows","features":[)" "\n{";
    EXPECT_EQ(json.substr(0, head.size()), head);
    EXPECT_EQ(json.substr(json.size() - 5), "}\n]}\n");
}

TEST(Output, GeoPackageAndFlatGeobufAreReadableByGdal) {
    TempDir dir;
    for (const char* name : {"s.gpkg", "s.fgb"}) {
        const std::string path = (dir.path / name).string();
        write_table(sample(), path, {});
        const SourceInfo info = describe_source(path);
        ASSERT_EQ(info.layers.size(), 1U) << name;
        EXPECT_EQ(info.layers[0].name, "sample");
        EXPECT_EQ(info.layers[0].feature_count, 2);
        EXPECT_EQ(info.layers[0].crs, "EPSG:4326");
        ASSERT_EQ(info.layers[0].fields.size(), 4U);
        EXPECT_EQ(info.layers[0].fields[1].name, "distance_m");
        EXPECT_EQ(info.layers[0].fields[1].type, "Real");
    }
    // Byte-identical when written twice (GeoPackage timestamps are fixed).
    write_table(sample(), (dir.path / "t.gpkg").string(), {});
    EXPECT_EQ(read(dir.path / "s.gpkg"), read(dir.path / "t.gpkg"));
}

TEST(Output, ExistingFileNeedsOverwrite) {
    TempDir dir;
    const std::string path = (dir.path / "s.geojson").string();
    write_table(sample(), path, {});
    EXPECT_THROW(write_table(sample(), path, {}), LayerError);
    WriteOptions o;
    o.overwrite = true;
    EXPECT_NO_THROW(write_table(sample(), path, o));
}

TEST(Output, MissingDirectoryAndUnknownExtensionsAreRefused) {
    TempDir dir;
    EXPECT_THROW(write_table(sample(), (dir.path / "no/such/dir/s.geojson").string(), {}), LayerError);
    EXPECT_THROW(write_table(sample(), (dir.path / "s.shp").string(), {}), UsageError);
    EXPECT_THROW(write_table(sample(), (dir.path / "s.xyz").string(), {}), UsageError);
    EXPECT_TRUE(fs::is_empty(dir.path));
}

TEST(Output, FullDeviceIsAnErrorAndIsNotReplaced) {
    EXPECT_TRUE(is_special_file("/dev/full"));
    try {
        write_table(sample(), "/dev/full", {});
        FAIL() << "writing to /dev/full must fail";
    } catch (const LayerError& e) {
        EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::is_regular_file("/dev/full"));  // still the device
}

TEST(Output, OutputEqualToAnInputIsRefused) {
    TempDir dir;
    const std::string path = (dir.path / "in.geojson").string();
    write_text_file(path, "{}", false);
    EXPECT_THROW(check_output_path(path, {path}, true), UsageError);
}

}  // namespace fergana::layers
