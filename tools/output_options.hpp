#pragma once
// The output options every command that writes features shares: -o FILE|PG:...,
// --table NAME, --overwrite, --append, --precision N; and the one place that writes a
// table with its provenance (a sidecar file, or the PostGIS table's comment).

#include "layers/output.hpp"
#include "tools/options.hpp"
#include "tools/provenance.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::tools {

/// Refuses, before the work, a file output that write_output_file could not write: the file,
/// its provenance sidecar or (GeoJSON) its .qml an input, missing directory, or existing
/// without `overwrite`. Nothing to check for special files ("-", pipes, devices).
void check_output_file(const std::string& path, const std::vector<std::string>& inputs, bool overwrite);

/// Writes a table to a file, with a QGIS style beside GeoJSON and the provenance sidecar
/// (none beside special files). The caller records the path in the provenance first.
void write_output_file(const layers::OutputTable& table, const std::string& path,
                       const layers::WriteOptions& options, const Provenance& provenance);

class OutputOptions {
public:
    /// `prints`: the command prints the table when there is no -o (so --select needs no -o).
    void declare(OptionSet& options, const std::string& what, bool prints = false);
    /// Checks the values; call from Command::validate.
    void validate();

    [[nodiscard]] bool wanted() const noexcept { return !m_output.empty(); }
    [[nodiscard]] const std::string& path() const noexcept { return m_output; }
    [[nodiscard]] bool overwrite() const noexcept { return m_overwrite; }
    /// True for -o PG:... (a PostGIS table).
    [[nodiscard]] bool database() const noexcept;
    [[nodiscard]] layers::WriteOptions write_options() const;

    /// Refuses an output equal to an input, a missing directory, an existing file (or table)
    /// without --overwrite (or --append), an unreachable server: call before the work
    /// starts, so nothing is computed for nothing.
    void check(const std::vector<std::string>& inputs) const;

    /// Writes the table to -o, and the provenance beside it (recording the output), keeping
    /// only the --select fields.
    void write(layers::OutputTable table, Provenance& provenance) const;

    /// True when --select chose the fields.
    [[nodiscard]] bool selects() const noexcept { return !m_selected.empty(); }
    /// Whether the field will be written to -o: always without --select.
    [[nodiscard]] bool wants(std::string_view field) const;
    /// wants() as a function for the table makers (tools/result_tables.hpp's FieldWanted).
    [[nodiscard]] std::function<bool(std::string_view)> wanted_fields() const {
        return [this](std::string_view field) { return wants(field); };
    }

    /// Applies --select to a table about to be written to -o (or printed, as CSV when `csv`):
    /// keeps the named fields in that order; in CSV, the geometry's columns (lon,lat or wkt)
    /// only when named too. Throws UsageError naming a field the table lacks, and its fields.
    void select(layers::OutputTable& table, layers::WriteOptions& options, bool csv) const;

private:
    std::string m_output;
    std::string m_precision;
    std::string m_table;
    std::string m_select;
    std::vector<std::string> m_selected;  // --select, split
    bool m_prints = false;
    bool m_overwrite = false;
    bool m_append = false;
    int m_precision_digits = 7;
};

}  // namespace fergana::tools
