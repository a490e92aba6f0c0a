#include "layers/detail/gdal.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <regex>

namespace fergana::layers::detail {

void ensure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // GDAL otherwise prints warnings and errors to stderr itself.
        CPLSetErrorHandler(CPLQuietErrorHandler);
        // Large GeoJSON objects (whole-country polygons) are refused by default.
        if (CPLGetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", nullptr) == nullptr) {
            CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
        }
    });
}

std::string last_gdal_error(const std::string& fallback) {
    const char* message = CPLGetLastErrorMsg();
    if (message == nullptr || *message == '\0') {
        return fallback;
    }
    return message;
}

namespace {

// libpq's keyword form: password=value, password = 'quoted \' value' (and sslpassword,
// a key's passphrase). Over-redacting (an unquoted value runs to the next space) is
// harmless; under-redacting is not.
const std::regex& keyword_password() {
    static const std::regex re(R"((\b(?:ssl)?password\s*=\s*)('(?:\\.|[^'\\])*'?|(?:\\.|[^\s\\])+))",
                               std::regex::icase);
    return re;
}
// URI form: postgresql://user:secret@host/db
const std::regex& uri_password() {
    static const std::regex re(R"((postgres(?:ql)?://[^:/@\s]*:)([^@\s]*)@)", std::regex::icase);
    return re;
}

bool mentions_postgres(const std::string& text) {
    static const std::regex re(R"(PG:|postgres(?:ql)?://)", std::regex::icase);
    return std::regex_search(text, re);
}

std::string unescape_quoted(const std::string& value) {
    std::string body = value;
    if (!body.empty() && body.front() == '\'') body.erase(0, 1);
    if (!body.empty() && body.back() == '\'') body.pop_back();
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '\\' && i + 1 < body.size()) ++i;
        out += body[i];
    }
    return out;
}

std::string percent_decode(const std::string& value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '%' && i + 2 < value.size() && std::isxdigit(static_cast<unsigned char>(value[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(value[i + 2]))) {
            out += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += value[i];
        }
    }
    return out;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
    if (what.empty()) return;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
        text.replace(at, what.size(), with);
    }
}

}  // namespace

std::string redact(const std::string& source) {
    if (!mentions_postgres(source)) return source;
    std::string out;
    auto last = source.cbegin();
    for (auto it = std::sregex_iterator(source.begin(), source.end(), keyword_password());
         it != std::sregex_iterator(); ++it) {
        const std::string value = (*it)[2].str();
        out.append(last, (*it)[0].first);
        // Already redacted ("***'" in a message quoting a source): keep the quote after it.
        const bool redacted = value.rfind("***", 0) == 0 &&
                              value.find_first_not_of("'\":,;)]}", 3) == std::string::npos;
        out += redacted ? (*it)[0].str() : (*it)[1].str() + "***";
        last = (*it)[0].second;
    }
    out.append(last, source.cend());
    return std::regex_replace(out, uri_password(), "$1***@");
}

std::string scrub(const std::string& text, const std::string& source) {
    std::string out = redact(text);
    if (!is_postgres(source)) return out;
    std::vector<std::string> secrets;
    for (auto it = std::sregex_iterator(source.begin(), source.end(), keyword_password());
         it != std::sregex_iterator(); ++it) {
        secrets.push_back((*it)[2].str());
        secrets.push_back(unescape_quoted((*it)[2].str()));
    }
    for (auto it = std::sregex_iterator(source.begin(), source.end(), uri_password());
         it != std::sregex_iterator(); ++it) {
        secrets.push_back((*it)[2].str());
        secrets.push_back(percent_decode((*it)[2].str()));
    }
    // Longest first, so a password containing another one is removed whole.
    std::sort(secrets.begin(), secrets.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const std::string& secret : secrets) {
        if (secret != "***") replace_all(out, secret, "***");
    }
    return out;
}

std::string server_message(const std::string& gdal_message) {
    std::string text = gdal_message;
    if (const auto error = text.find("ERROR:"); error != std::string::npos) {
        text = text.substr(error + 6);
        text = text.substr(0, text.find('\n'));
    }
    std::string out;
    for (char c : text) {
        const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool is_postgres(const std::string& source) {
    auto starts = [&](std::string_view prefix) {
        return source.size() >= prefix.size() &&
               std::equal(prefix.begin(), prefix.end(), source.begin(),
                          [](char p, char c) { return std::tolower(static_cast<unsigned char>(c)) == p; });
    };
    return starts("pg:") || starts("postgresql://") || starts("postgres://");
}

std::string check_postgis(GDALDataset& ds, const std::string& source) {
    CPLErrorReset();
    OGRLayer* result = ds.ExecuteSQL(
        "SELECT current_setting('server_version') AS server, "
        "(SELECT extversion FROM pg_extension WHERE extname = 'postgis') AS postgis",
        nullptr, nullptr);
    std::string server;
    std::string postgis;
    if (result != nullptr) {
        OGRFeatureUniquePtr row(result->GetNextFeature());
        if (row) {
            server = row->GetFieldAsString(0);
            if (row->IsFieldSetAndNotNull(1)) postgis = row->GetFieldAsString(1);
        }
        ds.ReleaseResultSet(result);
    }
    const Location where{redact(source), {}, {}, {}};
    if (server.empty()) {
        throw LayerError("cannot query the server: " + scrub(last_gdal_error("no answer"), source), where);
    }
    if (postgis.empty()) {
        throw LayerError("the database has no PostGIS extension (PostgreSQL " + server + ")", where,
                         "run CREATE EXTENSION postgis; in that database (as its owner or a superuser), "
                         "or name the database that has it (dbname=...)");
    }
    return "PostgreSQL " + server + ", PostGIS " + postgis;
}

bool is_csv(const std::string& source) {
    if (source.rfind("CSV:", 0) == 0) return true;
    const std::string ext = std::filesystem::path(source).extension().string();
    return ext.size() == 4 && (ext[1] | 0x20) == 'c' && (ext[2] | 0x20) == 's' && (ext[3] | 0x20) == 'v';
}

GDALDatasetUniquePtr open_vector(const std::string& source,
                                 const std::vector<std::string>& open_options, bool update,
                                 std::string* server) {
    ensure_gdal();
    namespace fs = std::filesystem;
    Location where{redact(source), {}, {}, {}};
    const bool looks_like_file = source.find(':') == std::string::npos ||
                                 source.rfind("/vsi", 0) == 0 || fs::exists(source);
    if (looks_like_file && source.rfind("/vsi", 0) != 0) {
        std::error_code ec;
        if (!fs::exists(source, ec)) {
            throw LayerError("no such file or directory", where,
                             "check the path; relative paths are taken from the current directory");
        }
        if (fs::is_directory(source, ec)) {
            // GDAL can read a directory of shapefiles, but a directory is usually a mistake.
            bool has_vectors = false;
            for (const auto& entry : fs::directory_iterator(source, ec)) {
                if (entry.path().extension() == ".shp") has_vectors = true;
            }
            if (!has_vectors) {
                throw LayerError("is a directory, not a vector file", where,
                                 "name a file such as data/fergana.gpkg");
            }
        }
    }
    if (looks_like_file && source.rfind("/vsi", 0) != 0 && ::access(source.c_str(), R_OK) != 0) {
        throw LayerError("cannot read: permission denied", where, "check the file's permissions");
    }
    std::vector<const char*> options;
    for (const std::string& o : open_options) options.push_back(o.c_str());
    options.push_back(nullptr);
    // Collect what GDAL reports while opening: a source whose CRS PROJ does not know (an
    // unknown EPSG code) still opens, with only an error message to say so.
    struct Collected {
        std::string crs_error;
        std::string last;
    } collected;
    CPLPushErrorHandlerEx(
        [](CPLErr type, CPLErrorNum, const char* message) {
            auto* c = static_cast<Collected*>(CPLGetErrorHandlerUserData());
            const std::string text = message ? message : "";
            if (type == CE_Failure && c->crs_error.empty() &&
                (text.find("crs not found") != std::string::npos || text.find("PROJ:") != std::string::npos)) {
                c->crs_error = text;
            }
        },
        &collected);
    CPLErrorReset();
    const unsigned flags = GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY);
    GDALDatasetUniquePtr ds(GDALDataset::Open(source.c_str(), flags, nullptr, options.data(), nullptr));
    CPLPopErrorHandler();
    if (ds && !collected.crs_error.empty()) {
        throw ProjectionError("the source's CRS is unknown: " + collected.crs_error, where,
                              "fix the CRS in the source, or give --assume-crs EPSG:n");
    }
    if (!ds && is_postgres(source)) {
        // libpq's message is several lines ("connection to server ... failed: Connection refused\n\tIs ...").
        const std::string message = server_message(scrub(last_gdal_error("no answer"), source));
        throw LayerError("cannot connect to PostgreSQL: " + message, where,
                         "check host, port, dbname, user and password; libpq also reads PGHOST, PGPORT, "
                         "PGDATABASE, PGUSER, PGPASSWORD, ~/.pgpass and service=NAME (PGSERVICEFILE)");
    }
    if (!ds) {
        throw LayerError("cannot open as a vector source: " +
                             scrub(last_gdal_error("not a recognised vector format"), source),
                         where,
                         "fergana reads any GDAL vector format (GeoPackage, GeoJSON, Shapefile, "
                         "FlatGeobuf, KML, CSV, PG:...)");
    }
    if (is_postgres(source)) {
        std::string versions = check_postgis(*ds, source);
        if (server != nullptr) *server = std::move(versions);
    }
    return ds;
}

std::string crs_label(const OGRSpatialReference* srs) {
    if (srs == nullptr) {
        return {};
    }
    const char* authority = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    if (authority != nullptr && code != nullptr) {
        return std::string(authority) + ":" + code;
    }
    const char* name = srs->GetName();
    return name ? name : "unnamed CRS";
}

}  // namespace fergana::layers::detail
