#pragma once
// Place names on the command line, the same for every command: `query near PLACE`,
// `query nearest PLACE`, `map --center PLACE`.
//
//   const Place p = resolve_place(data, "vorukh");  // the settlement Vorukh, not the enclave
//
// A name resolves against the names of the settlements and enclaves, and the names in their
// `name_alt` attribute (';'-separated), ignoring case, spaces, hyphens and apostrophes. A
// settlement wins over an enclave of the same name (Vorukh is both); two settlements or two
// enclaves of one name are ambiguous.

#include "geo/geometry.hpp"
#include "layers/dataset.hpp"

#include <string>
#include <string_view>

namespace fergana::tools {

struct Place {
    geo::LonLat point;       // the settlement, or the centre of the enclave's bounding box
    geo::Geometry geometry;  // the settlement's point, or the enclave's polygons
    std::string label;       // e.g. "Vorukh (settlement 1220164, TJK)"
    bool enclave = false;
};

/// Lower-case ASCII letters and digits, and non-ASCII bytes as they are; nothing else.
std::string normalise_name(std::string_view name);

/// True for text that can only be coordinates ("70.5,40.1"), not a name.
bool looks_like_coordinates(std::string_view text);

/// The place of that name. Throws UsageError when no name matches (listing the five
/// closest names) or several do (listing them); both hint at LON,LAT.
Place resolve_place(const layers::Dataset& data, const std::string& name);

}  // namespace fergana::tools
