// Filters the source applies before the loader reads (layers/detail/pushdown.hpp,
// LoadOptions::bbox and incidents_*), and the redaction of connection strings. The
// same filters against a real PostGIS server: tests/postgis/postgis_test.cpp.
#include "analysis/selection.hpp"
#include "layers/detail/pushdown.hpp"
#include "layers/load.hpp"
#include "layers/output.hpp"
#include "tests/layers/temp_dir.hpp"
#include "layers/source_info.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

namespace fergana::layers {

namespace {

namespace fs = std::filesystem;

Date day(int y, int m, int d) {
    return *Date::from_ymd(y, m, d);
}

/// The incidents of the PostGIS test ServerFiltersNeverDropAnIncidentTheFilterKeeps, as a
/// GeoPackage written by fergana (text dates as given, odd types), and where each lies.
std::string tricky_geopackage(const fs::path& dir) {
    OutputTable t("incidents", {{"id", FieldKind::Text}, {"date", FieldKind::Text}, {"type", FieldKind::Text}});
    const std::vector<std::array<const char*, 3>> rows = {
        {"day", "2022-09-14", "shelling"},
        {"spaced", " 2022-09-14", "Shelling"},
        {"year", "2022", " armed_clash "},
        {"month", "2022-09", "ARMED_CLASH"},
        {"range-in", "2021-12-31/2022-03-01", "shelling\t"},
        {"range-over", "2020-01-01/2024-01-01", "armed_clash"},
        {"datetime", "2022-09-14T23:30:00+05:00", "shelling"},
        {"day-after", "2022-09-15", "shelling"},
        {"day-before", "2022-02-28", "shelling"},
        {"year-before", "2021", "shelling"},
        {"range-after", "2023-01-01/2023-02-01", "shelling"},
        {"undated", nullptr, "shelling"},
        {"other-type", "2022-05-01", "protest"},
        {"no-type", "2022-05-01", nullptr},
    };
    double lon = 70.0;
    for (const auto& [id, date, type] : rows) {
        t.add(geo::Geometry::point({lon, 40.0}),
              {std::string(id), date ? Value{std::string(date)} : Value{}, type ? Value{std::string(type)} : Value{}});
        lon += 0.1;  // day at 70.0, spaced at 70.1, ...
    }
    const std::string path = (dir / "tricky.gpkg").string();
    write_table(t, path, {});
    return path;
}

std::set<std::string> kept(const Dataset& d, const analysis::IncidentFilter& filter) {
    std::set<std::string> out;
    for (std::size_t i : analysis::select(d.incidents.features, filter)) out.insert(d.incidents.features[i].id);
    return out;
}

/// This file's temporary directories.
struct TempDir : testing::TempDir {
    TempDir() : testing::TempDir("pushdown") {}
};

}  // namespace

TEST(Pushdown, IncidentWhereClauseByDialectAndColumnType) {
    detail::IncidentPushdown p;
    p.from = day(2022, 3, 1);
    p.to = day(2022, 9, 14);
    p.types = {"shelling", "o'brien"};
    p.date_field = "date";
    p.type_field = "Type \"x\"";
    EXPECT_EQ(detail::incident_where(p, detail::SqlDialect::PostgreSQL),
              "\"date\" COLLATE \"C\" < '2022-09-15' AND (\"date\" COLLATE \"C\" >= '2022' OR \"date\" COLLATE \"C\" "
              "< '0' OR \"date\" LIKE '%/%') AND lower(btrim(\"Type \"\"x\"\"\", ' ' || chr(9) || chr(10) || chr(11) || "
              "chr(12) || chr(13)) COLLATE \"C\") IN ('shelling', 'o''brien')");
    EXPECT_EQ(detail::incident_where(p, detail::SqlDialect::SQLite),
              "\"date\" COLLATE BINARY < '2022-09-15' AND (\"date\" COLLATE BINARY >= '2022' OR \"date\" COLLATE BINARY "
              "< '0' OR \"date\" LIKE '%/%') AND lower(trim(\"Type \"\"x\"\"\", ' ' || char(9) || char(10) || char(11) || "
              "char(12) || char(13))) IN ('shelling', 'o''brien')");
    p.types.clear();
    p.date_column = detail::DateColumn::Date;
    EXPECT_EQ(detail::incident_where(p, detail::SqlDialect::PostgreSQL),
              "\"date\" >= DATE '2022-03-01' AND \"date\" <= DATE '2022-09-14'");
    p.date_column = detail::DateColumn::DateTime;  // a day wider each side: time zones
    EXPECT_EQ(detail::incident_where(p, detail::SqlDialect::PostgreSQL),
              "\"date\" >= DATE '2022-02-28' AND \"date\" < DATE '2022-09-16'");
}

TEST(Pushdown, NothingIsPushedThatCouldDropTooMuch) {
    detail::IncidentPushdown p;
    p.type_field = "type";
    p.types = {"shelling", "back\\slash"};  // a backslash: an escape on some servers
    EXPECT_EQ(detail::incident_where(p, detail::SqlDialect::PostgreSQL), "");
    p.types = {"shelling", "\xC3\x9C" "ber"};  // non-ASCII: the server may lower-case it differently
    EXPECT_EQ(detail::incident_where(p, detail::SqlDialect::PostgreSQL), "");
    p.types = {"shelling"};
    p.type_field.clear();  // no type column
    EXPECT_EQ(detail::incident_where(p, detail::SqlDialect::PostgreSQL), "");
}

TEST(Pushdown, GeoPackageFiltersNeverDropAnIncidentTheFilterKeeps) {
    TempDir dir;
    const std::string path = tricky_geopackage(dir.path);
    LoadOptions all;
    all.roles[Role::Incidents].source = path;
    all.wanted = {Role::Incidents};
    analysis::IncidentFilter filter;
    filter.from = day(2022, 3, 1);
    filter.to = day(2022, 9, 14);
    filter.types = {"shelling", "armed_clash"};
    LoadOptions pushed = all;
    pushed.incidents_from = filter.from;
    pushed.incidents_to = filter.to;
    pushed.incident_types = filter.types;

    const Dataset whole = load_dataset(all);
    const Dataset part = load_dataset(pushed);
    const std::set<std::string> expected = {"day", "spaced", "year", "month", "range-in", "range-over", "datetime"};
    EXPECT_EQ(kept(whole, filter), expected);
    EXPECT_EQ(kept(part, filter), expected);
    EXPECT_EQ(whole.incidents.origin.read, 14);
    EXPECT_LT(part.incidents.origin.read, 14) << "the GeoPackage filtered";
    EXPECT_NE(part.incidents.origin.source_filter.find("where \"date\" COLLATE BINARY"), std::string::npos)
        << part.incidents.origin.source_filter;
    EXPECT_TRUE(whole.incidents.origin.source_filter.empty());
}

TEST(Pushdown, BboxKeepsExactlyTheFeaturesMeetingTheBox) {
    TempDir dir;
    const std::string path = tricky_geopackage(dir.path);  // points at 70.0, 70.1, ..., 71.3 on lat 40
    LoadOptions o;
    o.roles[Role::Incidents].source = path;
    o.wanted = {Role::Incidents};
    o.bbox = geo::Box{70.1, 39.9, 70.3, 40.1};  // edges included
    const Dataset d = load_dataset(o);
    std::set<std::string> ids;
    for (const Incident& i : d.incidents.features) ids.insert(i.id);
    EXPECT_EQ(ids, (std::set<std::string>{"spaced", "year", "month"}));
    EXPECT_EQ(d.incidents.origin.read, 3) << "the GeoPackage's R-tree filtered";
    EXPECT_EQ(d.incidents.origin.source_filter.rfind("bbox 70.0999999", 0), 0U) << d.incidents.origin.source_filter;

    o.bbox_roles = {Role::Countries};  // the box is for another role: all incidents
    EXPECT_EQ(load_dataset(o).incidents.features.size(), 14U);
}

TEST(Pushdown, BboxOnAProjectedSourceIsTransformedConservatively) {
    // One incident at 71.0,40.0 stored in UTM 42N: the box goes to the source in metres.
    const std::string projected = std::string(FERGANA_TEST_DATA) + "/layers/incidents_utm42n.geojson";
    LoadOptions o;
    o.roles[Role::Incidents].source = projected;
    o.wanted = {Role::Incidents};
    o.bbox = geo::Box{70.999999, 39.999999, 71.000001, 40.000001};
    Dataset d = load_dataset(o);
    EXPECT_EQ(d.incidents.features.size(), 1U);
    EXPECT_NE(d.incidents.origin.source_filter.find("(EPSG:32642)"), std::string::npos)
        << d.incidents.origin.source_filter;
    o.bbox = geo::Box{71.000002, 39.999999, 71.1, 40.000001};  // 17 cm east of it
    d = load_dataset(o);
    EXPECT_EQ(d.incidents.features.size(), 0U);
}

TEST(Redact, PasswordsInEveryFormAreRedacted) {
    EXPECT_EQ(redact_source("PG:host=db dbname=gis user=u password=s3cret port=5432"),
              "PG:host=db dbname=gis user=u password=*** port=5432");
    EXPECT_EQ(redact_source("PG:dbname=gis password = 'two words \\' quote' user=u"),
              "PG:dbname=gis password = *** user=u");
    EXPECT_EQ(redact_source("--data=PG:dbname=gis password=s3cret"), "--data=PG:dbname=gis password=***");
    EXPECT_EQ(redact_source("PG:dbname=gis sslpassword=k3y sslmode=verify-full"),
              "PG:dbname=gis sslpassword=*** sslmode=verify-full");
    EXPECT_EQ(redact_source("postgresql://u:s3cret@db:5432/gis"), "postgresql://u:***@db:5432/gis");
    EXPECT_EQ(redact_source("postgresql://db/gis?user=u&password=s3cret"), "postgresql://db/gis?user=u&password=***");
    // Up to the next space, quote and colon included: over-redacting is harmless.
    EXPECT_EQ(redact_source("file 'PG:dbname=gis PASSWORD=s3cret': no layer"), "file 'PG:dbname=gis PASSWORD=*** no layer");
    // Redacting twice (the layers, then main) leaves the first result alone.
    EXPECT_EQ(redact_source("file 'PG:dbname=gis password=***': no layer"), "file 'PG:dbname=gis password=***': no layer");
    EXPECT_EQ(redact_source("data/password=x.gpkg"), "data/password=x.gpkg") << "a file name is left alone";
}

}  // namespace fergana::layers
