#include "geo/nearest.hpp"

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace fergana::geo {

namespace {

constexpr double wgs84_a_m = 6378137.0;
constexpr double wgs84_f = 1.0 / 298.257223563;
constexpr double wgs84_b_m = wgs84_a_m * (1.0 - wgs84_f);
constexpr double wgs84_e2 = wgs84_f * (2.0 - wgs84_f);
// The smallest radius of curvature of WGS84 (meridional, at the equator), b^2/a: it bounds
// the curvature of every geodesic seen as a space curve, and the meridional scale M from below.
constexpr double min_radius_m = wgs84_b_m * wgs84_b_m / wgs84_a_m;
constexpr double deg = std::numbers::pi / 180.0;

// Stopping rule of the edge iteration: the estimated excess of the distance over the minimum,
// and the last step along the edge (which bounds how far the nearest point can be off).
constexpr double excess_tolerance_m = 1e-6;
constexpr double step_tolerance_m = 5e-3;
// Newton converges in one to three probes; bisection alone needs about 50 on a 50 km edge
// to reach a nanometre, so this is never reached in practice.
constexpr int max_probes = 80;
// Rounding of Earth-centred coordinates (about 1e-9 m) and PROJ's geodesics (about 15 nm)
// must never make an upper bound fall below a true distance.
constexpr double rounding_margin_m = 1e-6;

const geod_geodesic& wgs84() {
    static const geod_geodesic g = [] {
        geod_geodesic init{};
        geod_init(&init, wgs84_a_m, wgs84_f);
        return init;
    }();
    return g;
}

detail::VertexProbe probe(LonLat p, LonLat x) noexcept {
    detail::VertexProbe r;
    r.known = true;
    double azimuth_at_p = 0.0;
    double scale_at_x = 0.0;
    geod_geninverse(&wgs84(), p.lat, p.lon, x.lat, x.lon, &r.distance_m, &azimuth_at_p,
                    &r.azimuth_deg, &r.reduced_length_m, &scale_at_x, &r.geodesic_scale,
                    nullptr);
    return r;
}

double dot(const Ecef& u, const Ecef& v) noexcept { return u.x * v.x + u.y * v.y + u.z * v.z; }
Ecef minus(const Ecef& u, const Ecef& v) noexcept { return {u.x - v.x, u.y - v.y, u.z - v.z}; }

double wrap180(double lon_deg) noexcept {
    double r = std::remainder(lon_deg, 360.0);
    if (r == -180.0) {
        r = 180.0;
    }
    return r;
}

// A ring as a closed sequence: GeoJSON rings repeat their first vertex; tolerate ones that don't.
std::size_t ring_edge_count(const Path& ring) noexcept {
    if (ring.size() < 2) {
        return ring.empty() ? 0 : 1;
    }
    return ring.front() == ring.back() ? ring.size() - 1 : ring.size();
}

LonLat ring_edge_end(const Path& ring, std::size_t edge) noexcept {
    return edge + 1 < ring.size() ? ring[edge + 1] : ring.front();
}

}  // namespace

// ---------------------------------------------------------------------------
// Point to edge.

GeodesicEdge GeodesicEdge::between(LonLat a, LonLat b) noexcept {
    GeodesicEdge e;
    e.a = a;
    e.b = b;
    geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &e.length_m, &e.azimuth_a_deg,
                 &e.azimuth_b_deg);
    return e;
}

EdgeNearest nearest_on_edge(LonLat a, LonLat b, LonLat p) noexcept {
    return nearest_on_edge(GeodesicEdge::between(a, b), p);
}

EdgeNearest nearest_on_edge(const GeodesicEdge& edge, LonLat p) noexcept {
    detail::VertexProbe at_a;
    detail::VertexProbe at_b;
    detail::EdgeLine line;
    const double hint = detail::edge_hint_m(to_ecef(p), to_ecef(edge.a), to_ecef(edge.b),
                                            edge.length_m);
    return detail::nearest_on_edge(edge, p, hint, at_a, at_b, line);
}

EdgeNearest detail::nearest_on_edge(const GeodesicEdge& edge, LonLat p, double s_hint_m,
                                    VertexProbe& at_a, VertexProbe& at_b, EdgeLine& edge_line) noexcept {
    EdgeNearest best;
    const double length = edge.length_m;
    if (!(length > 0.0)) {
        if (!at_a.known) {
            at_a = probe(p, edge.a);
            ++best.evaluations;
        }
        best.distance_m = at_a.distance_m;
        best.nearest = edge.a;
        return best;
    }

    // The minimiser lies in [lo, hi]; an end counts as probed once the derivative there is known.
    double lo = 0.0;
    double hi = length;
    bool lo_probed = false;
    bool hi_probed = false;
    double s = std::isnan(s_hint_m) ? 0.5 * length : std::clamp(s_hint_m, 0.0, length);

    for (int n = 0; n < max_probes; ++n) {
        LonLat x;
        double line_azimuth_deg = 0.0;
        VertexProbe here;
        if (s <= 0.0) {
            s = 0.0;
            x = edge.a;
            line_azimuth_deg = edge.azimuth_a_deg;
            if (!at_a.known) {
                at_a = probe(p, x);
                ++best.evaluations;
            }
            here = at_a;
        } else if (s >= length) {
            s = length;
            x = edge.b;
            line_azimuth_deg = edge.azimuth_b_deg;
            if (!at_b.known) {
                at_b = probe(p, x);
                ++best.evaluations;
            }
            here = at_b;
        } else {
            if (!edge_line.ready) {
                // From the stored azimuth, not geod_inverseline: saves solving the inverse again.
                geod_lineinit(&edge_line.line, &wgs84(), edge.a.lat, edge.a.lon, edge.azimuth_a_deg,
                              GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_AZIMUTH | GEOD_DISTANCE_IN);
                edge_line.ready = true;
            }
            geod_position(&edge_line.line, s, &x.lat, &x.lon, &line_azimuth_deg);
            here = probe(p, x);
            ++best.evaluations;
        }
        if (here.distance_m < best.distance_m) {
            best.distance_m = here.distance_m;
            best.nearest = x;
            best.along_m = s;
        }
        if (here.distance_m == 0.0) {
            break;
        }
        // d(distance)/ds: the cosine of the angle between the edge and the geodesic from p.
        const double slope = std::cos((line_azimuth_deg - here.azimuth_deg) * deg);
        if ((s == 0.0 && slope >= 0.0) || (s == length && slope <= 0.0)) {
            break;  // the distance grows into the edge: the nearest point is this end
        }
        if (slope > 0.0) {
            hi = s;
            hi_probed = true;
        } else {
            lo = s;
            lo_probed = true;
        }
        // Newton step: the second derivative at the minimum is M21 / m12, so the step is
        // slope * m12 / M21; in the plane (m12 = d, M21 = 1) it lands on the foot at once.
        const double scale_m = here.geodesic_scale > 0.0
                                   ? here.reduced_length_m / here.geodesic_scale
                                   : here.distance_m;
        const double step = slope * scale_m;
        const double d = here.distance_m;
        // In the plane, d - sqrt(d^2 - step^2) is exactly how much d exceeds the minimum.
        const double excess = d - std::sqrt(std::max(0.0, d * d - step * step));
        if (excess <= excess_tolerance_m && std::fabs(step) <= step_tolerance_m) {
            break;
        }
        double next = s - step;
        if (next <= lo) {
            next = lo_probed ? 0.5 * (lo + hi) : lo;
        } else if (next >= hi) {
            next = hi_probed ? 0.5 * (lo + hi) : hi;
        }
        if (next == s) {
            break;  // no representable progress left
        }
        s = next;
    }
    return best;
}

double detail::edge_hint_m(const Ecef& p, const Ecef& a, const Ecef& b, double length_m) noexcept {
    const Ecef d = minus(b, a);
    const double dd = dot(d, d);
    if (!(dd > 0.0)) {
        return 0.0;
    }
    const double t = dot(minus(p, a), d) / dd;
    if (t <= 0.0 || t >= 1.0) {
        return t * length_m;  // beyond an end: the caller clamps and checks that end first
    }
    // The foot c on the chord lies below the edge, and the chord is tilted against the
    // surface there by about (middle - s)/R. p, too, lies below the tangent plane at the
    // nearest point, along the normal: project p - c on the chord direction made tangent
    // (its normal component removed), not on the chord direction itself. This removes the
    // leading error of the plain chord foot (~ d^2/2R * tilt: 8 cm at 20 km).
    const Ecef c{a.x + t * d.x, a.y + t * d.y, a.z + t * d.z};
    constexpr double inv_a2 = 1.0 / (wgs84_a_m * wgs84_a_m);
    constexpr double inv_b2 = 1.0 / (wgs84_b_m * wgs84_b_m);
    Ecef n{c.x * inv_a2, c.y * inv_a2, c.z * inv_b2};
    const double n_norm = std::sqrt(dot(n, n));
    n = {n.x / n_norm, n.y / n_norm, n.z / n_norm};
    const double d_norm = std::sqrt(dd);
    const double tilt = dot(d, n) / d_norm;  // sine of the chord's angle to the tangent plane
    const double cos_tilt = std::sqrt(std::max(1e-12, 1.0 - tilt * tilt));
    const double correction = -tilt * dot(minus(p, c), n) / cos_tilt;
    // Chord fraction to arc length: on a sphere the point of the arc above the chord's point
    // t lies at angle phi from a with tan(phi - theta/2) = (2t - 1) tan(theta/2), theta the
    // arc's angle, which 1 - chord/L = theta^2/24 gives without assuming a radius. Taking
    // t * L instead is off by up to L^3 / (100 R^2): 5 cm on a 35 km edge, which would cost a
    // second probe.
    const double theta = std::sqrt(std::max(0.0, 24.0 * (1.0 - d_norm / length_m)));
    const double along =
        theta > 1e-6
            ? length_m * (0.5 + std::atan((2.0 * t - 1.0) * std::tan(0.5 * theta)) / theta)
            : t * length_m;
    return along + correction;
}

// ---------------------------------------------------------------------------
// Bounds.

Ecef to_ecef(LonLat p) noexcept {
    const double lat = p.lat * deg;
    const double lon = p.lon * deg;
    const double sin_lat = std::sin(lat);
    const double cos_lat = std::cos(lat);
    const double prime_vertical_m = wgs84_a_m / std::sqrt(1.0 - wgs84_e2 * sin_lat * sin_lat);
    return {prime_vertical_m * cos_lat * std::cos(lon), prime_vertical_m * cos_lat * std::sin(lon),
            prime_vertical_m * (1.0 - wgs84_e2) * sin_lat};
}

double chord_m(const Ecef& a, const Ecef& b) noexcept {
    const Ecef d = minus(a, b);
    return std::sqrt(dot(d, d));
}

double geodesic_length_upper_bound_m(const Ecef& a, const Ecef& b) noexcept {
    // Scaling z by a/b maps the ellipsoid onto the sphere of radius a; the inverse map never
    // lengthens a curve, so the great-circle arc between the images, mapped back, is a path
    // on the ellipsoid no longer than that arc: the geodesic is no longer either.
    constexpr double stretch = wgs84_a_m / wgs84_b_m;
    const double dx = a.x - b.x;
    const double dy = a.y - b.y;
    const double dz = (a.z - b.z) * stretch;
    const double chord_on_sphere_m = std::sqrt(dx * dx + dy * dy + dz * dz);
    const double half_angle = std::asin(std::min(1.0, chord_on_sphere_m / (2.0 * wgs84_a_m)));
    return 2.0 * wgs84_a_m * half_angle * (1.0 + 1e-12) + rounding_margin_m;
}

double edge_sag_bound_m(double length_m) noexcept {
    return length_m * length_m / (8.0 * min_radius_m);
}

// ---------------------------------------------------------------------------
// Point in polygon.

detail::RayEdge detail::make_ray_edge(LonLat a, LonLat b) noexcept {
    RayEdge e;
    e.a = a;
    e.b = {a.lon + wrap180(b.lon - a.lon), b.lat};
    const double length_m = geodesic_length_upper_bound_m(to_ecef(a), to_ecef(b));
    // Every point of the edge is within length_m of a, so its latitude is within
    // length_m / M_min of a's: bound |lat| on the edge without solving anything.
    const double far_lat =
        std::max(std::fabs(a.lat), std::fabs(b.lat)) * deg + length_m / min_radius_m;
    if (far_lat >= 0.5 * std::numbers::pi - 1e-6) {
        e.margin_deg = std::numeric_limits<double>::infinity();
        return e;
    }
    // Along a geodesic (arc length s, azimuth alpha), with rho = N cos(lat):
    //   lon'' = 2 sin(alpha) cos(alpha) sin(lat) / rho^2
    //   lat'' = -sin^2(alpha) tan(lat) / (N M) - cos^2(alpha) (dM/dlat) / M^3,
    // both growing with |lat|. A function with |f''| <= K departs from its chord by at most
    // K L^2 / 8, so each point of the geodesic is within (dlon, dlat) of a point of the chord.
    const double sin_far = std::sin(far_lat);
    const double cos_far = std::cos(far_lat);
    const double prime_vertical_far_m = wgs84_a_m / std::sqrt(1.0 - wgs84_e2 * sin_far * sin_far);
    const double rho_far_m = prime_vertical_far_m * cos_far;
    const double lon_curvature = sin_far / (rho_far_m * rho_far_m);
    const double lat_curvature =
        (sin_far / cos_far) / (wgs84_a_m * min_radius_m) +
        3.0 * wgs84_e2 / (2.0 * min_radius_m * min_radius_m * (1.0 - wgs84_e2));
    const double l2_8 = length_m * length_m / 8.0;
    const double dlon_deg = l2_8 * lon_curvature / deg;
    const double dlat_deg = l2_8 * lat_curvature / deg;
    const double dx = e.b.lon - e.a.lon;
    const double slope = dx != 0.0 ? std::fabs((e.b.lat - e.a.lat) / dx)
                                   : std::numeric_limits<double>::infinity();
    // At a fixed longitude the geodesic is within dlat + slope * dlon of the chord; the
    // constant covers the rounding of the chord's latitude.
    e.margin_deg = dlat_deg + slope * dlon_deg + 1e-11;
    return e;
}

bool detail::crosses_north_ray(const RayEdge& edge, LonLat p) noexcept {
    // Longitude is monotonic along a geodesic that does not pass over a pole, so the edge spans
    // p's meridian exactly when its ends do.
    const bool a_west = edge.a.lon <= p.lon;
    const bool b_west = edge.b.lon <= p.lon;
    if (a_west == b_west) {
        return false;
    }
    const double t = (p.lon - edge.a.lon) / (edge.b.lon - edge.a.lon);
    const double chord_lat = edge.a.lat + t * (edge.b.lat - edge.a.lat);
    if (p.lat < chord_lat - edge.margin_deg) {
        return true;
    }
    if (p.lat > chord_lat + edge.margin_deg) {
        return false;
    }
    // p lies between the chord and where the geodesic may be: ask the geodesic. The side of p
    // is the sign of the angle at a between the edge and the geodesic a -> p.
    double unused = 0.0;
    double edge_azimuth_deg = 0.0;
    double p_azimuth_deg = 0.0;
    geod_inverse(&wgs84(), edge.a.lat, edge.a.lon, edge.b.lat, edge.b.lon, &unused,
                 &edge_azimuth_deg, nullptr);
    geod_inverse(&wgs84(), edge.a.lat, edge.a.lon, p.lat, p.lon, &unused, &p_azimuth_deg,
                 nullptr);
    const double right = std::sin((p_azimuth_deg - edge_azimuth_deg) * deg);
    // The edge crosses the ray when p is south of it: on its right going east, its left going west.
    const bool eastward = edge.b.lon > edge.a.lon;
    return eastward ? right > 0.0 : right < 0.0;
}

bool polygon_contains(const Polygon& polygon, LonLat p) {
    bool inside = false;
    for (const Path& ring : polygon.rings) {
        const std::size_t edges = ring_edge_count(ring);
        if (edges < 2) {
            continue;
        }
        // Unwrap the ring's longitudes along it, then bring p into the same frame.
        std::vector<LonLat> unwrapped;
        unwrapped.reserve(edges + 1);
        unwrapped.push_back(ring.front());
        double min_lon = ring.front().lon;
        for (std::size_t i = 0; i < edges; ++i) {
            const LonLat next = ring_edge_end(ring, i);
            const LonLat& prev = unwrapped.back();
            unwrapped.push_back({prev.lon + wrap180(next.lon - prev.lon), next.lat});
            min_lon = std::min(min_lon, unwrapped.back().lon);
        }
        const LonLat q{min_lon + std::fmod(std::fmod(p.lon - min_lon, 360.0) + 360.0, 360.0),
                       p.lat};
        bool odd = false;
        for (std::size_t i = 0; i < edges; ++i) {
            const LonLat& a = unwrapped[i];
            const LonLat& b = unwrapped[i + 1];
            if ((a.lon <= q.lon) == (b.lon <= q.lon)) {
                continue;  // cheap reject before preparing the edge
            }
            if (detail::crosses_north_ray(detail::make_ray_edge(a, b), q)) {
                odd = !odd;
            }
        }
        if (odd) {
            inside = !inside;
        }
    }
    return inside;
}

// ---------------------------------------------------------------------------
// Point to geometry.

namespace {

struct Candidate {
    double bound_m = 0.0;
    const Path* path = nullptr;
    PartRef where;
};

void add_candidates(const Path& path, std::size_t edges, PartRef where, const Ecef& p,
                    std::vector<Ecef>& ecef, std::vector<Candidate>& out) {
    ecef.clear();
    for (const LonLat& v : path) {
        ecef.push_back(to_ecef(v));
    }
    for (std::size_t i = 0; i < edges; ++i) {
        const Ecef& a = ecef[i];
        const Ecef& b = i + 1 < ecef.size() ? ecef[i + 1] : ecef.front();
        const double sag = edge_sag_bound_m(geodesic_length_upper_bound_m(a, b));
        where.edge = i;
        out.push_back({edge_distance_lower_bound_m(p, a, b, sag), &path, where});
    }
}

}  // namespace

NearestOnGeometry nearest_point(const Geometry& geometry, LonLat p) {
    NearestOnGeometry result;
    const Ecef pe = to_ecef(p);

    for (std::size_t i = 0; i < geometry.points().size(); ++i) {
        const double d = probe(p, geometry.points()[i]).distance_m;
        if (d < result.boundary_distance_m) {
            result.boundary_distance_m = d;
            result.nearest = geometry.points()[i];
            result.where = {PartKind::Point, i, 0, 0, 0.0};
        }
    }

    std::vector<Candidate> candidates;
    std::vector<Ecef> scratch;
    for (std::size_t i = 0; i < geometry.lines().size(); ++i) {
        const Path& line = geometry.lines()[i];
        const std::size_t edges = line.size() < 2 ? line.size() : line.size() - 1;
        add_candidates(line, edges, {PartKind::Line, i, 0, 0, 0.0}, pe, scratch, candidates);
    }
    for (std::size_t i = 0; i < geometry.polygons().size(); ++i) {
        const auto& rings = geometry.polygons()[i].rings;
        for (std::size_t r = 0; r < rings.size(); ++r) {
            add_candidates(rings[r], ring_edge_count(rings[r]), {PartKind::Ring, i, r, 0, 0.0}, pe,
                           scratch, candidates);
        }
    }
    // Solve exactly only while a candidate's lower bound can still beat the best distance.
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& x, const Candidate& y) { return x.bound_m < y.bound_m; });
    for (const Candidate& c : candidates) {
        if (c.bound_m >= result.boundary_distance_m) {
            break;
        }
        const Path& path = *c.path;
        const LonLat a = path[c.where.edge];
        const LonLat b = c.where.edge + 1 < path.size() ? path[c.where.edge + 1] : path.front();
        const EdgeNearest n = nearest_on_edge(a, b, p);
        if (n.distance_m < result.boundary_distance_m) {
            result.boundary_distance_m = n.distance_m;
            result.nearest = n.nearest;
            result.where = c.where;
            result.where.along_m = n.along_m;
        }
    }

    for (const Polygon& polygon : geometry.polygons()) {
        if (polygon_contains(polygon, p)) {
            result.inside = true;
            break;
        }
    }
    result.distance_m = result.inside ? 0.0 : result.boundary_distance_m;
    return result;
}

}  // namespace fergana::geo
