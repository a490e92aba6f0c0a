#include "tools/format.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <sstream>

namespace fergana::tools {

TEST(FormatNumber, FixedDecimalsWhateverTheLocale) {
    // A decimal-comma locale must not leak into output (if the machine has one).
    const char* previous = std::setlocale(LC_NUMERIC, nullptr);
    const std::string saved = previous ? previous : "C";
    std::setlocale(LC_NUMERIC, "de_DE.UTF-8");
    EXPECT_EQ(format_number(1234.5678, 2), "1234.57");
    EXPECT_EQ(format_number(70.1234567891, 7), "70.1234568");
    EXPECT_EQ(format_number(-0.0000001, 3), "0.000");
    EXPECT_EQ(format_number(-1.5, 1), "-1.5");
    std::setlocale(LC_NUMERIC, saved.c_str());
}

TEST(Table, AlignsNumbersRight) {
    Table t({"name", "count"});
    t.add({"Vorukh", "7"});
    t.add({"Sokh", "123"});
    std::ostringstream out;
    t.print(out);
    EXPECT_EQ(out.str(),
              "name    count\n"
              "------  -----\n"
              "Vorukh      7\n"
              "Sokh      123\n");
}

}  // namespace fergana::tools
