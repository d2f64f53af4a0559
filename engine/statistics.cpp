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

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(lo), values.end());
  const double a = values[lo];
  if (lo + 1 >= values.size()) return a;
  const double b = *std::min_element(values.begin() + static_cast<long>(lo) + 1, values.end());
  return a + (pos - static_cast<double>(lo)) * (b - a);
}

nlohmann::json describe(const std::vector<double>& values) {
  const MeanStd m = mean_std(values);
  nlohmann::json out = {{"mean", m.mean}, {"std", m.std}};
  if (values.empty()) return out;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  out["min"] = *lo;
  out["max"] = *hi;
  nlohmann::json p = nlohmann::json::object();
  for (int q : {50, 90, 95, 99}) p[std::to_string(q)] = quantile(values, q / 100.0);
  out["percentiles"] = std::move(p);
  return out;
}

}  // namespace mgs::stats
