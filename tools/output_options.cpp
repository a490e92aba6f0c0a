#include "tools/output_options.hpp"

#include "geo/error.hpp"
#include "tools/qml.hpp"

#include <algorithm>
#include <charconv>

namespace fergana::tools {

void OutputOptions::declare(OptionSet& options, const std::string& what, bool prints) {
    m_prints = prints;
    options.value({"-o", "--output"}, "FILE",
                  "write " + what + " to FILE: .geojson, .csv, .gpkg or .fgb by extension; '-' for GeoJSON on stdout; "
                  "PG:CONNECTION for a PostGIS table (with --table)",
                  &m_output);
    options.value({"--table"}, "NAME", "the PostGIS table for -o PG:... (name or schema.name)", &m_table);
    options.flag({"--overwrite"}, "replace an existing output file or table", &m_overwrite);
    options.flag({"--append"}, "add the rows to an existing PostGIS table (its columns must fit)", &m_append);
    options.value({"--precision"}, "N", "decimal digits of coordinates in GeoJSON and CSV (0-15)", &m_precision, "7");
    options.value({"--select"}, "FIELD,...",
                  "write only these fields, in this order (as ogr2ogr -select); in CSV the coordinates "
                  "(lon,lat, or wkt) only when named too",
                  &m_select);
}

void OutputOptions::validate() {
    if (!m_precision.empty()) {
        int n = 0;
        const auto r = std::from_chars(m_precision.data(), m_precision.data() + m_precision.size(), n);
        if (r.ec != std::errc() || r.ptr != m_precision.data() + m_precision.size() || n < 0 || n > 15) {
            throw UsageError("--precision '" + m_precision + "' is not a whole number from 0 to 15");
        }
        m_precision_digits = n;
    }
    if (!m_select.empty()) {
        // Names as given (field names are case-sensitive); each once.
        for (std::size_t from = 0; from <= m_select.size();) {
            std::size_t comma = m_select.find(',', from);
            if (comma == std::string::npos) comma = m_select.size();
            std::string name = m_select.substr(from, comma - from);
            name.erase(0, name.find_first_not_of(" \t"));
            name.erase(name.find_last_not_of(" \t") + 1);
            if (name.empty()) throw UsageError("--select '" + m_select + "' has an empty field name");
            if (std::find(m_selected.begin(), m_selected.end(), name) != m_selected.end()) {
                throw UsageError("--select names '" + name + "' twice");
            }
            m_selected.push_back(std::move(name));
            from = comma + 1;
        }
        if (m_output.empty() && !m_prints) throw UsageError("--select chooses the fields of -o FILE: give -o too");
    }
    if (!m_output.empty()) (void)layers::format_for(m_output);  // unknown extension: usage error now
    if (database()) {
        layers::check_table_name(m_table);
    } else if (!m_table.empty()) {
        throw UsageError("--table goes with a PostGIS output (-o PG:...)", "a file output is named by -o alone");
    }
    if (m_append && !database()) {
        throw UsageError("--append goes with a PostGIS output (-o PG:... --table NAME), not with -o " +
                             std::string(m_output.empty() ? "missing" : "FILE"),
                         "a file is replaced with --overwrite, never appended to");
    }
    if (m_append && m_overwrite) {
        throw UsageError("--append and --overwrite exclude each other", "--append adds rows, --overwrite replaces the table");
    }
}

bool OutputOptions::database() const noexcept {
    return layers::is_postgis(m_output);
}

layers::WriteOptions OutputOptions::write_options() const {
    layers::WriteOptions o;
    o.overwrite = m_overwrite;
    o.precision = m_precision_digits;
    o.table = m_table;
    o.append = m_append;
    return o;
}

void OutputOptions::check(const std::vector<std::string>& inputs) const {
    if (m_output.empty()) return;
    if (database()) {
        layers::check_output_table(m_output, write_options());
        return;
    }
    check_output_file(m_output, inputs, m_overwrite);
}

bool OutputOptions::wants(std::string_view field) const {
    return m_selected.empty() || std::find(m_selected.begin(), m_selected.end(), field) != m_selected.end();
}

void OutputOptions::select(layers::OutputTable& table, layers::WriteOptions& options, bool csv) const {
    if (m_selected.empty()) return;
    const bool points = table.one_point_each();
    std::vector<std::string> fields;
    std::vector<std::string> coordinates;
    for (const std::string& name : m_selected) {
        const bool field = std::any_of(table.fields().begin(), table.fields().end(),
                                       [&](const layers::OutputField& f) { return f.name == name; });
        if (field) {
            fields.push_back(name);
        } else if (name == "lon" || name == "lat" || name == "wkt") {
            coordinates.push_back(name);
        } else {
            std::string known;
            for (const layers::OutputField& f : table.fields()) known += (known.empty() ? "" : ", ") + f.name;
            throw UsageError("--select: the " + table.name() + " output has no field '" + name + "'",
                             "its fields: " + known + (csv ? (points ? "; and in CSV lon, lat" : "; and in CSV wkt") : ""));
        }
    }
    if (!coordinates.empty()) {
        // A table without rows has no geometry to tell points from others: either form goes.
        const bool empty = table.size() == 0;
        const std::string geometry = points ? "lon and lat" : "wkt";
        if (!csv) {
            throw UsageError("--select: '" + coordinates.front() + "' is a CSV column; " +
                                 std::string("this output always holds the geometry"),
                             "name fields only, or write a .csv");
        }
        const bool lon_lat =
            coordinates.size() == 2 && std::find(coordinates.begin(), coordinates.end(), "wkt") == coordinates.end();
        const bool wkt = coordinates.size() == 1 && coordinates.front() == "wkt";
        const bool named_right = empty ? lon_lat || wkt : points ? lon_lat : wkt;
        if (!named_right) {
            throw UsageError("--select: this CSV's geometry columns are " + geometry + ": name " +
                             (points ? "both" : "it") + " or neither");
        }
    }
    options.csv_geometry = !coordinates.empty();
    table.select(fields);
}

void OutputOptions::write(layers::OutputTable table, Provenance& provenance) const {
    layers::WriteOptions options = write_options();
    select(table, options, !database() && layers::format_for(m_output) == layers::OutputFormat::CSV);
    if (database()) {
        // No file beside a table: the provenance becomes the table's comment.
        provenance.add_output(m_output + " table " + m_table);
        options.description = provenance.to_json();
        layers::write_table(table, m_output, options);
        return;
    }
    provenance.add_output(m_output);
    write_output_file(table, m_output, options, provenance);
}

void check_output_file(const std::string& path, const std::vector<std::string>& inputs, bool overwrite) {
    layers::check_output_path(path, inputs, overwrite);
    if (layers::is_special_file(path)) return;
    layers::check_output_path(Provenance::sidecar_path(path), inputs, overwrite);
    if (layers::format_for(path) == layers::OutputFormat::GeoJSON) {
        layers::check_output_path(qml_path(path), inputs, overwrite);
    }
}

void write_output_file(const layers::OutputTable& table, const std::string& path, const layers::WriteOptions& options,
                       const Provenance& provenance) {
    layers::write_table(table, path, options);
    if (!layers::is_special_file(path) && layers::format_for(path) == layers::OutputFormat::GeoJSON) {
        layers::write_text_file(qml_path(path), qml_for(table), options.overwrite);
    }
    provenance.write_beside(path, options.overwrite);
}

}  // namespace fergana::tools
