#pragma once
// Provenance: every output says which inputs (with SHA-256), versions, ellipsoid,
// tolerances and options made it. Written as NAME.provenance.json beside an output
// (or provenance.json in a report directory; a PostGIS table's comment). Connection
// strings are recorded with their passwords redacted, never in the clear.

#include "layers/dataset.hpp"

#include <chrono>
#include <future>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fergana::tools {

/// SHA-256 of a file's bytes as 64 hex digits; empty for what is not a regular file
/// (a PG: connection, a /vsi path).
std::string sha256_file(const std::string& path);

class Provenance {
public:
    /// Starts the clock. `argv` is the whole command line.
    Provenance(std::string command, std::vector<std::string> argv);

    /// Starts hashing these files (the inputs about to be read) on a thread of its own, so that
    /// add_inputs finds their hashes ready: 70 MB of a million incidents take 0.2 s to hash.
    void hash_in_background(std::vector<std::string> paths);
    /// Records every role the dataset loaded, with the source's hash (files), server version
    /// (databases), what the source filtered and the finding counts.
    void add_inputs(const layers::Dataset& data);
    /// Records one setting (option value, tolerance, radius, as-of date...). Kept in call order.
    void set(const std::string& key, const std::string& value);
    void set(const std::string& key, double value);
    /// Ends a phase of the run ("read", "compute"): its seconds since the previous phase ended
    /// (or the start) go in `phases_s`; what follows the last phase is "write".
    void phase(const std::string& name);
    /// Records an output (a connection string is redacted).
    void add_output(const std::string& path);

    /// The JSON text; `finished` stops the clock for duration_s.
    [[nodiscard]] std::string to_json() const;
    /// Writes NAME.provenance.json next to `output` (nothing for "-" and special files).
    void write_beside(const std::string& output, bool overwrite) const;
    /// Writes the JSON to exactly this path.
    void write_to(const std::string& path, bool overwrite) const;

    /// The path of the sidecar for an output: "out/x.geojson" -> "out/x.geojson.provenance.json".
    static std::string sidecar_path(const std::string& output);

private:
    struct Input {
        std::string role, source, layer, driver, crs, sha256, server, source_filter;
        std::int64_t bytes = -1;
        std::int64_t read = 0;
        std::size_t features = 0;
        std::int64_t skipped = 0;
    };
    std::string m_command;
    std::vector<std::string> m_argv;
    std::chrono::system_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_clock;
    std::vector<Input> m_inputs;
    std::future<std::map<std::string, std::string>> m_hashing;  // path -> SHA-256, from hash_in_background
    std::map<std::string, std::string> m_hashes;
    std::vector<std::pair<std::string, std::string>> m_settings;
    std::vector<std::pair<std::string, double>> m_numbers;
    std::vector<std::pair<std::string, double>> m_phases;
    std::chrono::steady_clock::time_point m_phase_clock;
    std::vector<std::string> m_outputs;
    std::size_t m_errors = 0, m_warnings = 0, m_repairs = 0;
};

}  // namespace fergana::tools
