// The loader on small fixtures (tests/data/layers/), one finding type at a time.
#include "geo/geos.hpp"
#include "layers/load.hpp"
#include "tests/layers/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

namespace fergana::layers {

namespace {

const std::string fixtures = std::string(FERGANA_TEST_DATA) + "/layers/";

LoadOptions only(Role role, const std::string& file) {
    LoadOptions o;
    o.data = fixtures + file;
    o.roles[role].source = fixtures + file;
    o.wanted = {role};
    return o;
}

/// Options that load `csv` (written to incidents.csv in `dir`) as the incidents alone.
LoadOptions incidents_from_csv(const testing::TempDir& dir, const std::string& csv) {
    const std::string path = (dir.path / "incidents.csv").string();
    std::ofstream(path) << csv;
    LoadOptions o;
    o.roles[Role::Incidents].source = path;
    o.wanted = {Role::Incidents};
    return o;
}

const Finding* find(const Dataset& d, const std::string& code) {
    for (const Finding& f : d.findings.list()) {
        if (f.code == code) return &f;
    }
    return nullptr;
}

std::string error_of(const LoadOptions& o) {
    try {
        (void)load_dataset(o);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(Load, OverlappingCountriesAreResolvedBySubtractingTheEnclave) {
    const Dataset d = load_dataset(only(Role::Countries, "countries_overlap.geojson"));
    ASSERT_EQ(d.countries.features.size(), 2U);
    const Finding* f = find(d, "overlap_resolved");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->severity, Severity::Repair);
    EXPECT_EQ(f->where.feature, "KGZ");
    // Planimeter (GeographicLib) on the 0.2° square at 40.4-40.6N: 376518635 m².
    EXPECT_NE(f->message.find("a part of UZB (376.52 km²)"), std::string::npos) << f->message;

    geo::GeosContext ctx;
    auto covers = [&](const Country& c, geo::LonLat p) {
        const geo::GeosGeom g = ctx.from_geometry(c.geometry);
        const geo::GeosPrepared prepared = ctx.prepare(*g);
        return ctx.prepared_covers(*prepared, p);
    };
    const Country& kgz = d.countries.features[0];
    const Country& uzb = d.countries.features[1];
    ASSERT_EQ(kgz.iso3, "KGZ");
    // A point in the enclave lies in the owner only.
    EXPECT_FALSE(covers(kgz, {70.5, 40.5}));
    EXPECT_TRUE(covers(uzb, {70.5, 40.5}));
    EXPECT_TRUE(covers(kgz, {70.2, 40.2}));
    ASSERT_EQ(kgz.geometry.polygons().size(), 1U);
    EXPECT_EQ(kgz.geometry.polygons()[0].rings.size(), 2U);  // a hole now
}

TEST(Load, BadDatesAreErrorsNamingFeatureAndField) {
    LoadOptions o = only(Role::Incidents, "incidents_bad_values.geojson");
    const std::string what = error_of(o);
    EXPECT_NE(what.find("incidents_bad_values.geojson"), std::string::npos) << what;
    EXPECT_NE(what.find("layer 'incidents', feature 'bad-month', field 'date'"), std::string::npos) << what;
    EXPECT_NE(what.find("'2022-13-45' is not a date"), std::string::npos) << what;

    o.keep_going = true;
    const Dataset d = load_dataset(o);
    EXPECT_EQ(d.findings.count(Severity::Error), 3U);  // two dates, one negative count
    EXPECT_EQ(d.findings.count("bad_date"), 2U);
    EXPECT_EQ(d.findings.count("negative_value"), 1U);
    EXPECT_EQ(d.findings.count("null_geometry"), 1U);
    EXPECT_EQ(d.incidents.origin.skipped, 1);
    ASSERT_EQ(d.incidents.features.size(), 4U);
    const Incident& ok = d.incidents.features[0];
    EXPECT_EQ(ok.id, "ok");
    EXPECT_EQ(ok.type, "shelling");  // types are lower-cased
    EXPECT_EQ(ok.date->to_string(), "2022-09-14/2022-09-16");
    EXPECT_EQ(ok.details().fatalities, 2);
    EXPECT_FALSE(ok.details().injured.has_value());
}

TEST(Load, CsvLonLatColumnsAreDetectedAsWgs84) {
    LoadOptions o = only(Role::Settlements, "settlements.csv");
    const Dataset d = load_dataset(o);
    ASSERT_EQ(d.settlements.features.size(), 4U);
    EXPECT_EQ(d.settlements.origin.crs, "EPSG:4326 (CSV lon/lat columns)");
    const Settlement& vorukh = d.settlements.features[0];
    EXPECT_EQ(vorukh.name, "Vorukh");
    EXPECT_DOUBLE_EQ(vorukh.position.lon, 70.575);
    EXPECT_DOUBLE_EQ(vorukh.position.lat, 39.852);
    EXPECT_EQ(vorukh.population, 23000);
    EXPECT_TRUE(vorukh.attributes.empty());  // lon/lat are coordinates, not attributes
    // Negative population: a warning, taken as unknown. Duplicate id: a warning.
    EXPECT_FALSE(d.settlements.features[1].population.has_value());
    EXPECT_EQ(d.findings.count("negative_population"), 1U);
    const Finding* dup = find(d, "duplicate_id");
    ASSERT_NE(dup, nullptr);
    EXPECT_EQ(dup->where.feature, "2");
    // --strict makes the warnings errors.
    o.strict = true;
    EXPECT_NE(error_of(o).find("negative population -5"), std::string::npos) << error_of(o);
}

TEST(Load, CsvWithMissingOrTextCoordinatesNamesTheRowAndColumns) {
    const std::string what = error_of(only(Role::Settlements, "settlements_bad_coordinates.csv"));
    EXPECT_NE(what.find("feature '2', field 'lon/lat'"), std::string::npos) << what;
    EXPECT_NE(what.find("missing or non-numeric coordinates"), std::string::npos) << what;
}

TEST(Load, CsvWithXyColumnsNeedsACrs) {
    LoadOptions o = only(Role::Incidents, "incidents_xy.csv");
    const std::string what = error_of(o);
    EXPECT_NE(what.find("CSV coordinates have no CRS"), std::string::npos) << what;
    o.assume_crs = "EPSG:32642";
    const Dataset d = load_dataset(o);
    ASSERT_EQ(d.incidents.features.size(), 1U);
    // cs2cs: 40N 71E is (670725.4943, 4429672.9731) in UTM 42N.
    EXPECT_NEAR(d.incidents.features[0].position.lon, 71.0, 1e-8);
    EXPECT_NEAR(d.incidents.features[0].position.lat, 40.0, 1e-8);
    EXPECT_EQ(d.findings.count("assumed_crs"), 1U);
}

TEST(Load, CsvWktColumn) {
    LoadOptions o = only(Role::Incidents, "incidents_wkt.csv");
    o.assume_crs = "EPSG:4326";
    const Dataset d = load_dataset(o);
    ASSERT_EQ(d.incidents.features.size(), 1U);
    EXPECT_DOUBLE_EQ(d.incidents.features[0].position.lon, 70.25);
    EXPECT_DOUBLE_EQ(d.incidents.features[0].position.lat, 40.75);
}

TEST(Load, ProjectedInputIsReprojectedToWgs84) {
    const Dataset d = load_dataset(only(Role::Incidents, "incidents_utm42n.geojson"));
    ASSERT_EQ(d.incidents.features.size(), 1U);
    EXPECT_EQ(d.incidents.origin.crs, "EPSG:32642");
    EXPECT_NEAR(d.incidents.features[0].position.lon, 71.0, 1e-8);
    EXPECT_NEAR(d.incidents.features[0].position.lat, 40.0, 1e-8);
}

TEST(Load, FieldMappingRenamesSourceFields) {
    LoadOptions o = only(Role::Settlements, "settlements.csv");
    add_field_mapping(o, "settlements.id=name");
    add_field_mapping(o, "settlements.name=country");
    const Dataset d = load_dataset(o);
    EXPECT_EQ(d.settlements.features[0].id, "Vorukh");
    EXPECT_EQ(d.settlements.features[0].name, "TJK");
    // The unmapped id column is kept as an attribute.
    EXPECT_EQ(d.settlements.features[0].attributes,
              (Attributes{{"id", "1"}}));

    LoadOptions missing = only(Role::Settlements, "settlements.csv");
    add_field_mapping(missing, "settlements.id=tkid");
    EXPECT_NE(error_of(missing).find("the layer has no field 'tkid'"), std::string::npos);
    EXPECT_THROW(add_field_mapping(missing, "incidents.nope=x"), UsageError);
    EXPECT_THROW(add_field_mapping(missing, "rivers.id=x"), UsageError);
    EXPECT_THROW(add_field_mapping(missing, "incidents.id"), UsageError);
}

TEST(Load, PolygonLayerGivenAsIncidentsIsAnError) {
    const std::string what = error_of(only(Role::Incidents, "polygons.geojson"));
    EXPECT_NE(what.find("wrong geometry type: the layer holds Polygon, the incidents role takes points"),
              std::string::npos)
        << what;
}

TEST(Load, InvalidAndUnclosedPolygonsAreRepairedAndReported) {
    const Dataset d = load_dataset(only(Role::Enclaves, "enclaves_invalid.geojson"));
    ASSERT_EQ(d.enclaves.features.size(), 2U);
    const Finding* invalid = find(d, "invalid_geometry");
    ASSERT_NE(invalid, nullptr);
    EXPECT_EQ(invalid->where.feature, "Bow tie");
    EXPECT_NE(invalid->message.find("Self-intersection"), std::string::npos) << invalid->message;
    EXPECT_EQ(d.enclaves.features[0].geometry.polygons().size(), 2U);  // two triangles
    EXPECT_EQ(d.findings.count("unclosed_ring"), 1U);
    const auto& ring = d.enclaves.features[1].geometry.polygons()[0].rings[0];
    EXPECT_EQ(ring.front(), ring.back());
}

TEST(Load, OutOfRangeCoordinatesAreErrors) {
    const std::string what = error_of(only(Role::Incidents, "incidents_out_of_range.csv"));
    EXPECT_NE(what.find("coordinates outside longitude -180..180 / latitude -90..90"), std::string::npos)
        << what;
}

TEST(Load, SwappedLonLatIsDetectedAgainstTheCountries) {
    LoadOptions o;
    o.data = fixtures + "countries_overlap.geojson";
    o.roles[Role::Countries].source = fixtures + "countries_overlap.geojson";
    o.roles[Role::Incidents].source = fixtures + "incidents_swapped.csv";
    o.wanted = {Role::Countries, Role::Incidents};
    const std::string what = error_of(o);
    EXPECT_NE(what.find("would with longitude and latitude swapped"), std::string::npos) << what;
}

TEST(Load, MissingRoleLayerInAMultiLayerSourceAsksForALayerName) {
    LoadOptions o;
    o.data = fixtures + "countries_overlap.geojson";
    o.roles[Role::Incidents].source = fixtures + "countries_overlap.geojson";
    o.roles[Role::Incidents].layer = "nope";
    o.wanted = {Role::Incidents};
    EXPECT_NE(error_of(o).find("no layer 'nope' for role incidents"), std::string::npos);
}

TEST(Load, MaxFeaturesGuard) {
    LoadOptions o = only(Role::Settlements, "settlements.csv");
    o.max_features = 3;
    EXPECT_NE(error_of(o).find("layer has 4 features, more than --max-features 3"), std::string::npos);
}

TEST(Load, DateTypedFieldsAreReadAsDates) {
    // GDAL's GeoJSON reader types this column as DateTime (ISO dates and date-times mixed);
    // the loader takes the date part as GDAL read it, without a detour through text.
    testing::TempDir dir("dates");
    const std::string path = (dir.path / "incidents.geojson").string();
    std::ofstream(path) << R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"d","date":"2022-09-14","fatalities":3},"geometry":{"type":"Point","coordinates":[70.5,40.1]}},
{"type":"Feature","properties":{"id":"t","date":"2021-04-29T23:15:00Z"},"geometry":{"type":"Point","coordinates":[70.6,40.2]}},
{"type":"Feature","properties":{"id":"none","date":null},"geometry":{"type":"Point","coordinates":[70.7,40.3]}}
]})";
    LoadOptions o;
    o.roles[Role::Incidents].source = path;
    o.wanted = {Role::Incidents};
    const Dataset d = load_dataset(o);
    ASSERT_EQ(d.incidents.features.size(), 3U);
    const Incident& day = d.incidents.features[0];
    ASSERT_TRUE(day.date.has_value());
    EXPECT_EQ(day.date->to_string(), "2022-09-14");
    EXPECT_EQ(day.date->first, *Date::from_ymd(2022, 9, 14));
    EXPECT_EQ(day.date->last, day.date->first);
    const Incident& time = d.incidents.features[1];
    ASSERT_TRUE(time.date.has_value());
    EXPECT_EQ(time.date->to_string(), "2021-04-29");  // the date part, as written (UTC)
    EXPECT_FALSE(d.incidents.features[2].date.has_value());
    EXPECT_EQ(d.findings.count(Severity::Error), 0U);

    // Only an incident with counts, texts or attributes carries details; copies are deep.
    EXPECT_EQ(day.details().fatalities, 3);
    EXPECT_TRUE(time.details().empty());
    Incident copy = day;
    copy.mutable_details().fatalities = 7;
    EXPECT_EQ(day.details().fatalities, 3);
    EXPECT_EQ(copy.details().fatalities, 7);
    copy = time;
    EXPECT_TRUE(copy.details().empty());
}

}  // namespace fergana::layers

namespace fergana::layers {

TEST(Load, InvalidUtf8IsReplacedAndReported) {
    // Bytes as a Latin-1 or broken export leaves them; GDAL's CSV reader passes them through.
    // RFC 3629 forbids overlong forms, surrogates and lead bytes above 0xF4 as well.
    testing::TempDir dir("utf8");
    const std::string path = (dir.path / "incidents.csv").string();
    std::ofstream(path, std::ios::binary) << "id,lon,lat,type\n"
                                             "a-long-plain-ascii-id,70.1,40.1,x\n"    // the eight-byte path
                                             "caf\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80,70.2,40.2,x\n"  // valid: 2, 3, 4 bytes
                                             "latin1 caf\xE9,70.3,40.3,x\n"           // a lone lead byte
                                             "surrogate \xED\xA0\x80,70.4,40.4,x\n"   // U+D800
                                             "overlong \xE0\x80\xAF,70.5,40.5,x\n"    // '/' in three bytes
                                             "beyond \xF5\x80\x80\x80!,70.6,40.6,x\n";  // above U+10FFFF
    LoadOptions o;
    o.roles[Role::Incidents].source = path;
    o.wanted = {Role::Incidents};
    const Dataset d = load_dataset(o);
    ASSERT_EQ(d.incidents.features.size(), 6U);
    const std::string r = "\xEF\xBF\xBD";  // U+FFFD
    EXPECT_EQ(d.incidents.features[0].id, "a-long-plain-ascii-id");
    EXPECT_EQ(d.incidents.features[1].id, "caf\xC3\xA9-\xE2\x82\xAC-\xF0\x9F\x98\x80");
    EXPECT_EQ(d.incidents.features[2].id, "latin1 caf" + r);
    EXPECT_EQ(d.incidents.features[3].id, "surrogate " + r + r + r);
    EXPECT_EQ(d.incidents.features[4].id, "overlong " + r + r + r);
    EXPECT_EQ(d.incidents.features[5].id, "beyond " + r + r + r + r + "!");
    std::size_t reported = 0;
    for (const Finding& f : d.findings.list()) reported += f.code == "invalid_utf8" ? 1 : 0;
    EXPECT_EQ(reported, 4U);  // one per repaired feature
}

TEST(Load, UnusedIncidentFieldsAreNeitherReadNorChecked) {
    // What a command's --select leaves out of the incidents (LoadOptions::incident_fields_unused)
    // is not read, so a bad value there is not reported either: 'many' is not a count.
    testing::TempDir dir("unused");
    LoadOptions o = incidents_from_csv(dir, "id,lon,lat,date,type,fatalities,precision_m,note\n"
                                            "a,70.1,40.1,2022-09-14,Shelling,many,25,seen from the road\n");
    o.keep_going = true;  // the bad count is an error: keep it as a finding
    auto bad_numbers = [](const Dataset& d) {
        return std::count_if(d.findings.list().begin(), d.findings.list().end(),
                             [](const Finding& f) { return f.code == "bad_number"; });
    };

    const Dataset all = load_dataset(o);
    ASSERT_EQ(all.incidents.features.size(), 1U);
    const Incident& full = all.incidents.features[0];
    EXPECT_EQ(full.type, "shelling");
    EXPECT_EQ(full.precision_m, 25.0);
    ASSERT_EQ(full.details().attributes.size(), 1U);
    EXPECT_EQ(bad_numbers(all), 1);

    o.incident_fields_unused = {"id", "date", "type", "fatalities", "precision_m"};
    o.incident_attributes_unused = true;
    const Dataset some = load_dataset(o);
    ASSERT_EQ(some.incidents.features.size(), 1U);
    const Incident& lean = some.incidents.features[0];
    EXPECT_EQ(lean.id, "a");  // the id names features in messages: always read
    EXPECT_FALSE(lean.date.has_value());  // not read: undated
    EXPECT_EQ(lean.type, "");
    EXPECT_FALSE(lean.precision_m.has_value());
    EXPECT_TRUE(lean.details().empty());
    EXPECT_EQ(bad_numbers(some), 0);
    EXPECT_EQ(lean.position, full.position);

    // A field the source is filtered on is read all the same.
    o.incident_types = {"shelling"};
    o.incidents_from = Date::from_ymd(2022, 1, 1);
    const Dataset filtered = load_dataset(o);
    ASSERT_EQ(filtered.incidents.features.size(), 1U);
    EXPECT_EQ(filtered.incidents.features[0].type, "shelling");
    ASSERT_TRUE(filtered.incidents.features[0].date.has_value());
    EXPECT_EQ(filtered.incidents.features[0].date->to_string(), "2022-09-14");
}

TEST(Load, AColumnAKeptFieldReadsIsNeverIgnored) {
    // An unused field mapped to the column of a kept one (--field incidents.description=kind),
    // and an unused attribute column whose name is the id's in another case: both columns are
    // still read, since GDAL ignores fields by name, whatever the case.
    testing::TempDir dir("kept_columns");
    LoadOptions o = incidents_from_csv(dir, "id,lon,lat,kind,ID\n"
                                            "a,70.1,40.1,Shelling,other\n");
    o.fields[Role::Incidents]["type"] = "kind";
    o.fields[Role::Incidents]["description"] = "kind";
    o.incident_fields_unused = {"description"};
    o.incident_attributes_unused = true;
    const Dataset d = load_dataset(o);
    ASSERT_EQ(d.incidents.features.size(), 1U);
    EXPECT_EQ(d.incidents.features[0].id, "a");
    EXPECT_EQ(d.incidents.features[0].type, "shelling");
    EXPECT_TRUE(d.incidents.features[0].details().empty());
}

}  // namespace fergana::layers
