#pragma once
// Any role's features as a generic table: geometry, the canonical fields, then the
// source's other attributes. Used by `fergana query` and by the maps' popups.

#include "layers/dataset.hpp"
#include "layers/output.hpp"

namespace fergana::tools {

/// One row per feature of the role, in layer order. Attribute names that repeat a
/// canonical name are prefixed "src_".
layers::OutputTable role_table(const layers::Dataset& data, layers::Role role);

/// The text of a value as a table cell ("" for NULL).
std::string cell_text(const layers::Value& value, const layers::OutputField& field);

}  // namespace fergana::tools
