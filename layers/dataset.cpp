#include "layers/dataset.hpp"

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
