#include "layers/dataset.hpp"

#include "geo/error.hpp"

namespace fergana::layers {

const LayerOrigin& Dataset::origin(Role role) const {
    switch (role) {
        case Role::Countries: return countries.origin;
        case Role::Borders: return borders.origin;
        case Role::Claims: return claims.origin;
        case Role::Enclaves: return enclaves.origin;
        case Role::Water: return water.origin;
        case Role::Settlements: return settlements.origin;
        case Role::Incidents: return incidents.origin;
        case Role::Disputed: return disputed.origin;
    }
    return countries.origin;
}

void Dataset::require(Role role) const {
    const std::string name(to_string(role));
    const LayerOrigin& o = origin(role);
    if (!o.present) {
        throw LayerError("no " + name + " layer: the data source has no layer named '" + name + "'", {},
                         "give --" + name + " SRC (and --field " + name + ".FIELD=SOURCE_FIELD as needed)");
    }
    if (size(role) == 0) {
        throw LayerError(o.read == 0 ? "the layer has no features" : "no usable feature: every one was skipped",
                         Location{o.source, o.layer, {}, {}},
                         "the " + name + " role needs at least one feature; 'fergana layers' lists the findings");
    }
}

std::size_t Dataset::size(Role role) const {
    switch (role) {
        case Role::Countries: return countries.features.size();
        case Role::Borders: return borders.features.size();
        case Role::Claims: return claims.features.size();
        case Role::Enclaves: return enclaves.features.size();
        case Role::Water: return water.features.size();
        case Role::Settlements: return settlements.features.size();
        case Role::Incidents: return incidents.features.size();
        case Role::Disputed: return disputed.features.size();
    }
    return 0;
}

}  // namespace fergana::layers
