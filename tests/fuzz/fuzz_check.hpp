#pragma once
// What every fuzz target shares: the libFuzzer entry point's declaration and FUZZ_CHECK,
// which stops the run on a broken property (a crash libFuzzer saves, a failed corpus
// replay in CTest) with the input that broke it printed.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fergana::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void property_failed(const char* expression, const std::string& detail,
                                         const char* file, int line) {
    std::fprintf(stderr, "%s:%d: property failed: %s\n  %s\n", file, line, expression, detail.c_str());
    std::abort();
}

}  // namespace fergana::fuzz

/// Aborts (a crash to libFuzzer) when `condition` is false; `detail` says with what.
#define FUZZ_CHECK(condition, detail)                                                   \
    do {                                                                               \
        if (!(condition)) ::fergana::fuzz::property_failed(#condition, (detail), __FILE__, __LINE__); \
    } while (false)
