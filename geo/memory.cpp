#include "geo/memory.hpp"

#include "geo/parallel.hpp"

#include <cstdint>

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
    constexpr std::size_t pages_per_chunk = 512;  // 2 MiB: a huge page, touched by one thread
    if (data == nullptr || bytes < (std::size_t{4} << 20U)) return;
    auto* const begin = static_cast<volatile unsigned char*>(data);
    const std::size_t pages = (bytes + page - 1) / page;
    geo::parallel_for(pages, pages_per_chunk, threads, [begin](std::size_t first, std::size_t end, unsigned) {
        for (std::size_t p = first; p < end; ++p) begin[p * page] = 0;
    });
}

}  // namespace fergana
