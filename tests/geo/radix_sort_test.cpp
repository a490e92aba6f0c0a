// geo::radix_sort against std::stable_sort: the same order, ties kept in input order, on one
// thread and on several, across blocks, with passes skipped where every key shares a digit.
#include "geo/radix_sort.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace fergana::geo {

namespace {

using Item = std::pair<std::uint64_t, std::size_t>;  // (key, position in the input)

std::vector<Item> expected_order(std::vector<Item> items) {
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.first < b.first; });
    return items;
}

void expect_sorted_like_stable_sort(const std::vector<Item>& input, unsigned key_bits) {
    for (unsigned threads : {1U, 3U}) {
        std::vector<Item> items = input;
        radix_sort(items, key_bits, [](const Item& item) { return item.first; }, threads);
        EXPECT_EQ(items, expected_order(input)) << threads << " thread(s)";
    }
}

}  // namespace

TEST(RadixSort, MatchesStableSortOnRandomKeysAcrossBlocks) {
    std::mt19937_64 random(20261122);
    std::vector<Item> items(200003);  // four blocks, the last one short
    for (std::size_t i = 0; i < items.size(); ++i) items[i] = {random() & ((std::uint64_t{1} << 42U) - 1U), i};
    expect_sorted_like_stable_sort(items, 42);
}

TEST(RadixSort, KeepsTheInputOrderOfEqualKeys) {
    std::mt19937_64 random(7);
    std::vector<Item> items(150000);
    for (std::size_t i = 0; i < items.size(); ++i) items[i] = {random() % 50, i};  // 3,000 of each key
    expect_sorted_like_stable_sort(items, 42);
}

TEST(RadixSort, SortsKeysThatShareTheirHighDigits) {
    // A regional batch: the high bits all the same, only the low 12 vary; and all keys equal.
    std::vector<Item> regional(70000);
    for (std::size_t i = 0; i < regional.size(); ++i) regional[i] = {(0x2A5ULL << 30U) | ((i * 2654435761U) & 0xFFFU), i};
    expect_sorted_like_stable_sort(regional, 42);
    std::vector<Item> same(70000);
    for (std::size_t i = 0; i < same.size(); ++i) same[i] = {12345, i};
    expect_sorted_like_stable_sort(same, 42);
}

TEST(RadixSort, SmallAndEmptyInputs) {
    std::vector<Item> empty;
    radix_sort(empty, 64, [](const Item& item) { return item.first; });
    EXPECT_TRUE(empty.empty());
    expect_sorted_like_stable_sort({{~std::uint64_t{0}, 0}, {0, 1}, {~std::uint64_t{0}, 2}, {1ULL << 63U, 3}}, 64);
}

}  // namespace fergana::geo
