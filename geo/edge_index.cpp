#include "geo/edge_index.hpp"

#include "geo/error.hpp"
#include "geo/memory.hpp"
#include "geo/parallel.hpp"
#include "geo/radix_sort.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace fergana::geo {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();
// Boxes and bounds are widened by this so that the rounding of Earth-centred coordinates
// (about 1e-9 m) and of PROJ's geodesics (about 15 nm) never makes a bound exceed a distance.
constexpr double rounding_margin_m = 1e-6;
// Ids are 32-bit to keep the search's data compact.
constexpr std::uint32_t max_count = std::numeric_limits<std::uint32_t>::max() - 1;
// A node whose items all belong to one geometry carries its id; others carry this.
constexpr std::uint32_t mixed_geometries = std::numeric_limits<std::uint32_t>::max();

// ---------------------------------------------------------------------------
// A packed R-tree over boxes in D dimensions, built once by Sort-Tile-Recursive ordering.
// Node i of a level covers entries [i * fanout, (i + 1) * fanout) of the level below (the
// items, below the lowest level). Eight children per node measured fastest for border data:
// sixteen costs more bound computations per node opened than it saves in levels.

constexpr std::size_t fanout = 8;

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

std::size_t padded(std::size_t n) noexcept { return (n + fanout - 1) / fanout * fanout; }

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

Ecef plus(const Ecef& u, const Ecef& v) noexcept { return {u.x + v.x, u.y + v.y, u.z + v.z}; }
// An orthonormal frame for the Earth-centred coordinates. A rotation keeps every chord
// length, so the bounds hold in any frame; with its third axis along the vertical at the
// data's centre, the boxes of a regional dataset lie flat instead of tilted by the latitude
// against the Earth-centred axes, which makes them tighter.
struct Frame {
    std::array<Ecef, 3> axes{{{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}}};

    [[nodiscard]] Ecef to_frame(const Ecef& v) const noexcept {
        return {axes[0].x * v.x + axes[0].y * v.y + axes[0].z * v.z,
                axes[1].x * v.x + axes[1].y * v.y + axes[1].z * v.z,
                axes[2].x * v.x + axes[2].y * v.y + axes[2].z * v.z};
    }
    [[nodiscard]] Ecef from_frame(const Ecef& v) const noexcept {
        return {axes[0].x * v.x + axes[1].x * v.y + axes[2].x * v.z,
                axes[0].y * v.x + axes[1].y * v.y + axes[2].y * v.z,
                axes[0].z * v.x + axes[1].z * v.y + axes[2].z * v.z};
    }

    // East, north and up at the direction of the mean of the points.
    static Frame centred_on(const std::vector<Ecef>& points) noexcept {
        Ecef sum;
        for (const Ecef& q : points) {
            sum = plus(sum, q);
        }
        const double horizontal = std::hypot(sum.x, sum.y);
        if (points.empty() || !(horizontal + std::fabs(sum.z) > 0.0)) {
            return {};
        }
        const double lon = std::atan2(sum.y, sum.x);
        const double lat = std::atan2(sum.z, horizontal);
        Frame f;
        f.axes[0] = {-std::sin(lon), std::cos(lon), 0.0};
        f.axes[1] = {-std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat)};
        f.axes[2] = {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
        return f;
    }
};

std::uint32_t to_u32(std::size_t n, const char* what) {
    if (n >= max_count) {
        throw GeometryError(std::string("EdgeIndex: too many ") + what + " (the limit is 2^32 - 2)");
    }
    return static_cast<std::uint32_t>(n);
}

bool valid(LonLat p) noexcept {
    return std::isfinite(p.lon) && std::isfinite(p.lat) && std::fabs(p.lat) <= 90.0;
}

// A node or item met by a search, with its lower bound.
struct RunEntry {
    double bound_m;
    std::uint32_t level;  // 0: an item (by leaf position); L >= 1: a node of levels[L - 1]
    std::uint32_t index;
};

// A cursor into a sorted run of RunEntry, [position, end), queued by its head's bound.
struct QueueEntry {
    double bound_m;
    std::uint32_t position;
    std::uint32_t end;
};

// std heaps keep the largest on top: ordering by "later" makes a min-heap of bounds.
struct Later {
    bool operator()(const QueueEntry& x, const QueueEntry& y) const noexcept {
        return x.bound_m > y.bound_m;
    }
};

// The 21 low bits of v moved to the even bits of the result (bit b to bit 2b).
std::uint64_t even_bits(std::uint64_t v) noexcept {
    v &= 0x1fffffU;
    v = (v | (v << 16U)) & 0x0000ffff0000ffffU;
    v = (v | (v << 8U)) & 0x00ff00ff00ff00ffU;
    v = (v | (v << 4U)) & 0x0f0f0f0f0f0f0f0fU;
    v = (v | (v << 2U)) & 0x3333333333333333U;
    v = (v | (v << 1U)) & 0x5555555555555555U;
    return v;
}

bool hit_before(const EdgeHit& x, const EdgeHit& y) noexcept {
    return x.distance_m < y.distance_m ||
           (x.distance_m == y.distance_m && x.geometry_id < y.geometry_id);
}

// Squared distances from p to the chords of every slot of a leaf (a + t d, 0 <= t <= 1; unused
// slots hold zeros), two slots at a time in SSE2 registers: half the instructions of one slot
// at a time, with the same results (the same operations in the same order, each rounded as a
// scalar one). The candidate scans spend most of their time here. Inline (GCC at -O2 otherwise
// calls it: the call costs as much as the arithmetic).
template <typename Leaf>
inline void chord_distances2(const Leaf& leaf, const Ecef& p, std::array<double, fanout>& out) noexcept {
    using Pair = double __attribute__((vector_size(16)));
    static_assert(fanout % 2 == 0);
    auto load = [](const std::array<double, fanout>& a, std::size_t k) {
        Pair v;
        std::memcpy(&v, &a[k], sizeof v);
        return v;
    };
    const Pair px{p.x, p.x};
    const Pair py{p.y, p.y};
    const Pair pz{p.z, p.z};
    const Pair zero{0.0, 0.0};
    const Pair one{1.0, 1.0};
    for (std::size_t k = 0; k < fanout; k += 2) {
        const Pair dx = load(leaf.dx, k);
        const Pair dy = load(leaf.dy, k);
        const Pair dz = load(leaf.dz, k);
        const Pair wx = px - load(leaf.ax, k);
        const Pair wy = py - load(leaf.ay, k);
        const Pair wz = pz - load(leaf.az, k);
        Pair t = (wx * dx + wy * dy + wz * dz) * load(leaf.inv_length2, k);
        t = zero < t ? t : zero;  // std::max(0.0, t)
        t = t < one ? t : one;    // std::min(1.0, t)
        const Pair ox = wx - t * dx;
        const Pair oy = wy - t * dy;
        const Pair oz = wz - t * dz;
        const Pair r = ox * ox + oy * oy + oz * oz;
        std::memcpy(&out[k], &r, sizeof r);
    }
}

// Squared distance from p to box k of a node block. Inline, likewise.
template <typename Block>
inline double box_distance2(const Block& block, std::size_t k, const Ecef& p) noexcept {
    const double gx = std::max(0.0, std::max(block.lo_x[k] - p.x, p.x - block.hi_x[k]));
    const double gy = std::max(0.0, std::max(block.lo_y[k] - p.y, p.y - block.hi_y[k]));
    const double gz = std::max(0.0, std::max(block.lo_z[k] - p.z, p.z - block.hi_z[k]));
    return gx * gx + gy * gy + gz * gz;
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
    // The boxes of one node's children (up to `fanout`), in one aligned block so that opening
    // a node reads a few adjacent cache lines. Unused slots hold empty boxes.
    struct alignas(64) NodeBlock {
        std::array<double, fanout> lo_x, lo_y, lo_z, hi_x, hi_y, hi_z;
        std::array<std::uint32_t, fanout> geometry;  // the one geometry under each child, or mixed
        std::uint32_t count = 0;
    };
    // The items of one leaf, likewise: the chord from a to a + d, 1/|d|^2 (0 for points), the
    // sag plus rounding margin, and the geometry.
    struct alignas(64) LeafBlock {
        std::array<double, fanout> ax, ay, az, dx, dy, dz, inv_length2, reach_m;
        std::array<std::uint32_t, fanout> geometry;
        std::uint32_t count = 0;
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

    // Unique to this index among all made in the process (never 0): what a Scratch's caches
    // kept across queries are keyed by, so that they never serve another index's items,
    // even one built later at the same address.
    std::uint64_t serial = next_serial();
    static std::uint64_t next_serial() noexcept {
        static std::atomic<std::uint64_t> counter{0};
        return ++counter;
    }

    std::size_t geometry_count = 0;
    // Geometries with at least one item: a search for more neighbours than this could never
    // fill its list, hence never bound itself, and would visit the whole tree.
    std::size_t searchable_geometries = 0;
    // Items' chords and the levels' boxes are Earth-centred coordinates in this frame.
    Frame frame;
    std::vector<PathInfo> paths;
    std::vector<ItemExact> exact;  // item i is slot i % fanout of leaf i / fanout
    std::vector<LeafBlock> leaves;
    // levels[l][i]: the children of node i of tree level l + 1, which are nodes of level l
    // (leaves for l = 0): levels[0] has one block per level-1 node, and levels.back() one
    // block, the root's.
    std::vector<std::vector<NodeBlock>> levels;
    Box3 root_box = Box3::empty();

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
    std::vector<RunEntry> runs;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;    // (level, index)
    std::vector<std::pair<std::uint32_t, std::uint32_t>> toggles;  // (geometry, part)
    std::vector<std::uint32_t> inside;                              // geometry ids, sorted
    std::vector<EdgeHit> hits;

    // nearest_all's candidate set: every leaf whose box was within the anchor point's nearest
    // distance plus slack_m of it, with that box's distance from the anchor, nearest first.
    const void* anchor_index = nullptr;
    Ecef anchor_true;   // Earth-centred
    Ecef anchor_frame;  // in the index's frame
    double anchor_distance_m = 0.0;
    double anchor_slack_m = 0.0;
    // The nearest point found by the last query (Earth-centred): a point on the geometries,
    // so the upper bound of its distance from the next query point bounds that one's answer.
    const void* last_index = nullptr;
    Ecef last_nearest;
    LonLat last_nearest_at{infinity, infinity};  // what last_nearest was worked out from
    // Neighbouring points are often nearest the same vertex: convert only a new point.
    void set_last_nearest(LonLat nearest) noexcept {
        if (!(nearest == last_nearest_at)) {
            last_nearest_at = nearest;
            last_nearest = to_ecef(nearest);
        }
    }
    std::vector<RunEntry> candidates;
    std::vector<RunEntry> pending;
    // nearest_each's answers for one chunk of points, handed to its sink together.
    std::vector<std::pair<std::size_t, std::optional<EdgeHit>>> answers;

    // Nearest distance found so far per geometry, valid where stamp == query.
    std::vector<std::uint32_t> stamp;
    std::vector<double> best_m;
    std::vector<std::uint32_t> slot;  // position in hits (within())
    std::uint32_t query = 0;

    // The last vertices probed and edges solved in this query, by coordinates: consecutive
    // edges share a vertex, and neighbouring countries' rings share whole edges (often in
    // opposite directions), so the same inverse problem would otherwise be solved again.
    struct CachedProbe {
        LonLat vertex{infinity, infinity};
        detail::VertexProbe probe;
    };
    struct CachedEdge {
        LonLat a{infinity, infinity};
        LonLat b{infinity, infinity};
        EdgeNearest nearest;
    };
    // The first `probe_count` entries are this query's (a query solves few edges: the scans
    // stop there); once all are in use, the oldest is replaced.
    std::array<CachedProbe, 8> probes{};
    std::size_t probe_count = 0;
    std::size_t next_probe = 0;

    // The geodesic lines of edges solved lately, by index and item, kept across queries:
    // neighbouring points of a batch are mostly nearest the same edge, and making its line
    // costs a third of the inverse problem that solves it. Direct-mapped by item position.
    struct CachedLine {
        std::uint64_t index = 0;  // Data::serial of the edge's index; 0: empty
        std::size_t pos = 0;
        detail::EdgeLine line;
    };
    std::array<CachedLine, 32> lines{};
    detail::EdgeLine& line_of(std::uint64_t index, std::size_t pos) {
        CachedLine& c = lines[pos % lines.size()];
        if (c.index != index || c.pos != pos) {
            c.index = index;
            c.pos = pos;
            c.line.ready = false;
        }
        return c.line;
    }
    // The edges solved in this query, as the probes: the first `edge_count` entries.
    std::array<CachedEdge, 8> edges{};
    std::size_t edge_count = 0;
    std::size_t next_edge = 0;

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
        probe_count = 0;
        next_probe = 0;
        edge_count = 0;
        next_edge = 0;
        hits.clear();
    }
    [[nodiscard]] double best(std::uint32_t geometry) const noexcept {
        return stamp[geometry] == query ? best_m[geometry] : infinity;
    }
    void set_best(std::uint32_t geometry, double distance_m) noexcept {
        stamp[geometry] = query;
        best_m[geometry] = distance_m;
    }
    [[nodiscard]] detail::VertexProbe lookup(LonLat vertex) const noexcept {
        for (std::size_t i = 0; i < probe_count; ++i) {
            if (probes[i].vertex == vertex) {
                return probes[i].probe;
            }
        }
        return {};
    }
    // A probe not cached yet (the caller looked it up before solving).
    void store(LonLat vertex, const detail::VertexProbe& probe) noexcept {
        if (!probe.known) {
            return;
        }
        probes[next_probe] = {vertex, probe};
        next_probe = (next_probe + 1) % probes.size();
        probe_count = std::min(probe_count + 1, probes.size());
    }
    // The solution for the edge a -> b or b -> a, if solved in this query.
    [[nodiscard]] std::optional<EdgeNearest> solved(const GeodesicEdge& edge) const noexcept {
        for (std::size_t i = 0; i < edge_count; ++i) {
            const CachedEdge& c = edges[i];
            if (c.a == edge.a && c.b == edge.b) {
                return c.nearest;
            }
            if (c.a == edge.b && c.b == edge.a) {
                EdgeNearest reversed = c.nearest;
                reversed.along_m = std::max(0.0, edge.length_m - c.nearest.along_m);
                return reversed;
            }
        }
        return std::nullopt;
    }
    void remember(const GeodesicEdge& edge, const EdgeNearest& nearest) noexcept {
        edges[next_edge] = {edge.a, edge.b, nearest};
        next_edge = (next_edge + 1) % edges.size();
        edge_count = std::min(edge_count + 1, edges.size());
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

EdgeIndex::EdgeIndex(std::span<const Geometry> geometries, unsigned threads) {
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
    to_u32(padded(raw.size()), "edges");
    {
        std::vector<bool> has_item(geometries.size(), false);
        for (const RawItem& item : raw) {
            has_item[data->paths[item.path].geometry] = true;
        }
        data->searchable_geometries =
            static_cast<std::size_t>(std::count(has_item.begin(), has_item.end(), true));
    }

    // Items: exact edge data (one inverse problem each) and a box holding the whole geodesic,
    // on every core asked for (the Fergana Valley's borders are tens of thousands of edges:
    // 10 ms on one).
    constexpr std::size_t grain = 4096;
    std::vector<Ecef> ecef(vertices.size());
    parallel_for(vertices.size(), grain, threads, [&](std::size_t begin, std::size_t end, unsigned) {
        std::transform(vertices.begin() + static_cast<std::ptrdiff_t>(begin),
                       vertices.begin() + static_cast<std::ptrdiff_t>(end),
                       ecef.begin() + static_cast<std::ptrdiff_t>(begin), to_ecef);
    });
    data->frame = Frame::centred_on(ecef);
    for (Ecef& v : ecef) {
        v = data->frame.to_frame(v);
    }
    std::vector<Data::ItemExact> exact(raw.size());
    std::vector<double> sags(raw.size());
    std::vector<Box3> boxes(raw.size());
    parallel_for(raw.size(), grain, threads, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
            const RawItem& item = raw[i];
            const std::uint32_t second = item.zero_length ? item.vertex : item.vertex + 1;
            GeodesicEdge edge;
            if (item.zero_length) {
                edge.a = edge.b = vertices[item.vertex];
            } else {
                edge = GeodesicEdge::between(vertices[item.vertex], vertices[second]);
            }
            sags[i] = edge_sag_bound_m(edge.length_m);
            exact[i] = {edge, item.vertex, item.path};
            const Ecef& a = ecef[item.vertex];
            const Ecef& b = ecef[second];
            const double grow = sags[i] + rounding_margin_m;
            boxes[i] = {{std::min(a.x, b.x) - grow, std::min(a.y, b.y) - grow, std::min(a.z, b.z) - grow},
                        {std::max(a.x, b.x) + grow, std::max(a.y, b.y) + grow, std::max(a.z, b.z) + grow}};
        }
    });
    PackedRTree<3> tree;
    tree.build(boxes);

    // Items in leaf order, one block per leaf. Item position pos = leaf * fanout + slot.
    data->leaves.resize((raw.size() + fanout - 1) / fanout);
    data->exact.reserve(raw.size());
    for (std::size_t pos = 0; pos < tree.order.size(); ++pos) {
        const std::uint32_t id = tree.order[pos];
        const RawItem& item = raw[id];
        const Ecef& a = ecef[item.vertex];
        const Ecef& b = ecef[item.zero_length ? item.vertex : item.vertex + 1];
        const double dx = b.x - a.x;
        const double dy = b.y - a.y;
        const double dz = b.z - a.z;
        const double length2 = dx * dx + dy * dy + dz * dz;
        Data::LeafBlock& leaf = data->leaves[pos / fanout];
        const std::size_t k = pos % fanout;
        leaf.ax[k] = a.x;
        leaf.ay[k] = a.y;
        leaf.az[k] = a.z;
        leaf.dx[k] = dx;
        leaf.dy[k] = dy;
        leaf.dz[k] = dz;
        leaf.inv_length2[k] = length2 > 0.0 ? 1.0 / length2 : 0.0;
        leaf.reach_m[k] = sags[id] + rounding_margin_m;
        leaf.geometry[k] = data->paths[item.path].geometry;
        leaf.count = static_cast<std::uint32_t>(k + 1);
        data->exact.push_back(exact[id]);
    }
    // Node blocks, each child tagged with its one geometry (or mixed).
    std::vector<std::uint32_t> tags;  // per node of the level below
    for (const Data::LeafBlock& leaf : data->leaves) {
        std::uint32_t tag = leaf.geometry[0];
        for (std::size_t k = 1; k < leaf.count; ++k) {
            if (leaf.geometry[k] != tag) {
                tag = mixed_geometries;
            }
        }
        tags.push_back(tag);
    }
    for (std::size_t l = 0; l < tree.levels.size(); ++l) {
        const std::vector<Box3>& below = tree.levels[l];  // the boxes of the level-l nodes
        std::vector<Data::NodeBlock> blocks((below.size() + fanout - 1) / fanout);
        for (std::size_t n = 0; n < below.size(); ++n) {
            Data::NodeBlock& block = blocks[n / fanout];
            const std::size_t k = n % fanout;
            if (k == 0) {
                block.lo_x.fill(infinity);
                block.lo_y.fill(infinity);
                block.lo_z.fill(infinity);
                block.hi_x.fill(-infinity);
                block.hi_y.fill(-infinity);
                block.hi_z.fill(-infinity);
                block.geometry.fill(mixed_geometries);
            }
            block.lo_x[k] = below[n].lo[0];
            block.lo_y[k] = below[n].lo[1];
            block.lo_z[k] = below[n].lo[2];
            block.hi_x[k] = below[n].hi[0];
            block.hi_y[k] = below[n].hi[1];
            block.hi_z[k] = below[n].hi[2];
            block.geometry[k] = tags[n];
            block.count = static_cast<std::uint32_t>(k + 1);
        }
        std::vector<std::uint32_t> above;
        for (const Data::NodeBlock& block : blocks) {
            std::uint32_t tag = block.geometry[0];
            for (std::size_t k = 1; k < block.count; ++k) {
                if (block.geometry[k] != tag) {
                    tag = mixed_geometries;
                }
            }
            above.push_back(tag);
        }
        tags = std::move(above);
        data->levels.push_back(std::move(blocks));
    }
    if (!tree.levels.empty()) {
        data->root_box = tree.levels.back().front();
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

// Solves item `pos` exactly, through the query's caches.
template <typename DataT, typename ImplT>
EdgeHit solve_item(const DataT& d, std::size_t pos, const Ecef& p_true, LonLat p, ImplT& s) {
    const auto& item = d.exact[pos];
    EdgeNearest n;
    if (const std::optional<EdgeNearest> cached = s.solved(item.edge)) {
        n = *cached;
    } else {
        detail::VertexProbe at_a = s.lookup(item.edge.a);
        detail::VertexProbe at_b = s.lookup(item.edge.b);
        // The hint needs true Earth-centred coordinates (it uses the ellipsoid's normal).
        const auto& leaf = d.leaves[pos / fanout];
        const std::size_t k = pos % fanout;
        const Ecef a{leaf.ax[k], leaf.ay[k], leaf.az[k]};
        const Ecef b = plus(a, {leaf.dx[k], leaf.dy[k], leaf.dz[k]});
        const double hint = detail::edge_hint_m(p_true, d.frame.from_frame(a), d.frame.from_frame(b),
                                                item.edge.length_m);
        const bool knew_a = at_a.known;
        const bool knew_b = at_b.known;
        n = detail::nearest_on_edge(item.edge, p, hint, at_a, at_b, s.line_of(d.serial, pos));
        if (!knew_a) s.store(item.edge.a, at_a);
        if (!knew_b) s.store(item.edge.b, at_b);  // a zero-length edge probes only at_a
        s.remember(item.edge, n);
    }
    const auto& path = d.paths[item.path];
    EdgeHit hit;
    hit.geometry_id = path.geometry;
    hit.distance_m = n.distance_m;
    hit.nearest = n.nearest;
    hit.where = {path.kind, path.part, path.ring, item.vertex - path.first_vertex, n.along_m};
    return hit;
}

// Best-first search: visits nodes and items in increasing lower bound while the bound is at
// most threshold(), solves items whose bound is also below their geometry's best hit, and
// hands the hits to offer(). Items take their turn among nodes: solving them in global bound
// order wastes the fewest exact solutions, which cost far more than the search itself.
// threshold() only ever decreases, so whatever it excludes never becomes needed.
//
// Until a first hit bounds it, the search prunes nothing, and queuing every child of every
// node opened would cost more than all the rest. So the qualifying children of an opened
// node are sorted once into a run, and the queue holds one cursor per run: popping a run's
// head queues the run's next entry. Each pop queues at most two entries.
template <typename DataT, typename ImplT, typename Threshold, typename Offer>
void best_first(const DataT& d, LonLat p, ImplT& s, Threshold&& threshold, Offer&& offer) {
    if (d.levels.empty()) {
        return;
    }
    const Ecef p_true = to_ecef(p);
    const Ecef pe = d.frame.to_frame(p_true);
    auto& heap = s.heap;
    auto& runs = s.runs;
    heap.clear();
    runs.clear();
    // Inserts into the run that starts at `begin`, keeping it sorted (runs are short).
    auto insert = [&runs](std::size_t begin, RunEntry entry) {
        runs.push_back(entry);
        std::size_t i = runs.size() - 1;
        while (i > begin && runs[i - 1].bound_m > entry.bound_m) {
            runs[i] = runs[i - 1];
            --i;
        }
        runs[i] = entry;
    };
    auto queue = [&heap, &runs](std::size_t position, std::size_t end) {
        heap.push_back({runs[position].bound_m, static_cast<std::uint32_t>(position),
                        static_cast<std::uint32_t>(end)});
        std::push_heap(heap.begin(), heap.end(), Later{});
    };
    std::array<double, fanout> distance2{};

    {
        const Box3& root = d.root_box;
        const double gx = std::max({root.lo[0] - pe.x, pe.x - root.hi[0], 0.0});
        const double gy = std::max({root.lo[1] - pe.y, pe.y - root.hi[1], 0.0});
        const double gz = std::max({root.lo[2] - pe.z, pe.z - root.hi[2], 0.0});
        runs.push_back({std::sqrt(gx * gx + gy * gy + gz * gz),
                        static_cast<std::uint32_t>(d.levels.size()), 0});
        queue(0, 1);
    }
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), Later{});
        const QueueEntry top = heap.back();
        heap.pop_back();
        const double limit = threshold();
        if (top.bound_m > limit) {
            break;  // every bound left is larger: nothing left can qualify
        }
        const RunEntry entry = runs[top.position];
        if (top.position + 1 < top.end) {
            queue(top.position + 1, top.end);
        }
        if (entry.level == 0) {
            const std::uint32_t g = d.leaves[entry.index / fanout].geometry[entry.index % fanout];
            if (entry.bound_m < s.best(g)) {
                const EdgeHit hit = solve_item(d, entry.index, p_true, p, s);
                if (hit.distance_m <= threshold()) {
                    offer(hit);
                }
            }
            continue;
        }
        // The node's own tag sits with its siblings, in its parent's block.
        const std::uint32_t tag =
            d.levels[entry.level - 1][entry.index / fanout].geometry[entry.index % fanout];
        if (tag != mixed_geometries && !(entry.bound_m < s.best(tag))) {
            continue;  // its one geometry has a hit at least this near already
        }
        const std::size_t first = std::size_t{entry.index} * fanout;
        const std::size_t begin = runs.size();
        if (entry.level == 1) {
            const auto& leaf = d.leaves[entry.index];
            chord_distances2(leaf, pe, distance2);
            for (std::size_t i = 0; i < leaf.count; ++i) {
                const double reach = leaf.reach_m[i];
                const double most = limit + reach;  // chord distances beyond this cannot qualify
                if (distance2[i] <= most * most) {
                    const double lb = std::max(0.0, std::sqrt(distance2[i]) - reach);
                    if (lb < s.best(leaf.geometry[i])) {
                        insert(begin, {lb, 0, static_cast<std::uint32_t>(first + i)});
                    }
                }
            }
        } else {
            const auto& block = d.levels[entry.level - 2][entry.index];
            for (std::size_t i = 0; i < fanout; ++i) {
                distance2[i] = box_distance2(block, i, pe);
            }
            const double limit2 = limit * limit;
            for (std::size_t i = 0; i < block.count; ++i) {
                if (distance2[i] <= limit2) {
                    const double lb = std::sqrt(distance2[i]);
                    const std::uint32_t g = block.geometry[i];
                    if (g == mixed_geometries || lb < s.best(g)) {
                        insert(begin, {lb, entry.level - 1, static_cast<std::uint32_t>(first + i)});
                    }
                }
            }
        }
        if (runs.size() > begin) {
            queue(begin, runs.size());
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
    const std::size_t wanted = std::min(k, d.searchable_geometries);
    auto threshold = [&results, wanted, limit_m] {
        return results.size() >= wanted && !results.empty()
                   ? std::min(limit_m, results.back().distance_m)
                   : limit_m;
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

std::optional<EdgeHit> EdgeIndex::nearest_in_batch(LonLat p, Scratch::Impl& s,
                                                    const EdgeQueryOptions& options,
                                                    bool reuse) const {
    if (!valid(p)) {
        return std::nullopt;
    }
    const Data& d = *m_data;
    if (options.polygon_interiors) {
        find_containing(d, p, s);  // needs no begin(): it keeps nothing per query
        if (!s.inside.empty()) {
            return inside_hit(s.inside.front(), p);
        }
    }
    auto within_limit = [&options](std::optional<EdgeHit> hit) {
        return hit && hit->distance_m <= options.max_distance_m ? hit : std::nullopt;
    };
    const Ecef p_true = to_ecef(p);
    const Ecef pe = d.frame.to_frame(p_true);

    // An edge at distance D from p lies in a leaf whose box is within D of p, and the distance
    // to a box moves by at most |anchor p| between the two points. So the leaves holding the
    // edges nearest p have boxes within d*(p) + |anchor p| <= d*(anchor) + upper(anchor, p) +
    // |anchor p| of the anchor: while that stays within the anchor's slack, the candidate
    // leaves hold them all.
    if (reuse && s.anchor_index == &d) {
        const double moved_m = chord_m(s.anchor_frame, pe);
        const double upper_m = geodesic_length_upper_bound_m(s.anchor_true, p_true);
        if (moved_m + upper_m <= s.anchor_slack_m) {
            s.begin(d.geometry_count);
            // d*(p) <= d*(anchor) + upper(anchor, p): an edge whose bound exceeds that is never
            // nearest, and never solved either, since the nearest edge, whose bound is below it,
            // is solved first. A box's distance moves by at most |anchor p| between the two
            // points, so the candidate leaves (nearest the anchor first) beyond cutoff +
            // |anchor p| from the anchor are not even looked at. The margin covers rounding.
            double cutoff_m = s.anchor_distance_m + upper_m;
            if (s.last_index == &d) {
                cutoff_m =
                    std::min(cutoff_m, geodesic_length_upper_bound_m(s.last_nearest, p_true));
            }
            cutoff_m += rounding_margin_m;
            auto& pending = s.pending;
            pending.clear();
            for (const RunEntry& candidate : s.candidates) {
                if (candidate.bound_m - moved_m > cutoff_m) {
                    break;
                }
                const std::uint32_t leaf_index = candidate.index;
                const auto& block = d.levels[0][leaf_index / fanout];
                if (box_distance2(block, leaf_index % fanout, pe) > cutoff_m * cutoff_m) {
                    continue;
                }
                const auto& leaf = d.leaves[leaf_index];
                const std::size_t first = std::size_t{leaf_index} * fanout;
                std::array<double, fanout> distance2;
                chord_distances2(leaf, pe, distance2);
                for (std::size_t k = 0; k < leaf.count; ++k) {
                    // sqrt(d2) - reach <= cutoff, without a square root for the items it rejects.
                    const double d2 = distance2[k];
                    const double most = cutoff_m + leaf.reach_m[k];
                    if (d2 <= most * most) {
                        const double lb = std::max(0.0, std::sqrt(d2) - leaf.reach_m[k]);
                        pending.push_back({lb, 0, static_cast<std::uint32_t>(first + k)});
                    }
                }
            }
            // Solved in increasing bound while the bound can still beat the best, as the tree
            // search would.
            std::sort(pending.begin(), pending.end(), [](const RunEntry& x, const RunEntry& y) {
                return x.bound_m < y.bound_m || (x.bound_m == y.bound_m && x.index < y.index);
            });
            std::optional<EdgeHit> best;
            for (const RunEntry& item : pending) {
                if (best && item.bound_m > best->distance_m) {
                    break;
                }
                const EdgeHit hit = solve_item(d, item.index, p_true, p, s);
                if (!best || hit_before(hit, *best)) {
                    best = hit;
                }
            }
            if (best) {
                s.last_index = &d;
                s.set_last_nearest(best->nearest);
            }
            return within_limit(best);
        }
    }

    // A full search, without the distance limit so that d*(p) is known for the candidate set.
    EdgeQueryOptions unlimited;
    unlimited.polygon_interiors = false;
    search_nearest(p, 1, s, unlimited);
    if (s.hits.empty()) {
        return std::nullopt;
    }
    const EdgeHit hit = s.hits.front();
    if (reuse) {
        // A slack that grows with the distance: far from the borders, a wide slack adds few
        // leaves. A query looks only at the candidates near its own bound, so a wide slack
        // costs little per query and saves full searches (measured: d*(p) bounded by 8 and
        // 40 km beats a quarter of it bounded by 2 and 10 km). Collect every leaf whose box is
        // within d*(p) + slack.
        const double slack_m = std::clamp(1.0 * hit.distance_m, 8000.0, 40000.0);
        const double reach_m = hit.distance_m + slack_m;
        s.candidates.clear();
        s.stack.clear();
        if (d.levels.size() == 1) {
            s.candidates.push_back({0.0, 1, 0});  // the root is the only leaf
        } else {
            s.stack.emplace_back(static_cast<std::uint32_t>(d.levels.size()), 0U);
        }
        while (!s.stack.empty()) {
            const auto [level, index] = s.stack.back();
            s.stack.pop_back();
            const auto& block = d.levels[level - 2][index];
            for (std::size_t k = 0; k < block.count; ++k) {
                const double distance2 = box_distance2(block, k, pe);
                if (distance2 <= reach_m * reach_m) {
                    const auto child = static_cast<std::uint32_t>(index * fanout + k);
                    if (level == 2) {
                        s.candidates.push_back({std::sqrt(distance2), 1, child});
                    } else {
                        s.stack.emplace_back(level - 1, child);
                    }
                }
            }
        }
        std::sort(s.candidates.begin(), s.candidates.end(),
                  [](const RunEntry& x, const RunEntry& y) { return x.bound_m < y.bound_m; });
        s.anchor_index = &d;
        s.anchor_true = p_true;
        s.anchor_frame = pe;
        s.anchor_distance_m = hit.distance_m;
        s.anchor_slack_m = slack_m;
        s.last_index = &d;
        s.set_last_nearest(hit.nearest);
    }
    return within_limit(hit);
}

std::vector<std::optional<EdgeHit>> EdgeIndex::nearest_all(std::span<const LonLat> points,
                                                           unsigned threads,
                                                           const EdgeQueryOptions& options) const {
    std::vector<std::optional<EdgeHit>> out(points.size());
    nearest_each(
        points, threads,
        [&out](std::size_t i, const std::optional<EdgeHit>& hit) { out[i] = hit; }, options);
    return out;
}

void EdgeIndex::nearest_each(
    std::span<const LonLat> points, unsigned threads,
    const std::function<void(std::size_t, const std::optional<EdgeHit>&)>& sink,
    const EdgeQueryOptions& options) const {
    if (!m_data) {
        for (std::size_t i = 0; i < points.size(); ++i) {
            sink(i, std::nullopt);
        }
        return;
    }
    if (points.empty()) {
        return;
    }
    // Morton order brings neighbours together. Each point's key (16 bits of longitude and 16
    // of latitude across the points' own extent: cells of 8 by 4 m over the Fergana Valley)
    // and index share one 64-bit word, so that the order is 8 bytes a point, and its radix
    // sort four passes of 32-bit keys; equal keys keep their points in index order. The
    // extent, the keys and the sort are worked out on every core.
    if (points.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("EdgeIndex::nearest_each: more than 4,294,967,295 points in one batch");
    }
    constexpr std::size_t grain = 65536;
    std::vector<Box> extents(worker_count(points.size(), grain, threads));
    parallel_for(points.size(), grain, threads, [&](std::size_t begin, std::size_t end, unsigned worker) {
        Box& extent = extents[worker];
        for (std::size_t i = begin; i < end; ++i) {
            if (valid(points[i])) extent.extend(points[i]);
        }
    });
    Box extent;
    for (const Box& e : extents) {
        if (!e.empty()) extent.extend(e);
    }
    std::vector<std::uint64_t> order;
    reserve_fresh(order, points.size(), threads);
    order.resize(points.size());
    {
        const double lon0 = extent.empty() ? 0.0 : extent.min_lon;
        const double lat0 = extent.empty() ? 0.0 : extent.min_lat;
        const double lon_scale = extent.empty() || !(extent.max_lon > lon0) ? 0.0 : 65535.0 / (extent.max_lon - lon0);
        const double lat_scale = extent.empty() || !(extent.max_lat > lat0) ? 0.0 : 65535.0 / (extent.max_lat - lat0);
        parallel_for(points.size(), grain, threads, [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i) {
                const LonLat q = points[i];
                std::uint64_t key = 0;  // invalid points first: they are answered without a search
                if (valid(q)) {
                    const auto x = static_cast<std::uint64_t>(std::clamp((q.lon - lon0) * lon_scale, 0.0, 65535.0));
                    const auto y = static_cast<std::uint64_t>(std::clamp((q.lat - lat0) * lat_scale, 0.0, 65535.0));
                    key = even_bits(x) | (even_bits(y) << 1U);
                }
                order[i] = (key << 32U) | i;  // point_of() takes the index back
            }
        });
    }
    radix_sort(order, 32, [](std::uint64_t item) { return item >> 32U; }, threads);
    // Reusing candidates pays only when a slack's reach holds several points: mean spacing
    // under 2 km, from the points' extent (cos(lat) shrinks the longitude span).
    bool reuse = false;
    if (!extent.empty()) {
        constexpr double km_per_deg = 111.2;
        const double mid_lat = 0.5 * (extent.min_lat + extent.max_lat) * 3.14159265358979323846 / 180.0;
        const double area_km2 = std::max(1e-6, (extent.max_lon - extent.min_lon) * km_per_deg *
                                                   std::cos(mid_lat)) *
                                std::max(1e-6, (extent.max_lat - extent.min_lat) * km_per_deg);
        reuse = std::sqrt(area_km2 / static_cast<double>(points.size())) < 2.0;
    }
    // The points are read in Morton order, all over their array: a cache miss each, which the
    // thousands of instructions of a query keep the processor from overlapping. So the point a
    // few queries ahead is asked for, and a chunk's answers go to the sink together once its
    // queries are done: the sink's own writes go all over its arrays too, and in a row of sink
    // calls the processor overlaps their misses.
    constexpr std::size_t ahead = 4;
    auto point_of = [](std::uint64_t entry) { return static_cast<std::size_t>(entry & 0xffffffffU); };
    for_each_chunk(points.size(), threads, [&](std::size_t begin, std::size_t end, Scratch& scratch) {
        Scratch::Impl& s = *scratch.m_impl;
        s.answers.clear();
        for (std::size_t i = begin; i < end; ++i) {
            if (i + ahead < order.size()) __builtin_prefetch(&points[point_of(order[i + ahead])]);
            const std::size_t index = point_of(order[i]);
            s.answers.emplace_back(index, nearest_in_batch(points[index], s, options, reuse));
        }
        for (const auto& [index, hit] : s.answers) sink(index, hit);
    });
}

void EdgeIndex::for_each_chunk(
    std::size_t count, unsigned threads,
    const std::function<void(std::size_t, std::size_t, Scratch&)>& work) const {
    // Chunks small enough to balance uneven query costs, large enough to make the shared
    // counter cheap.
    constexpr std::size_t chunk = 1024;
    std::vector<Scratch> scratch(worker_count(count, chunk, threads));
    parallel_for(count, chunk, threads,
                 [&](std::size_t begin, std::size_t end, unsigned worker) { work(begin, end, scratch[worker]); });
}

}  // namespace fergana::geo
