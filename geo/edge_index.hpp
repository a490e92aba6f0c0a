#pragma once
// A spatial index over the points, lines and polygons of many geometries (every border
// line, every water feature, every settlement) for nearest, nearest-k and within-distance
// queries in metres on WGS84, exact after geodesic refinement.
//
//   std::vector<geo::Geometry> borders = ...;
//   const geo::EdgeIndex index(borders);            // geometry id = position in `borders`
//   std::optional<geo::EdgeHit> hit = index.nearest({71.0, 40.2});
//   std::vector<geo::EdgeHit> three = index.nearest_k({71.0, 40.2}, 3);
//   std::vector<geo::EdgeHit> close = index.within({71.0, 40.2}, 5000.0);
//   std::vector<std::optional<geo::EdgeHit>> all = index.nearest_all(points, 2);  // 2 threads
//
// How it stays exact: every edge (the geodesic between two vertices) and every point is
// stored with its Earth-centred coordinates, rotated so that the third axis is the vertical
// at the data's centre (a rotation keeps every distance), in a packed R-tree of 3-D boxes
// (eight children per node, Sort-Tile-Recursive order). A straight line is never longer than
// a geodesic, and a geodesic edge never strays from its chord by more than
// length^2 a / (8 b^2), so the distance from the query point to a box, or to an edge's chord
// less that sag, is a proven lower bound of the geodesic distance: no degree-to-metre
// conversion, meridian convergence or antimeridian case to get wrong. The search visits
// boxes and edges in increasing lower bound (best-first) and solves an edge exactly
// (geo::nearest_on_edge) only while its bound can still beat the k-th best exact distance,
// so the first k exact results are the true k nearest. An edge's bound is within
// d^3 / (24 R^2) of its distance (1 mm at 10 km), so few losers are ever solved; edges and
// vertices shared by several geometries (neighbouring countries' rings) are solved once per
// query. See docs/geodesic.md for the proofs and the measured costs.
//
// A polygon's interior counts (distance 0, `inside`) unless EdgeQueryOptions says otherwise:
// rings are located through a second R-tree of longitude/latitude boxes and tested with a
// meridian ray against geodesic edges (as geo::polygon_contains).
//
// Queries are const and thread-safe; each thread needs its own Scratch (the overloads
// without one make a fresh one per call). One hit per geometry: its nearest part.

#include "geo/geometry.hpp"
#include "geo/nearest.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace fergana::geo {

/// One geometry found by a query.
struct EdgeHit {
    std::size_t geometry_id = 0;  // position of the geometry in the span the index was built from
    double distance_m = std::numeric_limits<double>::infinity();  // 0 when inside a polygon
    LonLat nearest;  // nearest point of the geometry's points, lines or rings; p when inside
    PartRef where;   // where `nearest` lies; not meaningful when inside
    bool inside = false;  // p is inside one of the geometry's polygons
};

struct EdgeQueryOptions {
    /// nearest and nearest_k ignore geometries farther than this (within() uses its radius).
    /// Default: no limit.
    double max_distance_m = std::numeric_limits<double>::infinity();
    /// true (default): a point inside a polygon is at distance 0 from it. false: polygons
    /// count by their rings only, as lines do.
    bool polygon_interiors = true;
};

class EdgeIndex {
public:
    /// Per-thread working memory for queries: reuse one per thread to avoid allocations.
    class Scratch {
    public:
        Scratch();
        ~Scratch();
        Scratch(Scratch&&) noexcept;
        Scratch& operator=(Scratch&&) noexcept;
        Scratch(const Scratch&) = delete;
        Scratch& operator=(const Scratch&) = delete;

    private:
        friend class EdgeIndex;
        struct Impl;
        std::unique_ptr<Impl> m_impl;
    };

    /// An empty index: every query finds nothing.
    EdgeIndex();
    /// Indexes every point, line edge and ring edge; geometry id = position in the span.
    /// Throws GeometryError (naming the geometry id) on a coordinate that is not finite or a
    /// latitude beyond +-90. Building costs one inverse geodesic problem per edge, solved on
    /// `threads` threads (0: one per hardware thread).
    explicit EdgeIndex(std::span<const Geometry> geometries, unsigned threads = 0);
    ~EdgeIndex();
    EdgeIndex(EdgeIndex&&) noexcept;
    EdgeIndex& operator=(EdgeIndex&&) noexcept;
    EdgeIndex(const EdgeIndex&) = delete;
    EdgeIndex& operator=(const EdgeIndex&) = delete;

    [[nodiscard]] std::size_t geometry_count() const noexcept;
    /// Indexed items: edges of lines and rings, plus points (and one-vertex lines).
    [[nodiscard]] std::size_t item_count() const noexcept;
    [[nodiscard]] std::size_t ring_count() const noexcept;

    /// The nearest geometry to p (ties: lowest id), or nothing when none is within
    /// options.max_distance_m.
    [[nodiscard]] std::optional<EdgeHit> nearest(LonLat p, Scratch& scratch,
                                                 const EdgeQueryOptions& options = {}) const;
    [[nodiscard]] std::optional<EdgeHit> nearest(LonLat p,
                                                 const EdgeQueryOptions& options = {}) const;

    /// The k nearest distinct geometries, by distance then id. Costs O(k) per solved edge:
    /// for large neighbourhoods use within().
    [[nodiscard]] std::vector<EdgeHit> nearest_k(LonLat p, std::size_t k, Scratch& scratch,
                                                 const EdgeQueryOptions& options = {}) const;
    [[nodiscard]] std::vector<EdgeHit> nearest_k(LonLat p, std::size_t k,
                                                 const EdgeQueryOptions& options = {}) const;

    /// Every geometry within radius_m of p (inclusive), by distance then id.
    [[nodiscard]] std::vector<EdgeHit> within(LonLat p, double radius_m, Scratch& scratch,
                                              const EdgeQueryOptions& options = {}) const;
    [[nodiscard]] std::vector<EdgeHit> within(LonLat p, double radius_m,
                                              const EdgeQueryOptions& options = {}) const;

    /// nearest() for every point, spread over `threads` threads (0: one per hardware thread);
    /// the same answers, bit for bit. The points are visited in Morton order of longitude and
    /// latitude, and when they are dense (closer than 2 km apart on average) each thread keeps
    /// the candidate edges of a recent query (the anchor): every leaf whose box was within its
    /// nearest distance plus a slack R, nearest first. For a later point within R/2 of it no
    /// edge outside that set can be nearer, so only the set is read, not the tree, and of the
    /// set only the leaves and edges whose bounds are within an upper bound of the point's
    /// answer (from the anchor's answer and the previous point's nearest point); those edges
    /// are solved in increasing bound, as the tree search solves them.
    [[nodiscard]] std::vector<std::optional<EdgeHit>> nearest_all(
        std::span<const LonLat> points, unsigned threads,
        const EdgeQueryOptions& options = {}) const;

    /// nearest_all without the vector of results: sink(i, hit) for every point i, called from
    /// the worker threads (each i once, in no particular order; sink must be safe to call
    /// concurrently for different i). For a million points this saves ~90 MB of results.
    void nearest_each(std::span<const LonLat> points, unsigned threads,
                      const std::function<void(std::size_t, const std::optional<EdgeHit>&)>& sink,
                      const EdgeQueryOptions& options = {}) const;

    /// Calls fn(i, scratch) for every i in [0, count), spread over `threads` threads (0: one
    /// per hardware thread), each with its own Scratch. fn must be safe to call concurrently
    /// for different i. The first exception thrown by fn is rethrown here once all threads
    /// have stopped.
    template <typename Fn>
    void query_all(std::size_t count, unsigned threads, Fn&& fn) const {
        for_each_chunk(count, threads, [&fn](std::size_t begin, std::size_t end, Scratch& s) {
            for (std::size_t i = begin; i < end; ++i) {
                fn(i, s);
            }
        });
    }

private:
    struct Data;
    std::unique_ptr<const Data> m_data;

    void search_nearest(LonLat p, std::size_t k, Scratch::Impl& s,
                        const EdgeQueryOptions& options) const;
    std::optional<EdgeHit> nearest_in_batch(LonLat p, Scratch::Impl& s,
                                            const EdgeQueryOptions& options, bool reuse) const;
    void for_each_chunk(
        std::size_t count, unsigned threads,
        const std::function<void(std::size_t, std::size_t, Scratch&)>& work) const;
};

}  // namespace fergana::geo
