#pragma once
// A small dataset built in code for the render tests: two countries split at 71°E, one
// border along that meridian (disputed until 2020, agreed from then), an enclave, a
// river, two settlements and two incidents, so every pixel check knows what to expect.

#include "layers/dataset.hpp"

namespace fergana::render::testing {

inline geo::Polygon box_polygon(double w, double s, double e, double n) {
    return geo::Polygon{{{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}}};
}

inline layers::Dataset synthetic_dataset() {
    layers::Dataset d;
    auto present = [](auto& layer, const char* name) {
        layer.origin.present = true;
        layer.origin.source = std::string("synthetic:") + name;
        layer.origin.layer = name;
    };
    present(d.countries, "countries");
    present(d.borders, "borders");
    present(d.enclaves, "enclaves");
    present(d.water, "water");
    present(d.settlements, "settlements");
    present(d.incidents, "incidents");

    layers::Country west;
    west.ref.id = "KGZ";
    west.iso3 = "KGZ";
    west.name = "Westland";
    west.source = "OpenStreetMap test";
    west.geometry = geo::Geometry::polygon(box_polygon(70.0, 40.0, 71.0, 41.0));
    layers::Country east = west;
    east.ref.id = "UZB";
    east.iso3 = "UZB";
    east.name = "Eastland";
    east.geometry = geo::Geometry::polygon(box_polygon(71.0, 40.0, 72.0, 41.0));
    d.countries.features = {west, east};

    layers::Border disputed;
    disputed.ref.id = "b1";
    disputed.pair = "KGZ-UZB";
    disputed.status = layers::BorderStatus::Disputed;
    disputed.valid.to = layers::parse_date("2020-01-01");
    disputed.geometry = geo::Geometry::line({{71.0, 40.0}, {71.0, 41.0}});
    layers::Border agreed = disputed;
    agreed.ref.id = "b2";
    agreed.status = layers::BorderStatus::Agreed;
    agreed.valid.to.reset();
    agreed.valid.from = layers::parse_date("2020-01-01");
    d.borders.features = {disputed, agreed};

    layers::Enclave enclave;
    enclave.ref.id = "e1";
    enclave.name = "Islet";
    enclave.owner = "UZB";
    enclave.host = "KGZ";
    enclave.geometry = geo::Geometry::polygon(box_polygon(70.45, 40.45, 70.55, 40.55));
    d.enclaves.features = {enclave};

    layers::WaterFeature river;
    river.ref.id = "w1";
    river.name = "Test river";
    river.kind = "river";
    river.geometry = geo::Geometry::line({{70.1, 40.1}, {70.9, 40.15}});
    layers::WaterFeature dam;
    dam.ref.id = "w2";
    dam.name = "Test dam";
    dam.kind = "dam";
    dam.geometry = geo::Geometry::point({71.8, 40.9});
    d.water.features = {river, dam};

    layers::Settlement alpha;
    alpha.ref.id = "s1";
    alpha.name = "Alpha";
    alpha.country = "KGZ";
    alpha.population = 50000;
    alpha.source = "GeoNames test";
    alpha.position = {70.3, 40.3};
    layers::Settlement beta = alpha;
    beta.ref.id = "s2";
    beta.name = "Beta";
    beta.country = "UZB";
    beta.population = 2000;
    beta.position = {71.6, 40.7};
    d.settlements.features = {alpha, beta};

    layers::Incident clash;
    clash.id = "i1";
    clash.type = "armed_clash";
    clash.mutable_details().fatalities = 4;
    clash.date = layers::parse_date_range("2019-05-01");
    clash.mutable_details().source = "Test Wire, \"Clash\", 2019";
    clash.position = {70.3, 40.75};
    layers::Incident shelling = clash;
    shelling.id = "i2";
    shelling.type = "shelling";
    shelling.mutable_details().fatalities.reset();
    shelling.date = layers::parse_date_range("2021-03-01");
    shelling.mutable_details().source = "Other Wire, 2021";
    shelling.position = {71.5, 40.25};
    d.incidents.features = {clash, shelling};
    return d;
}

}  // namespace fergana::render::testing
