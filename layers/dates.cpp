#include "layers/dates.hpp"

#include <chrono>

namespace fergana::layers {

namespace {

// Days from civil and back: Howard Hinnant's public-domain algorithms
// (http://howardhinnant.github.io/date_algorithms.html), exact for any year.
std::int32_t days_from_civil(int y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

struct Ymd {
    int y;
    int m;
    int d;
};

Ymd civil_from_days(std::int32_t z) {
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int y = yoe + era * 400;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    const int d = doy - (153 * mp + 2) / 5 + 1;
    const int m = mp + (mp < 10 ? 3 : -9);
    return {y + (m <= 2 ? 1 : 0), m, d};
}

int days_in_month(int y, int m) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

// Digits only (the fields of a date: at most four of them, so no overflow).
bool parse_int(std::string_view s, int& out) {
    if (s.empty() || s.size() > 4) return false;
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

bool valid_time_suffix(std::string_view t) {
    // hh:mm[:ss[.fff]][Z|±hh:mm]
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (t.size() < 5 || !digit(t[0]) || !digit(t[1]) || t[2] != ':' || !digit(t[3]) || !digit(t[4])) {
        return false;
    }
    std::size_t i = 5;
    if (i < t.size() && t[i] == ':') {
        if (i + 2 >= t.size() + 0 || !digit(t[i + 1]) || !digit(t[i + 2])) return false;
        i += 3;
        if (i < t.size() && t[i] == '.') {
            ++i;
            while (i < t.size() && digit(t[i])) ++i;
        }
    }
    if (i == t.size()) return true;
    if (t[i] == 'Z') return i + 1 == t.size();
    if (t[i] == '+' || t[i] == '-') {
        const std::string_view z = t.substr(i + 1);
        return (z.size() == 5 && digit(z[0]) && digit(z[1]) && z[2] == ':' && digit(z[3]) && digit(z[4])) ||
               (z.size() == 4 && digit(z[0]) && digit(z[1]) && digit(z[2]) && digit(z[3])) ||
               (z.size() == 2 && digit(z[0]) && digit(z[1]));
    }
    return false;
}

// One end of a range: a day, a month or a year, as the range of days it covers.
std::optional<DateRange> parse_one(std::string_view s, bool allow_coarse) {
    if (const auto t = s.find('T'); t != std::string_view::npos) {
        if (!valid_time_suffix(s.substr(t + 1))) return std::nullopt;
        s = s.substr(0, t);
        if (s.size() != 10) return std::nullopt;
    }
    int y = 0;
    int m = 0;
    int d = 0;
    if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
        if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) ||
            !parse_int(s.substr(8, 2), d)) {
            return std::nullopt;
        }
        const auto date = Date::from_ymd(y, m, d);
        if (!date) return std::nullopt;
        return DateRange{*date, *date};
    }
    if (!allow_coarse) return std::nullopt;
    // A month or a year: from_ymd refuses year 0 ("0000", "0000-05") like any out of 1..9999.
    std::optional<Date> first;
    std::optional<Date> last;
    if (s.size() == 7 && s[4] == '-') {
        if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), m) || m < 1 || m > 12) {
            return std::nullopt;
        }
        first = Date::from_ymd(y, m, 1);
        last = Date::from_ymd(y, m, days_in_month(y, m));
    } else if (s.size() == 4) {
        if (!parse_int(s, y)) return std::nullopt;
        first = Date::from_ymd(y, 1, 1);
        last = Date::from_ymd(y, 12, 31);
    }
    if (!first || !last) return std::nullopt;
    return DateRange{*first, *last};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<Date> Date::from_ymd(int year, int month, int day) {
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month)) {
        return std::nullopt;
    }
    return from_days(days_from_civil(year, month, day));
}

Date Date::today() {
    const auto now = std::chrono::system_clock::now();
    const auto days = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
    return from_days(static_cast<std::int32_t>(days));
}

int Date::year() const noexcept {
    return civil_from_days(m_days).y;
}

std::string Date::to_string() const {
    const Ymd c = civil_from_days(m_days);
    char buffer[16];
    auto put = [&buffer](int value, int width, int at) {
        for (int i = width - 1; i >= 0; --i) {
            buffer[at + i] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(c.y, 4, 0);
    buffer[4] = '-';
    put(c.m, 2, 5);
    buffer[7] = '-';
    put(c.d, 2, 8);
    return std::string(buffer, 10);
}

std::string DateRange::to_string() const {
    return first == last ? first.to_string() : first.to_string() + "/" + last.to_string();
}

std::optional<DateRange> parse_date_range(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return parse_one(text, true);
    }
    const auto a = parse_one(trim(text.substr(0, slash)), true);
    const auto b = parse_one(trim(text.substr(slash + 1)), true);
    if (!a || !b || b->last < a->first) return std::nullopt;
    return DateRange{a->first, b->last};
}

std::optional<Date> parse_date(std::string_view text) {
    const auto r = parse_one(trim(text), false);
    if (!r) return std::nullopt;
    return r->first;
}

}  // namespace fergana::layers
