#pragma once
// Memory hints for the few very large arrays (a million incidents, a million result rows).
//
//   std::vector<Row> rows;
//   reserve_fresh(rows, n);  // reserved, huge pages asked for, faulted in on every core
//   rows.resize(n);          // constructed in memory already there
//
// (reserve_fresh is reserve + advise_huge_pages + prefault.)
//
// Where the kernel grants transparent huge pages only on request (the `madvise` setting,
// Debian's default), a few hundred MB touched for the first time cost about one page fault
// per 4 KiB; profiles of 1e6 incidents showed those faults as a sixth of the run. A hint,
// never a requirement: it does nothing elsewhere, on small arrays or when refused.

#include <cstddef>
#include <vector>

namespace fergana {

/// Asks for huge pages on the whole 2 MiB pages inside [data, data + bytes). Call it before
/// the memory is first written. Below 4 MiB it does nothing.
void advise_huge_pages(const void* data, std::size_t bytes) noexcept;

/// Writes a zero byte to every 4 KiB page of [data, data + bytes) on `threads` threads (0: one
/// per hardware thread), so that the kernel's zeroing of fresh pages, a quarter of a second
/// per 300 MB on the machines measured, is shared by the cores instead of falling on the one
/// thread that fills the array. For raw storage that holds no objects yet: the capacity of a
/// vector before resize(), say. Below 4 MiB it does nothing.
void prefault(void* data, std::size_t bytes, unsigned threads = 0);

/// Makes room for `extra` more elements at the end of `v`, a very large array about to be
/// filled: reserved, with huge pages asked for and the new capacity faulted in on `threads`
/// threads (0: all). The usual preamble of a million-row array.
template <typename T>
void reserve_fresh(std::vector<T>& v, std::size_t extra, unsigned threads = 0) {
    v.reserve(v.size() + extra);
    advise_huge_pages(v.data() + v.size(), extra * sizeof(T));
    prefault(v.data() + v.size(), extra * sizeof(T), threads);
}

}  // namespace fergana
