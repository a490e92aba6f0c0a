#include "layers/roles.hpp"

#include "layers/features.hpp"

namespace fergana::layers {

std::string_view to_string(Role role) noexcept {
    switch (role) {
        case Role::Countries: return "countries";
        case Role::Borders: return "borders";
        case Role::Claims: return "claims";
        case Role::Enclaves: return "enclaves";
        case Role::Water: return "water";
        case Role::Settlements: return "settlements";
        case Role::Incidents: return "incidents";
        case Role::Disputed: return "disputed";
    }
    return "unknown";
}

std::optional<Role> role_from_string(std::string_view name) noexcept {
    for (Role r : all_roles) {
        if (to_string(r) == name) return r;
    }
    return std::nullopt;
}

std::string_view to_string(BorderStatus status) noexcept {
    switch (status) {
        case BorderStatus::Agreed: return "agreed";
        case BorderStatus::Delimited: return "delimited";
        case BorderStatus::Demarcated: return "demarcated";
        case BorderStatus::Disputed: return "disputed";
        case BorderStatus::Unknown: return "unknown";
    }
    return "unknown";
}

std::optional<BorderStatus> border_status_from_string(std::string_view text) noexcept {
    for (BorderStatus s : {BorderStatus::Agreed, BorderStatus::Delimited, BorderStatus::Demarcated,
                           BorderStatus::Disputed, BorderStatus::Unknown}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

namespace {
using FT = FieldType;
const std::vector<RoleSpec>& specs() {
    static const std::vector<RoleSpec> table = {
        {Role::Countries, false, false, true,
         {{"iso3", FT::Text, {"iso_a3", "adm0_a3", "a3", "iso"}},
          {"name", FT::Text, {"admin", "name_en"}},
          {"source", FT::Text, {}},
          {"valid_from", FT::Date, {}},
          {"valid_to", FT::Date, {}}}},
        {Role::Borders, false, true, false,
         {{"pair", FT::Text, {}},
          {"source", FT::Text, {}},
          {"status", FT::Text, {}},
          {"valid_from", FT::Date, {}},
          {"valid_to", FT::Date, {}}}},
        {Role::Claims, false, true, true,
         {{"claimant", FT::Text, {"version"}},
          {"pair", FT::Text, {}},
          {"source", FT::Text, {}},
          {"valid_from", FT::Date, {}},
          {"valid_to", FT::Date, {}}}},
        {Role::Enclaves, false, false, true,
         {{"name", FT::Text, {}},
          {"owner", FT::Text, {}},
          {"host", FT::Text, {}},
          {"source", FT::Text, {}},
          {"valid_from", FT::Date, {}},
          {"valid_to", FT::Date, {}}}},
        {Role::Water, true, true, true,
         {{"id", FT::Text, {}},
          {"name", FT::Text, {}},
          {"kind", FT::Text, {"type"}},
          {"source", FT::Text, {}},
          {"accuracy_m", FT::Real, {}}}},
        {Role::Settlements, true, false, false,
         {{"id", FT::Text, {"geonameid", "geonames_id"}},
          {"name", FT::Text, {}},
          {"country", FT::Text, {"iso3", "country_code"}},
          {"population", FT::Integer, {"pop"}},
          {"source", FT::Text, {}}}},
        {Role::Incidents, true, false, false,
         {{"id", FT::Text, {}},
          {"date", FT::DateRange, {}},
          {"type", FT::Text, {}},
          {"fatalities", FT::Integer, {"killed", "deaths"}},
          {"injured", FT::Integer, {"wounded"}},
          {"displaced", FT::Integer, {}},
          {"description", FT::Text, {}},
          {"source", FT::Text, {}},
          {"precision_m", FT::Real, {}}}},
        {Role::Disputed, false, true, true,
         {{"pair", FT::Text, {}},
          {"claimant", FT::Text, {}},
          {"other", FT::Text, {}},
          {"source", FT::Text, {}}}},
    };
    return table;
}
}  // namespace

const RoleSpec& spec(Role role) {
    return specs()[static_cast<std::size_t>(role)];
}

}  // namespace fergana::layers
