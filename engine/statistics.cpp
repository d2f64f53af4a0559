#include "engine/statistics.hpp"

#include <algorithm>
#include <cmath>
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

nlohmann::json describe(const std::vector<double>& values) {
  const MeanStd m = mean_std(values);
  nlohmann::json out = {{"mean", m.mean}, {"std", m.std}};
  if (values.empty()) return out;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  out["min"] = *lo;
  out["max"] = *hi;
  // One copy, partitioned progressively: each quantile works on the part above the previous.
  std::vector<double> sorted_part = values;
  auto from = sorted_part.begin();
  nlohmann::json p = nlohmann::json::object();
  for (int q : {50, 90, 95, 99}) p[std::to_string(q)] = quantile_from(sorted_part, from, q / 100.0);
  out["percentiles"] = std::move(p);
  return out;
}

}  // namespace mgs::stats
