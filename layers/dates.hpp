#pragma once
// Calendar dates and date ranges, as incidents and validity periods carry them.
//
//   auto r = layers::parse_date_range("2022-09-14/2022-09-16");   // std::optional
//   r->first.to_string() == "2022-09-14"
//
// Accepted: YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss][Z|±hh:mm] (the date part is kept),
// YYYY-MM (the whole month), YYYY (the whole year), and any two of these joined
// by '/' as an ISO 8601 interval (start <= end). Nothing else: "2022-13-45" and
// "yesterday" are refused.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fergana::layers {

/// A day of the proleptic Gregorian calendar, counted from 1970-01-01.
class Date {
public:
    constexpr Date() = default;
    static Date from_days(std::int32_t days) { Date d; d.m_days = days; return d; }
    /// Throws nothing; returns nullopt for an impossible date (2022-02-30).
    static std::optional<Date> from_ymd(int year, int month, int day);
    /// Today in UTC.
    static Date today();

    [[nodiscard]] std::int32_t days() const noexcept { return m_days; }
    [[nodiscard]] int year() const noexcept;
    /// "2022-09-14".
    [[nodiscard]] std::string to_string() const;

    friend auto operator<=>(const Date&, const Date&) = default;

private:
    std::int32_t m_days = 0;
};

/// A closed range of days; a single date has first == last.
struct DateRange {
    Date first;
    Date last;
    [[nodiscard]] bool contains(Date d) const noexcept { return first <= d && d <= last; }
    [[nodiscard]] bool overlaps(const DateRange& o) const noexcept {
        return first <= o.last && o.first <= last;
    }
    /// "2022-09-14" or "2022-09-14/2022-09-16".
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const DateRange&, const DateRange&) = default;
};

std::optional<DateRange> parse_date_range(std::string_view text);
/// One day only (ranges are refused). YYYY-MM and YYYY are refused too.
std::optional<Date> parse_date(std::string_view text);

/// A validity period [from, to): either end may be open. `to` is the first day no longer valid.
struct Validity {
    std::optional<Date> from;
    std::optional<Date> to;
    [[nodiscard]] bool in_force(Date d) const noexcept {
        return (!from || *from <= d) && (!to || d < *to);
    }
    [[nodiscard]] bool always() const noexcept { return !from && !to; }
};

}  // namespace fergana::layers
