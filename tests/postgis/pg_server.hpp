#pragma once
// The private PostgreSQL + PostGIS cluster that tests/postgis/pg_cluster.sh starts as the
// CTest fixture `postgis` (docs/postgis.md). A test derives from PostgisTest: it skips when
// the PostgreSQL binaries are absent (outside CI only) and fails otherwise — with CI=true a
// server that did not start is a failure, never a skip.

#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fergana::testing {

struct PgServer {
    std::string conn;      // PG:host=127.0.0.1 port=N dbname=fergana user=fergana password=...
    std::string password;  // the password in conn: no output may contain it
    std::string port;
    std::string log;       // the server log (log_statement=all, app=APPLICATION_NAME prefix)
    std::string psql;      // a psql command line for the fergana database

    /// The connection string to another database of the cluster.
    [[nodiscard]] std::string conn_to(const std::string& dbname) const {
        std::string c = conn;
        const auto at = c.find("dbname=fergana");
        return c.replace(at, 14, "dbname=" + dbname);
    }
    /// Runs SQL through psql; returns its stdout (unaligned, tuples only).
    [[nodiscard]] CliResult sql(const std::string& statement) const;
};

inline std::string trim_line(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

inline CliResult PgServer::sql(const std::string& statement) const {
    const auto dir = std::filesystem::temp_directory_path() / ("fergana-psql-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto script = dir / "statement.sql";
    {
        std::ofstream out(script);
        out << statement << "\n";
    }
    const std::string command = psql + " -v ON_ERROR_STOP=1 -A -t -f " + script.string() + " </dev/null >" +
                                (dir / "out").string() + " 2>" + (dir / "err").string();
    const int status = std::system(command.c_str());
    CliResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir / "out");
    r.err = slurp(dir / "err");
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return r;
}

/// The cluster's state directory: FERGANA_PG_STATE (set by CTest), else the build's.
inline std::filesystem::path pg_state_dir() {
    if (const char* dir = std::getenv("FERGANA_PG_STATE")) return dir;
    return FERGANA_PG_STATE;
}

class PostgisTest : public ::testing::Test {
protected:
    PgServer pg;

    void SetUp() override {
        const auto dir = pg_state_dir();
        const bool ci = std::getenv("CI") != nullptr && std::string(std::getenv("CI")) == "true";
        if (!std::filesystem::exists(dir / "conn")) {
            const std::string why = std::filesystem::exists(dir / "unavailable")
                                        ? trim_line(slurp(dir / "unavailable"))
                                        : "no PostgreSQL cluster running (" + (dir / "conn").string() +
                                              " is missing): run through ctest, whose fixture postgis.start "
                                              "starts it";
            if (ci) FAIL() << "CI=true: the PostGIS tests must run, but " << why;
            if (std::filesystem::exists(dir / "unavailable")) GTEST_SKIP() << why;
            FAIL() << why;
        }
        pg.conn = trim_line(slurp(dir / "conn"));
        pg.log = trim_line(slurp(dir / "log"));
        pg.psql = trim_line(slurp(dir / "psql"));
        pg.password = pg.conn.substr(pg.conn.find("password=") + 9);
        const auto p = pg.conn.find("port=") + 5;
        pg.port = pg.conn.substr(p, pg.conn.find(' ', p) - p);
    }

    /// A table (or application) name of this test process: test runs sharing the cluster
    /// (two ctest runs in one build tree) never write each other's tables.
    [[nodiscard]] static std::string unique(const std::string& name) {
        return name + "_" + std::to_string(::getpid());
    }

    /// The server log lines written by clients with this application_name.
    [[nodiscard]] std::string log_of(const std::string& application_name) const {
        std::istringstream in(slurp(pg.log));
        std::string line, out;
        const std::string tag = "app=" + application_name + ": ";
        while (std::getline(in, line)) {
            if (line.find(tag) != std::string::npos) out += line + "\n";
        }
        return out;
    }
};

/// `text` must not contain the password: checked by every test that prints or records a source.
#define EXPECT_NO_PASSWORD(text, password) \
    EXPECT_EQ((text).find(password), std::string::npos) << "the password leaked into: " << (text)

}  // namespace fergana::testing
