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

// Regression: a value too long for fixed notation left the buffer's stale bytes in the text.
TEST(FormatNumber, HugeValuesUseAnExponent) {
    EXPECT_EQ(format_number(1e300, 2), "1e+300");
    EXPECT_EQ(format_number(-2.5e60, 0), "-2.5e+60");
    EXPECT_EQ(format_number(123456789012.345, 2), "123456789012.35");
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

// Regression: columns were padded by bytes, so a name with a two-byte letter ("ŭ") pushed
// the rest of its row one column left of the header.
TEST(Table, AlignsNamesWithNonAsciiLetters) {
    Table t({"name", "country"});
    t.add({"Yangiy\xC5\xADl", "UZB"});
    t.add({"Westville", "KGZ"});
    std::ostringstream out;
    t.print(out);
    EXPECT_EQ(out.str(),
              "name       country\n"
              "---------  -------\n"
              "Yangiy\xC5\xADl   UZB\n"
              "Westville  KGZ\n");
}

TEST(DisplayWidth, CountsCodePointsAndCutsBetweenThem) {
    EXPECT_EQ(display_width(""), 0U);
    EXPECT_EQ(display_width("G\xE2\x80\x98" "azalkent"), 10U);  // G‘azalkent: U+2018 is 3 bytes
    EXPECT_EQ(display_width("\xF0\x9F\x8C\x8A"), 1U);       // a 4-byte code point
    EXPECT_EQ(display_width("a\xFF" "b"), 3U);                  // a stray byte counts once
    EXPECT_EQ(truncate_to_width("Yangiy\xC5\xADl", 7), "Yangiy\xC5\xAD");
    EXPECT_EQ(truncate_to_width("Yangiy\xC5\xADl", 6), "Yangiy");
    EXPECT_EQ(truncate_to_width("abc", 10), "abc");
}

}  // namespace fergana::tools

namespace fergana::tools {

TEST(EditDistance, LevenshteinByHand) {
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);  // k->s, e->i, +g
    EXPECT_EQ(edit_distance("", "abc"), 3U);
    EXPECT_EQ(edit_distance("Vorukh", "Vorukh"), 0U);
    EXPECT_EQ(edit_distance("Voruh", "Vorukh"), 1U);
    EXPECT_EQ(edit_distance("--radius", "--raduis"), 2U);  // a transposition is two edits
}

}  // namespace fergana::tools
