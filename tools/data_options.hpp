#pragma once
// The options every command that reads layers shares: --data, --<role> SRC,
// --<role>-layer NAME, --field, --assume-crs, --strict, --max-features, --bbox.

#include "layers/load.hpp"
#include "tools/options.hpp"

#include <array>
#include <string>
#include <vector>

namespace fergana::tools {

class DataOptions {
public:
    /// Declares the options, bound to this object.
    void declare(OptionSet& options);
    /// The loader's options; throws UsageError for malformed values.
    [[nodiscard]] layers::LoadOptions load_options() const;
    /// Every input source named (the default dataset included), to refuse writing over one.
    [[nodiscard]] std::vector<std::string> input_paths() const;
    /// --bbox as given ("" when not), for the provenance.
    [[nodiscard]] const std::string& bbox() const noexcept { return m_bbox; }

private:
    std::string m_data;
    std::array<std::string, layers::all_roles.size()> m_role_source;
    std::array<std::string, layers::all_roles.size()> m_role_layer;
    std::vector<std::string> m_fields;
    std::string m_assume_crs;
    std::string m_max_features;
    std::string m_bbox;
    bool m_strict = false;
};

}  // namespace fergana::tools
