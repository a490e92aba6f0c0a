#pragma once
// --where "FIELD OP VALUE" filters, parsed and checked by us, never passed to a
// database as SQL. Operators: = != < <= > >= and ~ (contains, case-insensitive).
// Values compare as numbers when both sides are numbers, else as text.

#include "layers/output.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fergana::tools {

struct WhereClause {
    std::string field;
    std::string op;  // "=", "!=", "<", "<=", ">", ">=", "~"
    std::string value;
};

/// Parses "population >= 10000", "name ~ 'Kok'", "type=shelling". Throws UsageError.
WhereClause parse_where(std::string_view text);

/// Resolves the clause's field against the table (case-insensitive). Throws UsageError
/// listing the fields when there is no such field.
std::size_t field_index(const WhereClause& clause, const layers::OutputTable& table);

/// Whether a feature's value satisfies the clause (NULL satisfies only "!=").
bool matches(const WhereClause& clause, const layers::Value& value, const layers::OutputField& field);

}  // namespace fergana::tools
