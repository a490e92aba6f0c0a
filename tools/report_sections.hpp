#pragma once
// The parts of `fergana report`: where files go, each analysis's section, and the
// summary.md that ties them together.

#include "analysis/affected.hpp"
#include "analysis/proximity.hpp"
#include "analysis/selection.hpp"
#include "layers/dataset.hpp"
#include "layers/output.hpp"
#include "tools/provenance.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fergana::tools {

struct ReportSettings {
    std::optional<layers::Date> as_of;  // default today
    double tolerance_m = 100.0;         // disputed: lines farther apart than this disagree
    bool maps = true;
};

/// Writes the report's files into its directory: GeoJSON with a .qml beside it, CSV and
/// text; every file is recorded in the provenance and in written().
class ReportWriter {
public:
    ReportWriter(std::string dir, bool overwrite, std::vector<std::string> inputs);

    /// Refuses, before any work, files that exist without --overwrite or that are inputs.
    void check(const std::vector<std::string>& names) const;
    void table(const layers::OutputTable& table, const std::string& name, Provenance& provenance);
    void text(const std::string& name, const std::string& text, Provenance& provenance);
    /// The full path of a file of the report, for writers of their own (maps).
    [[nodiscard]] std::string path(const std::string& name) const;
    /// Records a file written by someone else (a map).
    void record(const std::string& name, Provenance& provenance);

    [[nodiscard]] const std::vector<std::string>& written() const noexcept { return m_written; }
    [[nodiscard]] bool overwrite() const noexcept { return m_overwrite; }

private:
    std::string m_dir;
    bool m_overwrite;
    std::vector<std::string> m_inputs;
    std::vector<std::string> m_written;
};

/// What the disputed section found, for the summary and for proximity.
struct DisputedSection {
    bool ran = false;
    std::vector<geo::Geometry> lines;  // the disputed stretches (both claimants' lines)
    struct PairRow {
        std::string pair, claimant_a, claimant_b;
        double length_a_m = 0, length_b_m = 0, disputed_a_m = 0, disputed_b_m = 0, hausdorff_m = 0;
        std::size_t stretches = 0, zones = 0;
        double zone_area_m2 = 0;
        std::int64_t zone_population = 0;
    };
    std::vector<PairRow> pairs;
    struct StatusRow {
        std::string pair, status;
        double length_m = 0;
    };
    std::vector<StatusRow> status;
    std::vector<std::string> notes;
};

struct EnclaveSection {
    bool ran = false;
    struct Row {
        std::string name, owner, host, kind;
        double area_m2 = 0;
        double mainland_distance_m = 0;
        std::int64_t population = 0;  // of the settlements with a population figure
        std::size_t settlements = 0;
        std::size_t settlements_without_population = 0;
    };
    std::vector<Row> rows;
};

struct MapSection {
    bool ran = false;
    std::vector<std::string> files;
    std::string note;
};

DisputedSection run_disputed_section(const layers::Dataset& data, const ReportSettings& settings,
                                     ReportWriter& out, Provenance& provenance);
EnclaveSection run_enclaves_section(const layers::Dataset& data, const ReportSettings& settings,
                                    ReportWriter& out, Provenance& provenance);
MapSection run_map_section(const layers::Dataset& data, const ReportSettings& settings,
                           const analysis::IncidentFilter& filter, ReportWriter& out, Provenance& provenance);

/// summary.md: border lengths and disputed km by pair, enclaves with area and population,
/// the most affected settlements, incidents per year and type, the incidents nearest to
/// water facilities.
class SummaryBuilder {
public:
    SummaryBuilder(const layers::Dataset& data, layers::Date as_of);
    void add_disputed(const DisputedSection& section);
    void add_enclaves(const EnclaveSection& section);
    void add_proximity(const analysis::ProximityResult& result, const std::vector<std::size_t>& selected);
    void add_affected(const analysis::AffectedResult& result, const analysis::AffectedOptions& options);
    void add_maps(const MapSection& section);
    [[nodiscard]] std::string markdown() const;

private:
    const layers::Dataset& m_data;
    layers::Date m_as_of;
    std::string m_disputed, m_enclaves, m_incidents, m_water, m_affected, m_maps;
};

}  // namespace fergana::tools
