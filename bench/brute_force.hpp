#pragma once
// A brute-force reference for the benchmark's answers, independent of geo/nearest and
// geo/edge_index: the geodesic distance from a point to every edge of some lines, each
// edge solved by golden-section search along the geodesic (PROJ's geod_direct and
// geod_inverse, Karney's algorithms, exact to the nanometre), every edge visited.
//
//   bench::BruteForce brute;
//   double d = brute.distance_to_lines_m(lines, {71.0, 40.2});
//
// Edges are pruned only by a bound that needs no geometry of our own: for X on the edge AB
// of length L, d(P,X) >= d(P,A) - d(A,X) and d(P,X) >= d(P,B) - d(X,B), so
// d(P,X) >= (d(P,A) + d(P,B) - L) / 2 (triangle inequality on the ellipsoid's geodesic
// metric). An edge whose bound exceeds the best distance found cannot hold the nearest point.
// Slow (tens of thousands of geodesic problems per point): for samples only.
#include "geo/geometry.hpp"

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace fergana::bench {

class BruteForce {
public:
    BruteForce() { geod_init(&m_wgs84, 6378137.0, 1.0 / 298.257223563); }

    /// Geodesic distance in metres between two points.
    double distance_m(geo::LonLat a, geo::LonLat b) const {
        double s12 = 0, azi1 = 0, azi2 = 0;
        geod_inverse(&m_wgs84, a.lat, a.lon, b.lat, b.lon, &s12, &azi1, &azi2);
        return s12;
    }

    /// Distance from p to the geodesic edge a-b, by golden-section search on the arc length.
    double distance_to_edge_m(geo::LonLat a, geo::LonLat b, geo::LonLat p) const {
        double length = 0, azi1 = 0, azi2 = 0;
        geod_inverse(&m_wgs84, a.lat, a.lon, b.lat, b.lon, &length, &azi1, &azi2);
        const double end_distance = std::min(distance_m(a, p), distance_m(b, p));
        if (length == 0)
            return end_distance;
        geod_geodesicline line;
        geod_lineinit(&line, &m_wgs84, a.lat, a.lon, azi1, 0U);
        auto at = [&](double s) {
            double lat = 0, lon = 0, az = 0;
            geod_position(&line, s, &lat, &lon, &az);
            return distance_m({lon, lat}, p);
        };
        // The distance along a short geodesic edge from an outside point has one minimum.
        const double ratio = 0.5 * (std::sqrt(5.0) - 1.0);
        double lo = 0, hi = length;
        double x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo);
        double f1 = at(x1), f2 = at(x2);
        while (hi - lo > 1e-7) {  // 0.1 um along the edge: the distance moves by less
            if (f1 <= f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - ratio * (hi - lo);
                f1 = at(x1);
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + ratio * (hi - lo);
                f2 = at(x2);
            }
        }
        return std::min({end_distance, f1, f2});
    }

    /// Distance from p to the nearest edge of any of the paths (lines, not closed).
    double distance_to_paths_m(const std::vector<geo::Path>& paths, geo::LonLat p) const {
        double best = std::numeric_limits<double>::infinity();
        std::vector<double> vertex;
        for (const geo::Path& path : paths) {
            vertex.resize(path.size());
            for (std::size_t i = 0; i < path.size(); ++i) {
                vertex[i] = distance_m(path[i], p);
                best = std::min(best, vertex[i]);
            }
            for (std::size_t i = 0; i + 1 < path.size(); ++i) {
                const double length = distance_m(path[i], path[i + 1]);
                if (0.5 * (vertex[i] + vertex[i + 1] - length) > best)
                    continue;
                best = std::min(best, distance_to_edge_m(path[i], path[i + 1], p));
            }
        }
        return best;
    }

private:
    geod_geodesic m_wgs84{};
};

}  // namespace fergana::bench
