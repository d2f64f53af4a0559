#include "engine/statistics.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/parallel.hpp"

namespace mgs::stats {

MeanStd mean_std(const std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n == 0) return {};
  const double mean = parallel::sum(n, [&](std::size_t i) { return values[i]; }) / n;
  const double ss = parallel::sum(n, [&](std::size_t i) {
    const double d = values[i] - mean;
    return d * d;
  });
  return {mean, n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0};
}

namespace {

// The q-quantile (linear interpolation between order statistics) of non-empty `values`, whose
// elements before `from` are known to be no larger than the quantile; on return `from` is the
// quantile's lower order statistic, so that a larger q can go on from there.
double quantile_from(std::vector<double>& values, std::vector<double>::iterator& from, double q) {
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto lo = values.begin() + static_cast<long>(std::floor(pos));
  std::nth_element(from, lo, values.end());
  from = lo;
  const double a = *lo;
  if (lo + 1 == values.end()) return a;
  const double b = *std::min_element(lo + 1, values.end());
  return a + (pos - std::floor(pos)) * (b - a);
}

}  // namespace

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  auto from = values.begin();
  return quantile_from(values, from, q);
}

namespace {

// Order statistics of large arrays without sorting or copying them (`order_statistics`): the
// values are bucketed by the top 16 bits of an order-preserving key (sign, exponent and 4
// mantissa bits), the buckets are counted in fixed blocks in parallel, and only the buckets that
// hold a wanted rank are copied and partitioned. Exact, and the same with any thread count.
constexpr int kBucketBits = 16;
constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
constexpr std::size_t kCountBlock = std::size_t{1} << 18;

// Monotone in the value for every non-NaN double (-0 before +0).
std::uint64_t order_key(double x) {
  const auto u = std::bit_cast<std::uint64_t>(x);
  return (u >> 63) != 0 ? ~u : u | (std::uint64_t{1} << 63);
}

std::size_t bucket_of(double x) {
  return static_cast<std::size_t>(order_key(x) >> (64 - kBucketBits));
}

// The values of rank ranks[k] (0-based, ascending order) of `values`, which hold no NaN.
std::vector<double> order_statistics(const std::vector<double>& values,
                                     const std::vector<std::size_t>& ranks) {
  const std::size_t n = values.size();
  const std::size_t blocks = (n + kCountBlock - 1) / kCountBlock;
  std::vector<std::vector<std::uint32_t>> partial(blocks);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        auto& c = partial[b / kCountBlock];
        c.assign(kBuckets, 0);
        for (std::size_t i = b; i < e; ++i) ++c[bucket_of(values[i])];
      },
      kCountBlock);
  std::vector<std::uint64_t> count(kBuckets, 0);
  for (const auto& c : partial) {
    for (std::size_t k = 0; k < kBuckets; ++k) count[k] += c[k];
  }
  // Each rank's bucket and its rank within the bucket.
  std::vector<std::size_t> bucket(ranks.size()), inner(ranks.size());
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    std::size_t below = 0, k = 0;
    while (below + count[k] <= ranks[r]) below += count[k++];
    bucket[r] = k;
    inner[r] = ranks[r] - below;
  }
  std::vector<std::size_t> wanted = bucket;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  // The wanted buckets' values, block by block (order does not matter for a selection).
  std::vector<std::vector<std::vector<double>>> picked(blocks);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        auto& mine = picked[b / kCountBlock];
        mine.assign(wanted.size(), {});
        for (std::size_t i = b; i < e; ++i) {
          const std::size_t k = bucket_of(values[i]);
          const auto w = std::lower_bound(wanted.begin(), wanted.end(), k);
          if (w != wanted.end() && *w == k) {
            mine[static_cast<std::size_t>(w - wanted.begin())].push_back(values[i]);
          }
        }
      },
      kCountBlock);
  std::vector<double> out(ranks.size());
  for (std::size_t w = 0; w < wanted.size(); ++w) {
    std::vector<double> members;
    for (const auto& mine : picked) members.insert(members.end(), mine[w].begin(), mine[w].end());
    for (std::size_t r = 0; r < ranks.size(); ++r) {
      if (bucket[r] != wanted[w]) continue;
      const auto at = members.begin() + static_cast<long>(inner[r]);
      std::nth_element(members.begin(), at, members.end());
      out[r] = *at;
    }
  }
  return out;
}

}  // namespace

nlohmann::json describe(const std::vector<double>& values) {
  const MeanStd m = mean_std(values);
  nlohmann::json out = {{"mean", m.mean}, {"std", m.std}};
  if (values.empty()) return out;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  out["min"] = *lo;
  out["max"] = *hi;
  constexpr int kPercentiles[] = {50, 90, 95, 99};
  nlohmann::json p = nlohmann::json::object();
  const bool has_nan = std::isnan(m.mean);
  if (values.size() < 2 * kCountBlock || has_nan) {
    // One copy, partitioned progressively: each quantile works on the part above the previous.
    std::vector<double> sorted_part = values;
    auto from = sorted_part.begin();
    for (int q : kPercentiles) p[std::to_string(q)] = quantile_from(sorted_part, from, q / 100.0);
  } else {
    // The same interpolation between the order statistics floor(pos) and floor(pos) + 1.
    std::vector<std::size_t> ranks;
    const double last = static_cast<double>(values.size() - 1);
    for (int q : kPercentiles) {
      const auto r = static_cast<std::size_t>(std::floor(q / 100.0 * last));
      ranks.push_back(r);
      ranks.push_back(std::min(r + 1, values.size() - 1));
    }
    const std::vector<double> v = order_statistics(values, ranks);
    for (std::size_t k = 0; k < std::size(kPercentiles); ++k) {
      const double pos = kPercentiles[k] / 100.0 * last;
      p[std::to_string(kPercentiles[k])] =
          v[2 * k] + (pos - std::floor(pos)) * (v[2 * k + 1] - v[2 * k]);
    }
  }
  out["percentiles"] = std::move(p);
  return out;
}

}  // namespace mgs::stats
