// Fuzz target: the layer loader on an in-memory file (GDAL's /vsimem/), the whole path
// from GDAL to typed features: layer and geometry-type checks, CSV coordinate columns,
// field binding, dates, coordinate checks, swapped axes, make-valid repairs.
//
// Input: one control byte, then the file. Control bits 0-2 pick the role, bit 3 CSV
// instead of GeoJSON, bit 4 keep_going (errors as findings), bit 5 --strict.
// Properties: a load succeeds or fails with fergana's own exception (never anything
// else); every vertex loaded is finite and within -180..180 / -90..90; polygon rings
// are closed with at least 4 vertices; every feature has an id; dates are ranges in
// order; the layer's extent holds its features; no more features than were read.
#include "tests/fuzz/fuzz_check.hpp"

#include "geo/error.hpp"
#include "layers/load.hpp"

#include <cpl_vsi.h>

#include <cmath>
#include <vector>

namespace {

using namespace fergana;
using fergana::fuzz::as_text;

void check_geometry(const geo::Geometry& g, const geo::Box& extent, const std::string& what) {
    g.for_each_vertex([&](const geo::LonLat& p) {
        FUZZ_CHECK(std::isfinite(p.lon) && std::isfinite(p.lat), what);
        FUZZ_CHECK(p.lon >= -180.0 && p.lon <= 180.0 && p.lat >= -90.0 && p.lat <= 90.0, what);
        FUZZ_CHECK(extent.contains(p), what + ": a vertex outside the layer's extent");
    });
    for (const geo::Polygon& polygon : g.polygons()) {
        FUZZ_CHECK(!polygon.rings.empty(), what);
        for (const geo::Path& ring : polygon.rings) {
            FUZZ_CHECK(ring.size() >= 4 && ring.front() == ring.back(), what + ": an open or short ring");
        }
    }
}

template <typename T>
void check_layer(const layers::Layer<T>& layer) {
    if (!layer.present()) return;
    FUZZ_CHECK(static_cast<std::int64_t>(layer.features.size()) <= layer.origin.read,
               "more features than read from " + layer.origin.layer);
    for (const T& f : layer.features) {
        // Incidents have only their id; water and settlements carry their own id first.
        std::string id;
        if constexpr (requires { f.ref; }) id = f.ref.id;
        if constexpr (requires { f.id; }) {
            if (!f.id.empty()) id = f.id;
        }
        FUZZ_CHECK(!id.empty(), "a feature without an id");
        const std::string what = "feature '" + id + "'";
        if constexpr (requires { f.geometry; }) check_geometry(f.geometry, layer.origin.extent, what);
        if constexpr (requires { f.position; }) {
            check_geometry(geo::Geometry::point(f.position), layer.origin.extent, what);
        }
        if constexpr (requires { f.date; }) {
            if (f.date) FUZZ_CHECK(f.date->first <= f.date->last, what);
        }
        if constexpr (requires { f.valid; }) {
            if (f.valid.from && f.valid.to) FUZZ_CHECK(*f.valid.from <= *f.valid.to, what + ": validity");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t control = data[0];
    const layers::Role role = layers::all_roles[control & 7U];
    const bool csv = (control & 8U) != 0;
    const std::string path =
        std::string("/vsimem/fuzz/") + std::string(layers::to_string(role)) + (csv ? ".csv" : ".geojson");
    // GDAL takes a writable buffer; it stays ours (bTakeOwnership FALSE) and outlives the file.
    std::vector<GByte> bytes(data + 1, data + size);
    VSILFILE* file = VSIFileFromMemBuffer(path.c_str(), bytes.data(), bytes.size(), FALSE);
    FUZZ_CHECK(file != nullptr, path);
    VSIFCloseL(file);

    layers::LoadOptions options;
    options.roles[role] = layers::RoleSource{path, ""};
    options.wanted = {role};
    options.keep_going = (control & 16U) != 0;
    options.strict = (control & 32U) != 0;
    try {
        const layers::Dataset dataset = layers::load_dataset(options);
        check_layer(dataset.countries);
        check_layer(dataset.borders);
        check_layer(dataset.claims);
        check_layer(dataset.enclaves);
        check_layer(dataset.water);
        check_layer(dataset.settlements);
        check_layer(dataset.incidents);
        check_layer(dataset.disputed);
    } catch (const Error&) {
        // A refused layer: fergana's own error, with its location. Anything else escapes.
    }
    VSIUnlink(path.c_str());
    return 0;
}
