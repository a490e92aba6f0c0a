// fergana against a real PostgreSQL + PostGIS server (the `postgis` label; docs/postgis.md).
// tests/postgis/pg_cluster.sh starts a private cluster (CTest fixture postgis.start); the
// PostgisLoad test (fixture postgis.load) copies the bundled layers into it through the
// engine; the tests below then compare runs on the server with runs on the GeoPackage,
// write tables, and check errors, password redaction and what reached the server.
#include "tests/postgis/pg_server.hpp"

#include "geo/error.hpp"
#include "layers/output.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

namespace fergana::testing {

namespace {

const std::string bundled = FERGANA_BUNDLED_DATA;
// The roles the bundled GeoPackage holds (countries_ne is not a role).
const std::vector<std::string> bundled_roles = {"countries", "borders", "claims",     "enclaves",
                                                "water",     "settlements", "incidents"};

std::string shell_quoted(const std::string& s) {
    return "'" + s + "'";
}

/// Features of a GeoJSON FeatureCollection by a property.
std::map<std::string, nlohmann::json> by_key(const std::string& geojson, const std::string& key) {
    std::map<std::string, nlohmann::json> out;
    const nlohmann::json parsed = nlohmann::json::parse(geojson);
    for (const auto& f : parsed["features"]) out[f["properties"][key].get<std::string>()] = f;
    return out;
}

/// Numbers within `tolerance`, everything else equal.
void expect_same_json(const nlohmann::json& a, const nlohmann::json& b, const std::string& where, double tolerance) {
    if (a.is_number() && b.is_number()) {
        EXPECT_NEAR(a.get<double>(), b.get<double>(), tolerance) << where;
    } else if (a.is_object() && b.is_object()) {
        EXPECT_EQ(a.size(), b.size()) << where;
        for (const auto& [k, v] : a.items()) {
            ASSERT_TRUE(b.contains(k)) << where << "." << k;
            expect_same_json(v, b[k], where + "." + k, tolerance);
        }
    } else if (a.is_array() && b.is_array()) {
        ASSERT_EQ(a.size(), b.size()) << where;
        for (std::size_t i = 0; i < a.size(); ++i) expect_same_json(a[i], b[i], where + "[" + std::to_string(i) + "]", tolerance);
    } else {
        EXPECT_EQ(a, b) << where;
    }
}

/// The same features (by `key`), properties equal with distances within 1e-6 m.
void expect_same_features(const std::string& gpkg_run, const std::string& pg_run, const std::string& key) {
    const auto a = by_key(gpkg_run, key);
    const auto b = by_key(pg_run, key);
    ASSERT_FALSE(a.empty());
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [id, feature] : a) {
        ASSERT_TRUE(b.count(id)) << id << " is missing from the PostGIS run";
        expect_same_json(feature, b.at(id), id, 1e-6);
    }
}

std::set<std::string> ids_of(const std::string& geojson) {
    std::set<std::string> out;
    for (const auto& [id, f] : by_key(geojson, "id")) out.insert(id);
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// The fixture postgis.load: the bundled layers, copied into PostGIS by fergana itself.

TEST_F(PostgisTest, LoadBundledLayersThroughTheEngine) {
    for (const std::string& role : bundled_roles) {
        // `query bbox` over the whole world returns every validated feature of the role with
        // its canonical fields and attributes: the engine's own copy of the layer.
        const CliResult r = run_fergana("query bbox -180,-90,180,90 --in " + role + " --data " + bundled + " -q -o " +
                                        shell_quoted(pg.conn) + " --table " + role + " --overwrite");
        ASSERT_EQ(r.exit_code, 0) << role << ": " << r.err;
    }
    const CliResult gpkg = run_fergana("layers --json --data " + bundled);
    const CliResult db = run_fergana("layers --json --data " + shell_quoted(pg.conn));
    ASSERT_EQ(gpkg.exit_code, 0) << gpkg.err;
    ASSERT_EQ(db.exit_code, 0) << db.err;
    EXPECT_NO_PASSWORD(db.out, pg.password);
    std::map<std::string, std::int64_t> counts;
    const nlohmann::json gpkg_layers = nlohmann::json::parse(gpkg.out)["layers"];  // kept alive for the loop
    for (const auto& l : gpkg_layers) counts[l["name"]] = l["feature_count"];
    std::set<std::string> copied;
    const nlohmann::json db_layers = nlohmann::json::parse(db.out)["layers"];
    for (const auto& l : db_layers) {
        const std::string name = l["name"];
        if (std::find(bundled_roles.begin(), bundled_roles.end(), name) == bundled_roles.end()) continue;
        EXPECT_EQ(l["feature_count"].get<std::int64_t>(), counts[name]) << name;
        copied.insert(name);
    }
    EXPECT_EQ(copied.size(), bundled_roles.size());
}

// ---------------------------------------------------------------------------
// The same answers from PostGIS as from the GeoPackage.

TEST_F(PostgisTest, ProximityEqualsTheGeoPackageRun) {
    const std::string options = "proximity -q -o - --as-of 2024-01-01 ";
    const CliResult gpkg = run_fergana(options + "--data " + bundled);
    const CliResult db = run_fergana(options + "--data " + shell_quoted(pg.conn));
    ASSERT_EQ(gpkg.exit_code, 0) << gpkg.err;
    ASSERT_EQ(db.exit_code, 0) << db.err;
    expect_same_features(gpkg.out, db.out, "id");
}

TEST_F(PostgisTest, AffectedEqualsTheGeoPackageRun) {
    const std::string options = "affected -q -o - --radius 10km ";
    const CliResult gpkg = run_fergana(options + "--data " + bundled);
    const CliResult db = run_fergana(options + "--data " + shell_quoted(pg.conn));
    ASSERT_EQ(gpkg.exit_code, 0) << gpkg.err;
    ASSERT_EQ(db.exit_code, 0) << db.err;
    expect_same_features(gpkg.out, db.out, "id");
}

TEST_F(PostgisTest, DisputedEqualsTheGeoPackageRun) {
    const std::string options = "disputed -q -o - --as-of 2024-01-01 ";
    const CliResult gpkg = run_fergana(options + "--data " + bundled);
    const CliResult db = run_fergana(options + "--data " + shell_quoted(pg.conn));
    ASSERT_EQ(gpkg.exit_code, 0) << gpkg.err;
    ASSERT_EQ(db.exit_code, 0) << db.err;
    const nlohmann::json a = nlohmann::json::parse(gpkg.out);
    const nlohmann::json b = nlohmann::json::parse(db.out);
    ASSERT_FALSE(a["features"].empty());
    expect_same_json(a, b, "disputed", 1e-6);
}

// ---------------------------------------------------------------------------
// Writing tables.

TEST_F(PostgisTest, OutputTableHasGeometryTypeSridPrimaryKeyGistIndexAndProvenance) {
    const std::string e = unique("out_enclaves");
    const std::string schema = unique("results");
    const std::string t = unique("out_proximity");
    const CliResult w = run_fergana("proximity -q --as-of 2024-01-01 -o " + shell_quoted(pg.conn) +
                                    " --table " + t + " --overwrite --data " + shell_quoted(pg.conn));
    ASSERT_EQ(w.exit_code, 0) << w.err;
    CliResult r = pg.sql(
        "SELECT type, srid, coord_dimension FROM geometry_columns WHERE f_table_name = '" + t + "';"
        "SELECT count(*) FROM " + t + ";"
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "  WHERE i.indrelid = '" + t + "'::regclass AND i.indisprimary;"
        "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
        "  WHERE i.indrelid = '" + t + "'::regclass AND NOT i.indisprimary;");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "POINT|4326|2\n86\nfid\ngist\n");
    // The provenance is the table's comment: redacted, with the server's version.
    r = pg.sql("SELECT obj_description('" + t + "'::regclass)");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NO_PASSWORD(r.out, pg.password);
    const nlohmann::json provenance = nlohmann::json::parse(r.out);
    EXPECT_EQ(provenance["command"], "proximity");
    EXPECT_NE(provenance["outputs"][0].get<std::string>().find("password=*** table " + t), std::string::npos);
    for (const auto& in : provenance["inputs"]) {
        EXPECT_TRUE(in["sha256"].is_null());
        EXPECT_NE(in["server"].get<std::string>().find("PostGIS"), std::string::npos);
    }
    // Field names as in the files (no laundering), polygons as MULTIPOLYGON.
    r = pg.sql("SELECT column_name FROM information_schema.columns WHERE table_name = '" + t + "' "
               "AND column_name = 'marker-color'");
    EXPECT_EQ(r.out, "marker-color\n");
    const CliResult enclaves = run_fergana("query bbox -180,-90,180,90 --in enclaves -q -o " + shell_quoted(pg.conn) +
                                           " --table " + schema + "." + e + " --data " + bundled);
    EXPECT_EQ(enclaves.exit_code, 1) << "no such schema yet";
    EXPECT_NO_PASSWORD(enclaves.err, pg.password);
    ASSERT_EQ(pg.sql("CREATE SCHEMA " + schema).exit_code, 0);
    const CliResult again = run_fergana("query bbox -180,-90,180,90 --in enclaves -q -o " + shell_quoted(pg.conn) +
                                        " --table " + schema + "." + e + " --overwrite --data " + bundled);
    ASSERT_EQ(again.exit_code, 0) << again.err;
    r = pg.sql("SELECT type, srid FROM geometry_columns WHERE f_table_schema = '" + schema + "' AND f_table_name = '" + e +
               "'");
    EXPECT_EQ(r.out, "MULTIPOLYGON|4326\n");
}

TEST_F(PostgisTest, ExistingTableNeedsOverwriteOrAppend) {
    const std::string t = unique("out_settlements");
    const std::string write = "query bbox 70,40,71,41 --in settlements -q --data " + bundled + " -o " + shell_quoted(pg.conn) +
                              " --table " + t;
    ASSERT_EQ(pg.sql("DROP TABLE IF EXISTS " + t).exit_code, 0);
    CliResult r = run_fergana(write);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string rows = pg.sql("SELECT count(*) FROM " + t).out;
    ASSERT_NE(rows, "0\n");

    r = run_fergana(write);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("table '" + t + "' exists"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--overwrite"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--append"), std::string::npos) << r.err;
    EXPECT_NO_PASSWORD(r.err, pg.password);
    EXPECT_EQ(pg.sql("SELECT count(*) FROM " + t).out, rows) << "refused, so untouched";

    r = run_fergana(write + " --overwrite");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(pg.sql("SELECT count(*) FROM " + t).out, rows);

    r = run_fergana(write + " --append");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(std::stoi(pg.sql("SELECT count(*) FROM " + t).out), 2 * std::stoi(rows));

    // Usage errors name both options.
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o /tmp/x.geojson --append");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--append"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("-o"), std::string::npos) << r.err;
    r = run_fergana(write + " --append --overwrite");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--append and --overwrite"), std::string::npos) << r.err;
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o " + shell_quoted(pg.conn));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--table"), std::string::npos) << r.err;
    EXPECT_NO_PASSWORD(r.err, pg.password);
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o " + shell_quoted(pg.conn) + " --table 'Bad Name'");
    EXPECT_EQ(r.exit_code, 2);
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q -o /tmp/x.geojson --table t");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--table"), std::string::npos) << r.err;
}

TEST_F(PostgisTest, AppendChecksColumnsAndIsAllOrNothing) {
    const std::string t = unique("out_append");
    ASSERT_EQ(pg.sql("DROP TABLE IF EXISTS " + t).exit_code, 0);
    const std::string target = " -q -o " + shell_quoted(pg.conn) + " --table " + t;
    CliResult r = run_fergana("query bbox 70,40,71,41 --in settlements --data " + bundled + target);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string rows = pg.sql("SELECT count(*) FROM " + t).out;

    // Other columns: refused, naming the column.
    r = run_fergana("query bbox 70,40,71,41 --in incidents --data " + bundled + target + " --append");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--append: the table has no column"), std::string::npos) << r.err;

    // Rows the table refuses (a CHECK constraint) after others it takes: nothing is appended.
    const CliResult check = pg.sql("ALTER TABLE " + t + " ADD CONSTRAINT west_of_71 CHECK (ST_X(geom) <= 71)");
    ASSERT_EQ(check.exit_code, 0) << check.err;
    r = run_fergana("query bbox 69,39,74,43 --in settlements --data " + bundled + target + " --append");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("west_of_71"), std::string::npos) << "the constraint is named: " << r.err;
    EXPECT_NO_PASSWORD(r.err, pg.password);
    EXPECT_EQ(pg.sql("SELECT count(*) FROM " + t).out, rows);
}

TEST_F(PostgisTest, AFailedWriteLeavesNoHalfTableAndTheOldTableUntouched) {
    const std::string t = unique("out_atomic");
    // A LATIN1 database refuses Cyrillic text: a row fails after others were sent, as a
    // lost connection or a full disk would.
    // (pg_cluster.sh creates the database fergana_latin1, with PostGIS.)
    const std::string latin1 = pg.conn_to("fergana_latin1");
    const std::string psql = pg.psql.substr(0, pg.psql.rfind("-d fergana")) + "-d fergana_latin1";
    const auto run_sql = [&](const std::string& statement) {
        PgServer other = pg;
        other.psql = psql;
        return other.sql(statement);
    };
    const CliResult r = run_sql("DROP TABLE IF EXISTS " + t);
    ASSERT_EQ(r.exit_code, 0) << r.err;

    using layers::FieldKind;
    const auto table = [](bool broken) {
        layers::OutputTable rows("rows", {{"name", FieldKind::Text}});
        for (int i = 0; i < 50; ++i) rows.add(geo::Geometry::point({70.0 + i * 0.01, 40.0}), {std::string("good")});
        if (broken) rows.add(geo::Geometry::point({71, 40}), {std::string("\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2")});
        return rows;
    };
    layers::WriteOptions options;
    options.table = t;
    try {
        layers::write_table(table(true), latin1, options);
        ADD_FAILURE() << "the row LATIN1 cannot hold was written";
    } catch (const LayerError& e) {
        EXPECT_NO_PASSWORD(std::string(e.what()), pg.password);
    }
    EXPECT_EQ(run_sql("SELECT to_regclass('" + t + "') IS NULL").out, "t\n") << "no half table";

    layers::write_table(table(false), latin1, options);
    options.overwrite = true;
    EXPECT_THROW(layers::write_table(table(true), latin1, options), LayerError);
    EXPECT_EQ(run_sql("SELECT count(*) FROM " + t).out, "50\n") << "the old table, untouched";
    options.overwrite = false;
    options.append = true;
    EXPECT_THROW(layers::write_table(table(true), latin1, options), LayerError);
    EXPECT_EQ(run_sql("SELECT count(*) FROM " + t).out, "50\n") << "nothing appended";
}

// ---------------------------------------------------------------------------
// Errors: exit 1, clear, never the password.

// An unreachable server (no cluster needed): tests/cli/postgis_options_test.cpp.

TEST_F(PostgisTest, WrongPasswordIsExit1AndNeverPrinted) {
    const std::string wrong = "Wr0ng-pass-7";
    const std::string conn = pg.conn.substr(0, pg.conn.find("password=")) + "password=" + wrong;
    const CliResult r = run_fergana("layers --data " + shell_quoted(conn));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
    EXPECT_NO_PASSWORD(r.err, wrong);
}

TEST_F(PostgisTest, MissingTableIsExit1NamingIt) {
    const CliResult r = run_fergana("proximity -q --data " + shell_quoted(pg.conn) + " --incidents " + shell_quoted(pg.conn) +
                                    " --incidents-layer public.no_such_table");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no table 'public.no_such_table'"), std::string::npos) << r.err;
    EXPECT_NO_PASSWORD(r.err, pg.password);
}

TEST_F(PostgisTest, DatabaseWithoutPostgisIsExit1) {
    const std::string plain = pg.conn_to("fergana_plain");
    CliResult r = run_fergana("proximity -q --data " + shell_quoted(plain));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no PostGIS extension"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("CREATE EXTENSION postgis"), std::string::npos) << r.err;
    EXPECT_NO_PASSWORD(r.err, pg.password);
    r = run_fergana("query bbox 70,40,71,41 --in settlements -q --data " + bundled + " -o " + shell_quoted(plain) +
                    " --table t");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no PostGIS extension"), std::string::npos) << r.err;
}

TEST_F(PostgisTest, ProvenanceRecordsRedactedSourcesAndTheServer) {
    const auto dir = std::filesystem::temp_directory_path() / ("fergana-pg-prov-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string out = (dir / "p.geojson").string();
    const CliResult r =
        run_fergana("query bbox 70,40,71,41 --in settlements -q --overwrite -o " + out + " --data=" + shell_quoted(pg.conn));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string text = slurp(out + ".provenance.json");
    EXPECT_NO_PASSWORD(text, pg.password);
    const nlohmann::json p = nlohmann::json::parse(text);
    bool argv_redacted = false;
    for (const auto& a : p["argv"]) argv_redacted |= a.get<std::string>().find("password=***") != std::string::npos;
    EXPECT_TRUE(argv_redacted) << p["argv"];
    ASSERT_FALSE(p["inputs"].empty());
    for (const auto& in : p["inputs"]) {
        EXPECT_EQ(in["driver"], "PostgreSQL");
        EXPECT_TRUE(in["sha256"].is_null());
        EXPECT_NE(in["source"].get<std::string>().find("password=***"), std::string::npos);
        EXPECT_EQ(in["server"].get<std::string>().rfind("PostgreSQL 15", 0), 0U) << in["server"];
    }
    std::filesystem::remove_all(dir);
}

TEST_F(PostgisTest, LibpqEnvironmentAndServiceFileWork) {
    const std::string env = "PGHOST=127.0.0.1 PGPORT=" + pg.port + " PGUSER=fergana PGPASSWORD=" + pg.password + " ";
    // run_fergana runs through the shell: a prefix of assignments is the command's environment.
    const auto dir = std::filesystem::temp_directory_path() / ("fergana-pg-service-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        std::ofstream service(dir / "pg_service.conf");
        service << "[fergana_test]\nhost=127.0.0.1\nport=" << pg.port << "\ndbname=fergana\nuser=fergana\npassword="
                << pg.password << "\n";
    }
    const std::string fergana = std::string(FERGANA_BIN);
    const std::string query = " query bbox 70,40,71,41 --in settlements -q -o - --data ";
    for (const std::string& prefix : {env + fergana + query + "PG:dbname=fergana",
                                      "PGSERVICEFILE=" + (dir / "pg_service.conf").string() + " " + fergana + query +
                                          "PG:service=fergana_test"}) {
        const std::string command = prefix + " >" + (dir / "out").string() + " 2>" + (dir / "err").string();
        const int status = std::system(command.c_str());
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << prefix << "\n" << slurp(dir / "err");
        EXPECT_FALSE(nlohmann::json::parse(slurp(dir / "out"))["features"].empty()) << prefix;
    }
    std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------
// Pushdown: the window, dates and types reach the server, and little is read.

TEST_F(PostgisTest, BboxDatesAndTypesAreFilteredOnTheServer) {
    const std::string t = unique("bulk_incidents");
    // 100,000 incidents on a 0.005° grid over the valley, ten years of dates, four types.
    CliResult r = pg.sql(R"(
        DROP TABLE IF EXISTS )" + t + R"(;
        CREATE TABLE )" + t + R"( AS
        SELECT g AS fid, 'bulk-' || g AS id,
               to_char(DATE '2015-01-01' + (g * 7919) % 3650, 'YYYY-MM-DD') AS date,
               (ARRAY['shelling', 'armed_clash', 'protest', 'arrest'])[1 + (g / 7) % 4] AS type,
               ST_SetSRID(ST_MakePoint(69 + (g % 1000) * 0.005, 39.5 + (g / 1000) * 0.005), 4326)::geometry(Point, 4326)
                   AS geom
        FROM generate_series(0, 99999) g;
        ALTER TABLE )" + t + R"( ADD PRIMARY KEY (fid);
        CREATE INDEX ON )" + t + R"( USING gist (geom);
        ANALYZE )" + t + R"(;)");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string box = "70.1,39.6,70.3,39.8";
    const std::string where =
        "ST_Intersects(geom, ST_MakeEnvelope(70.1, 39.6, 70.3, 39.8, 4326)) AND date BETWEEN '2021-01-01' AND "
        "'2022-12-31' AND type IN ('shelling', 'armed_clash')";
    const int expected = std::stoi(pg.sql("SELECT count(*) FROM " + t + " WHERE " + where).out);
    ASSERT_GT(expected, 5);

    const std::string app = unique("fergana_pushdown");
    const std::string conn = pg.conn + " application_name=" + app;
    const auto dir = std::filesystem::temp_directory_path() / ("fergana-pg-push-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string out = (dir / "p.geojson").string();
    r = run_fergana("proximity -q --overwrite -o " + out + " --data " + shell_quoted(pg.conn) + " --incidents " +
                    shell_quoted(conn) + " --incidents-layer " + t + " --bbox " + box +
                    " --from 2021-01-01 --to 2022-12-31 --type shelling,ARMED_CLASH --as-of 2024-01-01");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(by_key(slurp(out), "id").size(), static_cast<std::size_t>(expected));

    // What reached the server: the window on the GiST-indexed column, the dates and types.
    const std::string log = log_of(app);
    EXPECT_NE(log.find("FROM \"" + t + "\" WHERE \"geom\" && ST_SetSRID('BOX3D(70.0999999"), std::string::npos)
        << log;
    EXPECT_NE(log.find("\"date\" COLLATE \"C\" < '2023-01-01'"), std::string::npos) << log;
    EXPECT_NE(log.find("IN ('shelling', 'armed_clash')"), std::string::npos) << log;
    EXPECT_NO_PASSWORD(log, pg.password);

    // What came back: the rows wanted (and no more), not the table.
    const nlohmann::json p = nlohmann::json::parse(slurp(out + ".provenance.json"));
    for (const auto& in : p["inputs"]) {
        if (in["role"] != "incidents") continue;
        EXPECT_EQ(in["read"].get<int>(), expected) << "rows read of 100000";
        EXPECT_NE(in["source_filter"].get<std::string>().find("bbox 70.0999999"), std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

TEST_F(PostgisTest, ServerFiltersNeverDropAnIncidentTheFilterKeeps) {
    const std::string app = unique("fergana_tricky");
    const std::string t = unique("tricky_incidents");
    // Dates in every accepted form, in a text column, and types with odd case and spaces.
    // Kept by --from 2022-03-01 --to 2022-09-14 --type shelling,armed_clash (by hand, from
    // analysis::IncidentFilter's rule: the date range overlaps, the trimmed lower-case type matches).
    CliResult r = pg.sql(R"(
        DROP TABLE IF EXISTS )" + t + R"(;
        CREATE TABLE )" + t + R"( (fid serial PRIMARY KEY, id text, date text, type text, d date,
                                       ts timestamptz, geom geometry(Point, 4326));
        INSERT INTO )" + t + R"( (id, date, type, d, ts, geom) VALUES
          ('day',        '2022-09-14',                'shelling',          '2022-09-14', '2022-09-14 12:00+00', 'SRID=4326;POINT(70.5 40.1)'),
          ('spaced',     ' 2022-09-14',               'Shelling',          '2022-03-01', '2022-03-01 00:30+00', 'SRID=4326;POINT(70.5 40.1)'),
          ('year',       '2022',                      ' armed_clash ',     '2022-02-28', '2022-02-27 12:00+00', 'SRID=4326;POINT(70.5 40.1)'),
          ('month',      '2022-09',                   'ARMED_CLASH',       '2022-09-15', '2022-09-16 12:00+00', 'SRID=4326;POINT(70.5 40.1)'),
          ('range-in',   '2021-12-31/2022-03-01',     E'shelling\t',       NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)'),
          ('range-over', '2020-01-01/2024-01-01',     'armed_clash',       '2022-06-01', '2022-06-01 12:00+00', 'SRID=4326;POINT(70.5 40.1)'),
          ('datetime',   '2022-09-14T23:30:00+05:00', 'shelling',          '2022-06-01', '2022-06-01 12:00+00', 'SRID=4326;POINT(70.5 40.1)'),
          ('day-after',  '2022-09-15',                'shelling',          NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)'),
          ('day-before', '2022-02-28',                'shelling',          NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)'),
          ('year-before','2021',                      'shelling',          NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)'),
          ('range-after','2023-01-01/2023-02-01',     'shelling',          NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)'),
          ('undated',    NULL,                        'shelling',          NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)'),
          ('other-type', '2022-05-01',                'protest',           NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)'),
          ('no-type',    '2022-05-01',                NULL,                NULL,         NULL,                  'SRID=4326;POINT(70.5 40.1)');)");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string filters = " --from 2022-03-01 --to 2022-09-14 --type shelling,armed_clash";
    const std::string run = "proximity -q -o - --as-of 2024-01-01 --data " + shell_quoted(pg.conn) + " --incidents " +
                            shell_quoted(pg.conn + " application_name=" + app) +
                            " --incidents-layer " + t;
    r = run_fergana(run + filters);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ids_of(r.out), (std::set<std::string>{"day", "spaced", "year", "month", "range-in", "range-over",
                                                    "datetime"}));
    EXPECT_NE(log_of(app).find("\"date\" COLLATE \"C\""), std::string::npos) << "pushed down";

    // A date column, and a timestamp column (filtered a day wider on the server).
    r = run_fergana(run + filters + " --field incidents.date=d");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ids_of(r.out), (std::set<std::string>{"day", "spaced", "range-over", "datetime"}));
    r = run_fergana(run + filters + " --field incidents.date=ts");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ids_of(r.out), (std::set<std::string>{"day", "spaced", "range-over", "datetime"}));
    EXPECT_NE(log_of(app).find("\"ts\" < DATE '2022-09-16'"), std::string::npos);
}

}  // namespace fergana::testing
