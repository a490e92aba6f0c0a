#pragma once
// Enclaves detected from the countries layer alone: polygon parts of one country that lie
// entirely inside the filled outline of a single other country.
//
//   analysis::EnclaveOptions o;                 // in force today, water within 1 km
//   analysis::EnclaveInput in;
//   in.countries = data.countries.features;
//   in.enclaves = data.enclaves.features;       // optional: names
//   analysis::EnclaveResult r = analysis::detect_enclaves(in, o);
//   for (const analysis::DetectedEnclave& e : r.enclaves) { e.owner; e.host; e.area_m2; }
//
// Method. The countries in force on as_of are gathered by ISO3 and split into polygon parts;
// each country's largest part (by geodesic area) is its mainland. Every other part P of a
// country C is classified:
//   - the parts of other countries whose filled outline (exterior ring, holes ignored) covers
//     P are its containers; the smallest is its host part Q, of country D;
//   - the countries other than C within touch_tolerance_m of P's exterior ring are its
//     neighbours, and P touches the sea (or the edge of the data) where its exterior ring
//     has no neighbour within that tolerance;
//   - P is an enclave of C in D when it has a host part and D is its only neighbour; its
//     nesting depth is 1 plus the depth of Q (0 for a mainland or an exclave), so an enclave
//     inside an enclave is a counter-enclave (depth 2) whose parent is Q;
//   - otherwise P is an exclave (it touches several countries, or the sea); a part with no
//     neighbour at all is an island and is not reported.
// Measures are geodesic: area and perimeter (geo::area_m2, geo::perimeter_m); the distance
// to the owner's mainland is the least distance between their boundaries with the nearest
// points, exact (for non-crossing geodesic polylines the least distance is reached at a
// vertex of one of them: every vertex of each is measured against the other, geo::EdgeIndex).
// Settlements inside (geodesic point in polygon) with their population; water features
// inside or within water_radius_m (geodesic distance); and the name of the matching record
// of the enclaves layer (the in-force record overlapping the part most, else any).

#include "geo/geometry.hpp"
#include "geo/progress.hpp"
#include "layers/features.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fergana::analysis {

struct EnclaveOptions {
    /// Countries and enclave records in force on this date. Default: nullopt, today (UTC).
    std::optional<layers::Date> as_of;
    /// Water features inside an enclave or within this distance are listed. Default 1000 m.
    double water_radius_m = 1000.0;
    /// A country nearer than this to a part's boundary touches it. Default 10 m.
    double touch_tolerance_m = 10.0;
    /// A part is inside a filled outline when no more than this share of its area is outside
    /// it (data from different sources rarely fit exactly). Default 0.001.
    double outside_share = 0.001;
    /// Report exclaves too (parts touching several countries or the sea). Default true.
    bool exclaves = true;
    /// Parts smaller than this are not reported (slivers). Default 0 m².
    double min_area_m2 = 0.0;
    /// Only parts owned by or hosted in these countries (ISO3). Default: empty, all.
    std::vector<std::string> countries;
};

struct EnclaveInput {
    std::span<const layers::Country> countries;
    std::span<const layers::Enclave> enclaves;  // names; may be empty
    std::span<const layers::Settlement> settlements;
    std::span<const layers::WaterFeature> water;
};

enum class EnclaveKind { Enclave, CounterEnclave, Exclave };
std::string_view to_string(EnclaveKind kind) noexcept;

struct WaterNearby {
    std::size_t water = 0;    // index into EnclaveInput::water
    double distance_m = 0.0;  // 0 inside or touching
};

struct DetectedEnclave {
    std::string id;     // owner and rank by area within the owner: "UZB-1"
    std::string owner;  // ISO3
    std::string host;   // ISO3 of the surrounding country; exclaves: empty
    EnclaveKind kind = EnclaveKind::Enclave;
    int depth = 1;       // 1 enclave, 2 counter-enclave (an enclave in an enclave), ...; exclaves 0
    std::string parent;  // id of the enclave it lies in (depth >= 2)
    std::vector<std::string> neighbours;  // countries touching it (ISO3, sorted)
    bool touches_sea = false;             // part of its boundary borders no country
    geo::Polygon polygon;                 // lon/lat
    double area_m2 = 0.0;
    double perimeter_m = 0.0;                   // all rings
    std::optional<double> mainland_distance_m;  // nothing when the owner has no other part
    geo::LonLat nearest_on_part;
    geo::LonLat nearest_on_mainland;
    std::vector<std::size_t> settlements;  // indices into EnclaveInput::settlements
    std::int64_t population = 0;           // of those with a known population
    std::vector<WaterNearby> water;        // by distance
    std::string name;                      // of the matching enclaves record; empty if none
    std::optional<std::size_t> record;     // index into EnclaveInput::enclaves
    bool record_in_force = false;
};

struct EnclaveResult {
    layers::Date as_of;
    std::vector<DetectedEnclave> enclaves;  // by owner, then area (largest first)
    std::size_t islands = 0;                // parts touching no country, not reported
    std::vector<std::string> notes;
};

/// Throws GeometryError when an overlay fails.
EnclaveResult detect_enclaves(const EnclaveInput& input, const EnclaveOptions& options,
                              const Progress& progress = {});

}  // namespace fergana::analysis
