// A large GeoPackage layer read in parts, one connection and thread each
// (LoadOptions::threads, layers/load.cpp read_in_parts), gives exactly what one read gives:
// the same features in the same order, the same findings in the same order with the same
// counts, the same origin counts and extent.
#include "layers/load.hpp"
#include "layers/output.hpp"
#include "tests/layers/temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fergana::layers {

namespace {

namespace fs = std::filesystem;

/// This file's temporary directories.
struct TempDir : testing::TempDir {
    TempDir() : testing::TempDir("parallel") {}
};

constexpr int kRows = 3000;
constexpr int kDeleted = 400;  // FIDs 1..400 deleted: the FID range starts at 401

bool bad_date_row(int k) {
    return k % 37 == 5;
}
bool negative_row(int k) {
    return k % 250 == 7;
}

/// kRows incidents on a grid, some with a bad date (an error), some with a negative count
/// (an error), some with an unparsable precision (an error); then FIDs 1..kDeleted deleted,
/// so the rows left are uneven in FID and not from 1.
std::string incidents_geopackage(const fs::path& dir) {
    OutputTable t("incidents", {{"id", FieldKind::Text},
                                {"date", FieldKind::Text},
                                {"type", FieldKind::Text},
                                {"fatalities", FieldKind::Integer},
                                {"precision_m", FieldKind::Text}});
    for (int k = 0; k < kRows; ++k) {
        const double lon = 69.0 + 0.001 * (k % 1000);
        const double lat = 39.5 + 0.01 * (k / 1000);
        const std::string date = bad_date_row(k) ? "2022-13-45" : "2022-09-" + std::to_string(10 + k % 10);
        t.add(geo::Geometry::point({lon, lat}),
              {"i" + std::to_string(k), date, k % 3 == 0 ? Value{std::string("Shelling")} : Value{},
               Value{static_cast<std::int64_t>(negative_row(k) ? -1 : k % 4)},
               k % 500 == 11 ? Value{std::string("ten metres")} : Value{std::string("25")}});
    }
    const std::string path = (dir / "incidents.gpkg").string();
    write_table(t, path, {});
    const std::string command = "ogrinfo -q '" + path +
                                "' -sql 'DELETE FROM incidents WHERE fid <= " + std::to_string(kDeleted) +
                                "' >/dev/null";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return path;
}

LoadOptions options_for(const std::string& path, unsigned threads) {
    LoadOptions o;
    o.roles[Role::Incidents].source = path;
    o.wanted = {Role::Incidents};
    o.keep_going = true;  // the errors come back as findings
    o.threads = threads;
    o.parallel_read_from = 100;
    return o;
}

void expect_same(const Dataset& one, const Dataset& parts) {
    ASSERT_EQ(one.incidents.features.size(), parts.incidents.features.size());
    for (std::size_t k = 0; k < one.incidents.features.size(); ++k) {
        const Incident& a = one.incidents.features[k];
        const Incident& b = parts.incidents.features[k];
        ASSERT_EQ(a.id, b.id) << "feature " << k;
        EXPECT_EQ(a.position.lon, b.position.lon);
        EXPECT_EQ(a.position.lat, b.position.lat);
        EXPECT_EQ(a.date.has_value(), b.date.has_value());
        EXPECT_EQ(a.type, b.type);
        EXPECT_EQ(a.details().fatalities, b.details().fatalities);
        EXPECT_EQ(a.precision_m, b.precision_m);
    }
    const auto& fa = one.findings.list();
    const auto& fb = parts.findings.list();
    ASSERT_EQ(fa.size(), fb.size());
    for (std::size_t k = 0; k < fa.size(); ++k) EXPECT_EQ(fa[k].describe(), fb[k].describe()) << "finding " << k;
    for (Severity s : {Severity::Error, Severity::Warning, Severity::Repair}) {
        EXPECT_EQ(one.findings.count(s), parts.findings.count(s));
    }
    const LayerOrigin& oa = one.incidents.origin;
    const LayerOrigin& ob = parts.incidents.origin;
    EXPECT_EQ(oa.read, ob.read);
    EXPECT_EQ(oa.skipped, ob.skipped);
    EXPECT_EQ(oa.extent.min_lon, ob.extent.min_lon);
    EXPECT_EQ(oa.extent.max_lon, ob.extent.max_lon);
    EXPECT_EQ(oa.extent.min_lat, ob.extent.min_lat);
    EXPECT_EQ(oa.extent.max_lat, ob.extent.max_lat);
    EXPECT_EQ(oa.source_filter, ob.source_filter);
}

}  // namespace

TEST(LoadInParts, ThreeConnectionsReadWhatOneReads) {
    TempDir dir;
    const std::string path = incidents_geopackage(dir.path);
    const Dataset one = load_dataset(options_for(path, 1));
    const Dataset parts = load_dataset(options_for(path, 3));
    EXPECT_EQ(one.incidents.origin.parts, 1U);
    EXPECT_EQ(parts.incidents.origin.parts, 3U);
    expect_same(one, parts);

    // The known answers, counted from the generator.
    int bad_dates = 0, negatives = 0, bad_precisions = 0;
    for (int k = kDeleted; k < kRows; ++k) {
        bad_dates += bad_date_row(k);
        negatives += negative_row(k);
        bad_precisions += k % 500 == 11;
    }
    EXPECT_EQ(parts.incidents.origin.read, kRows - kDeleted);
    EXPECT_EQ(parts.incidents.features.size(), static_cast<std::size_t>(kRows - kDeleted));
    EXPECT_EQ(parts.incidents.features.front().id, "i" + std::to_string(kDeleted));
    EXPECT_EQ(parts.incidents.features.back().id, "i" + std::to_string(kRows - 1));
    EXPECT_EQ(parts.findings.count(Severity::Error), static_cast<std::size_t>(bad_dates + negatives + bad_precisions));
    // More bad dates than are listed one by one: the rest are summarised with the right count.
    ASSERT_GT(bad_dates, static_cast<int>(Findings::detailed_per_code));
    const std::string summary = "and " + std::to_string(bad_dates - static_cast<int>(Findings::detailed_per_code)) +
                                " more 'bad_date' findings";
    bool summarised = false;
    for (const Finding& f : parts.findings.list()) summarised = summarised || f.message == summary;
    EXPECT_TRUE(summarised) << summary;
}

TEST(LoadInParts, WithTheSourcesOwnFilter) {
    TempDir dir;
    const std::string path = incidents_geopackage(dir.path);
    LoadOptions o1 = options_for(path, 1);
    o1.incident_types = {"shelling"};
    LoadOptions o2 = o1;
    o2.threads = 2;
    const Dataset one = load_dataset(o1);
    const Dataset parts = load_dataset(o2);
    EXPECT_EQ(parts.incidents.origin.parts, 2U);
    EXPECT_FALSE(parts.incidents.origin.source_filter.empty());
    EXPECT_EQ(parts.incidents.origin.source_filter.find(">="), std::string::npos)
        << "the parts' FID ranges are not the source's filter: " << parts.incidents.origin.source_filter;
    expect_same(one, parts);
    EXPECT_LT(parts.incidents.origin.read, kRows - kDeleted) << "the GeoPackage filtered the types";
}

TEST(LoadInParts, SmallLayersAndWindowsAreReadInOnePart) {
    TempDir dir;
    const std::string path = incidents_geopackage(dir.path);
    LoadOptions small = options_for(path, 2);
    small.parallel_read_from = 10000;  // 2,600 features: under the threshold
    EXPECT_EQ(load_dataset(small).incidents.origin.parts, 1U);
    LoadOptions window = options_for(path, 2);
    window.bbox = geo::Box{68.0, 39.0, 70.0, 40.0};
    EXPECT_EQ(load_dataset(window).incidents.origin.parts, 1U);
}

}  // namespace fergana::layers

namespace fergana::layers {

// Duplicate ids in a layer of 120,000 (hashes sorted in two halves on two threads and merged):
// each repeated id reported once, in the order of its second use, wherever its copies are.
TEST(LoadInParts, DuplicateIdsAcrossALargeLayer) {
    TempDir dir;
    const fs::path csv = dir.path / "incidents.csv";
    {
        std::ofstream out(csv);
        out << "id,lon,lat,date\n";
        for (int k = 0; k < 120000; ++k) {
            std::string id = "i" + std::to_string(k);
            if (k == 100000) id = "i5";      // a copy in the second half of the first in the first
            if (k == 110000) id = "i90000";  // both in the second half
            if (k == 60001) id = "i7";       // a copy in the second half...
            if (k == 60002) id = "i7";       // ...and a third
            out << id << "," << 69.0 + 1e-5 * (k % 100000) << "," << 40.0 << ",2022-09-14\n";
        }
    }
    LoadOptions o;
    o.roles[Role::Incidents].source = csv.string();
    o.wanted = {Role::Incidents};
    o.keep_going = true;
    const Dataset d = load_dataset(o);
    ASSERT_EQ(d.incidents.features.size(), 120000U);
    std::vector<std::string> reported;
    for (const Finding& f : d.findings.list()) {
        if (f.code == "duplicate_id") reported.push_back(f.where.feature);
    }
    EXPECT_EQ(reported, (std::vector<std::string>{"i7", "i5", "i90000"}));
}

}  // namespace fergana::layers

namespace fergana::layers {

// FIDs at both ends of the 64-bit range (a hostile or odd file): no part arithmetic
// overflows; the layer is read in one part, completely.
TEST(LoadInParts, FidsAtTheEndsOfTheRangeAreReadInOnePart) {
    TempDir dir;
    const std::string path = incidents_geopackage(dir.path);
    for (const char* sql : {"UPDATE incidents SET fid = -9223372036854775807 WHERE fid = 401",
                            "UPDATE incidents SET fid = 9223372036854775807 WHERE fid = 402"}) {
        const std::string command = "ogrinfo -q '" + path + "' -sql '" + sql + "' >/dev/null";
        ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
    const Dataset one = load_dataset(options_for(path, 1));
    const Dataset parts = load_dataset(options_for(path, 2));
    EXPECT_EQ(parts.incidents.origin.parts, 1U);
    EXPECT_EQ(parts.incidents.features.size(), static_cast<std::size_t>(kRows - kDeleted));
    expect_same(one, parts);
}

TEST(LoadInParts, AnIncidentOfTwoPointsIsLeftOutInOneReadAndInParts) {
    // Incidents are made in their slots of the result: one that is no single point gives its
    // slot back, in a part's run as in one read.
    TempDir dir;
    OutputTable t("incidents", {{"id", FieldKind::Text}});
    std::vector<std::string> kept;
    int two_points = 0;
    for (int k = 0; k < 600; ++k) {
        const geo::LonLat p{69.0 + 0.001 * k, 39.5};
        const bool pair = k % 97 == 3;
        t.add(pair ? geo::Geometry::multi_point({p, {p.lon, 39.6}}) : geo::Geometry::multi_point({p}),
              {"i" + std::to_string(k)});
        if (pair) {
            ++two_points;
        } else {
            kept.push_back("i" + std::to_string(k));
        }
    }
    const std::string path = (dir.path / "incidents.gpkg").string();
    write_table(t, path, {});
    const Dataset one = load_dataset(options_for(path, 1));
    const Dataset parts = load_dataset(options_for(path, 3));
    EXPECT_EQ(parts.incidents.origin.parts, 3U);
    expect_same(one, parts);
    ASSERT_EQ(parts.incidents.features.size(), kept.size());
    for (std::size_t k = 0; k < kept.size(); ++k) ASSERT_EQ(parts.incidents.features[k].id, kept[k]);
    std::size_t reported = 0;
    for (const Finding& f : parts.findings.list()) reported += f.code == "wrong_geometry_type" ? 1 : 0;
    EXPECT_EQ(reported, static_cast<std::size_t>(two_points));
}

}  // namespace fergana::layers
