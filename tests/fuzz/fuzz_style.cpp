// Fuzz target: map style files (fergana map --style FILE, JSON).
// Properties: a style either applies or is refused with a usage error naming it; an
// applied style, printed as --print-style prints it and applied to the defaults again,
// gives the same style (printing loses nothing and invents nothing).
#include "tests/fuzz/fuzz_check.hpp"

#include "geo/error.hpp"
#include "render/style.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = fergana::fuzz::as_text(data, size);
    fergana::render::Style style = fergana::render::default_style();
    try {
        fergana::render::apply_style_json(style, input, "fuzz.json");
    } catch (const fergana::UsageError& e) {
        FUZZ_CHECK(std::string(e.what()).find("fuzz.json") != std::string::npos, e.what());
        return 0;
    }
    const std::string printed = fergana::render::style_to_json(style);
    fergana::render::Style again = fergana::render::default_style();
    try {
        fergana::render::apply_style_json(again, printed, "printed.json");
    } catch (const fergana::UsageError& e) {
        FUZZ_CHECK(false, std::string(input) + " printed as a style that is refused: " + e.what());
    }
    FUZZ_CHECK(fergana::render::style_to_json(again) == printed, std::string(input));
    return 0;
}
