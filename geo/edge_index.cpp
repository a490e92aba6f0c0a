#include "geo/edge_index.hpp"

#include "geo/error.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <utility>

namespace fergana::geo {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
// Boxes are widened by this on top of the sag bound so that the rounding of Earth-centred
// coordinates (about 1e-9 m) can never put a point of an edge outside its box.
constexpr double box_margin_m = 1e-6;
constexpr std::uint32_t no_vertex = std::numeric_limits<std::uint32_t>::max();

// ---------------------------------------------------------------------------
// A packed R-tree over boxes in D dimensions, built once by Sort-Tile-Recursive ordering.

constexpr std::size_t fanout = 16;

template <std::size_t D>
struct BoxN {
    std::array<double, D> lo;
    std::array<double, D> hi;

    static BoxN empty() noexcept {
        BoxN b;
        b.lo.fill(infinity);
        b.hi.fill(-infinity);
        return b;
    }
    void extend(const BoxN& other) noexcept {
        for (std::size_t k = 0; k < D; ++k) {
            lo[k] = std::min(lo[k], other.lo[k]);
            hi[k] = std::max(hi[k], other.hi[k]);
        }
    }
    [[nodiscard]] double center(std::size_t k) const noexcept { return 0.5 * (lo[k] + hi[k]); }
};

using Box3 = BoxN<3>;
using Box2 = BoxN<2>;

// Sorts ids along dimension `dim`, cuts them into slabs holding whole leaves, and sorts each
// slab along the next dimension: leaves end up compact in every dimension.
template <std::size_t D>
void str_order(std::vector<std::uint32_t>::iterator first, std::vector<std::uint32_t>::iterator last,
               std::size_t dim, const std::vector<BoxN<D>>& boxes) {
    const auto n = static_cast<std::size_t>(last - first);
    std::sort(first, last, [&boxes, dim](std::uint32_t x, std::uint32_t y) {
        const double cx = boxes[x].center(dim);
        const double cy = boxes[y].center(dim);
        return cx < cy || (cx == cy && x < y);  // ties by id: the same tree on every platform
    });
    if (dim + 1 == D || n <= fanout) {
        return;
    }
    const std::size_t leaves = (n + fanout - 1) / fanout;
    const auto slabs = static_cast<std::size_t>(
        std::ceil(std::pow(static_cast<double>(leaves), 1.0 / static_cast<double>(D - dim))));
    const std::size_t per_slab = ((leaves + slabs - 1) / slabs) * fanout;
    for (std::size_t start = 0; start < n; start += per_slab) {
        const std::size_t stop = std::min(n, start + per_slab);
        str_order<D>(first + static_cast<std::ptrdiff_t>(start),
                     first + static_cast<std::ptrdiff_t>(stop), dim + 1, boxes);
    }
}

template <std::size_t D>
struct PackedRTree {
    std::vector<std::uint32_t> order;          // leaf position -> item id
    std::vector<std::vector<BoxN<D>>> levels;  // levels[0] covers runs of `fanout` items;
                                               // levels.back() holds the root alone

    void build(const std::vector<BoxN<D>>& item_boxes) {
        order.resize(item_boxes.size());
        std::iota(order.begin(), order.end(), std::uint32_t{0});
        levels.clear();
        if (item_boxes.empty()) {
            return;
        }
        str_order<D>(order.begin(), order.end(), 0, item_boxes);
        std::vector<BoxN<D>> level;
        for (std::size_t i = 0; i < order.size(); i += fanout) {
            BoxN<D> box = BoxN<D>::empty();
            for (std::size_t j = i; j < std::min(order.size(), i + fanout); ++j) {
                box.extend(item_boxes[order[j]]);
            }
            level.push_back(box);
        }
        levels.push_back(std::move(level));
        while (levels.back().size() > 1) {
            const std::vector<BoxN<D>>& below = levels.back();
            std::vector<BoxN<D>> above;
            for (std::size_t i = 0; i < below.size(); i += fanout) {
                BoxN<D> box = BoxN<D>::empty();
                for (std::size_t j = i; j < std::min(below.size(), i + fanout); ++j) {
                    box.extend(below[j]);
                }
                above.push_back(box);
            }
            levels.push_back(std::move(above));
        }
    }
};

// Children of node `index` in a level whose level below holds `below_count` entries.
std::pair<std::size_t, std::size_t> children(std::size_t index, std::size_t below_count) noexcept {
    return {index * fanout, std::min(below_count, (index + 1) * fanout)};
}

double box_distance_m(const Box3& box, const Ecef& p) noexcept {
    const std::array<double, 3> q{p.x, p.y, p.z};
    double sum = 0.0;
    for (std::size_t k = 0; k < 3; ++k) {
        const double gap = std::max({box.lo[k] - q[k], q[k] - box.hi[k], 0.0});
        sum += gap * gap;
    }
    return std::sqrt(sum);
}

bool box_contains(const Box2& box, LonLat p) noexcept {
    return p.lon >= box.lo[0] && p.lon <= box.hi[0] && p.lat >= box.lo[1] && p.lat <= box.hi[1];
}

double wrap180(double lon_deg) noexcept {
    double r = std::remainder(lon_deg, 360.0);
    if (r == -180.0) {
        r = 180.0;
    }
    return r;
}

std::uint32_t to_u32(std::size_t n, const char* what) {
    if (n >= no_vertex) {
        throw GeometryError(std::string("EdgeIndex: too many ") + what + " (the limit is 2^32 - 2)");
    }
    return static_cast<std::uint32_t>(n);
}

bool valid(LonLat p) noexcept {
    return std::isfinite(p.lon) && std::isfinite(p.lat) && std::fabs(p.lat) <= 90.0;
}

struct QueueEntry {
    double bound_m;
    std::uint32_t level;  // 0: an item (by leaf position); L >= 1: a node of tree level L - 1
    std::uint32_t index;
};

bool later(const QueueEntry& x, const QueueEntry& y) noexcept {
    return x.bound_m > y.bound_m;  // std heaps keep the largest on top: this makes a min-heap
}

bool hit_before(const EdgeHit& x, const EdgeHit& y) noexcept {
    return x.distance_m < y.distance_m ||
           (x.distance_m == y.distance_m && x.geometry_id < y.geometry_id);
}

}  // namespace

// ---------------------------------------------------------------------------
// The index's data.

struct EdgeIndex::Data {
    // A point, line or ring: its vertices are vertex ids first_vertex, first_vertex + 1, ...
    struct PathInfo {
        std::uint32_t geometry = 0;
        std::uint32_t part = 0;
        std::uint32_t ring = 0;
        std::uint32_t first_vertex = 0;
        PartKind kind = PartKind::Point;
    };
    // What the lower bound needs, in leaf order (hot in the search).
    struct ItemBound {
        Ecef a;
        Ecef b;
        double sag_m = 0.0;
        std::uint32_t geometry = 0;
    };
    // What the exact solution needs, in leaf order.
    struct ItemExact {
        GeodesicEdge edge;
        std::uint32_t vertex = 0;  // the edge's first vertex; the second is vertex + 1
        std::uint32_t path = 0;
    };
    // A polygon ring for point-in-polygon tests: its edges in longitude slabs.
    struct Ring {
        std::uint32_t geometry = 0;
        std::uint32_t part = 0;
        double min_lon = 0.0;  // in the ring's own unwrapped frame
        double slab_width_deg = 1.0;
        std::uint32_t slab_count = 1;
        std::uint32_t first_slab = 0;  // into slab_starts
    };

    std::size_t geometry_count = 0;
    std::vector<PathInfo> paths;
    std::vector<ItemBound> bounds;
    std::vector<ItemExact> exact;
    PackedRTree<3> tree;

    std::vector<Ring> rings;
    std::vector<detail::RayEdge> ray_edges;
    std::vector<std::uint32_t> slab_starts;  // per slab: its first entry in slab_edges
    std::vector<std::uint32_t> slab_edges;   // ray_edges ids
    PackedRTree<2> ring_tree;
    std::vector<Box2> ring_boxes;
    bool rings_cross_antimeridian = false;
};

// ---------------------------------------------------------------------------
// Per-thread scratch.

struct EdgeIndex::Scratch::Impl {
    std::vector<QueueEntry> heap;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;    // (level, index)
    std::vector<std::pair<std::uint32_t, std::uint32_t>> toggles;  // (geometry, part)
    std::vector<std::uint32_t> inside;                              // geometry ids, sorted
    std::vector<EdgeHit> hits;

    // Nearest distance found so far per geometry, valid where stamp == query.
    std::vector<std::uint32_t> stamp;
    std::vector<double> best_m;
    std::vector<std::uint32_t> slot;  // position in hits (within())
    std::uint32_t query = 0;

    // The last vertices probed in this query: consecutive edges share their vertex.
    struct CachedProbe {
        std::uint32_t vertex = no_vertex;
        detail::VertexProbe probe;
    };
    std::array<CachedProbe, 8> probes{};
    std::size_t next_probe = 0;

    void begin(std::size_t geometry_count) {
        if (stamp.size() < geometry_count) {
            stamp.resize(geometry_count, 0);
            best_m.resize(geometry_count, infinity);
            slot.resize(geometry_count, 0);
        }
        if (++query == 0) {  // wrapped after 4e9 queries: forget every stamp
            std::fill(stamp.begin(), stamp.end(), 0);
            query = 1;
        }
        for (CachedProbe& c : probes) {
            c.vertex = no_vertex;
        }
        hits.clear();
    }
    [[nodiscard]] double best(std::uint32_t geometry) const noexcept {
        return stamp[geometry] == query ? best_m[geometry] : infinity;
    }
    void set_best(std::uint32_t geometry, double distance_m) noexcept {
        stamp[geometry] = query;
        best_m[geometry] = distance_m;
    }
    [[nodiscard]] detail::VertexProbe lookup(std::uint32_t vertex) const noexcept {
        for (const CachedProbe& c : probes) {
            if (c.vertex == vertex) {
                return c.probe;
            }
        }
        return {};
    }
    void store(std::uint32_t vertex, const detail::VertexProbe& probe) noexcept {
        if (!probe.known || lookup(vertex).known) {
            return;
        }
        probes[next_probe] = {vertex, probe};
        next_probe = (next_probe + 1) % probes.size();
    }
};

EdgeIndex::Scratch::Scratch() : m_impl(std::make_unique<Impl>()) {}
EdgeIndex::Scratch::~Scratch() = default;
EdgeIndex::Scratch::Scratch(Scratch&&) noexcept = default;
EdgeIndex::Scratch& EdgeIndex::Scratch::operator=(Scratch&&) noexcept = default;

// ---------------------------------------------------------------------------
// Building.

EdgeIndex::EdgeIndex() = default;
EdgeIndex::~EdgeIndex() = default;
EdgeIndex::EdgeIndex(EdgeIndex&&) noexcept = default;
EdgeIndex& EdgeIndex::operator=(EdgeIndex&&) noexcept = default;

EdgeIndex::EdgeIndex(std::span<const Geometry> geometries) {
    auto data = std::make_unique<Data>();
    data->geometry_count = geometries.size();
    to_u32(geometries.size(), "geometries");

    std::vector<LonLat> vertices;
    struct RawItem {
        std::uint32_t vertex;
        std::uint32_t path;
        bool zero_length;
    };
    std::vector<RawItem> raw;
    std::vector<std::uint32_t> ring_paths;

    auto add_path = [&](const Path& path, bool close, Data::PathInfo info, std::size_t id) {
        info.first_vertex = to_u32(vertices.size(), "vertices");
        const auto path_id = to_u32(data->paths.size(), "paths");
        for (const LonLat& v : path) {
            if (!valid(v)) {
                throw GeometryError("EdgeIndex: coordinate (" + std::to_string(v.lon) + ", " +
                                        std::to_string(v.lat) + ") is not a valid longitude/latitude",
                                    Location{{}, {}, std::to_string(id), {}});
            }
            vertices.push_back(v);
        }
        if (close && path.size() >= 2 && !(path.front() == path.back())) {
            vertices.push_back(path.front());
        }
        const auto count = vertices.size() - info.first_vertex;
        data->paths.push_back(info);
        if (count == 1) {
            raw.push_back({info.first_vertex, path_id, true});
        }
        for (std::size_t i = 0; i + 1 < count; ++i) {
            raw.push_back({to_u32(info.first_vertex + i, "vertices"), path_id, false});
        }
        to_u32(vertices.size() + 1, "vertices");  // keeps vertex + 1 representable
        return path_id;
    };

    for (std::size_t g = 0; g < geometries.size(); ++g) {
        const Geometry& geometry = geometries[g];
        const auto gid = static_cast<std::uint32_t>(g);
        for (std::size_t i = 0; i < geometry.points().size(); ++i) {
            add_path(Path{geometry.points()[i]}, false,
                     {gid, to_u32(i, "parts"), 0, 0, PartKind::Point}, g);
        }
        for (std::size_t i = 0; i < geometry.lines().size(); ++i) {
            if (!geometry.lines()[i].empty()) {
                add_path(geometry.lines()[i], false, {gid, to_u32(i, "parts"), 0, 0, PartKind::Line},
                         g);
            }
        }
        for (std::size_t i = 0; i < geometry.polygons().size(); ++i) {
            const auto& rings = geometry.polygons()[i].rings;
            for (std::size_t r = 0; r < rings.size(); ++r) {
                if (rings[r].empty()) {
                    continue;
                }
                const std::uint32_t path_id = add_path(
                    rings[r], true, {gid, to_u32(i, "parts"), to_u32(r, "rings"), 0, PartKind::Ring},
                    g);
                ring_paths.push_back(path_id);
            }
        }
    }
    to_u32(raw.size(), "edges");

    // Items: exact edge data (one inverse problem each) and a box holding the whole geodesic.
    std::vector<Ecef> ecef(vertices.size());
    std::transform(vertices.begin(), vertices.end(), ecef.begin(), to_ecef);
    std::vector<Data::ItemBound> bounds(raw.size());
    std::vector<Data::ItemExact> exact(raw.size());
    std::vector<Box3> boxes(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const RawItem& item = raw[i];
        const std::uint32_t second = item.zero_length ? item.vertex : item.vertex + 1;
        GeodesicEdge edge;
        if (item.zero_length) {
            edge.a = edge.b = vertices[item.vertex];
        } else {
            edge = GeodesicEdge::between(vertices[item.vertex], vertices[second]);
        }
        const double sag = edge_sag_bound_m(edge.length_m);
        const Ecef& a = ecef[item.vertex];
        const Ecef& b = ecef[second];
        bounds[i] = {a, b, sag, data->paths[item.path].geometry};
        exact[i] = {edge, item.vertex, item.path};
        const double grow = sag + box_margin_m;
        boxes[i] = {{std::min(a.x, b.x) - grow, std::min(a.y, b.y) - grow, std::min(a.z, b.z) - grow},
                    {std::max(a.x, b.x) + grow, std::max(a.y, b.y) + grow, std::max(a.z, b.z) + grow}};
    }
    data->tree.build(boxes);
    data->bounds.reserve(raw.size());
    data->exact.reserve(raw.size());
    for (const std::uint32_t id : data->tree.order) {
        data->bounds.push_back(bounds[id]);
        data->exact.push_back(exact[id]);
    }

    // Rings: unwrapped longitudes, prepared edges, and slabs of longitude listing the edges
    // that span each, so a meridian ray meets only the edges of one slab.
    for (const std::uint32_t path_id : ring_paths) {
        const Data::PathInfo& info = data->paths[path_id];
        const std::size_t end = path_id + 1 < data->paths.size()
                                    ? data->paths[path_id + 1].first_vertex
                                    : vertices.size();
        const std::size_t count = end - info.first_vertex;
        if (count < 3) {
            continue;  // fewer than two edges: encloses nothing
        }
        std::vector<LonLat> unwrapped;
        unwrapped.reserve(count);
        unwrapped.push_back(vertices[info.first_vertex]);
        for (std::size_t i = 1; i < count; ++i) {
            const LonLat next = vertices[info.first_vertex + i];
            unwrapped.push_back({unwrapped.back().lon + wrap180(next.lon - unwrapped.back().lon),
                                 next.lat});
        }
        Data::Ring ring;
        ring.geometry = info.geometry;
        ring.part = info.part;
        Box2 box = Box2::empty();
        const auto first_edge = data->ray_edges.size();
        double margin_deg = 0.0;
        for (std::size_t i = 0; i + 1 < count; ++i) {
            data->ray_edges.push_back(detail::make_ray_edge(unwrapped[i], unwrapped[i + 1]));
            margin_deg = std::max(margin_deg, data->ray_edges.back().margin_deg);
            box.extend(Box2{{unwrapped[i].lon, unwrapped[i].lat}, {unwrapped[i].lon, unwrapped[i].lat}});
        }
        // Longitude is monotonic along each edge, so the interior stays within the vertices'
        // longitudes; latitude can bulge past them by the edges' margin.
        box.lo[1] = std::max(-90.0, box.lo[1] - margin_deg);
        box.hi[1] = std::min(90.0, box.hi[1] + margin_deg);
        data->rings_cross_antimeridian =
            data->rings_cross_antimeridian || box.lo[0] < -180.0 || box.hi[0] > 180.0;

        const std::size_t edges = count - 1;
        ring.min_lon = box.lo[0];
        ring.slab_count = static_cast<std::uint32_t>(std::clamp<std::size_t>(edges / 8, 1, 4096));
        const double width = box.hi[0] - box.lo[0];
        ring.slab_width_deg = width > 0.0 ? width / ring.slab_count : 1.0;
        ring.first_slab = to_u32(data->slab_starts.size(), "slabs");
        auto slab_of = [&ring](double lon) {
            const double k = std::floor((lon - ring.min_lon) / ring.slab_width_deg);
            return static_cast<std::uint32_t>(
                std::clamp(k, 0.0, static_cast<double>(ring.slab_count - 1)));
        };
        std::vector<std::vector<std::uint32_t>> slabs(ring.slab_count);
        for (std::size_t e = 0; e < edges; ++e) {
            const detail::RayEdge& edge = data->ray_edges[first_edge + e];
            const double west = std::min(edge.a.lon, edge.b.lon);
            const double east = std::max(edge.a.lon, edge.b.lon);
            if (west == east) {
                continue;  // a meridian edge never spans a meridian half-openly
            }
            for (std::uint32_t k = slab_of(west); k <= slab_of(east); ++k) {
                slabs[k].push_back(to_u32(first_edge + e, "ring edges"));
            }
        }
        for (const auto& slab : slabs) {
            data->slab_starts.push_back(to_u32(data->slab_edges.size(), "slab entries"));
            data->slab_edges.insert(data->slab_edges.end(), slab.begin(), slab.end());
        }
        data->rings.push_back(ring);
        data->ring_boxes.push_back(box);
    }
    data->slab_starts.push_back(to_u32(data->slab_edges.size(), "slab entries"));
    data->ring_tree.build(data->ring_boxes);
    m_data = std::move(data);
}

std::size_t EdgeIndex::geometry_count() const noexcept {
    return m_data ? m_data->geometry_count : 0;
}
std::size_t EdgeIndex::item_count() const noexcept { return m_data ? m_data->exact.size() : 0; }
std::size_t EdgeIndex::ring_count() const noexcept { return m_data ? m_data->rings.size() : 0; }

// ---------------------------------------------------------------------------
// Querying.

namespace {

// Fills s.inside with the ids (sorted, unique) of geometries having a polygon containing p.
template <typename DataT, typename ImplT>
void find_containing(const DataT& d, LonLat p, ImplT& s) {
    s.inside.clear();
    s.toggles.clear();
    if (d.rings.empty()) {
        return;
    }
    const std::array<double, 3> shifts{0.0, 360.0, -360.0};
    const std::size_t shift_count = d.rings_cross_antimeridian ? 3 : 1;
    const auto& tree = d.ring_tree;
    for (std::size_t sh = 0; sh < shift_count; ++sh) {
        const LonLat q{p.lon + shifts[sh], p.lat};
        s.stack.clear();
        s.stack.emplace_back(static_cast<std::uint32_t>(tree.levels.size()), 0U);
        while (!s.stack.empty()) {
            const auto [level, index] = s.stack.back();
            s.stack.pop_back();
            if (level == 0) {
                const std::uint32_t r = tree.order[index];
                if (!box_contains(d.ring_boxes[r], q)) {
                    continue;
                }
                const auto& ring = d.rings[r];
                const double k = std::floor((q.lon - ring.min_lon) / ring.slab_width_deg);
                const auto slab =
                    ring.first_slab + static_cast<std::uint32_t>(std::clamp(
                                          k, 0.0, static_cast<double>(ring.slab_count - 1)));
                bool odd = false;
                for (std::uint32_t e = d.slab_starts[slab]; e < d.slab_starts[slab + 1]; ++e) {
                    if (detail::crosses_north_ray(d.ray_edges[d.slab_edges[e]], q)) {
                        odd = !odd;
                    }
                }
                if (odd) {
                    s.toggles.emplace_back(ring.geometry, ring.part);
                }
                continue;
            }
            if (!box_contains(tree.levels[level - 1][index], q)) {
                continue;
            }
            const std::size_t below =
                level == 1 ? tree.order.size() : tree.levels[level - 2].size();
            const auto [first, last] = children(index, below);
            for (std::size_t c = first; c < last; ++c) {
                s.stack.emplace_back(level - 1, static_cast<std::uint32_t>(c));
            }
        }
    }
    // A part contains p when an odd number of its rings (exterior and holes) do.
    std::sort(s.toggles.begin(), s.toggles.end());
    for (std::size_t i = 0; i < s.toggles.size();) {
        std::size_t j = i;
        while (j < s.toggles.size() && s.toggles[j] == s.toggles[i]) {
            ++j;
        }
        if ((j - i) % 2 == 1 && (s.inside.empty() || s.inside.back() != s.toggles[i].first)) {
            s.inside.push_back(s.toggles[i].first);
        }
        i = j;
    }
}

}  // namespace

namespace {

// Best-first search: visits boxes and items in increasing lower bound while the bound is at
// most threshold(); solves items exactly and hands the hits to offer().
template <typename DataT, typename ImplT, typename Threshold, typename Offer>
void best_first(const DataT& d, LonLat p, ImplT& s, Threshold&& threshold, Offer&& offer) {
    const auto& tree = d.tree;
    if (tree.levels.empty()) {
        return;
    }
    const Ecef pe = to_ecef(p);
    auto& heap = s.heap;
    heap.clear();
    auto push = [&heap](double bound_m, std::uint32_t level, std::uint32_t index) {
        heap.push_back({bound_m, level, index});
        std::push_heap(heap.begin(), heap.end(), later);
    };
    const auto root_level = static_cast<std::uint32_t>(tree.levels.size());
    push(std::max(0.0, box_distance_m(tree.levels.back().front(), pe)), root_level, 0);

    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const QueueEntry top = heap.back();
        heap.pop_back();
        if (top.bound_m > threshold()) {
            break;  // every bound left is larger: nothing left can qualify
        }
        if (top.level == 0) {
            const auto& bound = d.bounds[top.index];
            if (s.best(bound.geometry) <= top.bound_m) {
                continue;  // this geometry already has a hit at least this near
            }
            const auto& item = d.exact[top.index];
            detail::VertexProbe at_a = s.lookup(item.vertex);
            detail::VertexProbe at_b;
            if (item.edge.length_m > 0.0) {
                at_b = s.lookup(item.vertex + 1);
            }
            const double hint =
                detail::edge_hint_m(pe, bound.a, bound.b, item.edge.length_m);
            const EdgeNearest n = detail::nearest_on_edge(item.edge, p, hint, at_a, at_b);
            s.store(item.vertex, at_a);
            if (item.edge.length_m > 0.0) {
                s.store(item.vertex + 1, at_b);
            }
            const auto& path = d.paths[item.path];
            EdgeHit hit;
            hit.geometry_id = path.geometry;
            hit.distance_m = n.distance_m;
            hit.nearest = n.nearest;
            hit.where = {path.kind, path.part, path.ring, item.vertex - path.first_vertex,
                         n.along_m};
            if (hit.distance_m <= threshold()) {
                offer(hit);
            }
            continue;
        }
        if (top.level == 1) {
            const auto [first, last] = children(top.index, d.bounds.size());
            for (std::size_t i = first; i < last; ++i) {
                const auto& bound = d.bounds[i];
                const double lb = edge_distance_lower_bound_m(pe, bound.a, bound.b, bound.sag_m);
                if (lb <= threshold() && lb < s.best(bound.geometry)) {
                    push(lb, 0, static_cast<std::uint32_t>(i));
                }
            }
            continue;
        }
        const auto& below = tree.levels[top.level - 2];
        const auto [first, last] = children(top.index, below.size());
        for (std::size_t i = first; i < last; ++i) {
            const double lb = box_distance_m(below[i], pe);
            if (lb <= threshold()) {
                push(lb, top.level - 1, static_cast<std::uint32_t>(i));
            }
        }
    }
}

EdgeHit inside_hit(std::uint32_t geometry, LonLat p) {
    EdgeHit hit;
    hit.geometry_id = geometry;
    hit.distance_m = 0.0;
    hit.nearest = p;
    hit.inside = true;
    return hit;
}

}  // namespace

void EdgeIndex::search_nearest(LonLat p, std::size_t k, Scratch::Impl& s,
                               const EdgeQueryOptions& options) const {
    s.hits.clear();
    if (k == 0 || !m_data || !valid(p)) {
        return;
    }
    const Data& d = *m_data;
    s.begin(d.geometry_count);
    std::vector<EdgeHit>& results = s.hits;

    if (options.polygon_interiors) {
        find_containing(d, p, s);
        for (const std::uint32_t g : s.inside) {
            results.push_back(inside_hit(g, p));
            s.set_best(g, 0.0);
            if (results.size() == k) {
                return;
            }
        }
    }
    const double limit_m = options.max_distance_m;
    auto threshold = [&results, k, limit_m] {
        return results.size() == k ? std::min(limit_m, results.back().distance_m) : limit_m;
    };
    auto offer = [&](const EdgeHit& hit) {
        const auto g = static_cast<std::uint32_t>(hit.geometry_id);
        const double previous = s.best(g);
        if (!(hit.distance_m < previous)) {
            return;
        }
        s.set_best(g, hit.distance_m);
        if (std::isfinite(previous)) {
            const auto old = std::find_if(results.begin(), results.end(), [g](const EdgeHit& h) {
                return h.geometry_id == g;
            });
            if (old != results.end()) {
                results.erase(old);
            }
        }
        results.insert(std::upper_bound(results.begin(), results.end(), hit, hit_before), hit);
        if (results.size() > k) {
            results.pop_back();
        }
    };
    best_first(d, p, s, threshold, offer);
}

std::vector<EdgeHit> EdgeIndex::nearest_k(LonLat p, std::size_t k, Scratch& scratch,
                                          const EdgeQueryOptions& options) const {
    search_nearest(p, k, *scratch.m_impl, options);
    return scratch.m_impl->hits;
}

std::optional<EdgeHit> EdgeIndex::nearest(LonLat p, Scratch& scratch,
                                          const EdgeQueryOptions& options) const {
    search_nearest(p, 1, *scratch.m_impl, options);
    if (scratch.m_impl->hits.empty()) {
        return std::nullopt;
    }
    return scratch.m_impl->hits.front();
}

std::vector<EdgeHit> EdgeIndex::within(LonLat p, double radius_m, Scratch& scratch,
                                       const EdgeQueryOptions& options) const {
    if (!m_data || !valid(p) || !(radius_m >= 0.0)) {
        return {};
    }
    const Data& d = *m_data;
    Scratch::Impl& s = *scratch.m_impl;
    s.begin(d.geometry_count);
    std::vector<EdgeHit>& results = s.hits;

    if (options.polygon_interiors) {
        find_containing(d, p, s);
        for (const std::uint32_t g : s.inside) {
            s.slot[g] = static_cast<std::uint32_t>(results.size());
            results.push_back(inside_hit(g, p));
            s.set_best(g, 0.0);
        }
    }
    auto threshold = [radius_m] { return radius_m; };
    auto offer = [&](const EdgeHit& hit) {
        const auto g = static_cast<std::uint32_t>(hit.geometry_id);
        const double previous = s.best(g);
        if (!(hit.distance_m < previous)) {
            return;
        }
        s.set_best(g, hit.distance_m);
        if (std::isfinite(previous)) {
            results[s.slot[g]] = hit;
        } else {
            s.slot[g] = static_cast<std::uint32_t>(results.size());
            results.push_back(hit);
        }
    };
    best_first(d, p, s, threshold, offer);
    std::sort(results.begin(), results.end(), hit_before);
    return results;
}

std::optional<EdgeHit> EdgeIndex::nearest(LonLat p, const EdgeQueryOptions& options) const {
    Scratch scratch;
    return nearest(p, scratch, options);
}

std::vector<EdgeHit> EdgeIndex::nearest_k(LonLat p, std::size_t k,
                                          const EdgeQueryOptions& options) const {
    Scratch scratch;
    return nearest_k(p, k, scratch, options);
}

std::vector<EdgeHit> EdgeIndex::within(LonLat p, double radius_m,
                                       const EdgeQueryOptions& options) const {
    Scratch scratch;
    return within(p, radius_m, scratch, options);
}

std::vector<std::optional<EdgeHit>> EdgeIndex::nearest_all(std::span<const LonLat> points,
                                                           unsigned threads,
                                                           const EdgeQueryOptions& options) const {
    std::vector<std::optional<EdgeHit>> out(points.size());
    query_all(points.size(), threads,
              [&](std::size_t i, Scratch& scratch) { out[i] = nearest(points[i], scratch, options); });
    return out;
}

void EdgeIndex::for_each_chunk(
    std::size_t count, unsigned threads,
    const std::function<void(std::size_t, std::size_t, Scratch&)>& work) const {
    if (threads == 0) {
        threads = std::max(1U, std::thread::hardware_concurrency());
    }
    // Chunks small enough to balance uneven query costs, large enough to make the shared
    // counter cheap.
    constexpr std::size_t chunk = 1024;
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&] {
        try {
            Scratch scratch;
            while (!failed.load(std::memory_order_relaxed)) {
                const std::size_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
                if (begin >= count) {
                    break;
                }
                work(begin, std::min(count, begin + chunk), scratch);
            }
        } catch (...) {
            const std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) {
                error = std::current_exception();
            }
            failed = true;
        }
    };
    const std::size_t useful = (count + chunk - 1) / chunk;
    const auto workers = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, useful)));
    std::vector<std::thread> pool;
    try {
        for (unsigned t = 1; t < workers; ++t) {
            pool.emplace_back(run);
        }
    } catch (...) {
        failed = true;
        for (std::thread& t : pool) {
            t.join();
        }
        throw;
    }
    run();
    for (std::thread& t : pool) {
        t.join();
    }
    if (error) {
        std::rethrow_exception(error);
    }
}

}  // namespace fergana::geo
