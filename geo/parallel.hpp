#pragma once
// One parallel loop for the engine: ranges of [0, count) taken from a shared counter by a
// few threads, the first exception rethrown on the calling thread once all have stopped.
//
//   std::vector<Scratch> scratch(geo::worker_count(n, 1024, threads));
//   geo::parallel_for(n, 1024, threads, [&](std::size_t begin, std::size_t end, unsigned worker) {
//       for (std::size_t i = begin; i < end; ++i) work(i, scratch[worker]);
//   });
//
// Which thread takes which range varies from run to run: results must be written per item
// (or per worker and merged in item order) so that they do not depend on it.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace fergana::geo {

/// How many threads parallel_for runs for `count` items taken `grain` at a time; `threads`
/// 0: one per hardware thread.
inline unsigned worker_count(std::size_t count, std::size_t grain, unsigned threads) {
    if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
    const std::size_t chunks = (count + grain - 1) / grain;
    return static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, chunks)));
}

/// Calls fn(begin, end, worker) for the ranges [i * grain, (i + 1) * grain) of [0, count),
/// on worker_count() threads (worker 0 is the calling thread; workers are numbered from 0 for
/// per-thread memory).
template <typename Fn>
void parallel_for(std::size_t count, std::size_t grain, unsigned threads, Fn&& fn) {
    const std::size_t chunks = (count + grain - 1) / grain;
    const unsigned workers = worker_count(count, grain, threads);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&](unsigned worker) {
        try {
            while (!failed.load(std::memory_order_relaxed)) {
                const std::size_t chunk = next.fetch_add(1, std::memory_order_relaxed);
                if (chunk >= chunks) break;
                fn(chunk * grain, std::min(count, (chunk + 1) * grain), worker);
            }
        } catch (...) {
            const std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            failed = true;
        }
    };
    std::vector<std::thread> pool;
    try {
        for (unsigned t = 1; t < workers; ++t) pool.emplace_back(run, t);
    } catch (...) {
        failed = true;
        for (std::thread& t : pool) t.join();
        throw;
    }
    run(0);
    for (std::thread& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace fergana::geo
