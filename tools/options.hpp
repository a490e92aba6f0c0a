#pragma once
// Command-line options declared once, bound to members, with --help generated
// from the same declarations so the two cannot drift.
//
//   OptionSet opts("layers", "[--data SRC] [--json]");
//   opts.value({"--data"}, "SRC", "GDAL vector source to read", &m_data, "data/fergana.gpkg");
//   opts.flag({"--json"}, "print JSON instead of a table", &m_json);
//   opts.parse(args);   // throws UsageError naming the offending option

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::tools {

class OptionSet {
public:
    explicit OptionSet(std::string command, std::string usage = {});

    /// A switch without a value.
    void flag(std::vector<std::string> names, std::string help, bool* target);
    /// An option taking one value; given twice is a usage error.
    void value(std::vector<std::string> names, std::string metavar, std::string help,
               std::string* target, std::string default_text = {});
    /// An option that may be repeated; each value is appended.
    void list(std::vector<std::string> names, std::string metavar, std::string help,
              std::vector<std::string>* target);
    /// Positional arguments, between min and max of them.
    void positional(std::string metavar, std::string help, std::vector<std::string>* target,
                    std::size_t min, std::size_t max);

    /// Parses the arguments after the command name. Throws UsageError.
    void parse(const std::vector<std::string>& args);
    /// True when an option of this name is declared (a command's own declaration wins over a
    /// shared one: DataOptions leaves --bbox to `fergana map`).
    [[nodiscard]] bool declared(std::string_view name) const;
    /// True when the option (any of its names) was given on the command line.
    [[nodiscard]] bool given(std::string_view name) const;
    /// True when --help was given (parse stops checking other arguments then).
    [[nodiscard]] bool help_requested() const noexcept { return m_help; }

    [[nodiscard]] std::string help_text(std::string_view description) const;

private:
    enum class Kind { Flag, Value, List };
    struct Option {
        std::vector<std::string> names;
        std::string metavar;
        std::string help;
        std::string default_text;
        Kind kind;
        bool* flag_target = nullptr;
        std::string* value_target = nullptr;
        std::vector<std::string>* list_target = nullptr;
        bool seen = false;
    };
    std::string m_command;
    std::string m_usage;
    std::vector<Option> m_options;
    std::string m_positional_metavar;
    std::string m_positional_help;
    std::vector<std::string>* m_positional = nullptr;
    std::size_t m_positional_min = 0;
    std::size_t m_positional_max = 0;
    bool m_help = false;

    Option* find(std::string_view name);
    [[nodiscard]] std::vector<std::string> closest(std::string_view name) const;
};

}  // namespace fergana::tools
