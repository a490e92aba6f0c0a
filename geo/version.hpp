#pragma once
// fergana's own version and the git commit it was built from.

#include <string>

namespace fergana {

[[nodiscard]] std::string version();
[[nodiscard]] std::string git_commit();

}  // namespace fergana
