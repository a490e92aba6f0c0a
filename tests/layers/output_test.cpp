#include "geo/error.hpp"
#include "layers/output.hpp"
#include "tests/layers/temp_dir.hpp"
#include "layers/source_info.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>
#include <vector>

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

/// The lines of a text, without their '\n'.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// This file's temporary directories.
struct TempDir : testing::TempDir {
    TempDir() : testing::TempDir("output") {}
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

// Numbers with N decimals are exactly what std::to_chars makes of them (correctly rounded,
// ties to even on the exact binary value), trailing zeros trimmed: the writer's fast path
// (scaled integers) must never differ, ties and near-ties included.
TEST(Output, NumbersAreCorrectlyRoundedAtEveryPrecision) {
    auto reference = [](double v, int decimals) {
        char buffer[400];
        const auto r = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::fixed, decimals);
        std::string text(buffer, r.ptr);
        if (text.find('.') != std::string::npos) {
            while (text.back() == '0') text.pop_back();
            if (text.back() == '.') text.pop_back();
        }
        return text == "-0" ? std::string("0") : text;
    };
    std::vector<double> values = {0.0, -0.0, 0.5, -0.5, 1.5, 2.5, 0.125, 0.375, -0.125, 1e-7, -1e-7, 5e-8,
                                  0.05, 0.15, 0.25, 1.005, 2.675, 70.12345675, 39.99999995, 999999.995,
                                  123456789.123456789, 9.999999999e14, -9.999999999e14, 4503599627370495.5 / 8};
    std::uint64_t state = 42;
    auto next = [&state] {  // SplitMix64
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    };
    for (int k = 0; k < 20000; ++k) {
        const double unit = static_cast<double>(next() >> 11U) / 9007199254740992.0;  // [0, 1)
        const double magnitude = std::pow(10.0, static_cast<double>(next() % 16) - 3.0);
        values.push_back((next() & 1U ? -1.0 : 1.0) * unit * magnitude);
        // Exact binary ties at many scales: odd multiples of 2^-m.
        values.push_back(static_cast<double>(2 * (next() % 100000) + 1) / std::pow(2.0, static_cast<double>(next() % 12)));
    }
    TempDir dir;
    for (int decimals = 0; decimals <= 10; ++decimals) {
        OutputTable t("numbers", {{"v", FieldKind::Real, decimals}});
        for (double v : values) t.add(geo::Geometry::point({0, 0}), {Value{v}});
        const fs::path path = dir.path / ("numbers" + std::to_string(decimals) + ".csv");
        write_table(t, path.string(), {});
        std::istringstream csv(read(path));
        std::string line;
        std::getline(csv, line);
        for (double v : values) {
            ASSERT_TRUE(std::getline(csv, line));
            ASSERT_EQ(line, "0,0," + reference(v, decimals)) << std::hexfloat << v << " with " << decimals << " decimals";
        }
    }
}

// Known answers (worked out by hand from the doubles' exact binary values; Python's
// format(x, '.Nf') agrees) for the fast path and its to_chars fallback: negative zero and
// values that round to zero print 0, exact binary ties go to even, carries ripple into the
// integer part, tiny and huge values.
TEST(Output, NumbersHaveKnownTexts) {
    const std::vector<std::tuple<double, int, std::string>> cases = {
        {0.0, 2, "0"},
        {-0.0, 2, "0"},
        {1e-7, 2, "0"},
        {-1e-7, 2, "0"},            // rounds to zero: no sign
        {-0.5, 0, "0"},             // a tie to even, -0 from to_chars
        {-1.5, 0, "-2"},            // a tie to even
        {2.5, 0, "2"},              // a tie to even
        {0.125, 2, "0.12"},         // exactly 1/8: a tie
        {0.375, 2, "0.38"},         // exactly 3/8: a tie
        {2.675, 2, "2.67"},         // 2.67499999999999982236431605997495353221893310546875
        {24988.675, 2, "24988.67"}, // below the tie in binary too
        {99.999, 2, "100"},         // the carry reaches the integer part
        {-99.999, 2, "-100"},
        {0.000123, 7, "0.000123"},  // leading zeros of the fraction kept
        {12.3456789, 7, "12.3456789"},
        {70.5, 7, "70.5"},          // trailing zeros dropped
        {40.26751004, 7, "40.26751"},
        {-70.12345675, 7, "-70.1234568"},
        {123.0, 9, "123"},
        {0.1, 9, "0.1"},
        {1234.5678, 0, "1235"},
        {5e-324, 7, "0"},           // the smallest subnormal
        {1e-300, 7, "0"},
        {999999999999999.9, 1, "999999999999999.9"},  // too large a product for the fast path
        {9.99e14, 2, "999000000000000"},
        {1e15, 2, "1e+15"},         // from 1e15 on: the shortest form
        {-1e15, 2, "-1e+15"},
        {1e300, 2, "1e+300"},
    };
    for (const auto& [value, decimals, text] : cases) {
        OutputTable t("numbers", {{"v", FieldKind::Real, decimals}});
        t.add(geo::Geometry::point({0, 0}), {Value{value}});
        EXPECT_EQ(to_csv(t, 7), "lon,lat,v\n0,0," + text + "\n") << std::hexfloat << value << " with " << decimals;
    }
}

// A TextView cell is written exactly as the same text in a std::string: CSV quotes doubled,
// JSON escapes, invalid UTF-8 replaced; an empty view is an empty text, not NULL.
TEST(Output, TextViewsAreWrittenLikeStrings) {
    static const std::string texts[] = {"plain", "a \"quoted\", name", "two\nlines\r\tand \\ \x01", "bad \xff utf8",
                                        "Ош", ""};
    const std::vector<OutputField> fields = {{"name", FieldKind::Text}, {"n", FieldKind::Integer}};
    auto table = [&](bool views) {
        return OutputTable::generated("texts", fields, std::size(texts), true, [views](std::size_t i, OutputFeature& out) {
            out.geometry = geo::Geometry::point({70.0 + static_cast<double>(i), 40.0});
            if (views) {
                out.values[0] = TextView{texts[i]};
            } else {
                out.values[0] = texts[i];
            }
            if (i % 2 == 0) out.values[1] = static_cast<std::int64_t>(i) - 3;  // else NULL
        });
    };
    EXPECT_EQ(to_csv(table(true), 7),
              "lon,lat,name,n\n"
              "70,40,plain,-3\n"
              "71,40,\"a \"\"quoted\"\", name\",\n"
              "72,40,\"two\nlines\r\tand \\ \x01\",-1\n"
              "73,40,bad \xff utf8,\n"
              "74,40,Ош,1\n"
              "75,40,,\n");
    EXPECT_EQ(to_geojson(table(true), 7),
              "{\"type\":\"FeatureCollection\",\"name\":\"texts\",\"features\":[\n"
              "{\"type\":\"Feature\",\"properties\":{\"name\":\"plain\",\"n\":-3},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[70,40]}},\n"
              "{\"type\":\"Feature\",\"properties\":{\"name\":\"a \\\"quoted\\\", name\",\"n\":null},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[71,40]}},\n"
              "{\"type\":\"Feature\",\"properties\":{\"name\":\"two\\nlines\\r\\tand \\\\ \\u0001\",\"n\":-1},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[72,40]}},\n"
              "{\"type\":\"Feature\",\"properties\":{\"name\":\"bad \xEF\xBF\xBD utf8\",\"n\":null},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[73,40]}},\n"
              "{\"type\":\"Feature\",\"properties\":{\"name\":\"Ош\",\"n\":1},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[74,40]}},\n"
              "{\"type\":\"Feature\",\"properties\":{\"name\":\"\",\"n\":null},"
              "\"geometry\":{\"type\":\"Point\",\"coordinates\":[75,40]}}\n"
              "]}\n");
    EXPECT_EQ(to_csv(table(true), 7), to_csv(table(false), 7));
    EXPECT_EQ(to_geojson(table(true), 7), to_geojson(table(false), 7));
    EXPECT_EQ(text_of(Value{TextView{texts[1]}}), std::optional<std::string_view>(texts[1]));
    EXPECT_EQ(text_of(Value{std::string("x")}), std::optional<std::string_view>("x"));
    EXPECT_EQ(text_of(Value{1.5}), std::nullopt);
    EXPECT_EQ(text_of(Value{}), std::nullopt);
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
    // The file (blocks written as they are done) and the text in memory are the same.
    EXPECT_EQ(read(dir.path / "rows.csv"), to_csv(t, 7));
    EXPECT_EQ(read(dir.path / "rows.geojson"), to_geojson(t, 7));
    const std::vector<std::string> csv = lines_of(read(dir.path / "rows.csv"));
    ASSERT_EQ(csv.size(), n + 1);
    EXPECT_EQ(csv[0], "lon,lat,id,half");
    for (std::size_t i = 0; i < n; ++i) {
        const std::string half = std::to_string(i / 2) + (i % 2 ? ".5" : "");
        ASSERT_EQ(csv[i + 1], std::to_string(i % 180) + ",0.25,r" + std::to_string(i) + "," + half) << "row " << i;
    }
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

TEST(Output, SelectKeepsTheNamedFieldsInTheirOrder) {
    // A table made in memory.
    OutputTable t = sample();
    t.select({"inside", "id"});
    ASSERT_EQ(t.fields().size(), 2U);
    EXPECT_EQ(t.fields()[0].name, "inside");
    EXPECT_EQ(t.fields()[1].name, "id");
    EXPECT_EQ(to_csv(t, 7), "lon,lat,inside,id\n70.1234568,40.5,true,\"a \"\"quoted\"\", name\"\n"
                            "0,40,false,bad \xff utf8\n");
    EXPECT_EQ(to_csv(t, 7, false), "inside,id\ntrue,\"a \"\"quoted\"\", name\"\nfalse,bad \xff utf8\n");
    EXPECT_THROW(t.select({"count"}), std::invalid_argument);  // dropped already
    EXPECT_THROW(t.select({"id", "id"}), std::invalid_argument);

    // A generated table, several blocks long, selected twice: the maker still fills whole
    // rows, and the writers see the kept values (streamed in CSV, all made at once in GPKG).
    constexpr std::size_t n = 20011;
    OutputTable g = OutputTable::generated(
        "rows", {{"id", FieldKind::Text}, {"half", FieldKind::Real, 1}, {"twice", FieldKind::Integer}}, n, true,
        [](std::size_t i, OutputFeature& out) {
            EXPECT_EQ(out.values.size(), 3U);
            out.geometry = geo::Geometry::point({static_cast<double>(i % 180), 0.25});
            out.values = {Value{"r" + std::to_string(i)}, Value{static_cast<double>(i) / 2.0},
                          Value{static_cast<std::int64_t>(2 * i)}};
        });
    g.select({"twice", "half", "id"});
    g.select({"id", "twice"});
    ASSERT_EQ(g.fields().size(), 2U);
    EXPECT_EQ(g.fields()[1].name, "twice");
    TempDir dir;
    WriteOptions no_geometry;
    no_geometry.csv_geometry = false;
    write_table(g, (dir.path / "rows.csv").string(), no_geometry);
    const std::vector<std::string> csv = lines_of(read(dir.path / "rows.csv"));
    ASSERT_EQ(csv.size(), n + 1);
    EXPECT_EQ(csv[0], "id,twice");
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(csv[i + 1], "r" + std::to_string(i) + "," + std::to_string(2 * i)) << "row " << i;
    }
    write_table(g, (dir.path / "rows.gpkg").string(), {});
    const SourceInfo info = describe_source((dir.path / "rows.gpkg").string());
    ASSERT_EQ(info.layers.size(), 1U);
    EXPECT_EQ(info.layers[0].feature_count, static_cast<std::int64_t>(n));
    ASSERT_EQ(info.layers[0].fields.size(), 2U);
    EXPECT_EQ(info.layers[0].fields[0].name, "id");
    EXPECT_EQ(info.layers[0].fields[1].name, "twice");
    EXPECT_EQ(std::get<std::int64_t>(g.features()[12345].values[1]), 24690);

    // No field kept at all: rows of the geometry alone (the maker still gets whole rows).
    OutputTable none = OutputTable::generated(
        "points", {{"id", FieldKind::Text}, {"half", FieldKind::Real, 1}}, 3, true, [](std::size_t row, OutputFeature& out) {
            ASSERT_EQ(out.values.size(), 2U);
            out.geometry = geo::Geometry::point({static_cast<double>(row), 0.5});
            out.values[0] = Value{"r" + std::to_string(row)};
            out.values[1] = Value{0.5};
        });
    none.select({});
    EXPECT_TRUE(none.fields().empty());
    EXPECT_EQ(to_csv(none, 7), "lon,lat\n0,0.5\n1,0.5\n2,0.5\n");
    none.select({});
    EXPECT_EQ(to_csv(none, 7), "lon,lat\n0,0.5\n1,0.5\n2,0.5\n");
    ASSERT_EQ(none.features().size(), 3U);
    EXPECT_TRUE(none.features()[2].values.empty());
    EXPECT_EQ(g.features()[12345].geometry.points()[0].lon, 12345.0 - 68 * 180);
}

TEST(Output, GeoJsonTextIsAlwaysValidUtf8) {
    // RFC 3629, as the reader checks it: a lead byte above F4, a surrogate (U+D800) and an
    // overlong '/' each become U+FFFD byte by byte; valid 2-, 3- and 4-byte sequences stay.
    OutputTable t("t", {{"name", FieldKind::Text}});
    t.add(geo::Geometry::point({70.0, 40.0}),
          {std::string("\xF5\x80\x80|\xED\xA0\x80|\xE0\x80\xAF|\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80")});
    const std::string r = "\xEF\xBF\xBD";
    EXPECT_NE(to_geojson(t, 7).find("\"name\":\"" + r + r + r + "|" + r + r + r + "|" + r + r + r +
                                    "|\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\""),
              std::string::npos)
        << to_geojson(t, 7);
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

// Regression guard for the blocks handed to the file as they are done: a write failing in
// the middle of a large table (many blocks on several threads) is an error, not a hang.
TEST(Output, FullDeviceFailsALargeTableWithoutHanging) {
    const OutputTable t = OutputTable::generated(
        "rows", {{"id", FieldKind::Text}}, 200000, true, [](std::size_t i, OutputFeature& out) {
            out.geometry = geo::Geometry::point({static_cast<double>(i % 180), 0.25});
            out.values[0] = "row " + std::to_string(i);
        });
    EXPECT_THROW(write_table(t, "/dev/full", {}), LayerError);
}

TEST(Output, OutputEqualToAnInputIsRefused) {
    TempDir dir;
    const std::string path = (dir.path / "in.geojson").string();
    write_text_file(path, "{}", false);
    EXPECT_THROW(check_output_path(path, {path}, true), UsageError);
}

}  // namespace fergana::layers
