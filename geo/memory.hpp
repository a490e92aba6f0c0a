#pragma once
// Memory hints for the few very large arrays (a million incidents, a million result rows).
//
//   std::vector<Row> rows;
//   rows.reserve(n);                                       // allocated, not yet touched
//   advise_huge_pages(rows.data(), n * sizeof(Row));
//   rows.resize(n);                                        // faulted in 2 MiB at a time
//
// Where the kernel grants transparent huge pages only on request (the `madvise` setting,
// Debian's default), a few hundred MB touched for the first time cost about one page fault
// per 4 KiB; profiles of 1e6 incidents showed those faults as a sixth of the run. A hint,
// never a requirement: it does nothing elsewhere, on small arrays or when refused.

#include <cstddef>

namespace fergana {

/// Asks for huge pages on the whole 2 MiB pages inside [data, data + bytes). Call it before
/// the memory is first written. Below 4 MiB it does nothing.
void advise_huge_pages(const void* data, std::size_t bytes) noexcept;

}  // namespace fergana
