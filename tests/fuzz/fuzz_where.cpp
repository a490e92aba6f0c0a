// Fuzz target: --where filters ("population >= 10000", "name ~ 'Kok'").
// Properties: an accepted clause has a field name of letters, digits, '_' and '-' and a
// known operator; resolving it against a table finds a field of that name or refuses
// with a usage error; on any value, = and != disagree, < and >= disagree, > and <=
// disagree, NULL meets only !=; a text equal to the clause's value meets = and ~; a real
// number is compared as it is displayed, which is a number again.
#include "tests/fuzz/fuzz_check.hpp"

#include "geo/error.hpp"
#include "tools/role_table.hpp"
#include "tools/where.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

namespace {

using fergana::fuzz::as_text;
using fergana::layers::FieldKind;
using fergana::layers::OutputField;
using fergana::layers::Value;
using fergana::tools::WhereClause;

bool lower_equal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool with_op(WhereClause c, const char* op, const Value& v, const OutputField& f) {
    c.op = op;
    return fergana::tools::matches(c, v, f);
}

void check_value(const WhereClause& c, const Value& v, const OutputField& f, const std::string& input) {
    const bool eq = with_op(c, "=", v, f);
    const bool ne = with_op(c, "!=", v, f);
    const bool lt = with_op(c, "<", v, f);
    const bool le = with_op(c, "<=", v, f);
    const bool gt = with_op(c, ">", v, f);
    const bool ge = with_op(c, ">=", v, f);
    with_op(c, "~", v, f);
    if (std::holds_alternative<std::monostate>(v)) {
        FUZZ_CHECK(ne && !eq && !lt && !le && !gt && !ge, input);
        return;
    }
    FUZZ_CHECK(eq != ne, input);
    FUZZ_CHECK(lt != ge, input);
    FUZZ_CHECK(gt != le, input);
    FUZZ_CHECK(eq == (le && ge), input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(as_text(data, size));
    WhereClause clause;
    try {
        clause = fergana::tools::parse_where(input);
    } catch (const fergana::UsageError&) {
        return 0;
    }
    static const std::set<std::string> ops = {"=", "!=", "<", "<=", ">", ">=", "~"};
    FUZZ_CHECK(ops.count(clause.op) == 1, input);
    FUZZ_CHECK(!clause.field.empty(), input);
    for (char ch : clause.field) {
        FUZZ_CHECK(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-', input);
    }

    const fergana::layers::OutputTable table("settlements", {{"id", FieldKind::Text},
                                                             {"name", FieldKind::Text},
                                                             {"population", FieldKind::Integer},
                                                             {"distance_m", FieldKind::Real, 1}});
    try {
        const std::size_t i = fergana::tools::field_index(clause, table);
        FUZZ_CHECK(i < table.fields().size() && lower_equal(table.fields()[i].name, clause.field), input);
    } catch (const fergana::UsageError&) {
        for (const auto& f : table.fields()) FUZZ_CHECK(!lower_equal(f.name, clause.field), input);
    }

    const OutputField text{"name", FieldKind::Text};
    const OutputField integer{"population", FieldKind::Integer};
    const OutputField real{"distance_m", FieldKind::Real, 1};
    const OutputField boolean{"in_force", FieldKind::Boolean};
    check_value(clause, Value{}, text, input);
    check_value(clause, Value{clause.value}, text, input);
    FUZZ_CHECK(with_op(clause, "=", Value{clause.value}, text), input);
    FUZZ_CHECK(with_op(clause, "~", Value{clause.value}, text), input);
    check_value(clause, Value{true}, boolean, input);

    // The clause's value as a number, when it is one, on either side of every comparison.
    double number = 0.0;
    const std::string& v = clause.value;
    if (std::from_chars(v.data(), v.data() + v.size(), number).ec == std::errc() && std::isfinite(number)) {
        for (const double d : {number, std::nextafter(number, 1e300), std::nextafter(number, -1e300), -number}) {
            check_value(clause, Value{d}, real, input);
            const std::string shown = fergana::tools::cell_text(Value{d}, real);
            double back = 0.0;
            const auto r = std::from_chars(shown.data(), shown.data() + shown.size(), back);
            FUZZ_CHECK(r.ec == std::errc() && r.ptr == shown.data() + shown.size(),
                       input + ": " + std::to_string(d) + " shown as '" + shown + "'");
        }
    }
    std::int64_t whole = 0;
    if (std::from_chars(v.data(), v.data() + v.size(), whole).ec == std::errc()) {
        check_value(clause, Value{whole}, integer, input);
    }
    return 0;
}
