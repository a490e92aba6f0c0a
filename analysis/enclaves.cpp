#include "analysis/enclaves.hpp"

#include "geo/edge_index.hpp"
#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "geo/geos.hpp"
#include "geo/nearest.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <set>

namespace fergana::analysis {

std::string_view to_string(EnclaveKind kind) noexcept {
    switch (kind) {
        case EnclaveKind::Enclave: return "enclave";
        case EnclaveKind::CounterEnclave: return "counter_enclave";
        case EnclaveKind::Exclave: return "exclave";
    }
    return "enclave";
}

namespace {

constexpr double metres_per_degree = 111320.0;  // of longitude at the equator, about

/// Degrees of longitude and latitude that certainly span `metres` anywhere in the box.
double degrees_for(double metres, const geo::Box& box) {
    const double lat = std::min(89.0, std::max(std::fabs(box.min_lat), std::fabs(box.max_lat)));
    return metres / (metres_per_degree * std::cos(lat * std::numbers::pi / 180.0)) * 1.01;
}

geo::Box grown(geo::Box b, double degrees) {
    b.min_lon -= degrees;
    b.min_lat -= degrees;
    b.max_lon += degrees;
    b.max_lat += degrees;
    return b;
}

bool box_covers(const geo::Box& outer, const geo::Box& inner) {
    return outer.min_lon <= inner.min_lon && outer.min_lat <= inner.min_lat &&
           outer.max_lon >= inner.max_lon && outer.max_lat >= inner.max_lat;
}

struct Part {
    std::string iso3;
    geo::Polygon polygon;
    geo::Box box;
    double area_m2 = 0.0;
    double filled_area_deg2 = 0.0;
    bool mainland = false;
    geo::GeosGeom geom;
    geo::GeosGeom filled;
    geo::GeosPrepared filled_prepared;  // declared after `filled`: destroyed before it
    // Classification.
    bool reported = false;
    int depth = 0;  // 0: mainland, exclave or unreported
    std::size_t result = 0;
};

struct Country {
    std::string iso3;
    geo::Box box;
    std::size_t mainland = 0;  // index into parts
    geo::GeosGeom geom;
    geo::GeosPrepared prepared;
    geo::Geometry shape;                    // every part
    std::unique_ptr<geo::EdgeIndex> index;  // over shape, built when first needed
    geo::Geometry mainland_shape;
    std::unique_ptr<geo::EdgeIndex> mainland_index;

    const geo::EdgeIndex& shape_index() {
        if (!index)
            index = std::make_unique<geo::EdgeIndex>(std::span<const geo::Geometry>(&shape, 1));
        return *index;
    }
    const geo::EdgeIndex& mainland_edges() {
        if (!mainland_index) {
            mainland_index = std::make_unique<geo::EdgeIndex>(
                std::span<const geo::Geometry>(&mainland_shape, 1));
        }
        return *mainland_index;
    }
};

/// The least geodesic distance between two polygons' boundaries, with the nearest points
/// (a on `from`, b on `to`): every vertex of each measured against the other.
struct BoundaryDistance {
    double distance_m = std::numeric_limits<double>::infinity();
    geo::LonLat on_from;
    geo::LonLat on_to;
};

BoundaryDistance boundary_distance(const geo::Geometry& from, const geo::Geometry& to,
                                   const geo::EdgeIndex& to_index) {
    BoundaryDistance best;
    geo::EdgeQueryOptions rings_only;
    rings_only.polygon_interiors = false;
    geo::EdgeIndex::Scratch scratch;
    from.for_each_vertex([&](const geo::LonLat& v) {
        const auto hit = to_index.nearest(v, scratch, rings_only);
        if (hit && hit->distance_m < best.distance_m)
            best = {hit->distance_m, v, hit->nearest};
    });
    if (!std::isfinite(best.distance_m))
        return best;
    // The other way, only for the vertices of `to` that could beat the best so far.
    const geo::Box near = grown(from.bounds(), degrees_for(best.distance_m, from.bounds()));
    const geo::EdgeIndex from_index(std::span<const geo::Geometry>(&from, 1));
    to.for_each_vertex([&](const geo::LonLat& v) {
        if (!near.contains(v))
            return;
        const auto hit = from_index.nearest(v, scratch, rings_only);
        if (hit && hit->distance_m < best.distance_m)
            best = {hit->distance_m, hit->nearest, v};
    });
    return best;
}

/// The geodesic distance between a water feature and a polygon (0 when they meet).
double water_distance(geo::GeosContext& ctx, const geo::Geometry& water,
                      const GEOSGeom_t& water_geos, const geo::Geometry& polygon,
                      const GEOSGeom_t& polygon_geos, const geo::EdgeIndex& polygon_index,
                      geo::EdgeIndex::Scratch& scratch) {
    if (ctx.intersects(water_geos, polygon_geos))
        return 0.0;
    double best = std::numeric_limits<double>::infinity();
    water.for_each_vertex([&](const geo::LonLat& v) {
        const auto hit = polygon_index.nearest(v, scratch);
        if (hit)
            best = std::min(best, hit->distance_m);
    });
    if (water.has_lines() || water.has_polygons()) {
        const geo::Box near = grown(water.bounds(), degrees_for(best, water.bounds()));
        polygon.for_each_vertex([&](const geo::LonLat& v) {
            if (!near.contains(v))
                return;
            best = std::min(best, geo::nearest_point(water, v).distance_m);
        });
    }
    return best;
}

}  // namespace

EnclaveResult detect_enclaves(const EnclaveInput& input, const EnclaveOptions& options,
                              const Progress& progress) {
    EnclaveResult result;
    result.as_of = options.as_of.value_or(layers::Date::today());
    geo::GeosContext ctx;
    GEOSContextHandle_t h = ctx.handle();

    // Countries in force, gathered by ISO3 and split into parts.
    std::map<std::string, std::vector<geo::Polygon>> by_iso3;
    std::size_t unnamed = 0;
    for (const layers::Country& c : input.countries) {
        if (!c.valid.in_force(result.as_of))
            continue;
        if (c.iso3.empty()) {
            ++unnamed;
            continue;
        }
        auto& list = by_iso3[c.iso3];
        list.insert(list.end(), c.geometry.polygons().begin(), c.geometry.polygons().end());
    }
    if (unnamed > 0)
        result.notes.push_back(std::to_string(unnamed) +
                               " country feature(s) without iso3 ignored");
    std::vector<Part> parts;
    std::vector<Country> countries;
    for (auto& [iso3, polygons] : by_iso3) {
        Country country;
        country.iso3 = iso3;
        double largest = -1.0;
        for (geo::Polygon& polygon : polygons) {
            if (polygon.rings.empty() || polygon.rings.front().size() < 4)
                continue;
            Part part;
            part.iso3 = iso3;
            part.area_m2 = geo::area_m2(polygon);
            part.polygon = std::move(polygon);
            part.box = geo::Geometry::polygon(part.polygon).bounds();
            country.box.extend(part.box);
            if (part.area_m2 > largest) {
                largest = part.area_m2;
                country.mainland = parts.size();
            }
            parts.push_back(std::move(part));
        }
        if (largest < 0.0)
            continue;
        parts[country.mainland].mainland = true;
        countries.push_back(std::move(country));
    }
    report(progress, 0.1, "preparing country outlines");
    std::map<std::string, std::size_t> country_index;
    for (std::size_t i = 0; i < countries.size(); ++i) {
        Country& c = countries[i];
        country_index[c.iso3] = i;
        std::vector<geo::Polygon> polys;
        for (const Part& p : parts) {
            if (p.iso3 == c.iso3)
                polys.push_back(p.polygon);
        }
        c.shape = geo::Geometry::multi_polygon(std::move(polys));
        c.mainland_shape = geo::Geometry::polygon(parts[c.mainland].polygon);
        c.geom = ctx.from_geometry(c.shape);
        c.prepared = ctx.prepare(*c.geom);
    }
    for (Part& p : parts) {
        p.geom = ctx.from_geometry(geo::Geometry::polygon(p.polygon));
        p.filled =
            ctx.from_geometry(geo::Geometry::polygon(geo::Polygon{{p.polygon.rings.front()}}));
        p.filled_prepared = ctx.prepare(*p.filled);
        p.filled_area_deg2 = ctx.planar_area_deg2(*p.filled);
    }

    // Outer parts first: a part's container always has a larger filled outline.
    std::vector<std::size_t> order(parts.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return parts[a].filled_area_deg2 > parts[b].filled_area_deg2;
    });

    struct Pending {
        std::size_t part;
        std::optional<std::size_t> container;
    };
    geo::EdgeIndex::Scratch scratch;
    std::vector<Pending> reported;
    for (std::size_t n = 0; n < order.size(); ++n) {
        Part& p = parts[order[n]];
        report(progress, 0.1 + 0.5 * static_cast<double>(n) / static_cast<double>(order.size()),
               "classifying parts");
        if (p.mainland || p.area_m2 < options.min_area_m2)
            continue;

        // Containers: other countries' parts whose filled outline covers this part.
        std::optional<std::size_t> container;
        for (std::size_t q = 0; q < parts.size(); ++q) {
            const Part& other = parts[q];
            if (other.iso3 == p.iso3 || !box_covers(grown(other.box, 1e-9), p.box))
                continue;
            bool inside = ctx.prepared_covers(*other.filled_prepared, *p.geom);
            if (!inside && ctx.prepared_intersects(*other.filled_prepared, *p.geom)) {
                const geo::GeosGeom outside = ctx.difference(*p.geom, *other.filled);
                inside = ctx.planar_area_deg2(*outside) <=
                         options.outside_share * ctx.planar_area_deg2(*p.geom);
            }
            if (inside &&
                (!container || other.filled_area_deg2 < parts[*container].filled_area_deg2))
                container = q;
        }

        // Neighbours: other countries within the touch tolerance of the exterior ring.
        const double tolerance_deg = degrees_for(options.touch_tolerance_m, p.box);
        geo::GeosGeom ring = ctx.from_geometry(geo::Geometry::line(p.polygon.rings.front()));
        std::vector<Country*> neighbours;
        for (Country& c : countries) {
            if (c.iso3 == p.iso3 || !grown(c.box, tolerance_deg).intersects(p.box))
                continue;
            const char within =
                GEOSPreparedDistanceWithin_r(h, c.prepared.get(), ring.get(), tolerance_deg);
            if (within == 2)
                ctx.fail("prepared distance");
            if (within == 1)
                neighbours.push_back(&c);
        }
        if (neighbours.empty()) {
            ++result.islands;
            continue;
        }
        // The sea, or the edge of the data: a vertex or edge midpoint of the exterior ring with
        // no neighbour within the tolerance.
        bool sea = false;
        geo::EdgeQueryOptions within;
        within.max_distance_m = options.touch_tolerance_m;
        const geo::Path& outline = p.polygon.rings.front();
        for (std::size_t i = 0; i + 1 < outline.size() && !sea; ++i) {
            for (const geo::LonLat q :
                 {outline[i], geo::LonLat{0.5 * (outline[i].lon + outline[i + 1].lon),
                                          0.5 * (outline[i].lat + outline[i + 1].lat)}}) {
                bool bordered = false;
                for (Country* c : neighbours) {
                    if (c->shape_index().nearest(q, scratch, within)) {
                        bordered = true;
                        break;
                    }
                }
                if (!bordered) {
                    sea = true;
                    break;
                }
            }
        }

        DetectedEnclave e;
        e.owner = p.iso3;
        for (const Country* c : neighbours) e.neighbours.push_back(c->iso3);
        e.touches_sea = sea;
        const bool enclave = container && neighbours.size() == 1 &&
                             neighbours.front()->iso3 == parts[*container].iso3 && !sea;
        if (enclave) {
            const Part& q = parts[*container];
            e.host = q.iso3;
            p.depth = 1 + q.depth;
            e.depth = p.depth;
            e.kind = p.depth >= 2 ? EnclaveKind::CounterEnclave : EnclaveKind::Enclave;
        } else {
            if (!options.exclaves)
                continue;
            e.kind = EnclaveKind::Exclave;
            e.depth = 0;
        }
        e.polygon = p.polygon;
        p.reported = true;
        p.result = result.enclaves.size();
        result.enclaves.push_back(std::move(e));
        reported.push_back(Pending{order[n], enclave ? container : std::nullopt});
    }

    // Ids by owner and area, then the parents.
    std::vector<std::size_t> rank(result.enclaves.size());
    for (std::size_t i = 0; i < rank.size(); ++i) rank[i] = i;
    for (const Pending& r : reported)
        result.enclaves[parts[r.part].result].area_m2 = parts[r.part].area_m2;
    std::sort(rank.begin(), rank.end(), [&](std::size_t a, std::size_t b) {
        const DetectedEnclave& x = result.enclaves[a];
        const DetectedEnclave& y = result.enclaves[b];
        return x.owner != y.owner ? x.owner < y.owner : x.area_m2 > y.area_m2;
    });
    std::map<std::string, int> counter;
    for (std::size_t i : rank) {
        DetectedEnclave& e = result.enclaves[i];
        e.id = e.owner + "-" + std::to_string(++counter[e.owner]);
    }
    for (const Pending& r : reported) {
        if (r.container && parts[*r.container].reported && parts[*r.container].depth >= 1) {
            result.enclaves[parts[r.part].result].parent =
                result.enclaves[parts[*r.container].result].id;
        }
    }

    // Measures and what lies inside.
    std::vector<geo::GeosGeom> water_geos;
    for (const layers::WaterFeature& w : input.water)
        water_geos.push_back(ctx.from_geometry(w.geometry));
    std::vector<geo::GeosGeom> record_geos;
    for (const layers::Enclave& r : input.enclaves)
        record_geos.push_back(ctx.from_geometry(r.geometry));
    std::vector<std::size_t> attached;  // results to drop
    for (std::size_t n = 0; n < reported.size(); ++n) {
        report(progress, 0.6 + 0.4 * static_cast<double>(n) / static_cast<double>(reported.size()),
               "measuring enclaves");
        const Part& p = parts[reported[n].part];
        DetectedEnclave& e = result.enclaves[p.result];
        const geo::Geometry shape = geo::Geometry::polygon(e.polygon);
        e.perimeter_m = geo::perimeter_m(shape);
        Country& owner = countries[country_index[p.iso3]];
        const Part& mainland = parts[owner.mainland];
        if (&mainland != &p) {
            const BoundaryDistance d =
                boundary_distance(shape, owner.mainland_shape, owner.mainland_edges());
            if (std::isfinite(d.distance_m)) {
                e.mainland_distance_m = d.distance_m;
                e.nearest_on_part = d.on_from;
                e.nearest_on_mainland = d.on_to;
            }
        }
        // An exclave touching its own mainland (at a point: a polygon split at a pinch) is
        // part of the mainland.
        if (e.kind == EnclaveKind::Exclave && e.mainland_distance_m &&
            *e.mainland_distance_m <= options.touch_tolerance_m) {
            attached.push_back(p.result);
            continue;
        }
        for (std::size_t i = 0; i < input.settlements.size(); ++i) {
            const geo::LonLat pos = input.settlements[i].position;
            if (p.box.contains(pos) && geo::polygon_contains(e.polygon, pos)) {
                e.settlements.push_back(i);
                if (input.settlements[i].population)
                    e.population += *input.settlements[i].population;
            }
        }
        const geo::EdgeIndex index(std::span<const geo::Geometry>(&shape, 1));
        const geo::Box near = grown(p.box, degrees_for(options.water_radius_m, p.box));
        for (std::size_t i = 0; i < input.water.size(); ++i) {
            const layers::WaterFeature& w = input.water[i];
            if (!near.intersects(w.geometry.bounds()))
                continue;
            const double d =
                water_distance(ctx, w.geometry, *water_geos[i], shape, *p.geom, index, scratch);
            if (d <= options.water_radius_m)
                e.water.push_back(WaterNearby{i, d});
        }
        std::sort(e.water.begin(), e.water.end(), [](const WaterNearby& a, const WaterNearby& b) {
            return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.water < b.water;
        });
        // The enclaves record overlapping the part most: in force first, else any.
        double best_in_force = 0.0;
        double best_any = 0.0;
        std::optional<std::size_t> in_force;
        std::optional<std::size_t> any;
        for (std::size_t i = 0; i < input.enclaves.size(); ++i) {
            const layers::Enclave& r = input.enclaves[i];
            if (!r.owner.empty() && r.owner != e.owner)
                continue;
            if (!r.geometry.bounds().intersects(p.box) || !ctx.intersects(*record_geos[i], *p.geom))
                continue;
            const geo::GeosGeom common = ctx.intersection(*record_geos[i], *p.geom);
            const double overlap = ctx.planar_area_deg2(*common);
            if (!(overlap > 0.0))
                continue;
            if (r.valid.in_force(result.as_of) && overlap > best_in_force) {
                best_in_force = overlap;
                in_force = i;
            }
            if (overlap > best_any) {
                best_any = overlap;
                any = i;
            }
        }
        if (in_force || any) {
            e.record = in_force ? in_force : any;
            e.record_in_force = in_force.has_value();
            e.name = input.enclaves[*e.record].name;
        }
    }

    if (!attached.empty()) {
        std::vector<bool> drop(result.enclaves.size(), false);
        for (std::size_t i : attached) drop[i] = true;
        std::vector<DetectedEnclave> kept;
        for (std::size_t i = 0; i < result.enclaves.size(); ++i) {
            if (!drop[i])
                kept.push_back(std::move(result.enclaves[i]));
        }
        result.enclaves = std::move(kept);
        result.notes.push_back(
            std::to_string(attached.size()) +
            " part(s) touching their own mainland (a polygon split at a pinch) not reported");
    }

    // Only the countries asked for; by owner, then area.
    if (!options.countries.empty()) {
        auto wanted = [&](const std::string& iso3) {
            return std::find(options.countries.begin(), options.countries.end(), iso3) !=
                   options.countries.end();
        };
        std::erase_if(result.enclaves, [&](const DetectedEnclave& e) {
            return !wanted(e.owner) && !wanted(e.host);
        });
    }
    std::sort(result.enclaves.begin(), result.enclaves.end(),
              [](const DetectedEnclave& x, const DetectedEnclave& y) {
                  return x.owner != y.owner ? x.owner < y.owner : x.area_m2 > y.area_m2;
              });
    report(progress, 1.0, "done");
    return result;
}

}  // namespace fergana::analysis
