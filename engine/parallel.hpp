#pragma once
// The only threading API analyzers and services see. Work is cut into fixed blocks that do not
// depend on the thread count, so every reduction gives the same bits with 1 or N threads.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <cstddef>
#include <stdexcept>
#include <vector>

namespace mgs::parallel {

// A run being stopped cancels the task group of its frames' work, and a parallel loop then
// returns with blocks left undone. The loops below throw this instead of returning, so that no
// caller goes on with half-computed arrays (garbage in a release build, a failed Eigen assertion
// in a build with assertions). The pipeline turns it into Interrupted.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled: the run is being stopped") {}
};

inline void throw_if_cancelled() {
  if (tbb::is_current_task_group_canceling()) throw Cancelled();
}

inline constexpr std::size_t kDefaultBlock = 1024;

// Calls body(begin, end) for consecutive blocks [begin, end) of [0, n), possibly concurrently.
template <class Body>
void for_blocks(std::size_t n, Body&& body, std::size_t block = kDefaultBlock) {
  if (n == 0) return;
  const std::size_t nblocks = (n + block - 1) / block;
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, nblocks, 1),
      [&](const tbb::blocked_range<std::size_t>& r) {
        for (std::size_t b = r.begin(); b != r.end(); ++b) {
          body(b * block, std::min(n, (b + 1) * block));
        }
      },
      tbb::simple_partitioner());
  throw_if_cancelled();
}

// Calls f(i) for every i in [0, n), possibly concurrently.
template <class F>
void for_each_index(std::size_t n, F&& f, std::size_t block = kDefaultBlock) {
  for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) f(i);
      },
      block);
}

// Deterministic reduction: each fixed block is reduced serially, then the block partials are
// combined in block order. `T` must be default-constructible and `combine(T&, const T&)` defined.
template <class T, class BlockFn, class Combine>
T reduce_blocks(std::size_t n, BlockFn&& block_fn, Combine&& combine,
                std::size_t block = kDefaultBlock) {
  const std::size_t nblocks = (n + block - 1) / block;
  std::vector<T> partial(nblocks);
  for_blocks(
      n, [&](std::size_t b, std::size_t e) { partial[b / block] = block_fn(b, e); }, block);
  T total{};
  for (const T& p : partial) combine(total, p);
  return total;
}

// Deterministic sum of f(i) over [0, n).
template <class F>
double sum(std::size_t n, F&& f, std::size_t block = kDefaultBlock) {
  return reduce_blocks<double>(
      n,
      [&](std::size_t b, std::size_t e) {
        double s = 0.0;
        for (std::size_t i = b; i < e; ++i) s += f(i);
        return s;
      },
      [](double& a, double b) { a += b; }, block);
}

}  // namespace mgs::parallel
