// The `fergana` command: finds the subcommand in the table, parses its
// options, runs it, and maps exceptions to exit codes:
//   0 success, 1 input or runtime error, 2 usage error.
#include "geo/error.hpp"
#include "geo/version.hpp"
#include "layers/source_info.hpp"
#include "layers/versions.hpp"
#include "tools/command.hpp"
#include "tools/progress_bar.hpp"

#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

namespace {

using fergana::tools::command_table;

constexpr int exit_ok = 0;
constexpr int exit_error = 1;
constexpr int exit_usage = 2;

void print_main_help(std::ostream& out) {
    out << "Usage: fergana [--version] [--help] COMMAND [OPTIONS]\n\n"
           "Analyse border disputes: disputed segments, incident proximities and affected\n"
           "settlements, from any GDAL source, on the WGS84 ellipsoid.\n\n"
           "Commands:\n";
    for (const auto& entry : command_table()) {
        const auto command = entry.make();
        out << "  " << entry.name << std::string(12 - std::min<std::size_t>(entry.name.size(), 11), ' ')
            << command->summary() << "\n";
    }
    out << "\nRun 'fergana COMMAND --help' for a command's options.\n"
           "Exit codes: 0 success, 1 input or runtime error, 2 usage error.\n";
}

void print_version(std::ostream& out) {
    const auto libs = fergana::layers::library_versions();
    out << "fergana " << fergana::version() << " (commit " << fergana::git_commit() << ")\n";
    for (const auto& [name, version] : libs) {
        out << name << " " << version << "\n";
    }
}

int run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_main_help(std::cout);
        return args.empty() ? exit_usage : exit_ok;
    }
    if (args[0] == "--version" || args[0] == "-V") {
        print_version(std::cout);
        return exit_ok;
    }
    const std::string& name = args[0];
    const fergana::tools::CommandEntry* entry = nullptr;
    for (const auto& e : command_table()) {
        if (e.name == name) entry = &e;
    }
    if (entry == nullptr) {
        throw fergana::UsageError(
            (name.rfind('-', 0) == 0 ? "unknown option '" : "unknown command '") + name + "'",
            "run 'fergana --help' for the list of commands");
    }
    auto command = entry->make();
    fergana::tools::OptionSet options(std::string(command->name()), std::string(command->usage()));
    bool quiet = false;
    options.flag({"-q", "--quiet"}, "no progress bar and no messages but errors", &quiet);
    command->declare(options);
    options.parse(std::vector<std::string>(args.begin() + 1, args.end()));
    if (options.help_requested()) {
        std::cout << options.help_text(command->description());
        return exit_ok;
    }
    command->validate(options);
    fergana::tools::RunContext context{std::cout, std::cerr, quiet,
                                       fergana::tools::make_progress_bar(quiet),
                                       std::vector<std::string>(argv, argv + argc)};
    const int rc = command->run(context);
    std::cout.flush();
    if (!std::cout) {
        throw fergana::Error("cannot write to standard output");
    }
    return rc;
}

void print_error(const std::string& message, const std::string& hint) {
    // The last guard: no message ever shows a connection string's password.
    // One line, so that logs and `grep` keep the message and its hint together.
    std::cerr << "fergana: error: " << fergana::layers::redact_source(message);
    if (!hint.empty()) {
        std::cerr << " (hint: " << fergana::layers::redact_source(hint) << ")";
    }
    std::cerr << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const fergana::UsageError& e) {
        print_error(e.what(), e.hint());
        return exit_usage;
    } catch (const fergana::Error& e) {
        print_error(e.what(), e.hint());
        return exit_error;
    } catch (const std::bad_alloc&) {
        print_error("out of memory", "try a smaller input or --max-features");
        return exit_error;
    } catch (const std::exception& e) {
        print_error(e.what(), {});
        return exit_error;
    }
}
