#include "tools/provenance.hpp"

#include "geo/geodesic.hpp"
#include "geo/version.hpp"
#include "layers/output.hpp"
#include "layers/source_info.hpp"
#include "layers/versions.hpp"

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

namespace fergana::tools {

namespace fs = std::filesystem;

std::string sha256_file(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return {};
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = in.gcount();
        if (n > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(n));
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &length);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xF];
    }
    return out;
}

Provenance::Provenance(std::string command, std::vector<std::string> argv)
    : m_command(std::move(command)),
      m_argv(std::move(argv)),
      m_started(std::chrono::system_clock::now()),
      m_clock(std::chrono::steady_clock::now()),
      m_phase_clock(m_clock) {
    for (std::string& a : m_argv) a = layers::redact_source(a);
}

void Provenance::hash_in_background(std::vector<std::string> paths) {
    m_hashing = std::async(std::launch::async, [paths = std::move(paths)] {
        std::map<std::string, std::string> hashes;
        for (const std::string& path : paths) {
            if (hashes.count(path) == 0) hashes[path] = sha256_file(path);
        }
        return hashes;
    });
}

void Provenance::add_inputs(const layers::Dataset& data) {
    if (m_hashing.valid()) m_hashes.merge(m_hashing.get());
    for (layers::Role role : layers::all_roles) {
        const layers::LayerOrigin& o = data.origin(role);
        if (!o.present) continue;
        Input in;
        in.role = std::string(layers::to_string(role));
        in.source = o.source;
        in.layer = o.layer;
        in.driver = o.driver;
        in.crs = o.crs;
        in.features = data.size(role);
        in.skipped = o.skipped;
        in.read = o.read;
        in.server = o.server;
        in.source_filter = o.source_filter;
        // Each file once: the bundled GeoPackage holds several roles.
        const auto known = m_hashes.find(o.source);
        in.sha256 = known != m_hashes.end() ? known->second : (m_hashes[o.source] = sha256_file(o.source));
        std::error_code ec;
        if (!in.sha256.empty()) in.bytes = static_cast<std::int64_t>(fs::file_size(o.source, ec));
        m_inputs.push_back(std::move(in));
    }
    m_errors = data.findings.count(layers::Severity::Error);
    m_warnings = data.findings.count(layers::Severity::Warning);
    m_repairs = data.findings.count(layers::Severity::Repair);
}

void Provenance::set(const std::string& key, const std::string& value) {
    m_settings.emplace_back(key, value);
}

void Provenance::set(const std::string& key, double value) {
    m_numbers.emplace_back(key, value);
}

void Provenance::add_output(const std::string& path) {
    m_outputs.push_back(layers::redact_source(path));
}

std::string Provenance::to_json() const {
    using nlohmann::ordered_json;
    ordered_json j;
    j["fergana"] = {{"version", fergana::version()}, {"commit", fergana::git_commit()}};
    ordered_json libs = ordered_json::object();
    for (const auto& [name, v] : layers::library_versions()) libs[name] = v;
    j["libraries"] = libs;
    j["command"] = m_command;
    j["argv"] = m_argv;
    j["ellipsoid"] = geo::ellipsoid_name;
    j["units"] = "distances and lengths in metres, areas in square metres, geodesic on the ellipsoid";
    ordered_json settings = ordered_json::object();
    for (const auto& [k, v] : m_settings) settings[k] = v;
    for (const auto& [k, v] : m_numbers) settings[k] = v;
    j["settings"] = settings;
    j["inputs"] = ordered_json::array();
    for (const Input& in : m_inputs) {
        j["inputs"].push_back(
            {{"role", in.role},
             {"source", in.source},
             {"layer", in.layer},
             {"driver", in.driver},
             {"crs", in.crs},
             {"features", in.features},
             {"skipped", in.skipped},
             {"read", in.read},
             {"source_filter", in.source_filter.empty() ? ordered_json(nullptr) : ordered_json(in.source_filter)},
             {"server", in.server.empty() ? ordered_json(nullptr) : ordered_json(in.server)},
             {"sha256", in.sha256.empty() ? ordered_json(nullptr) : ordered_json(in.sha256)},
             {"bytes", in.bytes < 0 ? ordered_json(nullptr) : ordered_json(in.bytes)}});
    }
    j["findings"] = {{"errors", m_errors}, {"warnings", m_warnings}, {"repairs", m_repairs}};
    j["outputs"] = m_outputs;
    const std::time_t t = std::chrono::system_clock::to_time_t(m_started);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char started[32];
    std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    j["started_utc"] = started;
    const auto now = std::chrono::steady_clock::now();
    j["duration_s"] = std::chrono::duration<double>(now - m_clock).count();
    if (!m_phases.empty()) {
        ordered_json phases = ordered_json::object();
        for (const auto& [name, seconds] : m_phases) phases[name] = seconds;
        phases["write"] = std::chrono::duration<double>(now - m_phase_clock).count();
        j["phases_s"] = phases;
    }
    return j.dump(2) + "\n";
}

void Provenance::phase(const std::string& name) {
    const auto now = std::chrono::steady_clock::now();
    m_phases.emplace_back(name, std::chrono::duration<double>(now - m_phase_clock).count());
    m_phase_clock = now;
}

std::string Provenance::sidecar_path(const std::string& output) {
    return output + ".provenance.json";
}

void Provenance::write_beside(const std::string& output, bool overwrite) const {
    if (layers::is_postgis(output) || layers::is_special_file(output)) return;
    write_to(sidecar_path(output), overwrite);
}

void Provenance::write_to(const std::string& path, bool overwrite) const {
    layers::write_text_file(path, to_json(), overwrite);
}

}  // namespace fergana::tools
