#pragma once
// Internal to layers/: the WHERE clause that lets a database (PostGIS) or a GeoPackage
// drop incidents before they are read (--from, --to, --type). No GDAL headers: unit-tested.
//
// The clause is a pre-filter, conservative by construction: it never drops an incident
// that analysis::IncidentFilter would keep, so commands still apply that filter. Dates in
// a text column may be "2022-09-14", "2022-09", "2022", "2022-09-14T10:00Z" or a range
// "2022-09-14/2022-09-16" (layers/dates.hpp); the text tests below hold for all of them,
// and where a value could be anything else (leading spaces, an open range) the row is kept.
// Every literal is built by us: dates from layers::Date, types only when they are plain
// printable ASCII without a backslash, quotes doubled. Never user SQL.

#include "layers/dates.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fergana::layers::detail {

enum class SqlDialect { PostgreSQL, SQLite };
enum class DateColumn { Text, Date, DateTime };

struct IncidentPushdown {
    std::optional<Date> from;
    std::optional<Date> to;
    std::vector<std::string> types;  // lower-case
    std::string date_field;          // source field name; "" when the source has none
    DateColumn date_column = DateColumn::Text;
    std::string type_field;          // source field name (a text column); "" when none or not text
};

/// The WHERE clause for the dialect, or "" when nothing can be pushed safely.
std::string incident_where(const IncidentPushdown& p, SqlDialect dialect);

/// "name" with embedded double quotes doubled.
std::string quote_identifier(const std::string& name);
/// 'text' with embedded single quotes doubled.
std::string quote_literal(const std::string& text);

}  // namespace fergana::layers::detail
