// The table of subcommands. To add one: write tools/cmd_NAME.cpp with a
// Command subclass and a make_NAME_command() factory, declare it below, and
// add a row.
#include "tools/command.hpp"

namespace fergana::tools {

std::unique_ptr<Command> make_layers_command();
std::unique_ptr<Command> make_proximity_command();
std::unique_ptr<Command> make_affected_command();
std::unique_ptr<Command> make_disputed_command();
std::unique_ptr<Command> make_enclaves_command();
std::unique_ptr<Command> make_query_command();
std::unique_ptr<Command> make_report_command();
std::unique_ptr<Command> make_map_command();

const std::vector<CommandEntry>& command_table() {
    static const std::vector<CommandEntry> table = {
        {"layers", &make_layers_command},
        {"proximity", &make_proximity_command},
        {"affected", &make_affected_command},
        {"disputed", &make_disputed_command},
        {"enclaves", &make_enclaves_command},
        {"query", &make_query_command},
        {"report", &make_report_command},
        {"map", &make_map_command},
    };
    return table;
}

}  // namespace fergana::tools
