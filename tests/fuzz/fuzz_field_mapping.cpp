// Fuzz target: field mappings (--field ROLE.FIELD=SOURCE_FIELD).
// Properties: an accepted mapping names a known role and one of its canonical fields,
// maps it to exactly the (non-empty) text after the first '=', and adds one entry.
#include "tests/fuzz/fuzz_check.hpp"

#include "geo/error.hpp"
#include "layers/load.hpp"
#include "layers/roles.hpp"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(fergana::fuzz::as_text(data, size));
    fergana::layers::LoadOptions options;
    try {
        fergana::layers::add_field_mapping(options, input);
    } catch (const fergana::UsageError&) {
        FUZZ_CHECK(options.fields.empty(), input);
        return 0;
    }
    FUZZ_CHECK(options.fields.size() == 1 && options.fields.begin()->second.size() == 1, input);
    const auto& [role, mapping] = *options.fields.begin();
    const auto& [field, source_field] = *mapping.begin();
    const std::string role_name(fergana::layers::to_string(role));
    FUZZ_CHECK(input.rfind(role_name + "." + field + "=", 0) == 0, input);
    FUZZ_CHECK(!source_field.empty() && source_field == input.substr(input.find('=') + 1), input);
    const auto& canonical = fergana::layers::spec(role).fields;
    FUZZ_CHECK(std::any_of(canonical.begin(), canonical.end(),
                           [&name = field](const fergana::layers::CanonicalField& f) { return f.name == name; }),
               input);
    return 0;
}
