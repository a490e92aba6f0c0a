#include "tools/where.hpp"

#include "geo/error.hpp"
#include "tools/role_table.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fergana::tools {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool as_number(std::string_view s, double& out) {
    s = trim(s);
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

WhereClause parse_where(std::string_view text) {
    static const char* ops[] = {"!=", "<=", ">=", "=", "<", ">", "~"};
    const std::string hint = "write FIELD OP VALUE with OP one of = != < <= > >= ~, e.g. \"population >= 10000\"";
    std::size_t at = std::string_view::npos;
    std::string op;
    for (std::size_t i = 0; i < text.size() && at == std::string_view::npos; ++i) {
        for (const char* candidate : ops) {
            if (text.substr(i, std::char_traits<char>::length(candidate)) == candidate) {
                at = i;
                op = candidate;
                break;
            }
        }
    }
    if (at == std::string_view::npos) throw UsageError("--where '" + std::string(text) + "' has no operator", hint);
    WhereClause c;
    c.field = std::string(trim(text.substr(0, at)));
    c.op = op;
    std::string_view value = trim(text.substr(at + op.size()));
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front()) {
        value = value.substr(1, value.size() - 2);
    }
    c.value = std::string(value);
    if (c.field.empty()) throw UsageError("--where '" + std::string(text) + "' has no field name", hint);
    for (char ch : c.field) {
        if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-')) {
            throw UsageError("--where '" + std::string(text) + "': '" + c.field + "' is not a field name", hint);
        }
    }
    return c;
}

std::size_t field_index(const WhereClause& clause, const layers::OutputTable& table) {
    for (std::size_t i = 0; i < table.fields().size(); ++i) {
        if (lower(table.fields()[i].name) == lower(clause.field)) return i;
    }
    std::string names;
    for (const auto& f : table.fields()) names += (names.empty() ? "" : ", ") + f.name;
    throw UsageError("--where: " + table.name() + " has no field '" + clause.field + "'", "fields: " + names);
}

bool matches(const WhereClause& clause, const layers::Value& value, const layers::OutputField& field) {
    if (std::holds_alternative<std::monostate>(value)) return clause.op == "!=";
    const std::string text = cell_text(value, field);
    if (clause.op == "~") return lower(text).find(lower(clause.value)) != std::string::npos;
    double a = 0.0, b = 0.0;
    int cmp = 0;
    if (as_number(text, a) && as_number(clause.value, b)) {
        cmp = a < b ? -1 : a > b ? 1 : 0;
    } else {
        const std::string la = lower(text), lb = lower(clause.value);
        cmp = la < lb ? -1 : la > lb ? 1 : 0;
    }
    if (clause.op == "=") return cmp == 0;
    if (clause.op == "!=") return cmp != 0;
    if (clause.op == "<") return cmp < 0;
    if (clause.op == "<=") return cmp <= 0;
    if (clause.op == ">") return cmp > 0;
    return cmp >= 0;  // ">="
}

}  // namespace fergana::tools
