#pragma once
// Golden files and the small fixture for the output tests (golden_test.cpp,
// outputs_test.cpp, report_test.cpp).
//
// A golden file under tests/golden/ holds what a command printed or wrote on the small
// fixture (tests/data/small/), run in the fixture's folder with relative data paths, and
// the machine-specific parts replaced by placeholders: the test's output folder by {out},
// the fergana version and commit by {fergana}. Every golden file was read by eye once (its numbers
// checked against tests/data/small/README.md); a test compares the output with it byte for byte.
//
// FERGANA_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (the tests then
// pass with a note): inspect `git diff tests/golden` line by line before committing,
// since a regenerated golden file checks nothing until someone has read it.
#include "tests/cli/cli_runner.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace fergana::testing {

namespace golden_detail {
inline std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty())
        return text;
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}
}  // namespace golden_detail

/// The small fixture's folder, with a trailing slash.
inline std::string small_fixture() {
    return std::string(FERGANA_TEST_DATA) + "/small/";
}

/// Every role of the small fixture as data options: absolute paths, or with `relative`
/// the names inside the fixture folder (for run_in_fixture).
inline std::string small_data(bool relative = false) {
    const std::string f = relative ? std::string() : small_fixture();
    return " --data " + f + "countries.geojson --borders " + f + "borders.geojson --claims " + f +
           "claims.geojson --enclaves " + f + "enclaves.geojson --water " + f +
           "water.geojson --settlements " + f + "settlements.csv --incidents " + f +
           "incidents.csv";
}

/// Runs `fergana ARGS` in the small fixture's folder, so that the data paths, and what the
/// outputs say about them, do not depend on where the repository is checked out.
inline CliResult run_in_fixture(const std::string& args) {
    return run_fergana_in(small_fixture(), args);
}

/// "fergana 0.1.0 (commit abcdef)", as summary.md and --version print it.
inline const std::string& fergana_version_line() {
    static const std::string line = [] {
        const CliResult r = run_fergana("--version");
        return r.out.substr(0, r.out.find('\n'));
    }();
    return line;
}

/// A fresh folder for one test's outputs, removed at the end.
struct OutputDir {
    std::filesystem::path path;
    explicit OutputDir(const std::string& tag = {}) {
        path = std::filesystem::temp_directory_path() /
               ("fergana-out-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + tag);
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;
    ~OutputDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    [[nodiscard]] std::string operator/(const std::string& name) const {
        return (path / name).string();
    }
};

/// Replaces the output folder and the fergana version with placeholders.
inline std::string normalise(std::string text, const std::string& out_dir = {}) {
    using golden_detail::replace_all;
    if (!out_dir.empty())
        text = replace_all(std::move(text), out_dir, "{out}");
    const std::string& version = fergana_version_line();  // "fergana X (commit Y)"
    text = replace_all(std::move(text), version, "{fergana}");
    return text;
}

inline bool updating_golden() {
    const char* update = std::getenv("FERGANA_UPDATE_GOLDEN");
    return update != nullptr && std::string(update) == "1";
}

/// Compares `actual` with tests/golden/NAME, showing a unified diff when they differ;
/// with FERGANA_UPDATE_GOLDEN=1 writes it there instead.
inline void expect_golden(const std::string& name, const std::string& actual) {
    namespace fs = std::filesystem;
    const fs::path golden = fs::path(FERGANA_GOLDEN) / name;
    if (updating_golden()) {
        fs::create_directories(golden.parent_path());
        std::ofstream(golden, std::ios::binary) << actual;
        std::cerr << "[ golden ] rewrote " << golden.string()
                  << ": inspect it (git diff) before committing\n";
        return;
    }
    ASSERT_TRUE(fs::exists(golden))
        << golden.string()
        << " is missing; FERGANA_UPDATE_GOLDEN=1 writes it (then read it by eye)";
    const std::string expected = slurp(golden);
    if (expected == actual)
        return;
    const fs::path written =
        fs::temp_directory_path() /
        ("fergana-golden-" + std::to_string(::getpid()) + "-" + golden.filename().string());
    std::ofstream(written, std::ios::binary) << actual;
    const fs::path diff = written.string() + ".diff";
    std::system(
        ("diff -u " + golden.string() + " " + written.string() + " | head -60 >" + diff.string())
            .c_str());
    ADD_FAILURE() << "output differs from golden file " << golden.string()
                  << " (actual output kept in " << written.string() << "):\n"
                  << slurp(diff)
                  << "If the change is intended, rerun with FERGANA_UPDATE_GOLDEN=1 and read the "
                     "new file by eye.";
    fs::remove(diff);
}

}  // namespace fergana::testing
