#include "geo/error.hpp"

namespace fergana {

std::string Location::describe() const {
    std::string out;
    auto add = [&out](const char* what, const std::string& value) {
        if (value.empty()) {
            return;
        }
        if (!out.empty()) {
            out += ", ";
        }
        out += what;
        out += " '";
        out += value;
        out += '\'';
    };
    add("file", file);
    add("layer", layer);
    add("feature", feature);
    add("field", field);
    return out;
}

namespace {
std::string compose(const std::string& message, const Location& where) {
    const std::string loc = where.describe();
    return loc.empty() ? message : loc + ": " + message;
}
}  // namespace

Error::Error(const std::string& message, Location where, std::string hint)
    : std::runtime_error(compose(message, where)),
      m_message(message),
      m_where(std::move(where)),
      m_hint(std::move(hint)) {}

}  // namespace fergana
