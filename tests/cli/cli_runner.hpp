#pragma once
// Runs the real `fergana` binary as a user would and captures what it printed.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fergana::testing {

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A copy of the text file `from` in `dir` (made if missing) under the same name, with its
/// first `text` replaced by `replacement` (which must be there: a test's bad input on purpose).
inline std::filesystem::path copy_with_change(const std::filesystem::path& from, const std::filesystem::path& dir,
                                              const std::string& text, const std::string& replacement) {
    std::filesystem::create_directories(dir);
    std::string content = slurp(from);
    const auto at = content.find(text);
    if (at == std::string::npos) throw std::runtime_error("copy_with_change: no '" + text + "' in " + from.string());
    content.replace(at, text.size(), replacement);
    const std::filesystem::path to = dir / from.filename();
    std::ofstream(to, std::ios::binary) << content;
    return to;
}

/// Runs `fergana ARGS` through the shell (ARGS is shell text), stdin from /dev/null, in
/// the working directory `working_dir` (empty: this process's).
inline CliResult run_fergana_in(const std::string& working_dir, const std::string& args) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("fergana-cli-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto out = dir / "stdout";
    const auto err = dir / "stderr";
    const std::string cd = working_dir.empty() ? std::string() : "cd '" + working_dir + "' && ";
    const std::string command = cd + std::string(FERGANA_BIN) + " " + args + " </dev/null >" +
                                out.string() + " 2>" + err.string();
    const int status = std::system(command.c_str());
    CliResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = slurp(out);
    result.err = slurp(err);
    return result;
}

/// Runs `fergana ARGS` through the shell (ARGS is shell text), stdin from /dev/null.
inline CliResult run_fergana(const std::string& args) {
    return run_fergana_in({}, args);
}

}  // namespace fergana::testing
