#include "geo/error.hpp"
#include "tools/options.hpp"

#include <gtest/gtest.h>

namespace fergana::tools {

namespace {
struct Bound {
    std::string data;
    bool json = false;
    std::vector<std::string> fields;
    std::vector<std::string> args;
    OptionSet set{"demo", "[OPTIONS] ARG"};
    Bound() {
        set.value({"--data"}, "SRC", "source", &data, "bundled");
        set.flag({"--json"}, "json", &json);
        set.list({"--field"}, "ROLE.F=SRC", "mapping", &fields);
        set.positional("ARG", "an argument", &args, 0, 1);
    }
};
}  // namespace

TEST(OptionSet, ParsesValuesFlagsListsAndPositionals) {
    Bound b;
    b.set.parse({"--data", "x.gpkg", "--json", "--field=a.b=c", "--field", "d.e=f", "-71.5,40"});
    EXPECT_EQ(b.data, "x.gpkg");
    EXPECT_TRUE(b.json);
    EXPECT_EQ(b.fields, (std::vector<std::string>{"a.b=c", "d.e=f"}));
    EXPECT_EQ(b.args, (std::vector<std::string>{"-71.5,40"}));  // a negative number is no option
    EXPECT_TRUE(b.set.given("--data"));
}

TEST(OptionSet, UnknownOptionIsNamedWithASuggestion) {
    Bound b;
    try {
        b.set.parse({"--dta", "x"});
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "unknown option '--dta' for 'fergana demo'");
        EXPECT_EQ(e.hint(), "did you mean --data?");
    }
}

TEST(OptionSet, MissingValueRepeatedValueAndExtraArgumentsAreUsageErrors) {
    { Bound b; EXPECT_THROW(b.set.parse({"--data"}), UsageError); }
    { Bound b; EXPECT_THROW(b.set.parse({"--data", "a", "--data", "b"}), UsageError); }
    { Bound b; EXPECT_THROW(b.set.parse({"a", "b"}), UsageError); }
    { Bound b; EXPECT_THROW(b.set.parse({"--json=yes"}), UsageError); }
}

TEST(OptionSet, HelpListsEveryOptionWithItsDefault) {
    Bound b;
    b.set.parse({"--help"});
    EXPECT_TRUE(b.set.help_requested());
    const std::string help = b.set.help_text("A demo.");
    EXPECT_NE(help.find("Usage: fergana demo [OPTIONS] ARG"), std::string::npos);
    EXPECT_NE(help.find("--data SRC\n      source [default: bundled]"), std::string::npos);
    EXPECT_NE(help.find("--field ROLE.F=SRC\n      mapping (repeatable)"), std::string::npos);
    EXPECT_NE(help.find("--json"), std::string::npos);
}

}  // namespace fergana::tools
