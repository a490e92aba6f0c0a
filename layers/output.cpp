#include "layers/output.hpp"

#include "geo/error.hpp"
#include "geo/parallel.hpp"
#include "layers/detail/gdal.hpp"
#include "layers/detail/ogr_convert.hpp"
#include "layers/detail/utf8.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <regex>
#include <thread>
#include <tuple>
#include <utility>

namespace fergana::layers {

namespace fs = std::filesystem;

void OutputTable::add(geo::Geometry geometry, std::vector<Value> values) {
    if (m_maker)
        throw std::logic_error("OutputTable::add on a generated table");
    values.resize(m_fields.size());
    m_features.push_back(OutputFeature{std::move(geometry), std::move(values)});
}

OutputTable OutputTable::generated(std::string name, std::vector<OutputField> fields,
                                   std::size_t count, bool one_point_each, RowMaker make_row) {
    OutputTable t(std::move(name), std::move(fields));
    t.m_maker = std::move(make_row);
    t.m_count = count;
    t.m_one_point_each = one_point_each;
    return t;
}

const std::vector<OutputFeature>& OutputTable::features() const {
    if (m_maker && !m_made) {
        m_features.resize(m_count);
        OutputFeature whole;  // after select(): the maker's whole row, of which some values are kept
        for (std::size_t i = 0; i < m_count; ++i) {
            if (!m_selected) {
                m_features[i].values.assign(m_fields.size(), Value{});
                m_maker(i, m_features[i]);
                continue;
            }
            whole.values.assign(m_row_width, Value{});
            m_maker(i, whole);
            m_features[i].geometry = std::move(whole.geometry);
            m_features[i].values.resize(m_columns.size());
            for (std::size_t k = 0; k < m_columns.size(); ++k) m_features[i].values[k] = std::move(whole.values[m_columns[k]]);
        }
        m_made = true;
    }
    return m_features;
}

bool OutputTable::one_point_each() const {
    if (m_maker)
        return m_one_point_each;
    return std::all_of(m_features.begin(), m_features.end(), [](const OutputFeature& f) {
        return f.geometry.points().size() == 1 && !f.geometry.has_lines() &&
               !f.geometry.has_polygons();
    });
}

void OutputTable::for_each(std::size_t begin, std::size_t end,
                           const std::function<void(const OutputFeature&)>& fn) const {
    end = std::min(end, size());
    if (!m_maker || m_made) {
        for (std::size_t i = begin; i < end; ++i) fn(m_features[i]);
        return;
    }
    OutputFeature row;  // its geometry kept from row to row, for a maker to reuse
    if (!m_selected) {
        for (std::size_t i = begin; i < end; ++i) {
            row.values.resize(m_fields.size());  // a maker may have changed its size
            for (Value& v : row.values) v.emplace<std::monostate>();
            m_maker(i, row);
            fn(row);
        }
        return;
    }
    OutputFeature kept;  // the kept values, and the row's geometry lent to it
    kept.values.resize(m_columns.size());
    row.values.resize(m_row_width);
    for (std::size_t i = begin; i < end; ++i) {
        // Only the kept values need to start NULL: the others are never read.
        row.values.resize(m_row_width);  // a maker may have changed its size
        for (std::size_t k : m_columns) row.values[k].emplace<std::monostate>();
        m_maker(i, row);
        for (std::size_t k = 0; k < m_columns.size(); ++k) kept.values[k] = std::move(row.values[m_columns[k]]);
        std::swap(kept.geometry, row.geometry);
        fn(kept);
        std::swap(kept.geometry, row.geometry);
    }
}

void OutputTable::select(const std::vector<std::string>& names) {
    std::vector<std::size_t> columns;
    for (const std::string& name : names) {
        const auto it = std::find_if(m_fields.begin(), m_fields.end(), [&](const OutputField& f) { return f.name == name; });
        if (it == m_fields.end()) throw std::invalid_argument("OutputTable::select: no field '" + name + "'");
        const auto k = static_cast<std::size_t>(it - m_fields.begin());
        if (std::find(columns.begin(), columns.end(), k) != columns.end()) {
            throw std::invalid_argument("OutputTable::select: field '" + name + "' named twice");
        }
        columns.push_back(k);
    }
    std::vector<OutputField> fields;
    for (std::size_t k : columns) fields.push_back(m_fields[k]);
    if (m_maker && !m_made) {
        // Composed with an earlier selection: the maker's row is as wide as before.
        if (!m_selected) {
            m_row_width = m_fields.size();
        } else {
            for (std::size_t& k : columns) k = m_columns[k];
        }
        m_columns = std::move(columns);
        m_selected = true;
    } else {
        for (OutputFeature& f : m_features) {
            std::vector<Value> values(columns.size());
            for (std::size_t k = 0; k < columns.size(); ++k) values[k] = std::move(f.values[columns[k]]);
            f.values = std::move(values);
        }
    }
    m_fields = std::move(fields);
}

namespace {

std::string extension_of(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

// ---------------------------------------------------------------------------
// Atomic files: a temporary sibling renamed over the target at the end.

class AtomicTarget {
public:
    AtomicTarget(std::string path, bool overwrite) : m_path(std::move(path)) {
        if (is_special_file(m_path)) {
            m_write_path = is_standard_output(m_path) ? "/dev/stdout" : m_path;
            return;
        }
        check_output_path(m_path, {}, overwrite);
        const fs::path p(m_path);
        const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
        m_temporary = (dir / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                              p.extension().string()))
                          .string();
        std::error_code ec;
        fs::remove(m_temporary, ec);
        m_write_path = m_temporary;
    }
    AtomicTarget(const AtomicTarget&) = delete;
    AtomicTarget& operator=(const AtomicTarget&) = delete;
    ~AtomicTarget() {
        if (!m_temporary.empty() && !m_committed) {
            std::error_code ec;
            fs::remove(m_temporary, ec);
            // A GeoPackage written half-way may leave SQLite's side files beside it.
            for (const char* suffix : {"-journal", "-wal", "-shm"})
                fs::remove(m_temporary + suffix, ec);
        }
    }

    [[nodiscard]] const std::string& write_path() const noexcept { return m_write_path; }
    [[nodiscard]] bool special() const noexcept { return m_temporary.empty(); }
    [[nodiscard]] bool is_stdout() const { return is_standard_output(m_path); }

    void commit() {
        if (m_temporary.empty())
            return;
        if (std::rename(m_temporary.c_str(), m_path.c_str()) != 0) {
            throw LayerError(std::string("cannot rename the finished output into place: ") +
                                 std::strerror(errno),
                             Location{m_path, {}, {}, {}});
        }
        m_committed = true;
    }

private:
    std::string m_path;
    std::string m_temporary;  // empty: written directly
    std::string m_write_path;
    bool m_committed = false;
};

/// Where a text writer's output goes: it appends to buffer() and calls flush_if_full() now
/// and then; a block of many rows already formatted elsewhere goes whole to put(). This one
/// keeps everything in buffer() (to_csv, to_geojson).
class TextOutput {
public:
    TextOutput() = default;
    TextOutput(const TextOutput&) = delete;
    TextOutput& operator=(const TextOutput&) = delete;
    virtual ~TextOutput() = default;

    std::string& buffer() noexcept { return m_buffer; }
    virtual void flush_if_full() {}
    /// Appends a block after what buffer() holds.
    virtual void put(std::string_view block) { m_buffer += block; }

protected:
    std::string m_buffer;
};

/// Text written to the target in pieces, so a large output never sits in memory whole:
/// buffer() when it is full, blocks put() as they come (one large write each, not copied).
class TextSink : public TextOutput {
public:
    TextSink(const AtomicTarget& target, std::string display_path)
        : m_display_path(std::move(display_path)), m_stdout(target.is_stdout()) {
        if (m_stdout) {
            std::fflush(stdout);
            m_file = stdout;
            return;
        }
        // A special file is opened for appending: /dev/stderr or /dev/fd/N redirected to a
        // regular file would otherwise be truncated, losing what was written to it before.
        m_file = std::fopen(target.write_path().c_str(), target.special() ? "a" : "wx");
        if (m_file == nullptr) {
            throw LayerError(std::string("cannot open for writing: ") + std::strerror(errno),
                             Location{m_display_path, {}, {}, {}});
        }
    }
    ~TextSink() override {
        if (m_file != nullptr && !m_stdout)
            std::fclose(m_file);
    }

    void flush_if_full() override {
        if (m_buffer.size() >= chunk_bytes)
            write_buffer();
    }
    void put(std::string_view block) override {
        write_buffer();
        if (std::fwrite(block.data(), 1, block.size(), m_file) != block.size())
            fail(errno);
    }
    /// Writes what is left and closes; throws LayerError when anything failed.
    void finish() {
        write_buffer();
        if (m_stdout) {
            if (std::fflush(stdout) != 0)
                fail(errno);
            m_file = nullptr;
            return;
        }
        const bool flush_failed = std::fflush(m_file) != 0;
        const int saved = errno;
        const bool close_failed = std::fclose(m_file) != 0;
        m_file = nullptr;
        if (flush_failed || close_failed)
            fail(saved ? saved : errno);
    }

private:
    static constexpr std::size_t chunk_bytes = std::size_t{1} << 20;
    std::string m_display_path;
    bool m_stdout = false;
    std::FILE* m_file = nullptr;

    void write_buffer() {
        if (m_buffer.empty())
            return;
        if (std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_file) != m_buffer.size())
            fail(errno);
        m_buffer.clear();
    }
    [[noreturn]] void fail(int error) const {
        if (m_stdout) {
            throw LayerError(
                std::string("cannot write to standard output: ") + std::strerror(error),
                Location{"-", {}, {}, {}});
        }
        throw LayerError(std::string("cannot write: ") + std::strerror(error),
                         Location{m_display_path, {}, {}, {}}, "is the disk full?");
    }
};

void write_bytes(const AtomicTarget& target, const std::string& display_path,
                 const std::string& text) {
    TextSink sink(target, display_path);
    sink.buffer() = text;
    sink.finish();
}

// ---------------------------------------------------------------------------
// Text formatting.

/// The decimal digits of v (below 10^20) written backwards ending at `end`; returns the first.
inline char* put_digits_backwards(char* end, std::uint64_t v) {
    static constexpr char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    while (v >= 100) {
        const auto pair = static_cast<std::size_t>(v % 100) * 2;
        v /= 100;
        *--end = pairs[pair + 1];
        *--end = pairs[pair];
    }
    if (v >= 10) {
        *--end = pairs[v * 2 + 1];
        *--end = pairs[v * 2];
    } else {
        *--end = static_cast<char>('0' + v);
    }
    return end;
}

/// units / Power and units % Power.
template <std::uint64_t Power>
std::pair<std::uint64_t, std::uint64_t> split_at(std::uint64_t units) {
    return {units / Power, units % Power};
}

/// The slow path of append_number: to_chars in fixed notation, trailing zeros trimmed.
void append_fixed_with_to_chars(std::string& out, double value, int decimals) {
    char buffer[64];  // a value below 1e15 with up to 15 decimals (--precision's limit)
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    std::string_view text(buffer, static_cast<std::size_t>(r.ptr - buffer));
    if (text.find('.') != std::string_view::npos) {
        while (text.back() == '0') text.remove_suffix(1);
        if (text.back() == '.') text.remove_suffix(1);
    }
    if (text == "-0") text = "0";
    out += text;
}

void append_number(std::string& out, double value, int decimals) {
    char buffer[64];
    if (std::abs(value) >= 1e15) {
        // Beyond what fixed notation shows sensibly (or fits: 1e300 from a hostile input field):
        // the shortest exact form, with an exponent, still a valid JSON and CSV number.
        const auto r = std::to_chars(buffer, buffer + sizeof buffer, value);
        out.append(buffer, r.ptr);
        return;
    }
    // The fast path: |value| * 10^decimals rounded to an integer, printed with the point put
    // back and trailing zeros dropped. The product is within half an ulp of the exact one, so
    // whenever its fraction is not within a millionth of one half, its nearest integer is the
    // exact value's, which is what to_chars rounds to. Else (a tie or nearly), and for large
    // products, to_chars. Below 2^52, adding and taking away 2^52 rounds to an integer.
    static constexpr double powers[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (decimals < 0 || decimals > 9) {
        append_fixed_with_to_chars(out, value, decimals);
        return;
    }
    const double scaled = std::abs(value) * powers[decimals];
    constexpr double two_52 = 4503599627370496.0;
    const double rounded = (scaled + two_52) - two_52;
    if (!(scaled < 1e15) || !(std::abs(std::abs(scaled - rounded) - 0.5) > 1e-6)) {
        append_fixed_with_to_chars(out, value, decimals);
        return;
    }
    const auto units = static_cast<std::uint64_t>(rounded);
    std::uint64_t whole = units, fraction = 0;
    switch (decimals) {  // constant divisors, which become multiplications
        case 1: std::tie(whole, fraction) = split_at<10>(units); break;
        case 2: std::tie(whole, fraction) = split_at<100>(units); break;
        case 3: std::tie(whole, fraction) = split_at<1000>(units); break;
        case 4: std::tie(whole, fraction) = split_at<10000>(units); break;
        case 5: std::tie(whole, fraction) = split_at<100000>(units); break;
        case 6: std::tie(whole, fraction) = split_at<1000000>(units); break;
        case 7: std::tie(whole, fraction) = split_at<10000000>(units); break;
        case 8: std::tie(whole, fraction) = split_at<100000000>(units); break;
        case 9: std::tie(whole, fraction) = split_at<1000000000>(units); break;
        default: break;
    }
    int fraction_digits = decimals;
    while (fraction_digits > 0 && fraction % 10 == 0) {
        fraction /= 10;
        --fraction_digits;
    }
    char* const end = buffer + sizeof buffer;
    char* p = end;
    if (fraction_digits > 0) {
        char* const digits = put_digits_backwards(p, fraction);
        for (p = digits; end - p < fraction_digits;) *--p = '0';
        *--p = '.';
    }
    p = put_digits_backwards(p, whole);
    if (value < 0 && units != 0) *--p = '-';
    out.append(p, static_cast<std::size_t>(end - p));
}

/// JSON string escaping; invalid UTF-8 bytes become U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        // A run of printable ASCII needing no escape, appended whole.
        std::size_t plain = i;
        while (plain < s.size()) {
            const auto p = static_cast<unsigned char>(s[plain]);
            if (p < 0x20 || p >= 0x80 || p == '"' || p == '\\') break;
            ++plain;
        }
        if (plain > i) {
            out.append(s.data() + i, plain - i);
            i = plain;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '"': out += "\\\""; break;
                case '\\': out += "\\\\"; break;
                case '\n': out += "\\n"; break;
                case '\r': out += "\\r"; break;
                case '\t': out += "\\t"; break;
                default:
                    if (c < 0x20) {
                        char buffer[8];
                        std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                        out += buffer;
                    } else {
                        out += static_cast<char>(c);
                    }
            }
            ++i;
            continue;
        }
        if (const std::size_t n = detail::utf8_sequence(s, i); n > 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    out += '"';
}

double signed_area(const geo::Path& ring) {
    double a = 0.0;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        a += (ring[i - 1].lon * ring[i].lat) - (ring[i].lon * ring[i - 1].lat);
    }
    return a / 2.0;
}

void append_position(std::string& out, const geo::LonLat& p, int precision) {
    out += '[';
    append_number(out, p.lon, precision);
    out += ',';
    append_number(out, p.lat, precision);
    out += ']';
}

void append_path(std::string& out, const geo::Path& path, int precision, bool reverse) {
    out += '[';
    for (std::size_t k = 0; k < path.size(); ++k) {
        if (k)
            out += ',';
        append_position(out, reverse ? path[path.size() - 1 - k] : path[k], precision);
    }
    out += ']';
}

void append_polygon(std::string& out, const geo::Polygon& poly, int precision) {
    // RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
    out += '[';
    for (std::size_t r = 0; r < poly.rings.size(); ++r) {
        if (r)
            out += ',';
        const double area = signed_area(poly.rings[r]);
        const bool reverse = r == 0 ? area < 0 : area > 0;
        append_path(out, poly.rings[r], precision, reverse);
    }
    out += ']';
}

void append_geometry(std::string& out, const geo::Geometry& g, int precision) {
    using geo::GeometryType;
    if (g.empty()) {
        out += "null";
        return;
    }
    const auto& pts = g.points();
    const auto& lines = g.lines();
    const auto& polys = g.polygons();
    const int kinds = (pts.empty() ? 0 : 1) + (lines.empty() ? 0 : 1) + (polys.empty() ? 0 : 1);
    if (kinds > 1) {
        out += R"({"type":"GeometryCollection","geometries":[)";
        bool first = true;
        auto part = [&](const geo::Geometry& sub) {
            if (!first)
                out += ',';
            first = false;
            append_geometry(out, sub, precision);
        };
        if (!pts.empty())
            part(geo::Geometry::multi_point(pts));
        if (!lines.empty())
            part(geo::Geometry::multi_line(lines));
        if (!polys.empty())
            part(geo::Geometry::multi_polygon(polys));
        out += "]}";
        return;
    }
    if (!pts.empty()) {
        if (pts.size() == 1 && g.type() != GeometryType::MultiPoint) {
            out += R"({"type":"Point","coordinates":)";
            append_position(out, pts[0], precision);
        } else {
            out += R"({"type":"MultiPoint","coordinates":)";
            append_path(out, pts, precision, false);
        }
    } else if (!lines.empty()) {
        if (lines.size() == 1 && g.type() != GeometryType::MultiLineString) {
            out += R"({"type":"LineString","coordinates":)";
            append_path(out, lines[0], precision, false);
        } else {
            out += R"({"type":"MultiLineString","coordinates":[)";
            for (std::size_t k = 0; k < lines.size(); ++k) {
                if (k)
                    out += ',';
                append_path(out, lines[k], precision, false);
            }
            out += ']';
        }
    } else {
        if (polys.size() == 1 && g.type() != GeometryType::MultiPolygon) {
            out += R"({"type":"Polygon","coordinates":)";
            append_polygon(out, polys[0], precision);
        } else {
            out += R"({"type":"MultiPolygon","coordinates":[)";
            for (std::size_t k = 0; k < polys.size(); ++k) {
                if (k)
                    out += ',';
                append_polygon(out, polys[k], precision);
            }
            out += ']';
        }
    }
    out += '}';
}

void append_value(std::string& out, const Value& v, const OutputField& field) {
    if (std::holds_alternative<std::monostate>(v)) {
        out += "null";
    } else if (const auto s = text_of(v)) {
        append_json_string(out, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        char buffer[24];
        out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, *i).ptr);
    } else if (const auto* d = std::get_if<double>(&v)) {
        if (std::isfinite(*d)) {
            append_number(out, *d, field.decimals);
        } else {
            out += "null";
        }
    } else if (const auto* b = std::get_if<bool>(&v)) {
        out += *b ? "true" : "false";
    }
}

// ---------------------------------------------------------------------------
// CSV.

void append_wkt_path(std::string& out, const geo::Path& path, int precision) {
    out += '(';
    for (std::size_t k = 0; k < path.size(); ++k) {
        if (k)
            out += ", ";
        append_number(out, path[k].lon, precision);
        out += ' ';
        append_number(out, path[k].lat, precision);
    }
    out += ')';
}

std::string to_wkt(const geo::Geometry& g, int precision) {
    std::string out;
    auto polygon = [&](const geo::Polygon& p) {
        out += '(';
        for (std::size_t r = 0; r < p.rings.size(); ++r) {
            if (r)
                out += ", ";
            append_wkt_path(out, p.rings[r], precision);
        }
        out += ')';
    };
    const int kinds =
        (g.has_points() ? 1 : 0) + (g.has_lines() ? 1 : 0) + (g.has_polygons() ? 1 : 0);
    if (kinds == 0)
        return "GEOMETRYCOLLECTION EMPTY";
    if (kinds > 1) {
        out = "GEOMETRYCOLLECTION (";
        bool first = true;
        auto part = [&](const geo::Geometry& sub) {
            if (!first)
                out += ", ";
            first = false;
            out += to_wkt(sub, precision);
        };
        if (g.has_points())
            part(geo::Geometry::multi_point(g.points()));
        if (g.has_lines())
            part(geo::Geometry::multi_line(g.lines()));
        if (g.has_polygons())
            part(geo::Geometry::multi_polygon(g.polygons()));
        return out + ")";
    }
    if (g.has_points()) {
        if (g.points().size() == 1) {
            out = "POINT ";
            append_wkt_path(out, g.points(), precision);
        } else {
            out = "MULTIPOINT ";
            append_wkt_path(out, g.points(), precision);
        }
    } else if (g.has_lines()) {
        if (g.lines().size() == 1) {
            out = "LINESTRING ";
            append_wkt_path(out, g.lines()[0], precision);
        } else {
            out = "MULTILINESTRING (";
            for (std::size_t k = 0; k < g.lines().size(); ++k) {
                if (k)
                    out += ", ";
                append_wkt_path(out, g.lines()[k], precision);
            }
            out += ')';
        }
    } else if (g.polygons().size() == 1) {
        out = "POLYGON ";
        polygon(g.polygons()[0]);
    } else {
        out = "MULTIPOLYGON (";
        for (std::size_t k = 0; k < g.polygons().size(); ++k) {
            if (k)
                out += ", ";
            polygon(g.polygons()[k]);
        }
        out += ')';
    }
    return out;
}

void append_csv_cell(std::string& out, std::string_view s) {
    const bool plain = std::none_of(s.begin(), s.end(), [](char c) { return c == ',' || c == '"' || c == '\n' || c == '\r'; });
    if (plain) {
        out += s;
        return;
    }
    out += '"';
    for (std::size_t from = 0;;) {  // runs between quotes appended whole (a cell may hold 12,000 ids)
        const std::size_t quote = s.find('"', from);
        out.append(s.substr(from, quote == std::string_view::npos ? std::string_view::npos : quote + 1 - from));
        if (quote == std::string_view::npos) break;
        out += '"';  // the quote doubled
        from = quote + 1;
    }
    out += '"';
}

/// Appends format(feature, i, text) for every feature i of the table to `out`, in order. A
/// large table is formatted in blocks of rows on every core, each block into a reused text
/// handed to out.put() as soon as it and every block before it are done, so the writing of
/// one block overlaps the formatting of the next: the output is the same as one thread's.
/// `format` must only read shared state.
template <typename Format>
void format_rows(const OutputTable& table, TextOutput& out, const Format& format) {
    constexpr std::size_t block_rows = 8192;
    const std::size_t count = table.size();
    const auto threads = std::max(1U, std::thread::hardware_concurrency());
    if (threads == 1 || count < 2 * block_rows) {
        std::size_t i = 0;
        table.for_each(0, count, [&](const OutputFeature& f) {
            format(f, i++, out.buffer());
            out.flush_if_full();
        });
        return;
    }
    out.flush_if_full();
    const std::size_t blocks = (count + block_rows - 1) / block_rows;
    // A ring of texts: block b is formatted into slots[b % size] once block b - size is out.
    struct Slot {
        std::string text;
        bool ready = false;
    };
    std::vector<Slot> slots(4 * static_cast<std::size_t>(threads));
    std::mutex mutex;
    std::condition_variable slot_freed;
    std::size_t next_block = 0;    // the next block to format
    std::size_t next_written = 0;  // the next block to hand to out
    bool writing = false;          // a thread is handing blocks to out (one at a time, in order)
    bool failed = false;
    geo::parallel_for(threads, 1, threads, [&](std::size_t, std::size_t, unsigned) {
        std::unique_lock<std::mutex> lock(mutex);
        try {
            while (!failed && next_block < blocks) {
                const std::size_t b = next_block++;
                slot_freed.wait(lock, [&] { return failed || b < next_written + slots.size(); });
                if (failed) break;
                Slot& slot = slots[b % slots.size()];
                lock.unlock();
                slot.text.clear();
                std::size_t i = b * block_rows;
                table.for_each(i, i + block_rows, [&](const OutputFeature& f) { format(f, i++, slot.text); });
                lock.lock();
                slot.ready = true;
                if (writing) continue;  // that thread takes this block too when its turn comes
                writing = true;
                for (Slot* next = &slots[next_written % slots.size()]; next->ready;
                     next = &slots[next_written % slots.size()]) {
                    lock.unlock();
                    out.put(next->text);
                    lock.lock();
                    next->ready = false;
                    ++next_written;
                    slot_freed.notify_all();
                }
                writing = false;
            }
        } catch (...) {
            if (!lock.owns_lock()) lock.lock();
            failed = true;
            slot_freed.notify_all();
            throw;
        }
    });
}

/// Renders the table as CSV into out: the geometry's columns (lon,lat or wkt) first, unless
/// `geometry` is false, then the fields.
void write_csv(const OutputTable& table, int precision, bool geometry, TextOutput& out) {
    const bool points = table.one_point_each();
    std::string& header = out.buffer();
    if (geometry) header += points ? "lon,lat" : "wkt";
    for (std::size_t k = 0; k < table.fields().size(); ++k) {
        if (geometry || k > 0) header += ',';
        append_csv_cell(header, table.fields()[k].name);
    }
    header += '\n';
    format_rows(table, out, [&](const OutputFeature& feature, std::size_t, std::string& text) {
        if (!geometry) {
            // no geometry columns
        } else if (points) {
            append_number(text, feature.geometry.points()[0].lon, precision);
            text += ',';
            append_number(text, feature.geometry.points()[0].lat, precision);
        } else {
            append_csv_cell(text, to_wkt(feature.geometry, precision));
        }
        for (std::size_t k = 0; k < table.fields().size(); ++k) {
            if (geometry || k > 0) text += ',';
            const Value& v = feature.values[k];
            if (const auto s = text_of(v)) {
                append_csv_cell(text, *s);
            } else if (const auto* d = std::get_if<double>(&v)) {
                if (std::isfinite(*d)) append_number(text, *d, table.fields()[k].decimals);  // else empty, as NULL
            } else if (!std::holds_alternative<std::monostate>(v)) {
                append_value(text, v, table.fields()[k]);  // integers and booleans
            }
        }
        text += '\n';
    });
}

// ---------------------------------------------------------------------------
// GeoPackage and FlatGeobuf through GDAL.

OGRwkbGeometryType layer_type(const OutputTable& table) {
    bool points = false, lines = false, polygons = false;
    for (const OutputFeature& f : table.features()) {
        points |= f.geometry.has_points();
        lines |= f.geometry.has_lines();
        polygons |= f.geometry.has_polygons();
    }
    const int kinds = (points ? 1 : 0) + (lines ? 1 : 0) + (polygons ? 1 : 0);
    if (kinds != 1)
        return wkbUnknown;
    if (points) {
        const bool multi =
            std::any_of(table.features().begin(), table.features().end(),
                        [](const OutputFeature& f) { return f.geometry.points().size() > 1; });
        return multi ? wkbMultiPoint : wkbPoint;
    }
    return lines ? wkbMultiLineString : wkbMultiPolygon;
}

OGRFeatureUniquePtr make_feature(OGRLayer& layer, const OutputFeature& feature,
                                 const std::vector<int>& indices, OGRSpatialReference& wgs84) {
    OGRFeatureUniquePtr ogr(OGRFeature::CreateFeature(layer.GetLayerDefn()));
    if (!feature.geometry.empty()) {
        std::unique_ptr<OGRGeometry> g = detail::to_ogr(feature.geometry);
        g->assignSpatialReference(&wgs84);
        const OGRwkbGeometryType type = wkbFlatten(layer.GetGeomType());
        if (type == wkbMultiPolygon || type == wkbMultiLineString || type == wkbMultiPoint) {
            g.reset(OGRGeometryFactory::forceTo(g.release(), type));
        }
        ogr->SetGeometryDirectly(g.release());
    }
    for (std::size_t k = 0; k < indices.size(); ++k) {
        const int i = indices[k];
        const Value& v = feature.values[k];
        if (std::holds_alternative<std::monostate>(v)) {
            ogr->SetFieldNull(i);
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            ogr->SetField(i, s->c_str());
        } else if (const auto* t = std::get_if<TextView>(&v)) {
            ogr->SetField(i, std::string(t->text).c_str());
        } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
            ogr->SetField(i, static_cast<GIntBig>(*n));
        } else if (const auto* d = std::get_if<double>(&v)) {
            if (std::isfinite(*d))
                ogr->SetField(i, *d);
            else
                ogr->SetFieldNull(i);
        } else if (const auto* b = std::get_if<bool>(&v)) {
            ogr->SetField(i, *b ? 1 : 0);
        }
    }
    return ogr;
}

std::unique_ptr<OGRFieldDefn> field_definition(const OutputField& f) {
    auto defn = std::make_unique<OGRFieldDefn>(f.name.c_str(), OFTString);
    switch (f.kind) {
        case FieldKind::Text: defn->SetType(OFTString); break;
        case FieldKind::Integer: defn->SetType(OFTInteger64); break;
        case FieldKind::Real: defn->SetType(OFTReal); break;
        case FieldKind::Boolean:
            defn->SetType(OFTInteger);
            defn->SetSubType(OFSTBoolean);
            break;
    }
    return defn;
}

/// GDAL's OGR_CURRENT_DATE for this thread while in scope, cleared on every way out.
class FixedCurrentDate {
public:
    FixedCurrentDate() {
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
    }
    FixedCurrentDate(const FixedCurrentDate&) = delete;
    FixedCurrentDate& operator=(const FixedCurrentDate&) = delete;
    ~FixedCurrentDate() { CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", nullptr); }
};

void write_with_gdal(const OutputTable& table, const std::string& path,
                     const std::string& driver_name, const AtomicTarget& target) {
    detail::ensure_gdal();
    const Location where{path, table.name(), {}, {}};
    if (target.special()) {
        throw LayerError(driver_name + " needs a regular file, not a device or pipe", where,
                         "write .geojson or .csv to stdout or a pipe");
    }
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name.c_str());
    if (driver == nullptr) {
        throw LayerError("GDAL has no " + driver_name + " driver", where);
    }
    // Fixed timestamps inside the GeoPackage (gpkg_contents.last_change) keep outputs
    // byte-identical run to run; the real time is in the provenance file. Declared before
    // the dataset, so the option still holds while a failed write closes it.
    const FixedCurrentDate fixed_date;
    CPLErrorReset();
    GDALDatasetUniquePtr ds(
        driver->Create(target.write_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) {
        throw LayerError("cannot create: " + detail::last_gdal_error(), where);
    }
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* layer_options_gpkg[] = {"SPATIAL_INDEX=YES", nullptr};
    const char* layer_options_fgb[] = {"SPATIAL_INDEX=YES", nullptr};
    OGRLayer* layer = ds->CreateLayer(
        table.name().c_str(), &wgs84, layer_type(table),
        const_cast<char**>(driver_name == "GPKG" ? layer_options_gpkg : layer_options_fgb));
    if (layer == nullptr) {
        throw LayerError("cannot create the layer: " + detail::last_gdal_error(), where);
    }
    for (const OutputField& f : table.fields()) {
        const auto defn = field_definition(f);
        if (layer->CreateField(defn.get()) != OGRERR_NONE) {
            throw LayerError("cannot create field: " + detail::last_gdal_error(),
                             Location{path, table.name(), {}, f.name});
        }
    }
    const bool transactions = ds->StartTransaction() == OGRERR_NONE;
    std::vector<int> indices(table.fields().size());
    for (std::size_t k = 0; k < indices.size(); ++k) indices[k] = static_cast<int>(k);
    for (const OutputFeature& feature : table.features()) {
        OGRFeatureUniquePtr ogr = make_feature(*layer, feature, indices, wgs84);
        if (layer->CreateFeature(ogr.get()) != OGRERR_NONE) {
            throw LayerError("cannot write a feature: " + detail::last_gdal_error(), where,
                             "is the disk full?");
        }
    }
    if (transactions && ds->CommitTransaction() != OGRERR_NONE) {
        throw LayerError("cannot commit: " + detail::last_gdal_error(), where, "is the disk full?");
    }
    CPLErrorReset();
    ds->FlushCache(true);
    GDALClose(GDALDataset::ToHandle(ds.release()));
    if (CPLGetLastErrorType() == CE_Failure) {
        throw LayerError("cannot finish writing: " + detail::last_gdal_error(), where,
                         "is the disk full?");
    }
}

// ---------------------------------------------------------------------------
// PostGIS through GDAL's PG driver, in one transaction.

/// GDAL's last message about the server's refusal, on one line, without the password.
std::string server_error(const std::string& destination) {
    return detail::server_message(
        detail::scrub(detail::last_gdal_error("the server refused"), destination));
}

/// Rolls the dataset's transaction back unless committed.
class Transaction {
public:
    Transaction(GDALDataset& ds, const Location& where, const std::string& destination) : m_ds(ds) {
        CPLErrorReset();
        if (m_ds.StartTransaction(FALSE) != OGRERR_NONE) {
            throw LayerError("cannot start a transaction: " + server_error(destination), where);
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (!m_done)
            m_ds.RollbackTransaction();
    }
    void commit(const Location& where, const std::string& destination) {
        CPLErrorReset();
        m_done = true;
        if (m_ds.CommitTransaction() != OGRERR_NONE || CPLGetLastErrorType() == CE_Failure) {
            const std::string message = server_error(destination);
            m_ds.RollbackTransaction();
            throw LayerError("cannot commit: " + message, where, "nothing was written");
        }
    }

private:
    GDALDataset& m_ds;
    bool m_done = false;
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// The existing table, or nullptr. GDAL lists public tables without their schema.
OGRLayer* find_table(GDALDataset& ds, const std::string& table) {
    CPLErrorReset();
    OGRLayer* layer = ds.GetLayerByName(table.c_str());
    CPLErrorReset();
    return layer;
}

bool same_family(OGRwkbGeometryType table_type, OGRwkbGeometryType ours) {
    table_type = wkbFlatten(table_type);
    if (table_type == wkbUnknown)
        return true;  // a GEOMETRY column takes anything
    if (ours == wkbUnknown)
        return false;  // mixed rows need one
    auto family = [](OGRwkbGeometryType t) {
        if (t == wkbPoint || t == wkbMultiPoint)
            return 0;
        if (t == wkbLineString || t == wkbMultiLineString)
            return 1;
        if (t == wkbPolygon || t == wkbMultiPolygon)
            return 2;
        return 3;
    };
    // A Point table cannot take a MultiPoint; a Multi* table takes either.
    return family(table_type) == family(ours) &&
           (table_type == ours || OGR_GT_IsSubClassOf(ours, table_type) ||
            table_type == OGR_GT_GetCollection(ours));
}

bool fits(FieldKind kind, const OGRFieldDefn& column) {
    const OGRFieldType t = column.GetType();
    switch (kind) {
        case FieldKind::Text: return t == OFTString;
        case FieldKind::Integer:
            return t == OFTInteger64 || (t == OFTInteger && column.GetSubType() == OFSTNone) ||
                   t == OFTReal;
        case FieldKind::Real: return t == OFTReal;
        case FieldKind::Boolean: return t == OFTInteger || t == OFTInteger64;
    }
    return false;
}

/// The column of each field in an existing table; throws naming the first that does not fit.
std::vector<int> append_columns(OGRLayer& layer, const OutputTable& table, OGRwkbGeometryType type,
                                const Location& where) {
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    const char* same_options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                                  "CRITERION=EQUIVALENT", nullptr};
    if (srs == nullptr || !srs->IsSame(&wgs84, same_options)) {
        throw LayerError("--append: the table's CRS is " +
                             (srs ? detail::crs_label(srs) : std::string("unknown")) +
                             ", fergana writes EPSG:4326",
                         where, "give --overwrite to replace the table, or another --table");
    }
    if (!table.features().empty() && !same_family(layer.GetGeomType(), type)) {
        throw LayerError(std::string("--append: the table holds ") +
                             OGRGeometryTypeToName(layer.GetGeomType()) + ", the rows are " +
                             OGRGeometryTypeToName(type),
                         where, "give --overwrite to replace the table, or another --table");
    }
    const OGRFeatureDefn* defn = layer.GetLayerDefn();
    std::vector<int> indices;
    for (const OutputField& f : table.fields()) {
        int found = -1;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (lower(defn->GetFieldDefn(i)->GetNameRef()) == lower(f.name))
                found = i;
        }
        Location at = where;
        at.field = f.name;
        if (found < 0) {
            throw LayerError("--append: the table has no column '" + f.name + "'", at,
                             "append only the output of the same command; else give --overwrite or "
                             "another --table");
        }
        const OGRFieldDefn* column = defn->GetFieldDefn(found);
        if (!fits(f.kind, *column)) {
            throw LayerError(std::string("--append: column '") + column->GetNameRef() + "' is " +
                                 OGRFieldDefn::GetFieldTypeName(column->GetType()) +
                                 ", the rows need " +
                                 OGRFieldDefn::GetFieldTypeName(field_definition(f)->GetType()),
                             at, "give --overwrite to replace the table, or another --table");
        }
        indices.push_back(found);
    }
    return indices;
}

void write_postgis(const OutputTable& table, const std::string& destination,
                   const WriteOptions& options) {
    check_table_name(options.table);
    const Location where{detail::redact(destination), options.table, {}, {}};
    GDALDatasetUniquePtr ds = detail::open_vector(destination, {}, true);
    OGRLayer* existing = find_table(*ds, options.table);
    if (existing != nullptr && !options.overwrite && !options.append) {
        throw LayerError("table '" + options.table + "' exists", where,
                         "give --overwrite to replace it, or --append to add the rows to it");
    }
    const OGRwkbGeometryType type = layer_type(table);
    OGRSpatialReference wgs84;
    wgs84.SetWellKnownGeogCS("WGS84");
    wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    Transaction transaction(*ds, where, destination);
    OGRLayer* layer = nullptr;
    std::vector<int> indices;
    if (existing != nullptr && options.append) {
        layer = existing;
        indices = append_columns(*layer, table, type, where);
    } else {
        const bool fid_taken =
            std::any_of(table.fields().begin(), table.fields().end(),
                        [](const OutputField& f) { return lower(f.name) == "fid"; });
        std::vector<std::string> lco = {
            "GEOMETRY_NAME=geom", fid_taken ? "FID=ogc_fid" : "FID=fid",
            "SPATIAL_INDEX=GIST", "LAUNDER=NO",
            "PRECISION=NO",       existing != nullptr ? "OVERWRITE=YES" : "OVERWRITE=NO"};
        if (!options.description.empty())
            lco.push_back("DESCRIPTION=" + options.description);
        std::vector<const char*> lco_pointers;
        for (const std::string& o : lco) lco_pointers.push_back(o.c_str());
        lco_pointers.push_back(nullptr);
        CPLErrorReset();
        layer = ds->CreateLayer(options.table.c_str(), &wgs84, type,
                                const_cast<char**>(lco_pointers.data()));
        if (layer == nullptr) {
            throw LayerError(
                "cannot create the table: " + server_error(destination), where,
                options.table.find('.') != std::string::npos ? "does the schema exist?" : "");
        }
        for (const OutputField& f : table.fields()) {
            const auto defn = field_definition(f);
            if (layer->CreateField(defn.get()) != OGRERR_NONE) {
                throw LayerError("cannot create column: " + server_error(destination),
                                 Location{where.file, options.table, {}, f.name});
            }
            indices.push_back(layer->GetLayerDefn()->GetFieldIndex(f.name.c_str()));
        }
    }
    for (const OutputFeature& feature : table.features()) {
        OGRFeatureUniquePtr ogr = make_feature(*layer, feature, indices, wgs84);
        CPLErrorReset();
        if (layer->CreateFeature(ogr.get()) != OGRERR_NONE) {
            // The table is created with the first row: a missing schema shows here.
            throw LayerError(
                "cannot write to the table: " + server_error(destination), where,
                std::string(options.table.find('.') != std::string::npos && existing == nullptr
                                ? "does the schema exist? "
                                : "") +
                    "nothing was written");
        }
    }
    // Ends a COPY in progress, so errors in its rows surface before the commit.
    if (layer->SyncToDisk() != OGRERR_NONE) {
        throw LayerError("cannot write to the table: " + server_error(destination), where,
                         "nothing was written");
    }
    transaction.commit(where, destination);
    CPLErrorReset();
    GDALClose(GDALDataset::ToHandle(ds.release()));
    if (CPLGetLastErrorType() == CE_Failure) {
        throw LayerError("cannot finish writing: " + server_error(destination), where);
    }
}

}  // namespace

void check_table_name(const std::string& table) {
    static const std::regex name(R"([a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?)");
    if (table.empty()) {
        throw UsageError("a PostGIS output needs --table NAME",
                         "e.g. -o PG:dbname=gis --table proximity");
    }
    if (!std::regex_match(table, name)) {
        throw UsageError("--table '" + table + "' is not a plain table name",
                         "use lower-case letters, digits and underscores, optionally schema.name "
                         "(e.g. results.proximity)");
    }
}

void check_output_table(const std::string& destination, const WriteOptions& options) {
    check_table_name(options.table);
    GDALDatasetUniquePtr ds = detail::open_vector(destination, {}, true);
    if (find_table(*ds, options.table) != nullptr && !options.overwrite && !options.append) {
        throw LayerError("table '" + options.table + "' exists",
                         Location{detail::redact(destination), options.table, {}, {}},
                         "give --overwrite to replace it, or --append to add the rows to it");
    }
}

bool is_postgis(const std::string& destination) {
    return detail::is_postgres(destination);
}

bool is_standard_output(const std::string& path) {
    return path == "-" || path == "/dev/stdout" || path == "/dev/fd/1" || path == "/proc/self/fd/1";
}

bool is_special_file(const std::string& path) {
    // A descriptor's name is special even when it leads to a regular file (a redirection):
    // renaming over it would replace the name, not write to the descriptor.
    if (is_standard_output(path) || path == "/dev/stderr" || path.rfind("/dev/fd/", 0) == 0 ||
        path.rfind("/proc/self/fd/", 0) == 0) {
        return true;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return false;
    return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

OutputFormat format_for(const std::string& path) {
    if (detail::is_postgres(path))
        return OutputFormat::PostGIS;
    const std::string ext = extension_of(path);
    if (ext == ".csv")
        return OutputFormat::CSV;
    if (ext == ".gpkg" || ext == ".fgb") {
        // Both are written by GDAL, which seeks: a pipe or device named .gpkg would otherwise
        // get GeoJSON it did not ask for, or block until the work is done to fail.
        if (is_special_file(path)) {
            throw UsageError("'" + path + "': " + (ext == ".gpkg" ? "GeoPackage" : "FlatGeobuf") +
                                 " needs a regular file, not standard output, a device or a pipe",
                             "write .geojson or .csv to a pipe");
        }
        return ext == ".gpkg" ? OutputFormat::GPKG : OutputFormat::FlatGeobuf;
    }
    if (path == "-" || is_special_file(path))
        return OutputFormat::GeoJSON;
    if (ext == ".geojson" || ext == ".json")
        return OutputFormat::GeoJSON;
    if (ext == ".shp") {
        throw UsageError(
            "Shapefile output is refused: it truncates field names to 10 characters "
            "(border_distance_m and disputed_distance_m would collide) and loses NULLs",
            "write .gpkg, .fgb, .geojson or .csv");
    }
    throw UsageError("cannot tell the output format of '" + path + "' from its extension",
                     "use .geojson, .csv, .gpkg or .fgb, or '-' for GeoJSON on stdout");
}

void check_output_path(const std::string& path, const std::vector<std::string>& inputs,
                       bool overwrite) {
    if (is_special_file(path) || detail::is_postgres(path))
        return;
    const Location where{path, {}, {}, {}};
    std::error_code ec;
    for (const std::string& input : inputs) {
        if (!input.empty() && fs::exists(input, ec) && fs::exists(path, ec) &&
            fs::equivalent(input, path, ec)) {
            throw UsageError("output '" + path + "' is one of the inputs: refusing to overwrite it",
                             "write the output somewhere else");
        }
    }
    const fs::path p(path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) {
        throw LayerError("the output directory '" + dir.string() + "' does not exist", where,
                         "create it first (mkdir -p " + dir.string() + ")");
    }
    if (fs::is_directory(p, ec)) {
        throw LayerError("the output is a directory", where, "name a file inside it");
    }
    if (fs::exists(p, ec) && !overwrite) {
        throw LayerError("the output exists", where, "give --overwrite to replace it");
    }
}

std::string to_csv(const OutputTable& table, int precision, bool geometry) {
    TextOutput out;
    write_csv(table, precision, geometry, out);
    return std::move(out.buffer());
}

namespace {

void write_geojson(const OutputTable& table, int precision, TextOutput& out) {
    std::string& header = out.buffer();
    header += R"({"type":"FeatureCollection","name":)";
    append_json_string(header, table.name());
    header += ",\"features\":[";
    format_rows(table, out, [&](const OutputFeature& f, std::size_t n, std::string& text) {
        text += n ? ",\n" : "\n";
        text += R"({"type":"Feature","properties":{)";
        for (std::size_t k = 0; k < table.fields().size(); ++k) {
            if (k) text += ',';
            append_json_string(text, table.fields()[k].name);
            text += ':';
            append_value(text, f.values[k], table.fields()[k]);
        }
        text += R"(},"geometry":)";
        append_geometry(text, f.geometry, precision);
        text += '}';
    });
    out.buffer() += "\n]}\n";
}

}  // namespace

std::string to_geojson(const OutputTable& table, int precision) {
    TextOutput out;
    out.buffer().reserve(256 + table.size() * 256);
    write_geojson(table, precision, out);
    return std::move(out.buffer());
}

void write_table(const OutputTable& table, const std::string& path, const WriteOptions& options) {
    const OutputFormat format = format_for(path);
    if (format == OutputFormat::PostGIS) {
        write_postgis(table, path, options);
        return;
    }
    AtomicTarget target(path, options.overwrite);
    switch (format) {
        case OutputFormat::GeoJSON:
        case OutputFormat::CSV: {
            TextSink sink(target, path);
            if (format == OutputFormat::CSV) {
                write_csv(table, options.precision, options.csv_geometry, sink);
            } else {
                write_geojson(table, options.precision, sink);
            }
            sink.finish();
            break;
        }
        case OutputFormat::GPKG: write_with_gdal(table, path, "GPKG", target); break;
        case OutputFormat::FlatGeobuf: write_with_gdal(table, path, "FlatGeobuf", target); break;
        case OutputFormat::PostGIS: break;  // written above
    }
    target.commit();
}

void write_text_file(const std::string& path, const std::string& text, bool overwrite) {
    AtomicTarget target(path, overwrite);
    write_bytes(target, path, text);
    target.commit();
}

}  // namespace fergana::layers
