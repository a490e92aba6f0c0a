#include "analysis/disputed.hpp"

#include "analysis/planar.hpp"
#include "analysis/selection.hpp"
#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "geo/geos.hpp"
#include "geo/nearest.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

namespace fergana::analysis {

LineCompareOptions DisputedOptions::line_options() const {
    LineCompareOptions o;
    o.tolerance_m = tolerance_m;
    o.max_step_m = max_step_m;
    o.merge_gap_m = merge_gap_m;
    o.precision_m = precision_m;
    o.threads = threads;
    return o;
}

namespace {

bool is_status_of_interest(layers::BorderStatus s) {
    return s == layers::BorderStatus::Disputed || s == layers::BorderStatus::Delimited ||
           s == layers::BorderStatus::Unknown;
}

bool pair_wanted(const DisputedOptions& options, const std::string& pair) {
    return options.pairs.empty() ||
           std::find(options.pairs.begin(), options.pairs.end(), pair) != options.pairs.end();
}

std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// The country a polygon claim stands for: its `pair` when that is one code, else an
/// iso3 / a3 / adm0_a3 / iso_a3 attribute.
std::string polygon_claim_country(const layers::Claim& c) {
    if (!c.pair.empty() && c.pair.find('-') == std::string::npos)
        return upper(c.pair);
    for (const auto& [key, value] : c.attributes) {
        const std::string k = lower(key);
        if ((k == "iso3" || k == "a3" || k == "adm0_a3" || k == "iso_a3") && !value.empty()) {
            return upper(value);
        }
    }
    return {};
}

/// The pair's two codes, or nothing when `pair` is not "XXX-YYY".
std::optional<std::pair<std::string, std::string>> split_pair(const std::string& pair) {
    const auto dash = pair.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 >= pair.size())
        return std::nullopt;
    return std::make_pair(pair.substr(0, dash), pair.substr(dash + 1));
}

/// The boundary of `second` (every ring) within `tolerance_m` of `first` (interiors count):
/// in a local plane, the rings of `second` clipped by `first` grown by the tolerance. The
/// plane's scale error (below 1e-3) moves the tolerance by millimetres; the vertices of the
/// result are those of `second` plus the clip points, mapped back to lon/lat.
geo::Geometry shared_boundary(const geo::Geometry& first, const geo::Geometry& second,
                              double tolerance_m) {
    geo::Box box = first.bounds();
    const geo::Box other = second.bounds();
    const double margin = tolerance_m / 50000.0;  // generous degrees, for the box test only
    box.min_lon -= margin;
    box.min_lat -= margin;
    box.max_lon += margin;
    box.max_lat += margin;
    if (!box.intersects(other))
        return geo::Geometry::multi_line({});
    geo::Box extent = first.bounds();
    extent.extend(other);
    const LocalPlane plane(extent);
    geo::GeosContext ctx;
    GEOSContextHandle_t h = ctx.handle();
    std::vector<geo::Path> rings;
    for (const geo::Polygon& p : second.polygons())
        for (const geo::Path& r : p.rings) rings.push_back(r);
    const geo::GeosGeom lines = plane.forward(ctx, geo::Geometry::multi_line(std::move(rings)));
    const geo::GeosGeom area = plane.forward(ctx, first);
    const geo::GeosGeom grown = ctx.own(GEOSBuffer_r(h, area.get(), tolerance_m, 16), "buffer");
    const geo::GeosGeom shared = ctx.intersection(*lines, *grown);
    const geo::GeosGeom merged = ctx.line_merge(*shared);
    geo::Geometry out = ctx.to_geometry(*merged);
    out.for_each_vertex([&](geo::LonLat& p) { p = plane.inverse(geo::XY{p.lon, p.lat}); });
    std::vector<geo::Path> paths;
    for (geo::Path& path : out.lines()) {
        if (path.size() >= 2)
            paths.push_back(std::move(path));
    }
    return geo::Geometry::multi_line(std::move(paths));
}

/// For each part of a line, which of the pair's countries lies on its left, by probes.
struct SideVotes {
    std::vector<std::string> left;  // per part: the code on the left, empty if unknown
    std::vector<std::string> right;
};

SideVotes vote_sides(const geo::Geometry& line, const std::string& x, const std::string& y,
                     std::span<const layers::Country> countries, double probe_m) {
    SideVotes votes;
    votes.left.assign(line.lines().size(), {});
    votes.right.assign(line.lines().size(), {});
    std::vector<geo::Polygon> px;
    std::vector<geo::Polygon> py;
    for (const layers::Country& c : countries) {
        if (c.iso3 == x)
            px.insert(px.end(), c.geometry.polygons().begin(), c.geometry.polygons().end());
        if (c.iso3 == y)
            py.insert(py.end(), c.geometry.polygons().begin(), c.geometry.polygons().end());
    }
    if (px.empty() || py.empty())
        return votes;
    geo::GeosContext ctx;
    const geo::GeosGeom gx = ctx.from_geometry(geo::Geometry::multi_polygon(px));
    const geo::GeosGeom gy = ctx.from_geometry(geo::Geometry::multi_polygon(py));
    const geo::GeosPrepared prep_x = ctx.prepare(*gx);
    const geo::GeosPrepared prep_y = ctx.prepare(*gy);
    auto country_at = [&](geo::LonLat p) -> int {
        if (ctx.prepared_covers(*prep_x, p))
            return 1;
        if (ctx.prepared_covers(*prep_y, p))
            return 2;
        return 0;
    };
    constexpr std::size_t max_probes = 101;
    for (std::size_t k = 0; k < line.lines().size(); ++k) {
        const geo::Path& path = line.lines()[k];
        if (path.size() < 2)
            continue;
        const std::size_t step = std::max<std::size_t>(1, (path.size() - 1) / max_probes);
        long x_left = 0;
        long y_left = 0;
        for (std::size_t i = 0; i + 1 < path.size(); i += step) {
            const geo::GeodesicInverse inv = geo::geodesic_inverse(path[i], path[i + 1]);
            if (!(inv.distance_m > 0.0))
                continue;
            const int l =
                country_at(geo::geodesic_direct(path[i], inv.azimuth1_deg - 90.0, probe_m));
            const int r =
                country_at(geo::geodesic_direct(path[i], inv.azimuth1_deg + 90.0, probe_m));
            if (l == 1 && r == 2)
                ++x_left;
            if (l == 2 && r == 1)
                ++y_left;
        }
        if (x_left > y_left) {
            votes.left[k] = x;
            votes.right[k] = y;
        } else if (y_left > x_left) {
            votes.left[k] = y;
            votes.right[k] = x;
        }
    }
    return votes;
}

/// Everything the zones of one comparison need about one of its lines.
struct ZoneSide {
    const ClaimLine* claim = nullptr;
    const LineProfile* profile = nullptr;
    SideVotes votes;
    std::unique_ptr<geo::EdgeIndex> index;
};

/// The vertices of `path` strictly between two points on it (given by where they lie), in
/// walking order from `from` to `to`; on a ring, the shorter way round.
void vertices_between(const geo::Path& path, const geo::PartRef& from, const geo::PartRef& to,
                      std::vector<std::size_t>& out) {
    if (path.size() < 2)
        return;
    const std::size_t edges = path.size() - 1;
    const std::size_t e_from = std::min(from.edge, edges - 1);
    const std::size_t e_to = std::min(to.edge, edges - 1);
    const bool ring = path.size() > 3 && path.front() == path.back();
    if (!ring) {
        if (e_from < e_to) {
            for (std::size_t v = e_from + 1; v <= e_to; ++v) out.push_back(v);
        } else {
            for (std::size_t v = e_from; v > e_to; --v) out.push_back(v);
        }
        return;
    }
    const std::size_t forward = (e_to + edges - e_from) % edges;
    const std::size_t backward = (e_from + edges - e_to) % edges;
    if (forward <= backward) {
        for (std::size_t k = 1; k <= forward; ++k) out.push_back((e_from + k) % edges);
    } else {
        for (std::size_t k = 0; k < backward; ++k) out.push_back((e_from + edges - k) % edges);
    }
}

/// The ring swept by a stretch and its shortest connections to the other line: the stretch
/// forward, then back along the other line through the nearest points of its samples (following
/// the other line between them, so that its parts hidden from the stretch are not cut off).
std::vector<geo::XY> stretch_ring(const LineProfile& p, const Stretch& s,
                                  const geo::Geometry& other, const LocalPlane& plane) {
    const std::vector<std::size_t> idx = p.sample_indices(s);
    std::vector<geo::XY> pts;
    if (idx.empty())
        return pts;
    pts.reserve(2 * idx.size() + 1);
    for (std::size_t i : idx) pts.push_back(plane.forward(p.samples[i].point));
    if (!s.whole_ring) {
        std::vector<std::size_t> between;
        for (std::size_t k = idx.size(); k-- > 0;) {
            const OffsetSample& here = p.samples[idx[k]];
            if (k + 1 < idx.size()) {
                const OffsetSample& prev = p.samples[idx[k + 1]];
                const geo::PartRef& a = prev.nearest_where;
                const geo::PartRef& b = here.nearest_where;
                if (a.kind == geo::PartKind::Line && b.kind == geo::PartKind::Line &&
                    a.part == b.part && a.part < other.lines().size()) {
                    between.clear();
                    vertices_between(other.lines()[a.part], a, b, between);
                    for (std::size_t v : between)
                        pts.push_back(plane.forward(other.lines()[a.part][v]));
                }
            }
            pts.push_back(plane.forward(here.nearest));
        }
    }
    pts.push_back(pts.front());
    return pts;
}

/// Which side of a line a point lies on, judged at its nearest point on the line: by the edge
/// there, or, when the nearest point is a vertex, by the turn there (a point nearest to a
/// vertex lies on the outer side of the turn). Nothing when undecidable.
struct LineSide {
    std::size_t part = 0;
    bool left = false;
};

std::optional<LineSide> side_of(const geo::Geometry& line, const geo::EdgeIndex& index,
                                geo::LonLat p, const LocalPlane& plane) {
    const std::optional<geo::EdgeHit> hit = index.nearest(p);
    if (!hit || hit->inside || hit->where.kind != geo::PartKind::Line)
        return std::nullopt;
    const geo::Path& path = line.lines()[hit->where.part];
    if (path.size() < 2)
        return std::nullopt;
    const std::size_t edges = path.size() - 1;
    const std::size_t e = std::min(hit->where.edge, edges - 1);
    const double edge_length = geo::distance_m(path[e], path[e + 1]);
    constexpr double at_vertex_m = 1e-3;
    std::optional<std::size_t> vertex;
    if (hit->where.along_m <= at_vertex_m)
        vertex = e;
    else if (hit->where.along_m >= edge_length - at_vertex_m)
        vertex = e + 1;
    const geo::XY q = plane.forward(p);
    auto cross = [](geo::XY a, geo::XY b, geo::XY c) {
        return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    };
    const bool ring = path.size() > 3 && path.front() == path.back();
    if (vertex) {
        const std::size_t v = *vertex;
        std::optional<std::size_t> prev;
        std::optional<std::size_t> next;
        if (v > 0)
            prev = v - 1;
        else if (ring)
            prev = edges - 1;
        if (v < edges)
            next = v + 1;
        else if (ring)
            next = 1;
        if (prev && next) {
            const double turn = cross(plane.forward(path[*prev]), plane.forward(path[v]),
                                      plane.forward(path[*next]));
            if (turn != 0.0)
                return LineSide{hit->where.part, turn < 0.0};
        }
    }
    const double c = cross(plane.forward(path[e]), plane.forward(path[e + 1]), q);
    if (c == 0.0)
        return std::nullopt;
    return LineSide{hit->where.part, c > 0.0};
}

/// Whether parts of two lines run the same way (+) or opposite ways (-), voted where they
/// are within the tolerance of each other: key (part of a, part of b).
std::map<std::pair<std::size_t, std::size_t>, long> alignment(const LineProfile& pa,
                                                              const LineProfile& pb,
                                                              const geo::Geometry& a,
                                                              const geo::Geometry& b,
                                                              double tolerance_m) {
    std::map<std::pair<std::size_t, std::size_t>, long> votes;
    auto direction = [](geo::LonLat from, geo::LonLat to) {
        const double k = std::cos(0.5 * (from.lat + to.lat) * std::numbers::pi / 180.0);
        return geo::XY{(to.lon - from.lon) * k, to.lat - from.lat};
    };
    auto run = [&](const LineProfile& p, const geo::Geometry& other, bool p_is_a) {
        const std::vector<OffsetSample>& ss = p.samples;
        for (std::size_t i = 1; i + 1 < ss.size(); ++i) {
            const OffsetSample& s = ss[i];
            if (!(s.offset_m <= tolerance_m) || s.nearest_where.kind != geo::PartKind::Line)
                continue;
            if (ss[i - 1].part != s.part || ss[i + 1].part != s.part)
                continue;
            const geo::Path& path = other.lines()[s.nearest_where.part];
            if (path.size() < 2)
                continue;
            const std::size_t e = std::min(s.nearest_where.edge, path.size() - 2);
            const geo::XY d1 = direction(ss[i - 1].point, ss[i + 1].point);
            const geo::XY d2 = direction(path[e], path[e + 1]);
            const double dot = d1.x * d2.x + d1.y * d2.y;
            if (dot == 0.0)
                continue;
            const auto key = p_is_a ? std::make_pair(s.part, s.nearest_where.part)
                                    : std::make_pair(s.nearest_where.part, s.part);
            votes[key] += dot > 0.0 ? 1 : -1;
        }
    };
    run(pa, b, true);
    run(pb, a, false);
    return votes;
}

void holder(const ZoneSide& side, geo::LonLat p, const LocalPlane& plane, std::string& code,
            std::string& basis, std::string& which) {
    if (!side.claim->countries.empty()) {
        basis = "polygons";
        for (const auto& [iso3, geometry] : side.claim->countries) {
            for (const geo::Polygon& poly : geometry.polygons()) {
                if (geo::polygon_contains(poly, p)) {
                    code = iso3;
                    return;
                }
            }
        }
        basis = "unknown";
        return;
    }
    basis = "unknown";
    const std::optional<geo::EdgeHit> hit = side.index->nearest(p);
    if (!hit || hit->inside)
        return;
    const geo::Path& path = side.claim->lines.lines()[hit->where.part];
    const std::size_t e = std::min(hit->where.edge, path.size() - 2);
    const geo::XY a = plane.forward(path[e]);
    const geo::XY b = plane.forward(path[e + 1]);
    const geo::XY q = plane.forward(p);
    const double cross = (b.x - a.x) * (q.y - a.y) - (b.y - a.y) * (q.x - a.x);
    if (cross == 0.0)
        return;
    which = cross > 0.0 ? "left" : "right";
    const std::string& named =
        cross > 0.0 ? side.votes.left[hit->where.part] : side.votes.right[hit->where.part];
    if (!named.empty()) {
        code = named;
        basis = "sides";
    }
}

/// The lines with extra vertices on the geodesics so that no edge is longer than max_edge_m:
/// projected, a 1 km geodesic edge strays from its straight chord by under a millimetre.
geo::Geometry densified(const geo::Geometry& lines, double max_edge_m) {
    std::vector<geo::Path> out;
    for (const geo::Path& path : lines.lines()) {
        geo::Path dense;
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            dense.push_back(path[i]);
            const geo::GeodesicInverse inv = geo::geodesic_inverse(path[i], path[i + 1]);
            const auto steps = static_cast<std::size_t>(std::ceil(inv.distance_m / max_edge_m));
            for (std::size_t k = 1; k < steps; ++k) {
                dense.push_back(geo::geodesic_direct(
                    path[i], inv.azimuth1_deg,
                    inv.distance_m * static_cast<double>(k) / static_cast<double>(steps)));
            }
        }
        if (!path.empty())
            dense.push_back(path.back());
        out.push_back(std::move(dense));
    }
    return geo::Geometry::multi_line(std::move(out));
}

/// The part of the swept region that lies between the two lines: the faces of the
/// arrangement of both lines and the swept region's boundary, inside the swept region, on
/// different sides of the two lines. Sides are compared through the lines' relative
/// direction where they agree; where two parts never come within the tolerance, through the
/// countries named on each side; failing both, the face is kept.
geo::GeosGeom disputed_faces(geo::GeosContext& ctx, const GEOSGeom_t& swept, const ZoneSide& sa,
                             const ZoneSide& sb, const LineProfile& pa, const LineProfile& pb,
                             const LocalPlane& plane, double tolerance_m) {
    GEOSContextHandle_t h = ctx.handle();
    if (GEOSisEmpty_r(h, &swept) == 1)
        return ctx.clone(swept);
    const auto votes = alignment(pa, pb, sa.claim->lines, sb.claim->lines, tolerance_m);
    std::vector<GEOSGeometry*> pieces;
    for (const ZoneSide* z : {&sa, &sb}) {
        geo::GeosGeom lines = plane.forward(ctx, densified(z->claim->lines, 1000.0));
        pieces.push_back(GEOSGeom_clone_r(h, lines.get()));
    }
    pieces.push_back(GEOSBoundary_r(h, &swept));
    for (GEOSGeometry* g : pieces) {
        if (g == nullptr)
            ctx.fail("boundary");
    }
    geo::GeosGeom linework =
        ctx.own(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, pieces.data(),
                                            static_cast<unsigned>(pieces.size())),
                "collection");
    const geo::GeosGeom noded = ctx.unary_union(*linework);
    const GEOSGeometry* inputs[] = {noded.get()};
    const geo::GeosGeom faces = ctx.own(GEOSPolygonize_r(h, inputs, 1), "polygonize");
    const geo::GeosPrepared inside = ctx.prepare(swept);
    std::vector<GEOSGeometry*> kept;
    const int n = GEOSGetNumGeometries_r(h, faces.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* face = GEOSGetGeometryN_r(h, faces.get(), i);
        const geo::GeosGeom point = ctx.own(GEOSPointOnSurface_r(h, face), "point on surface");
        if (!ctx.prepared_covers(*inside, *point))
            continue;
        double x = 0.0;
        double y = 0.0;
        GEOSGeomGetX_r(h, point.get(), &x);
        GEOSGeomGetY_r(h, point.get(), &y);
        const geo::LonLat p = plane.inverse(geo::XY{x, y});
        bool disputed = true;
        const auto side_a = side_of(sa.claim->lines, *sa.index, p, plane);
        const auto side_b = side_of(sb.claim->lines, *sb.index, p, plane);
        if (side_a && side_b) {
            const auto it = votes.find({side_a->part, side_b->part});
            if (it != votes.end() && it->second != 0) {
                const bool same_direction = it->second > 0;
                disputed =
                    same_direction ? side_a->left != side_b->left : side_a->left == side_b->left;
            } else {
                const std::string& ha =
                    side_a->left ? sa.votes.left[side_a->part] : sa.votes.right[side_a->part];
                const std::string& hb =
                    side_b->left ? sb.votes.left[side_b->part] : sb.votes.right[side_b->part];
                if (!ha.empty() && !hb.empty())
                    disputed = ha != hb;
            }
        }
        if (disputed)
            kept.push_back(GEOSGeom_clone_r(h, face));
    }
    geo::GeosGeom collection =
        ctx.own(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, kept.data(),
                                            static_cast<unsigned>(kept.size())),
                "collection");
    return ctx.unary_union(*collection);
}

/// The zones between two compared lines, and which stretches bound them.
void build_zones(const DisputedInput& input, const DisputedOptions& options, const ClaimLine& ca,
                 const ClaimLine& cb, PairComparison& cmp, const LineProfile& pa,
                 const LineProfile& pb) {
    geo::Box box = ca.lines.bounds();
    box.extend(cb.lines.bounds());
    const LocalPlane plane(box);
    geo::GeosContext ctx;
    GEOSContextHandle_t h = ctx.handle();

    // Samples 50 m apart along a geodesic edge are collinear in the plane to within
    // L^2 x / (8 R^2) (1.5 cm for a 5 km edge 200 km from the centre): dropping the ones
    // within 5 cm of a straight line keeps the ring's shape and divides the overlay's work.
    const double ring_simplify_m = std::min(0.05, options.precision_m);
    struct Ring {
        int line;  // 0: a, 1: b
        std::size_t stretch;
        geo::GeosGeom region;
    };
    std::vector<Ring> rings;
    for (int line = 0; line < 2; ++line) {
        const LineProfile& p = line == 0 ? pa : pb;
        const geo::Geometry& other = line == 0 ? cb.lines : ca.lines;
        for (std::size_t k = 0; k < p.stretches.size(); ++k) {
            const Stretch& s = p.stretches[k];
            if (!s.closed() && !s.whole_ring)
                continue;
            const std::vector<geo::XY> pts = stretch_ring(p, s, other, plane);
            geo::GeosGeom region = filled_ring(ctx, pts, ring_simplify_m);
            if (region && GEOSisEmpty_r(h, region.get()) == 0)
                rings.push_back(Ring{line, k, std::move(region)});
        }
    }
    std::vector<GEOSGeometry*> parts;
    for (Ring& r : rings) parts.push_back(GEOSGeom_clone_r(h, r.region.get()));
    geo::GeosGeom all =
        ctx.own(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                            static_cast<unsigned>(parts.size())),
                "collection");
    const geo::GeosGeom swept = ctx.unary_union(*all);

    ZoneSide side_a{&ca, &pa, {}, {}};
    ZoneSide side_b{&cb, &pb, {}, {}};
    if (const auto codes = split_pair(cmp.pair)) {
        for (ZoneSide* z : {&side_a, &side_b}) {
            if (z->claim->countries.empty()) {
                z->votes = vote_sides(z->claim->lines, codes->first, codes->second, input.countries,
                                      options.side_probe_m);
            }
        }
    }
    for (ZoneSide* z : {&side_a, &side_b}) {
        if (z->votes.left.empty()) {
            z->votes.left.assign(z->claim->lines.lines().size(), {});
            z->votes.right.assign(z->claim->lines.lines().size(), {});
        }
        z->index =
            std::make_unique<geo::EdgeIndex>(std::span<const geo::Geometry>(&z->claim->lines, 1));
    }
    const geo::GeosGeom merged =
        disputed_faces(ctx, *swept, side_a, side_b, pa, pb, plane, options.tolerance_m);

    // Water features as GEOS geometries, once.
    std::vector<geo::GeosGeom> water;
    for (const layers::WaterFeature& w : input.water)
        water.push_back(ctx.from_geometry(w.geometry));

    struct Kept {
        geo::GeosGeom planar;
        Zone zone;
        double min_x, min_y, max_x, max_y;  // planar envelope
    };
    std::vector<Kept> kept;
    const int n = GEOSGetNumGeometries_r(h, merged.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(h, merged.get(), i);
        if (GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON || GEOSisEmpty_r(h, poly) == 1)
            continue;
        // Half a percent of the tolerance decides thin or not well enough, and fast.
        const double width =
            2.0 * inscribed_radius(ctx, *poly, std::max(0.01, options.tolerance_m * 5e-3));
        Zone z;
        z.geometry = plane.inverse(ctx, *poly);
        z.area_m2 = geo::area_m2(z.geometry);
        z.width_m = width;
        if (width < options.tolerance_m) {
            ++cmp.confetti;
            cmp.confetti_area_m2 += z.area_m2;
            continue;
        }
        double min_x = 0.0, min_y = 0.0, max_x = 0.0, max_y = 0.0;
        GEOSGeom_getXMin_r(h, poly, &min_x);
        GEOSGeom_getYMin_r(h, poly, &min_y);
        GEOSGeom_getXMax_r(h, poly, &max_x);
        GEOSGeom_getYMax_r(h, poly, &max_y);
        kept.push_back(Kept{ctx.clone(*poly), std::move(z), min_x, min_y, max_x, max_y});
    }
    std::sort(kept.begin(), kept.end(), [](const Kept& x, const Kept& y) {
        if (x.zone.area_m2 != y.zone.area_m2)
            return x.zone.area_m2 > y.zone.area_m2;
        return x.zone.geometry.bounds().min_lon < y.zone.geometry.bounds().min_lon;
    });

    // Which zone each stretch bounds (its farthest point lies on the zone's boundary).
    auto zone_of = [&](const Stretch& s) -> int {
        const geo::XY q = plane.forward(s.max_at);
        geo::GeosGeom point = ctx.own(GEOSGeom_createPointFromXY_r(h, q.x, q.y), "point");
        int best = -1;
        // The stretch lies on the boundary of its zone, to within the ring's simplification
        // and the millimetres between a geodesic and its projected chord.
        double best_d = 2.0 * ring_simplify_m + 0.05;
        for (std::size_t k = 0; k < kept.size(); ++k) {
            if (q.x < kept[k].min_x - best_d || q.x > kept[k].max_x + best_d ||
                q.y < kept[k].min_y - best_d || q.y > kept[k].max_y + best_d) {
                continue;
            }
            double d = 0.0;
            if (GEOSDistance_r(h, kept[k].planar.get(), point.get(), &d) == 1 && d <= best_d) {
                best_d = d;
                best = static_cast<int>(k);
            }
        }
        return best;
    };
    for (std::size_t k = 0; k < kept.size(); ++k) {
        kept[k].zone.id =
            cmp.pair + "/" + cmp.claimant_a + "~" + cmp.claimant_b + "/" + std::to_string(k + 1);
    }
    for (int line = 0; line < 2; ++line) {
        const LineProfile& p = line == 0 ? pa : pb;
        std::vector<ClaimStretch>& out = line == 0 ? cmp.stretches_a : cmp.stretches_b;
        double& total = line == 0 ? cmp.disputed_a_m : cmp.disputed_b_m;
        for (const Stretch& s : p.stretches) {
            ClaimStretch cs{s, {}};
            cs.stretch.first_sample = cs.stretch.end_sample = cs.stretch.wrap_first =
                cs.stretch.wrap_end = 0;
            if (s.closed() || s.whole_ring) {
                const int z = zone_of(s);
                if (z < 0)
                    continue;  // bounds only confetti: agreed
                cs.zone = kept[static_cast<std::size_t>(z)].zone.id;
                Zone& zone = kept[static_cast<std::size_t>(z)].zone;
                zone.max_offset_m = std::max(zone.max_offset_m, s.max_offset_m);
            }
            total += s.length_m;
            out.push_back(std::move(cs));
        }
    }

    for (Kept& k : kept) {
        Zone& z = k.zone;
        geo::GeosGeom surface =
            ctx.own(GEOSPointOnSurface_r(h, k.planar.get()), "point on surface");
        double x = 0.0;
        double y = 0.0;
        GEOSGeomGetX_r(h, surface.get(), &x);
        GEOSGeomGetY_r(h, surface.get(), &y);
        const geo::LonLat p = plane.inverse(geo::XY{x, y});
        holder(side_a, p, plane, z.holder_a, z.holder_basis_a, z.side_a);
        holder(side_b, p, plane, z.holder_b, z.holder_basis_b, z.side_b);

        const geo::GeosGeom lonlat = ctx.from_geometry(z.geometry);
        const geo::GeosPrepared prepared = ctx.prepare(*lonlat);
        for (std::size_t i = 0; i < input.settlements.size(); ++i) {
            if (ctx.prepared_covers(*prepared, input.settlements[i].position)) {
                z.settlements.push_back(i);
                if (input.settlements[i].population)
                    z.population += *input.settlements[i].population;
            }
        }
        for (std::size_t i = 0; i < input.water.size(); ++i) {
            if (ctx.prepared_intersects(*prepared, *water[i]))
                z.water.push_back(i);
        }
        for (std::size_t i = 0; i < input.incidents.size(); ++i) {
            if (ctx.prepared_covers(*prepared, input.incidents[i].position))
                z.incidents.push_back(i);
        }
        cmp.zones.push_back(std::move(z));
    }
}

}  // namespace

std::vector<ClaimLine> claim_lines(std::span<const layers::Claim> claims,
                                   const DisputedOptions& options) {
    const layers::Date as_of = options.as_of.value_or(layers::Date::today());
    std::map<std::pair<std::string, std::string>, std::vector<geo::Path>> lines;
    std::map<std::string, std::map<std::string, std::vector<geo::Polygon>>> polygons;
    for (const layers::Claim& c : claims) {
        if (!c.valid.in_force(as_of))
            continue;
        if (c.geometry.has_lines() && pair_wanted(options, c.pair)) {
            auto& list = lines[{c.pair, c.claimant}];
            list.insert(list.end(), c.geometry.lines().begin(), c.geometry.lines().end());
        }
        if (c.geometry.has_polygons()) {
            const std::string code = polygon_claim_country(c);
            if (code.empty())
                continue;
            auto& list = polygons[c.claimant][code];
            list.insert(list.end(), c.geometry.polygons().begin(), c.geometry.polygons().end());
        }
    }
    std::vector<ClaimLine> out;
    geo::GeosContext ctx;
    for (auto& [key, paths] : lines) {
        // Pieces that meet end to end (a line stored in several features) become one line, so
        // that a stretch running across the joint is one stretch.
        geo::Geometry merged = geo::Geometry::multi_line(std::move(paths));
        if (merged.lines().size() > 1) {
            const geo::GeosGeom g = ctx.from_geometry(merged);
            const geo::GeosGeom joined = ctx.line_merge(*g);
            merged = geo::Geometry::multi_line(ctx.to_geometry(*joined).lines());
        }
        out.push_back(ClaimLine{key.first, key.second, std::move(merged), {}});
    }
    for (auto& [claimant, by_code] : polygons) {
        std::vector<std::pair<std::string, geo::Geometry>> countries;
        for (auto& [code, polys] : by_code)
            countries.emplace_back(code, geo::Geometry::multi_polygon(polys));
        for (std::size_t i = 0; i < countries.size(); ++i) {
            for (std::size_t j = i + 1; j < countries.size(); ++j) {
                const std::string pair = countries[i].first + "-" + countries[j].first;
                if (!pair_wanted(options, pair))
                    continue;
                geo::Geometry shared = shared_boundary(countries[i].second, countries[j].second,
                                                       options.shared_boundary_m);
                if (shared.lines().empty())
                    continue;
                ClaimLine line{pair, claimant, std::move(shared), {}};
                line.countries = {countries[i], countries[j]};
                // A claimant with both lines and polygons for a pair: its lines win.
                const bool has_lines = std::any_of(out.begin(), out.end(), [&](const ClaimLine& l) {
                    return l.pair == pair && l.claimant == claimant;
                });
                if (!has_lines)
                    out.push_back(std::move(line));
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const ClaimLine& x, const ClaimLine& y) {
        return std::tie(x.pair, x.claimant) < std::tie(y.pair, y.claimant);
    });
    return out;
}

DisputedResult analyse_disputed(const DisputedInput& input, const DisputedOptions& options,
                                const Progress& progress) {
    DisputedResult result;
    result.as_of = options.as_of.value_or(layers::Date::today());

    // 1. By status.
    std::map<std::pair<std::string, layers::BorderStatus>, StatusTotal> totals;
    for (std::size_t i = 0; i < input.borders.size(); ++i) {
        const layers::Border& b = input.borders[i];
        if (!b.valid.in_force(result.as_of) || !is_status_of_interest(b.status) ||
            !pair_wanted(options, b.pair)) {
            continue;
        }
        StatusSegment s{i, b.pair, b.status, geo::length_m(b.geometry)};
        StatusTotal& t = totals[{b.pair, b.status}];
        t.pair = b.pair;
        t.status = b.status;
        ++t.segments;
        t.length_m += s.length_m;
        result.segments.push_back(std::move(s));
    }
    for (auto& [key, t] : totals) result.totals.push_back(t);

    // 2. and 3. By comparing claims.
    report(progress, 0.0, "building claim lines");
    std::size_t polygon_claims_without_country = 0;
    for (const layers::Claim& c : input.claims) {
        if (c.geometry.has_polygons() && polygon_claim_country(c).empty())
            ++polygon_claims_without_country;
    }
    if (polygon_claims_without_country > 0) {
        result.notes.push_back(
            std::to_string(polygon_claims_without_country) +
            " polygon claim(s) name no country (pair or iso3/a3 attribute): ignored");
    }
    const std::vector<ClaimLine> lines = claim_lines(input.claims, options);
    // The countries that name the sides of a line: those in force on the date.
    std::vector<layers::Country> countries;
    for (const layers::Country& c : input.countries) {
        if (c.valid.in_force(result.as_of))
            countries.push_back(c);
    }
    DisputedInput in_force = input;
    in_force.countries = countries;
    std::map<std::string, std::vector<const ClaimLine*>> by_pair;
    for (const ClaimLine& l : lines) by_pair[l.pair].push_back(&l);
    std::size_t total = 0;
    for (const auto& [pair, list] : by_pair) total += list.size() * (list.size() - 1) / 2;
    std::size_t done = 0;
    LineCompareOptions line_options = options.line_options();
    line_options.keep_samples = options.zones;
    for (const auto& [pair, list] : by_pair) {
        if (list.size() < 2) {
            result.notes.push_back("pair " + (pair.empty() ? std::string("(none)") : pair) +
                                   ": only claimant " + list.front()->claimant +
                                   " is in force, nothing to compare");
            continue;
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            for (std::size_t j = i + 1; j < list.size(); ++j) {
                const ClaimLine& ca = *list[i];
                const ClaimLine& cb = *list[j];
                const double base =
                    total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
                const double span = total > 0 ? 1.0 / static_cast<double>(total) : 1.0;
                report(progress, base,
                       "comparing " + ca.claimant + " and " + cb.claimant + " (" + pair + ")");
                LineComparison lc = compare_lines(
                    ca.lines, cb.lines, line_options, [&](double f, std::string_view stage) {
                        report(progress, base + 0.7 * span * f, stage);
                    });
                PairComparison cmp;
                cmp.pair = pair;
                cmp.claimant_a = ca.claimant;
                cmp.claimant_b = cb.claimant;
                cmp.hausdorff_m = lc.hausdorff_m;
                if (options.zones) {
                    report(progress, base + 0.7 * span, "building zones");
                    build_zones(in_force, options, ca, cb, cmp, lc.a, lc.b);
                } else {
                    for (const Stretch& s : lc.a.stretches) {
                        cmp.stretches_a.push_back(ClaimStretch{s, {}});
                        cmp.disputed_a_m += s.length_m;
                    }
                    for (const Stretch& s : lc.b.stretches) {
                        cmp.stretches_b.push_back(ClaimStretch{s, {}});
                        cmp.disputed_b_m += s.length_m;
                    }
                }
                lc.a.samples.clear();
                lc.a.samples.shrink_to_fit();
                lc.b.samples.clear();
                lc.b.samples.shrink_to_fit();
                cmp.a = std::move(lc.a);
                cmp.b = std::move(lc.b);
                result.comparisons.push_back(std::move(cmp));
                ++done;
            }
        }
    }
    report(progress, 1.0, "done");
    return result;
}

}  // namespace fergana::analysis
