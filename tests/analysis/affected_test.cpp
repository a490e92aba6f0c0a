// analysis::affected against known answers (incidents placed with the direct geodesic problem
// at the radius and a millimetre either side of it) and against a brute force that solves
// PROJ's inverse problem for every settlement-incident pair, field by field, bit for bit.
#include "bench/brute_force.hpp"
#include "analysis/affected.hpp"

#include "geo/geodesic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace fergana::analysis {
namespace {

layers::Settlement settlement(std::string id, geo::LonLat position, std::optional<std::int64_t> population,
                              std::string country = "KGZ") {
    layers::Settlement s;
    s.id = std::move(id);
    s.country = std::move(country);
    s.population = population;
    s.position = position;
    return s;
}

layers::Incident incident(std::string id, geo::LonLat position, std::string type = "shelling",
                          std::optional<layers::DateRange> date = {}) {
    layers::Incident i;
    i.id = std::move(id);
    i.position = position;
    i.type = std::move(type);
    i.date = date;
    return i;
}

std::vector<std::size_t> all(const layers::Dataset& data) {
    std::vector<std::size_t> v(data.incidents.features.size());
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
    return v;
}

// PROJ's geodesic, from the incident to the settlement (the direction geo::EdgeIndex solved).
double reference_m(geo::LonLat incident, geo::LonLat place) {
    static const bench::BruteForce brute;
    return brute.distance_m(incident, place);
}

// The definition, pair by pair: in reach when the distance is at most the radius plus
// geo::radius_tolerance_m; lists in incident order, the nearest the first of the nearest,
// per incident its settlements by distance then index.
AffectedResult brute_force(const layers::Dataset& data, const std::vector<std::size_t>& selected,
                           const AffectedOptions& options) {
    AffectedResult r;
    const auto& places = data.settlements.features;
    std::vector<std::vector<std::pair<double, std::size_t>>> by_incident(selected.size());
    for (std::size_t s = 0; s < places.size(); ++s) {
        AffectedSettlement a;
        a.settlement = s;
        for (std::size_t k = 0; k < selected.size(); ++k) {
            const layers::Incident& i = data.incidents.features[selected[k]];
            if (!std::isfinite(i.position.lat)) continue;
            const double d = reference_m(i.position, places[s].position);
            if (!(d <= options.radius_for(i.type) + geo::radius_tolerance_m)) continue;
            by_incident[k].emplace_back(d, s);
            if (a.incidents.empty() || d < a.nearest_incident_distance_m) {
                a.nearest_incident = selected[k];
                a.nearest_incident_distance_m = d;
            }
            a.incidents.push_back(selected[k]);
            if (i.date) {
                a.first_date = a.first_date ? std::min(*a.first_date, i.date->first) : i.date->first;
                a.last_date = a.last_date ? std::max(*a.last_date, i.date->last) : i.date->last;
            }
        }
        if (a.incidents.empty()) continue;
        for (CountryTotals* t : {&r.by_country[places[s].country], &r.total}) {
            ++t->settlements;
            places[s].population ? void(t->population += *places[s].population)
                                 : void(++t->settlements_without_population);
        }
        r.settlements.push_back(a);
    }
    if (options.per_incident) {
        for (std::size_t k = 0; k < selected.size(); ++k) {
            IncidentReach reach;
            reach.incident = selected[k];
            reach.radius_m = options.radius_for(data.incidents.features[selected[k]].type);
            std::sort(by_incident[k].begin(), by_incident[k].end());
            for (const auto& [d, s] : by_incident[k]) {
                reach.settlements.push_back(s);
                if (places[s].population) reach.population += *places[s].population;
            }
            r.per_incident.push_back(reach);
        }
    }
    return r;
}

void expect_same(const AffectedResult& got, const AffectedResult& want) {
    ASSERT_EQ(got.settlements.size(), want.settlements.size());
    for (std::size_t n = 0; n < want.settlements.size(); ++n) {
        const AffectedSettlement& g = got.settlements[n];
        const AffectedSettlement& w = want.settlements[n];
        SCOPED_TRACE("settlement " + std::to_string(w.settlement));
        EXPECT_EQ(g.settlement, w.settlement);
        EXPECT_EQ(g.incidents, w.incidents);
        EXPECT_EQ(g.nearest_incident, w.nearest_incident);
        EXPECT_EQ(g.nearest_incident_distance_m, w.nearest_incident_distance_m);  // bit for bit
        EXPECT_EQ(g.first_date, w.first_date);
        EXPECT_EQ(g.last_date, w.last_date);
    }
    ASSERT_EQ(got.per_incident.size(), want.per_incident.size());
    for (std::size_t k = 0; k < want.per_incident.size(); ++k) {
        SCOPED_TRACE("incident " + std::to_string(k));
        EXPECT_EQ(got.per_incident[k].incident, want.per_incident[k].incident);
        EXPECT_EQ(got.per_incident[k].radius_m, want.per_incident[k].radius_m);
        EXPECT_EQ(got.per_incident[k].settlements, want.per_incident[k].settlements);
        EXPECT_EQ(got.per_incident[k].population, want.per_incident[k].population);
    }
    EXPECT_EQ(got.total.settlements, want.total.settlements);
    EXPECT_EQ(got.total.population, want.total.population);
    EXPECT_EQ(got.total.settlements_without_population, want.total.settlements_without_population);
    EXPECT_EQ(got.by_country.size(), want.by_country.size());
}

// Settlements at four latitudes; around each, incidents at 1 mm inside the radius, at the
// radius and 1 mm beyond it, along seven azimuths. In reach: the first two of each azimuth.
TEST(Affected, OneMillimetreEitherSideOfTheRadius) {
    const std::vector<double> azimuths = {0.0, 37.0, 90.0, 135.0, 180.0, 251.0, 333.0};
    for (const double radius_m : {5000.0, 20000.0}) {
        layers::Dataset data;
        const std::vector<geo::LonLat> places = {{71.0, 40.5}, {-20.0, 0.0}, {130.0, 65.0}, {10.0, -33.0}};
        for (std::size_t s = 0; s < places.size(); ++s) {
            data.settlements.features.push_back(settlement("s" + std::to_string(s), places[s], 1000));
        }
        for (std::size_t s = 0; s < places.size(); ++s) {
            for (const double azimuth : azimuths) {
                for (const double offset_m : {-1e-3, 0.0, 1e-3}) {
                    data.incidents.features.push_back(
                        incident("i" + std::to_string(data.incidents.features.size()),
                                 geo::geodesic_direct(places[s], azimuth, radius_m + offset_m)));
                }
            }
        }
        AffectedOptions options;
        options.radius_m = radius_m;
        const AffectedResult r = affected(data, all(data), options);
        ASSERT_EQ(r.settlements.size(), places.size());
        for (std::size_t s = 0; s < places.size(); ++s) {
            const AffectedSettlement& a = r.settlements[s];
            std::vector<std::size_t> expected;  // -1 mm and 0 of each azimuth, in incident order
            for (std::size_t z = 0; z < azimuths.size(); ++z) {
                expected.push_back((s * azimuths.size() + z) * 3);
                expected.push_back((s * azimuths.size() + z) * 3 + 1);
            }
            EXPECT_EQ(a.incidents, expected) << radius_m << " m, settlement " << s;
            EXPECT_NEAR(a.nearest_incident_distance_m, radius_m - 1e-3, 1e-6);
            EXPECT_EQ(r.per_incident[expected.front()].settlements, std::vector<std::size_t>{s});
            EXPECT_TRUE(r.per_incident[expected.front() + 2].settlements.empty());
        }
        expect_same(r, brute_force(data, all(data), options));

        // A radius by type 2 mm longer takes in the +1 mm incidents of that type only.
        for (std::size_t n = 2; n < data.incidents.features.size(); n += 6) data.incidents.features[n].type = "drone";
        options.radius_by_type["drone"] = radius_m + 2e-3;
        const AffectedResult typed = affected(data, all(data), options);
        EXPECT_EQ(typed.settlements[0].incidents.size(),
                  2 * azimuths.size() + 4);  // azimuths 0, 2, 4, 6
        expect_same(typed, brute_force(data, all(data), options));
    }
}

// A few thousand random incidents around random settlements (many within a few millimetres of
// a radius), with per-type radii, dates, duplicates (ties), an unusable position and a subset
// selected: every field equals the brute force, with any number of threads.
TEST(Affected, RandomIncidentsMatchTheBruteForce) {
    std::mt19937_64 rng(9);
    std::uniform_real_distribution<double> lon(70.0, 72.5);
    std::uniform_real_distribution<double> lat(39.8, 41.2);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    layers::Dataset data;
    for (int s = 0; s < 40; ++s) {
        std::optional<std::int64_t> population;
        if (s % 5 != 0) population = 100 * (s + 1);
        data.settlements.features.push_back(
            settlement("s" + std::to_string(s), {lon(rng), lat(rng)}, population, s % 3 == 0 ? "TJK" : "UZB"));
    }
    data.settlements.features.push_back(settlement("twin", data.settlements.features[7].position, 5));
    const std::vector<std::string> types = {"shelling", "armed_clash", "drone", "other"};
    AffectedOptions options;
    options.radius_m = 7000.0;
    options.radius_by_type = {{"shelling", 20000.0}, {"armed_clash", 5000.0}, {"drone", 12500.0}};
    for (int n = 0; n < 3000; ++n) {
        const std::string type = types[static_cast<std::size_t>(n) % types.size()];
        geo::LonLat p{lon(rng), lat(rng)};
        if (n % 3 == 0) {  // at the radius of its type from a settlement, give or take 5 mm
            const auto& place = data.settlements.features[static_cast<std::size_t>(n) % 40].position;
            p = geo::geodesic_direct(place, 360.0 * unit(rng), options.radius_for(type) + 0.01 * (unit(rng) - 0.5));
        }
        std::optional<layers::DateRange> date;
        if (n % 7 != 0) {
            const auto first = layers::Date::from_days(static_cast<std::int32_t>(10000 + unit(rng) * 9000));
            date = layers::DateRange{first, layers::Date::from_days(first.days() + n % 4)};
        }
        data.incidents.features.push_back(incident("i" + std::to_string(n), p, type, date));
        if (n % 97 == 0) data.incidents.features.push_back(incident("dup" + std::to_string(n), p, type, date));
    }
    data.incidents.features[11].position = {std::numeric_limits<double>::quiet_NaN(), 40.0};
    std::vector<std::size_t> selected;
    for (std::size_t i = 0; i < data.incidents.features.size(); ++i) {
        if (i % 11 != 5) selected.push_back(i);
    }

    const AffectedResult want = brute_force(data, selected, options);
    ASSERT_GT(want.settlements.size(), 30U);
    for (const unsigned threads : {1U, 2U, 5U}) {
        SCOPED_TRACE(std::to_string(threads) + " threads");
        options.threads = threads;
        options.per_incident = true;
        expect_same(affected(data, selected, options), want);
        options.per_incident = false;
        AffectedResult without = want;
        without.per_incident.clear();
        expect_same(affected(data, selected, options), without);
    }
}

TEST(Affected, NothingInReach) {
    layers::Dataset data;
    data.settlements.features.push_back(settlement("s", {71.0, 40.0}, 10));
    data.incidents.features.push_back(incident("far", {73.0, 41.0}));
    AffectedOptions options;
    const AffectedResult r = affected(data, all(data), options);
    EXPECT_TRUE(r.settlements.empty());
    ASSERT_EQ(r.per_incident.size(), 1U);
    EXPECT_EQ(r.per_incident[0].radius_m, 5000.0);
    EXPECT_TRUE(r.per_incident[0].settlements.empty());
    EXPECT_TRUE(affected(data, {}, options).settlements.empty());
    options.radius_m = -1.0;
    EXPECT_TRUE(affected(data, all(data), options).settlements.empty());
    options.radius_m = std::numeric_limits<double>::infinity();
    EXPECT_EQ(affected(data, all(data), options).settlements.size(), 1U);
    options.radius_m = 1e308;
    EXPECT_EQ(affected(data, all(data), options).settlements.size(), 1U);
}

}  // namespace
}  // namespace fergana::analysis
