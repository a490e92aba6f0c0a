#include "render/map_projection.hpp"

#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "geo/proj.hpp"
#include "render/detail/strings.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fergana::render {

namespace {

std::string degrees(double v, char positive, char negative) {
    return detail::trimmed_fixed(std::abs(v), 2) + "°" + (v < 0 ? negative : positive);
}

}  // namespace

std::string ProjectionChoice::description() const {
    if (kind == ProjectionKind::LambertConformalConic) {
        return "Lambert conformal conic, standard parallels " + degrees(lat_1, 'N', 'S') + " and " +
               degrees(lat_2, 'N', 'S') + ", central meridian " + degrees(lon_0, 'E', 'W');
    }
    return "transverse Mercator, central meridian " + degrees(lon_0, 'E', 'W');
}

ProjectionChoice choose_projection(const geo::Box& extent) {
    if (extent.empty())
        throw Error("cannot choose a projection for an empty extent");
    ProjectionChoice p;
    p.lon_0 = (extent.min_lon + extent.max_lon) / 2.0;
    p.lat_0 = (extent.min_lat + extent.max_lat) / 2.0;
    const double width_m = geo::distance_m({extent.min_lon, p.lat_0}, {extent.max_lon, p.lat_0});
    const double height_m = geo::distance_m({p.lon_0, extent.min_lat}, {p.lon_0, extent.max_lat});
    const double span = extent.max_lat - extent.min_lat;
    p.lat_1 = extent.min_lat + span / 6.0;
    p.lat_2 = extent.max_lat - span / 6.0;
    // A cone needs its standard parallels on one side of the equator.
    const bool one_hemisphere = p.lat_1 * p.lat_2 > 0.0 && std::abs(p.lat_0) > 1.0;
    if (width_m > height_m && one_hemisphere) {
        p.kind = ProjectionKind::LambertConformalConic;
        p.proj = "+proj=lcc +lat_1=" + detail::trimmed_fixed(p.lat_1, 6) +
                 " +lat_2=" + detail::trimmed_fixed(p.lat_2, 6) +
                 " +lat_0=" + detail::trimmed_fixed(p.lat_0, 6) +
                 " +lon_0=" + detail::trimmed_fixed(p.lon_0, 6) +
                 " +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs";
    } else {
        p.kind = ProjectionKind::TransverseMercator;
        p.proj = "+proj=tmerc +lat_0=" + detail::trimmed_fixed(p.lat_0, 6) +
                 " +lon_0=" + detail::trimmed_fixed(p.lon_0, 6) +
                 " +k_0=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs +type=crs";
    }
    return p;
}

namespace {

std::unique_ptr<geo::Transformer> make_transformer(geo::ProjContext& context,
                                                   const ProjectionChoice& p) {
    return std::make_unique<geo::Transformer>(context, "EPSG:4326", p.proj);
}

ProjectedBox bounds_with(const geo::Transformer& t, const geo::Box& box) {
    ProjectedBox out{INFINITY, INFINITY, -INFINITY, -INFINITY};
    constexpr int samples = 64;
    auto add = [&](double lon, double lat) {
        const geo::XY xy = t.forward({lon, lat});
        out.min_x = std::min(out.min_x, xy.x);
        out.min_y = std::min(out.min_y, xy.y);
        out.max_x = std::max(out.max_x, xy.x);
        out.max_y = std::max(out.max_y, xy.y);
    };
    for (int i = 0; i <= samples; ++i) {
        const double f = i / static_cast<double>(samples);
        const double lon = box.min_lon + f * (box.max_lon - box.min_lon);
        const double lat = box.min_lat + f * (box.max_lat - box.min_lat);
        add(lon, box.min_lat);
        add(lon, box.max_lat);
        add(box.min_lon, lat);
        add(box.max_lon, lat);
    }
    return out;
}

}  // namespace

ProjectedBox MapView::projected_bounds(const ProjectionChoice& projection, const geo::Box& box) {
    geo::ProjContext context;
    const auto t = make_transformer(context, projection);
    return bounds_with(*t, box);
}

MapView::MapView(const ProjectionChoice& projection, const geo::Box& extent, const Rect& frame)
    : m_projection(projection),
      m_context(std::make_unique<geo::ProjContext>()),
      m_transformer(make_transformer(*m_context, projection)) {
    const ProjectedBox b = bounds_with(*m_transformer, extent);
    m_placement.frame = frame;
    m_placement.centre_m = {(b.min_x + b.max_x) / 2.0, (b.min_y + b.max_y) / 2.0};
    const double w = std::max(b.width(), 1.0);
    const double h = std::max(b.height(), 1.0);
    m_placement.points_per_metre = std::min(frame.w / w, frame.h / h);
}

MapView::MapView(const ProjectionChoice& projection, const ViewPlacement& placement)
    : m_projection(projection),
      m_placement(placement),
      m_context(std::make_unique<geo::ProjContext>()),
      m_transformer(make_transformer(*m_context, projection)) {}

MapView::~MapView() = default;
MapView::MapView(MapView&&) noexcept = default;
MapView& MapView::operator=(MapView&&) noexcept = default;

geo::XY MapView::project(geo::LonLat p) const {
    return m_transformer->forward({p.lon, p.lat});
}

geo::XY MapView::to_page(geo::LonLat p) const {
    const geo::XY m = project(p);
    const Rect& f = m_placement.frame;
    return {f.x + f.w / 2.0 + (m.x - m_placement.centre_m.x) * m_placement.points_per_metre,
            f.y + f.h / 2.0 - (m.y - m_placement.centre_m.y) * m_placement.points_per_metre};
}

std::optional<geo::XY> MapView::try_to_page(geo::LonLat p) const noexcept {
    try {
        return to_page(p);
    } catch (...) {
        return std::nullopt;
    }
}

geo::LonLat MapView::to_lonlat(geo::XY page) const {
    const Rect& f = m_placement.frame;
    const geo::XY m{
        m_placement.centre_m.x + (page.x - f.x - f.w / 2.0) / m_placement.points_per_metre,
        m_placement.centre_m.y - (page.y - f.y - f.h / 2.0) / m_placement.points_per_metre};
    const geo::XY ll = m_transformer->inverse(m);
    return {ll.x, ll.y};
}

geo::Box MapView::visible_box() const {
    geo::Box box;
    const Rect& f = m_placement.frame;
    constexpr int samples = 32;
    for (int i = 0; i <= samples; ++i) {
        const double t = i / static_cast<double>(samples);
        box.extend(to_lonlat({f.x + t * f.w, f.y}));
        box.extend(to_lonlat({f.x + t * f.w, f.bottom()}));
        box.extend(to_lonlat({f.x, f.y + t * f.h}));
        box.extend(to_lonlat({f.right(), f.y + t * f.h}));
    }
    return box;
}

double MapView::metres_per_point_at_centre() const {
    const Rect& f = m_placement.frame;
    const double cx = f.x + f.w / 2.0;
    const double cy = f.y + f.h / 2.0;
    const double half = 0.1 * f.w;
    const double d = geo::distance_m(to_lonlat({cx - half, cy}), to_lonlat({cx + half, cy}));
    return d / (2.0 * half);
}

double MapView::north_angle_at(geo::XY page) const {
    const geo::LonLat ll = to_lonlat(page);
    const geo::XY north = to_page({ll.lon, std::min(ll.lat + 0.01, 89.99)});
    return std::atan2(north.x - page.x, -(north.y - page.y));
}

}  // namespace fergana::render
