#pragma once
// One Command subclass per subcommand (tools/cmd_*.cpp), all registered in
// one table (tools/commands.cpp). declare() binds options to members; the
// framework parses; validate() checks them together; run() works.

#include "geo/progress.hpp"
#include "tools/options.hpp"

#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::tools {

/// What a running command may use besides its options.
struct RunContext {
    std::ostream& out;  // results (stdout)
    std::ostream& err;  // messages (stderr)
    bool quiet = false;
    Progress progress;  // draws a bar on a terminal, nothing otherwise
    std::vector<std::string> argv;  // the whole command line, for provenance
};

class Command {
public:
    virtual ~Command() = default;

    [[nodiscard]] virtual std::string_view name() const = 0;
    /// One line for `fergana --help`.
    [[nodiscard]] virtual std::string_view summary() const = 0;
    /// The usage line after `fergana NAME`.
    [[nodiscard]] virtual std::string_view usage() const { return "[OPTIONS]"; }
    /// A paragraph for `fergana NAME --help`.
    [[nodiscard]] virtual std::string_view description() const { return summary(); }

    /// Declares the options, bound to members.
    virtual void declare(OptionSet& options) = 0;
    /// Checks option values and combinations after parsing. Throws UsageError.
    virtual void validate(const OptionSet& /*options*/) {}
    /// Does the work. Returns the exit code (0 on success); throws fergana::Error on failure.
    virtual int run(RunContext& context) = 0;
};

struct CommandEntry {
    std::string_view name;
    std::unique_ptr<Command> (*make)();
};

/// Every subcommand, in the order `fergana --help` lists them.
const std::vector<CommandEntry>& command_table();

}  // namespace fergana::tools
