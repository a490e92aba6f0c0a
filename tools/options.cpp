#include "tools/options.hpp"

#include "geo/error.hpp"
#include "tools/format.hpp"

#include <algorithm>
#include <cctype>

namespace fergana::tools {

OptionSet::OptionSet(std::string command, std::string usage)
    : m_command(std::move(command)), m_usage(std::move(usage)) {}

void OptionSet::flag(std::vector<std::string> names, std::string help, bool* target) {
    m_options.push_back(Option{std::move(names), {}, std::move(help), {}, Kind::Flag, target,
                               nullptr, nullptr, false});
}

void OptionSet::value(std::vector<std::string> names, std::string metavar, std::string help,
                      std::string* target, std::string default_text) {
    m_options.push_back(Option{std::move(names), std::move(metavar), std::move(help),
                               std::move(default_text), Kind::Value, nullptr, target, nullptr,
                               false});
}

void OptionSet::list(std::vector<std::string> names, std::string metavar, std::string help,
                     std::vector<std::string>* target) {
    m_options.push_back(Option{std::move(names), std::move(metavar), std::move(help), {},
                               Kind::List, nullptr, nullptr, target, false});
}

void OptionSet::positional(std::string metavar, std::string help, std::vector<std::string>* target,
                           std::size_t min, std::size_t max) {
    m_positional_metavar = std::move(metavar);
    m_positional_help = std::move(help);
    m_positional = target;
    m_positional_min = min;
    m_positional_max = max;
}

OptionSet::Option* OptionSet::find(std::string_view name) {
    for (Option& option : m_options) {
        if (std::find(option.names.begin(), option.names.end(), name) != option.names.end()) {
            return &option;
        }
    }
    return nullptr;
}

bool OptionSet::declared(std::string_view name) const {
    return std::any_of(m_options.begin(), m_options.end(), [&](const Option& option) {
        return std::find(option.names.begin(), option.names.end(), name) != option.names.end();
    });
}

bool OptionSet::given(std::string_view name) const {
    for (const Option& option : m_options) {
        if (std::find(option.names.begin(), option.names.end(), name) != option.names.end()) {
            return option.seen;
        }
    }
    return false;
}


std::vector<std::string> OptionSet::closest(std::string_view name) const {
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const Option& option : m_options) {
        for (const std::string& n : option.names) {
            if (n.size() > 2) {
                scored.emplace_back(edit_distance(name, n), n);
            }
        }
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (const auto& [distance, n] : scored) {
        if (distance <= 3 && out.size() < 3) {
            out.push_back(n);
        }
    }
    return out;
}

void OptionSet::parse(const std::vector<std::string>& args) {
    std::vector<std::string> positionals;
    bool only_positionals = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (only_positionals || arg == "-" || arg.empty() || arg[0] != '-' ||
            (arg.size() > 1 && (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.'))) {
            positionals.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positionals = true;
            continue;
        }
        if (arg == "--help" || arg == "-h") {
            m_help = true;
            return;
        }
        std::string name = arg;
        std::string inline_value;
        bool has_inline = false;
        if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
            name = arg.substr(0, eq);
            inline_value = arg.substr(eq + 1);
            has_inline = true;
        }
        Option* option = find(name);
        if (option == nullptr) {
            std::string hint = "see 'fergana " + m_command + " --help'";
            const auto near = closest(name);
            if (!near.empty()) {
                hint = "did you mean " + near.front();
                for (std::size_t k = 1; k < near.size(); ++k) hint += " or " + near[k];
                hint += "?";
            }
            throw UsageError("unknown option '" + name + "' for 'fergana " + m_command + "'", hint);
        }
        if (option->kind == Kind::Flag) {
            if (has_inline) {
                throw UsageError("option '" + name + "' takes no value");
            }
            *option->flag_target = true;
            option->seen = true;
            continue;
        }
        std::string value;
        if (has_inline) {
            value = inline_value;
        } else {
            if (i + 1 >= args.size()) {
                throw UsageError("option '" + name + "' needs a value (" + option->metavar + ")",
                                 "see 'fergana " + m_command + " --help'");
            }
            value = args[++i];
        }
        if (option->kind == Kind::Value) {
            if (option->seen) {
                throw UsageError("option '" + name + "' given more than once");
            }
            *option->value_target = value;
        } else {
            option->list_target->push_back(value);
        }
        option->seen = true;
    }
    if (m_positional == nullptr) {
        if (!positionals.empty()) {
            throw UsageError("unexpected argument '" + positionals.front() + "' for 'fergana " +
                                 m_command + "'",
                             "see 'fergana " + m_command + " --help'");
        }
        return;
    }
    if (positionals.size() < m_positional_min) {
        throw UsageError("'fergana " + m_command + "' needs " + m_positional_metavar,
                         "see 'fergana " + m_command + " --help'");
    }
    if (positionals.size() > m_positional_max) {
        throw UsageError("too many arguments for 'fergana " + m_command + "': '" +
                             positionals[m_positional_max] + "'",
                         "see 'fergana " + m_command + " --help'");
    }
    *m_positional = std::move(positionals);
}

std::string OptionSet::help_text(std::string_view description) const {
    std::string out = "Usage: fergana " + m_command;
    if (!m_usage.empty()) {
        out += " " + m_usage;
    }
    out += "\n\n";
    if (!description.empty()) {
        out += std::string(description) + "\n\n";
    }
    if (m_positional != nullptr) {
        out += "Arguments:\n  " + m_positional_metavar + "\n      " + m_positional_help + "\n\n";
    }
    out += "Options:\n";
    auto emit = [&out](const std::string& left, const std::string& help) {
        out += "  " + left + "\n      " + help + "\n";
    };
    for (const Option& option : m_options) {
        std::string left;
        for (const std::string& n : option.names) {
            if (!left.empty()) left += ", ";
            left += n;
        }
        if (option.kind != Kind::Flag) {
            left += " " + option.metavar;
        }
        std::string help = option.help;
        if (option.kind == Kind::List) {
            help += " (repeatable)";
        }
        if (!option.default_text.empty()) {
            help += " [default: " + option.default_text + "]";
        }
        emit(left, help);
    }
    emit("-h, --help", "show this help and exit");
    return out;
}

}  // namespace fergana::tools
