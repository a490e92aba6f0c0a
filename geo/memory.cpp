#include "geo/memory.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace fergana {

void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20U;
    if (data == nullptr || bytes < 2 * huge) return;
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1);
    const std::uintptr_t last = (begin + bytes) & ~(huge - 1);
    if (last > first) {
        // A refusal (EINVAL without THP support) changes nothing: ignored.
        (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
    }
#else
    (void)data;
    (void)bytes;
#endif
}

void prefault(void* data, std::size_t bytes, unsigned threads) {
    constexpr std::size_t page = 4096;
    if (data == nullptr || bytes < (std::size_t{16} << 20U)) return;
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    auto* const begin = static_cast<volatile unsigned char*>(data);
    auto touch = [begin](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; i += page) begin[i] = 0;
    };
    // Chunks on page boundaries, so no page is touched by two threads.
    const std::size_t chunk = (bytes / threads + page - 1) / page * page;
    std::vector<std::thread> workers;
    for (unsigned t = 1; t < threads && t * chunk < bytes; ++t) {
        workers.emplace_back(touch, t * chunk, std::min(bytes, (t + 1) * chunk));
    }
    touch(0, std::min(bytes, chunk));
    for (std::thread& w : workers) w.join();
}

}  // namespace fergana
