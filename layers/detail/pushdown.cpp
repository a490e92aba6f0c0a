#include "layers/detail/pushdown.hpp"

namespace fergana::layers::detail {

namespace {

std::string year_of(Date d) {
    std::string y = std::to_string(d.year());
    while (y.size() < 4) y.insert(y.begin(), '0');
    return y;
}

Date plus_days(Date d, int days) {
    return Date::from_days(d.days() + days);
}

/// Types we can write as literals on any server: printable ASCII, no backslash (a server
/// with standard_conforming_strings=off would read it as an escape).
bool plain(const std::string& s) {
    for (char c : s) {
        if (c < 0x20 || c > 0x7e || c == '\\') return false;
    }
    return !s.empty();
}

std::string date_clause(const IncidentPushdown& p, SqlDialect dialect) {
    if (p.date_field.empty() || (!p.from && !p.to)) return {};
    const std::string field = quote_identifier(p.date_field);
    std::vector<std::string> parts;
    if (dialect == SqlDialect::PostgreSQL && p.date_column == DateColumn::Date) {
        if (p.from) parts.push_back(field + " >= DATE " + quote_literal(p.from->to_string()));
        if (p.to) parts.push_back(field + " <= DATE " + quote_literal(p.to->to_string()));
    } else if (dialect == SqlDialect::PostgreSQL && p.date_column == DateColumn::DateTime) {
        // A day either side: the date read depends on the session's time zone.
        if (p.from) parts.push_back(field + " >= DATE " + quote_literal(plus_days(*p.from, -1).to_string()));
        if (p.to) parts.push_back(field + " < DATE " + quote_literal(plus_days(*p.to, 2).to_string()));
    } else {
        // Text (and GeoPackage DATE/DATETIME, stored as text), compared byte by byte.
        const std::string text = field + (dialect == SqlDialect::PostgreSQL ? " COLLATE \"C\"" : " COLLATE BINARY");
        if (p.to) {
            // Every accepted form starts with its first day's digits (or a prefix of them),
            // so "starts on or before `to`" is "sorts before the day after `to`".
            parts.push_back(text + " < " + quote_literal(plus_days(*p.to, 1).to_string()));
        }
        if (p.from) {
            // "ends on or after `from`": only the year is safe ("2022" ends on 2022-12-31),
            // a range may end later than it starts, and text before '0' may be " 2022-...".
            parts.push_back("(" + text + " >= " + quote_literal(year_of(*p.from)) + " OR " + text + " < '0' OR " +
                            field + " LIKE '%/%')");
        }
    }
    std::string out;
    for (const std::string& part : parts) out += (out.empty() ? "" : " AND ") + part;
    return out;
}

std::string type_clause(const IncidentPushdown& p, SqlDialect dialect) {
    if (p.type_field.empty() || p.types.empty()) return {};
    for (const std::string& t : p.types) {
        if (!plain(t)) return {};
    }
    const std::string field = quote_identifier(p.type_field);
    // Trim the characters std::isspace trims, lower-case ASCII only (as the loader does).
    std::string normalised;
    if (dialect == SqlDialect::PostgreSQL) {
        normalised = "lower(btrim(" + field + ", ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)) COLLATE \"C\")";
    } else {
        normalised = "lower(trim(" + field + ", ' ' || char(9) || char(10) || char(11) || char(12) || char(13)))";
    }
    std::string list;
    for (const std::string& t : p.types) list += (list.empty() ? "" : ", ") + quote_literal(t);
    return normalised + " IN (" + list + ")";
}

}  // namespace

std::string quote_identifier(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string quote_literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string incident_where(const IncidentPushdown& p, SqlDialect dialect) {
    const std::string dates = date_clause(p, dialect);
    const std::string types = type_clause(p, dialect);
    if (dates.empty()) return types;
    if (types.empty()) return dates;
    return dates + " AND " + types;
}

}  // namespace fergana::layers::detail
