// Fuzz target: dates and date ranges (incident dates, validity, --as-of, --from/--to).
// Properties: a range has first <= last, within years 1..9999, and its text form parses
// back to the same range; a single date is also a one-day range; --from/--to accepted
// by check_date_order are in order.
#include "tests/fuzz/fuzz_check.hpp"

#include "geo/error.hpp"
#include "layers/dates.hpp"
#include "tools/units.hpp"

namespace {

using fergana::fuzz::as_text;
using fergana::layers::Date;
using fergana::layers::DateRange;

bool year_ok(Date d) { return d.year() >= 1 && d.year() <= 9999; }

void check_range(std::string_view text) {
    const auto range = fergana::layers::parse_date_range(text);
    if (!range) return;
    const std::string input(text);
    FUZZ_CHECK(range->first <= range->last, input);
    FUZZ_CHECK(year_ok(range->first) && year_ok(range->last), input + " -> " + range->to_string());
    const auto again = fergana::layers::parse_date_range(range->to_string());
    FUZZ_CHECK(again && *again == *range, input + " -> " + range->to_string());
}

void check_date(std::string_view text) {
    const auto date = fergana::layers::parse_date(text);
    if (!date) return;
    const std::string input(text);
    FUZZ_CHECK(year_ok(*date), input);
    const auto again = fergana::layers::parse_date(date->to_string());
    FUZZ_CHECK(again && *again == *date, input + " -> " + date->to_string());
    const auto range = fergana::layers::parse_date_range(text);
    FUZZ_CHECK(range && range->first == *date && range->last == *date, input);
}

// "FROM|TO": the command-line pair.
void check_order(std::string_view text) {
    const auto bar = text.find('|');
    if (bar == std::string_view::npos) return;
    const std::string from(text.substr(0, bar));
    const std::string to(text.substr(bar + 1));
    try {
        fergana::tools::check_date_order(from, to);
    } catch (const fergana::UsageError&) {
        return;
    }
    if (from.empty() || to.empty()) return;
    const auto a = fergana::layers::parse_date(from);
    const auto b = fergana::layers::parse_date(to);
    FUZZ_CHECK(a && b && *a <= *b, std::string(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = as_text(data, size);
    check_range(text);
    check_date(text);
    check_order(text);
    return 0;
}
