#pragma once
// The layer roles, their geometry kinds and canonical fields: the one
// declaration the loader, `fergana layers` and the docs read from.

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace fergana::layers {

enum class Role { Countries, Borders, Claims, Enclaves, Water, Settlements, Incidents, Disputed };

inline constexpr std::array<Role, 8> all_roles = {Role::Countries, Role::Borders,     Role::Claims,
                                                  Role::Enclaves,  Role::Water,       Role::Settlements,
                                                  Role::Incidents, Role::Disputed};

std::string_view to_string(Role role) noexcept;
std::optional<Role> role_from_string(std::string_view name) noexcept;

enum class FieldType { Text, Integer, Real, Date, DateRange };

struct CanonicalField {
    std::string_view name;
    FieldType type;
    /// Other source field names recognised without a --field mapping (case-insensitive).
    std::vector<std::string_view> aliases;
};

struct RoleSpec {
    Role role;
    bool points;    // accepts point geometries
    bool lines;     // accepts line geometries
    bool polygons;  // accepts polygon geometries
    std::vector<CanonicalField> fields;
};

const RoleSpec& spec(Role role);

}  // namespace fergana::layers
