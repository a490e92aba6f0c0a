#pragma once
// Writing results: a table of features (geometry + typed properties) to
// GeoJSON (RFC 7946), CSV, GeoPackage or FlatGeobuf, chosen by the extension, or to
// a PostGIS table (a "PG:..." destination and WriteOptions::table).
//
//   layers::OutputTable t("proximity", {{"id", FieldKind::Text}, {"border_distance_m", FieldKind::Real, 2}});
//   t.add(geo::Geometry::point({70.5, 40.1}), {std::string("inc-1"), 1234.5678});
//   layers::write_table(t, "out/proximity.geojson", {});
//
// Regular files are written to a temporary file in the same directory and renamed
// at the end, so a failed run never leaves half a file. Special files ("-",
// /dev/stdout, pipes, devices such as /dev/full) are written directly and never
// replaced. An existing regular file is replaced only with `overwrite`.
//
// A PostGIS table is written in one transaction, so a failure leaves no half table (and,
// with `overwrite`, the old table as it was): geometry column `geom` typed after the
// features (Point, MultiLineString... or Geometry), SRID 4326, primary key `fid`, a GiST
// index, and the provenance as the table's comment. An existing table is an error unless
// `overwrite` (drop and create) or `append` (add rows; the columns must fit) is given.

#include "geo/geometry.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fergana::layers {

enum class FieldKind { Text, Integer, Real, Boolean };

struct OutputField {
    std::string name;
    FieldKind kind = FieldKind::Text;
    int decimals = 3;  // for Real: digits after the point in text formats
};

/// Text kept elsewhere, e.g. in the dataset, for as long as the table is written: a generated
/// table's rows point at their texts instead of copying them. Written as a std::string is.
struct TextView {
    std::string_view text;
};

/// A property value; std::monostate is NULL. A text is a std::string or a TextView.
using Value = std::variant<std::monostate, std::string, std::int64_t, double, bool, TextView>;

/// The text of a std::string or TextView value; nullopt for the other kinds.
inline std::optional<std::string_view> text_of(const Value& v) noexcept {
    if (const auto* s = std::get_if<std::string>(&v)) return std::string_view(*s);
    if (const auto* t = std::get_if<TextView>(&v)) return t->text;
    return std::nullopt;
}

struct OutputFeature {
    geo::Geometry geometry;
    std::vector<Value> values;  // one per field, in field order
};

class OutputTable {
public:
    /// Makes feature i into `out`: its values already sized to the fields, all NULL; its
    /// geometry empty or another row's, to be replaced (a point may be overwritten in place).
    /// Writers may call it from several threads at once for different i: it must only read
    /// shared state. TextView values must point at texts that outlive the table.
    using RowMaker = std::function<void(std::size_t i, OutputFeature& out)>;

    OutputTable(std::string name, std::vector<OutputField> fields)
        : m_name(std::move(name)), m_fields(std::move(fields)) {}

    /// A table of `count` features made one at a time when written: CSV and GeoJSON stream
    /// them (a million rows never sit in memory as values); the other writers ask for
    /// features(), which makes them all once. `one_point_each`: every geometry is a single
    /// point (CSV then writes lon,lat columns without looking at the rows first).
    static OutputTable generated(std::string name, std::vector<OutputField> fields, std::size_t count,
                                 bool one_point_each, RowMaker make_row);

    void add(geo::Geometry geometry, std::vector<Value> values);

    [[nodiscard]] const std::string& name() const noexcept { return m_name; }
    [[nodiscard]] const std::vector<OutputField>& fields() const noexcept { return m_fields; }
    /// Every feature (for a generated table: made on the first call and kept).
    [[nodiscard]] const std::vector<OutputFeature>& features() const;
    [[nodiscard]] std::size_t size() const noexcept { return m_maker ? m_count : m_features.size(); }
    /// True when every geometry is a single point (a generated table: as declared).
    [[nodiscard]] bool one_point_each() const;
    /// Calls fn on features [begin, end) in order; a generated table makes each into one
    /// reused OutputFeature (valid only during the call).
    void for_each(std::size_t begin, std::size_t end, const std::function<void(const OutputFeature&)>& fn) const;

    /// Keeps only the named fields, in the order named (as ogr2ogr's -select): fields() and
    /// every feature's values then hold just those. A generated table still makes whole rows
    /// and hands the writers the kept values. Throws std::invalid_argument for a name that is
    /// not a field of the table or is named twice (check names against fields() first).
    void select(const std::vector<std::string>& names);

private:
    std::string m_name;
    std::vector<OutputField> m_fields;
    mutable std::vector<OutputFeature> m_features;  // a generated table's, once made
    RowMaker m_maker;
    bool m_selected = false;             // a generated table after select():
    std::vector<std::size_t> m_columns;  // the kept fields of its rows (maybe none)
    std::size_t m_row_width = 0;         // and how many fields its maker fills
    std::size_t m_count = 0;
    bool m_one_point_each = false;
    mutable bool m_made = false;
};

enum class OutputFormat { GeoJSON, CSV, GPKG, FlatGeobuf, PostGIS };

struct WriteOptions {
    /// Replace an existing regular file (--overwrite). Without it an existing file is an error.
    bool overwrite = false;
    /// Decimal digits of coordinates in GeoJSON and CSV (--precision); 7 is about 1 cm.
    int precision = 7;
    /// PostGIS only: the table, "name" or "schema.name" (--table). Required there.
    std::string table;
    /// PostGIS only: add the rows to an existing table (--append). Default: refuse it.
    bool append = false;
    /// PostGIS only: the new table's comment (the provenance JSON); empty: none.
    std::string description;
    /// CSV only: write the geometry's columns (lon,lat or wkt). Other formats always write it.
    bool csv_geometry = true;
};

/// The format for a path: PostGIS for "PG:..." (and postgresql:// URIs), else by extension;
/// "-" and special files are GeoJSON unless the path ends in .csv; a special file named .gpkg
/// or .fgb is refused (GDAL needs a regular file). Throws UsageError for an unsupported
/// extension (naming why, e.g. Shapefile truncates field names).
OutputFormat format_for(const std::string& path);

/// Refuses a PostGIS table name that is not name or schema.name of lower-case letters,
/// digits and underscores (what PostgreSQL needs no quotes for). Throws UsageError.
void check_table_name(const std::string& table);

/// For a PostGIS destination: connects, checks PostGIS, and refuses an existing table
/// without `overwrite` or `append` (naming it). Throws LayerError. Call before the work.
void check_output_table(const std::string& destination, const WriteOptions& options);

/// True for a PostGIS destination: "PG:..." or a postgresql:// URI.
bool is_postgis(const std::string& destination);

/// True for "-" and the names of standard output ("/dev/stdout", "/dev/fd/1",
/// "/proc/self/fd/1"), which are written to this process's standard output whatever it is.
bool is_standard_output(const std::string& path);

/// True for "-", the names of file descriptors (/dev/stdout, /dev/stderr, /dev/fd/N,
/// /proc/self/fd/N) whatever they lead to, and paths that exist and are neither regular
/// files nor directories (devices, pipes): written directly, never renamed over.
bool is_special_file(const std::string& path);

/// Refuses an output path that is one of the inputs (so no run can destroy its input),
/// a missing directory, or an existing file without overwrite. Throws Error / UsageError.
/// Nothing to check for a PostGIS destination (see check_output_table).
void check_output_path(const std::string& path, const std::vector<std::string>& inputs, bool overwrite);

/// Writes the table. Throws LayerError (with the path) on failure; nothing is left behind.
void write_table(const OutputTable& table, const std::string& path, const WriteOptions& options);

/// Writes text (JSON, Markdown, HTML, SVG...) with the same atomic-rename rules.
void write_text_file(const std::string& path, const std::string& text, bool overwrite);

/// Renders a table as CSV: lon,lat columns when every feature is one point, else a WKT column
/// (neither without `geometry`), then the fields.
std::string to_csv(const OutputTable& table, int precision, bool geometry = true);

/// Renders a table as RFC 7946 GeoJSON text (used by write_table and by the HTML map).
std::string to_geojson(const OutputTable& table, int precision);

}  // namespace fergana::layers
