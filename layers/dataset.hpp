#pragma once
// A loaded dataset: one typed layer per role, and what the loader found.
//
//   layers::LoadOptions options;                 // defaults: the bundled dataset
//   layers::Dataset data = layers::load_dataset(options);
//   for (const layers::Incident& i : data.incidents.features) { ... }

#include "geo/geometry.hpp"
#include "layers/features.hpp"
#include "layers/findings.hpp"
#include "layers/roles.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fergana::layers {

/// Where a role's layer was read from, as outputs and `fergana layers` report it.
struct LayerOrigin {
    bool present = false;       // false: the role was not given and not found in --data
    std::string source;         // file or connection (passwords redacted)
    std::string layer;          // layer name in the source
    std::string driver;         // GDAL driver short name
    std::string crs;            // the source CRS ("EPSG:32642"), before reprojection to WGS84
    std::int64_t read = 0;      // features read from the source (after source_filter)
    std::int64_t skipped = 0;   // features skipped (NULL or empty geometry, ...)
    geo::Box extent;            // of the loaded features, WGS84 lon/lat
    std::string server;         // a database's server and PostGIS versions; "" for files
    std::string source_filter;  // what the source filtered (spatial window, WHERE); "" for none
    std::size_t parts = 1;      // read in this many parts on as many threads (LoadOptions::threads)
};

template <typename T>
struct Layer {
    LayerOrigin origin;
    std::vector<T> features;
    [[nodiscard]] bool present() const noexcept { return origin.present; }
};

struct Dataset {
    Layer<Country> countries;
    Layer<Border> borders;
    Layer<Claim> claims;
    Layer<Enclave> enclaves;
    Layer<WaterFeature> water;
    Layer<Settlement> settlements;
    Layer<Incident> incidents;
    Layer<DisputedFeature> disputed;
    Findings findings;

    [[nodiscard]] const LayerOrigin& origin(Role role) const;
    [[nodiscard]] std::size_t size(Role role) const;
    /// Throws LayerError when the role was not loaded ("give --ROLE SRC") or has no usable
    /// feature (an empty layer, or every feature skipped).
    void require(Role role) const;
};

}  // namespace fergana::layers
