// Place names on the command line (tools/place.hpp), the same for `query` and
// `map --center`: how names match, which place wins, and the errors for unknown and
// ambiguous names. On the small fixture (tests/data/small/README.md) and the bundled data.
#include "tests/cli/golden.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fergana::testing {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// Expects a usage error (exit 2) on one line naming each of `parts`.
void expect_usage_error(const CliResult& r, const std::vector<std::string>& parts) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const std::string& p : parts)
        EXPECT_NE(r.err.find(p), std::string::npos) << "missing '" << p << "' in " << r.err;
}

}  // namespace

TEST(PlaceNames, CaseSpacesHyphensAndApostrophesAreIgnored) {
    for (const char* name :
         {"Westville", "WESTVILLE", "'west ville'", "west-ville", "\"West'ville\""}) {
        const CliResult r = run_fergana(std::string("query nearest ") + name +
                                        " --in incidents --format json" + small_data());
        ASSERT_EQ(r.exit_code, 0) << name << "\n" << r.err;
        EXPECT_EQ(json::parse(r.out)[0]["id"], "at-5km") << name;  // exactly 5,000 m from Westville
        EXPECT_NE(r.err.find("query: from Westville (settlement s1, KGZ)"), std::string::npos)
            << r.err;
    }
}

TEST(PlaceNames, AnEnclaveByNameIsTheCentreOfItsBox) {
    // Testabad is 70.2-70.25 x 40.1-40.15: its centre (70.225, 40.125) is in-enclave, 0 m.
    const CliResult r =
        run_fergana("query nearest testabad --in incidents --format json" + small_data());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json rows = json::parse(r.out);
    EXPECT_EQ(rows[0]["id"], "in-enclave");
    EXPECT_NEAR(rows[0]["distance_m"].get<double>(), 0.0, 1e-6);
    EXPECT_NE(r.err.find("from Testabad (enclave of TJK)"), std::string::npos) << r.err;
}

TEST(PlaceNames, ASettlementWinsOverAnEnclaveOfTheSameName) {
    OutputDir dir;
    const std::string settlements = dir / "settlements.csv";
    std::ofstream(settlements)
        << "id,name,country,population,lon,lat\nt1,Testabad,TJK,50,70.49,40.195\n";
    const std::string data = " --data " + small_fixture() + "countries.geojson --enclaves " +
                             small_fixture() + "enclaves.geojson --settlements " + settlements +
                             " --incidents " + small_fixture() + "incidents.csv";
    const CliResult r = run_fergana("query nearest Testabad --in incidents --format json" + data);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("from Testabad (settlement t1, TJK)"), std::string::npos) << r.err;
    EXPECT_EQ(json::parse(r.out)[0]["id"],
              "after-treaty");  // 555.19 m north of the settlement's spot
}

TEST(PlaceNames, UnknownNamesListTheClosestAndAreUsageErrors) {
    expect_usage_error(
        run_fergana("query near Westvile --radius 1km --in incidents" + small_data()),
        {"no settlement or enclave named 'Westvile'",
         "closest names: Westville (settlement s1, KGZ)", "hint:"});
    // map --center resolves names the same way.
    OutputDir dir;
    expect_usage_error(run_fergana("map -q --center Bulgabad -o " + (dir / "m.png") + small_data()),
                       {"no settlement or enclave named 'Bulgabad'",
                        "closest names: Bulgeabad (settlement s4, KGZ)"});
    EXPECT_TRUE(fs::is_empty(dir.path));
    // Without settlements and enclaves there is no name to suggest.
    expect_usage_error(
        run_fergana("query near Westville --radius 1km --in incidents --data " + small_fixture() +
                    "countries.geojson --incidents " + small_fixture() + "incidents.csv"),
        {"no settlement or enclave named 'Westville'", "give LON,LAT instead"});
}

TEST(PlaceNames, AmbiguousNamesListEveryCandidate) {
    OutputDir dir;
    const std::string settlements = dir / "twins.csv";
    std::ofstream(settlements)
        << "id,name,country,population,lon,lat\na,Twin,KGZ,10,70.3,40.2\nb,Twin,TJK,20,70.7,40.2\n";
    const std::string data = " --data " + small_fixture() + "countries.geojson --settlements " +
                             settlements + " --incidents " + small_fixture() + "incidents.csv";
    expect_usage_error(
        run_fergana("query nearest twin --in incidents" + data),
        {"place 'twin' is ambiguous: Twin (settlement a, KGZ); Twin (settlement b, TJK)",
         "give LON,LAT instead"});
    // Regression: map --center picked the larger Twin silently.
    expect_usage_error(run_fergana("map -q --center Twin -o " + (dir / "m.png") + data),
                       {"is ambiguous"});
    EXPECT_FALSE(fs::exists(dir / "m.png"));
}

TEST(PlaceNames, ZoneNamesAndRoles) {
    // Countries by ISO3, any case: TJK holds mid-edge and, through Testabad, in-enclave.
    const CliResult tjk =
        run_fergana("query within incidents --zone countries:tjk --format csv" + small_data());
    ASSERT_EQ(tjk.exit_code, 0) << tjk.err;
    EXPECT_NE(tjk.out.find(",mid-edge,"), std::string::npos) << tjk.out;
    EXPECT_NE(tjk.out.find(",in-enclave,"), std::string::npos) << tjk.out;
    EXPECT_EQ(std::count(tjk.out.begin(), tjk.out.end(), '\n'), 3) << tjk.out;
    expect_usage_error(run_fergana("query within incidents --zone enclaves:Nowhere" + small_data()),
                       {"no enclaves named 'Nowhere'", "names: Testabad"});
    expect_usage_error(run_fergana("query within incidents --zone lakes:Issyk" + small_data()),
                       {"--zone 'lakes' is not a role", "roles: countries, borders"});
    expect_usage_error(run_fergana("query within incidents --zone settlements" + small_data()),
                       {"has no polygons"});
}

TEST(PlaceNames, BundledAlternativeNamesAndHomonyms) {
    // GeoNames' ASCII names are in name_alt: "Yangiyul" is Yangiyŭl (UZB, 60,000).
    const CliResult r = run_fergana("query nearest Yangiyul --in settlements --format json");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out)[0]["name"], "Yangiy\xC5\xADl");
    EXPECT_EQ(json::parse(r.out)[0]["distance_m"].get<double>(), 0.0);
    // Two towns of Uzbekistan are called Yangiqo‘rg‘on (GeoNames 1512350 and 1512351).
    expect_usage_error(run_fergana("query nearest Yangiqorgon --in settlements"),
                       {"is ambiguous", "(settlement 1512350, UZB)", "(settlement 1512351, UZB)"});
}

}  // namespace fergana::testing
