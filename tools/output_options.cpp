#include "tools/output_options.hpp"

#include "geo/error.hpp"
#include "tools/qml.hpp"

#include <charconv>

namespace fergana::tools {

void OutputOptions::declare(OptionSet& options, const std::string& what) {
    options.value({"-o", "--output"}, "FILE",
                  "write " + what + " to FILE: .geojson, .csv, .gpkg or .fgb by extension; '-' for GeoJSON on stdout; "
                  "PG:CONNECTION for a PostGIS table (with --table)",
                  &m_output);
    options.value({"--table"}, "NAME", "the PostGIS table for -o PG:... (name or schema.name)", &m_table);
    options.flag({"--overwrite"}, "replace an existing output file or table", &m_overwrite);
    options.flag({"--append"}, "add the rows to an existing PostGIS table (its columns must fit)", &m_append);
    options.value({"--precision"}, "N", "decimal digits of coordinates in GeoJSON and CSV (0-15)", &m_precision, "7");
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

void OutputOptions::write(const layers::OutputTable& table, Provenance& provenance) const {
    if (database()) {
        // No file beside a table: the provenance becomes the table's comment.
        provenance.add_output(m_output + " table " + m_table);
        layers::WriteOptions options = write_options();
        options.description = provenance.to_json();
        layers::write_table(table, m_output, options);
        return;
    }
    provenance.add_output(m_output);
    write_output_file(table, m_output, write_options(), provenance);
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
