// Value distributions of maps: moments, KS, Wasserstein-1 and common histograms.
#include "engine/map_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace mgs::mapstats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> sorted_finite(std::span<const double> values, const char* what) {
  std::vector<double> out;
  out.reserve(values.size());
  for (double v : values) {
    if (std::isfinite(v)) out.push_back(v);
  }
  if (out.empty()) throw std::invalid_argument(std::string(what) + ": a sample without values");
  std::sort(out.begin(), out.end());
  return out;
}

// Walks the distinct pooled values x_0 < x_1 < ... of two sorted samples and calls
// step(x_k, x_{k+1}, F_a, F_b) with the empirical CDFs just after x_k (all values tied at x_k
// counted), for every k (x_{k+1} = x_k for the last one).
template <class Step>
void walk_cdfs(const std::vector<double>& a, const std::vector<double>& b, Step&& step) {
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    const double x = j == b.size() || (i < a.size() && a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    const double next = i == a.size() && j == b.size() ? x
                        : j == b.size()                ? a[i]
                        : i == a.size()                ? b[j]
                                                       : std::min(a[i], b[j]);
    step(x, next, static_cast<double>(i) / na, static_cast<double>(j) / nb);
  }
}

}  // namespace

Moments moments(std::span<const double> values) {
  Moments m;
  double sum = 0.0;
  m.min = std::numeric_limits<double>::infinity();
  m.max = -m.min;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    sum += v;
    ++m.count;
    m.min = std::min(m.min, v);
    m.max = std::max(m.max, v);
  }
  if (m.count == 0) return {0, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
  const double n = static_cast<double>(m.count);
  m.mean = sum / n;
  // Central moments from a second pass about the mean (no cancellation of large raw moments).
  double m2 = 0.0, m3 = 0.0, m4 = 0.0;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    const double d = v - m.mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  m.std = std::sqrt(m2);
  m.cv = m.std / std::abs(m.mean);
  m.skewness = m2 > 0 ? m3 / (m2 * m.std) : kNaN;
  m.excess_kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3.0 : kNaN;
  return m;
}

std::vector<double> normalised(std::span<const double> values, Normalisation normalisation) {
  std::vector<double> out(values.begin(), values.end());
  if (normalisation == Normalisation::None) return out;
  const Moments m = moments(values);
  const double shift = normalisation == Normalisation::ZScore ? m.mean : 0.0;
  const double scale = normalisation == Normalisation::ZScore ? m.std : m.mean;
  for (double& v : out) {
    if (std::isfinite(v)) v = (v - shift) / scale;
  }
  return out;
}

double kolmogorov_survival(double lambda) {
  if (!(lambda > 0)) return 1.0;
  if (lambda < 1.18) {
    // The Jacobi-theta form √(2π)/λ Σ exp(−(2k−1)²π²/(8λ²)) of the CDF converges fast here,
    // where the alternating series of Q_KS would need many terms.
    const double y = std::exp(-M_PI * M_PI / (8.0 * lambda * lambda));
    const double cdf = std::sqrt(2.0 * M_PI) / lambda *
                       (y + std::pow(y, 9) + std::pow(y, 25) + std::pow(y, 49));  // k = 1..4
    return std::clamp(1.0 - cdf, 0.0, 1.0);
  }
  double sum = 0.0, sign = 1.0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * k * k * lambda * lambda);
    sum += sign * term;
    if (term < 1e-17) break;
    sign = -sign;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

KolmogorovSmirnov kolmogorov_smirnov(std::span<const double> a, std::span<const double> b) {
  const std::vector<double> sa = sorted_finite(a, "kolmogorov_smirnov");
  const std::vector<double> sb = sorted_finite(b, "kolmogorov_smirnov");
  KolmogorovSmirnov out;
  walk_cdfs(sa, sb, [&](double, double, double fa, double fb) {
    out.statistic = std::max(out.statistic, std::abs(fa - fb));
  });
  const double na = static_cast<double>(sa.size()), nb = static_cast<double>(sb.size());
  out.effective_n = na * nb / (na + nb);
  const double root = std::sqrt(out.effective_n);
  out.p_value = kolmogorov_survival((root + 0.12 + 0.11 / root) * out.statistic);
  return out;
}

double wasserstein1(std::span<const double> a, std::span<const double> b) {
  const std::vector<double> sa = sorted_finite(a, "wasserstein1");
  const std::vector<double> sb = sorted_finite(b, "wasserstein1");
  double sum = 0.0;
  walk_cdfs(sa, sb, [&](double x, double next, double fa, double fb) {
    sum += std::abs(fa - fb) * (next - x);
  });
  return sum;
}

CommonHistograms common_histograms(std::span<const double> a, std::span<const double> b, int bins) {
  if (bins < 1) throw std::invalid_argument("common_histograms: bins >= 1 expected");
  const Moments ma = moments(a), mb = moments(b);
  if (ma.count == 0 || mb.count == 0) {
    throw std::invalid_argument("common_histograms: a sample without values");
  }
  double lo = std::min(ma.min, mb.min), hi = std::max(ma.max, mb.max);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const auto nb = static_cast<std::size_t>(bins);
  const double width = (hi - lo) / bins;
  CommonHistograms h;
  h.edges.resize(nb + 1);
  for (std::size_t k = 0; k <= nb; ++k) h.edges[k] = lo + width * static_cast<double>(k);
  h.edges[nb] = hi;
  h.centers.resize(nb);
  for (std::size_t k = 0; k < nb; ++k) h.centers[k] = 0.5 * (h.edges[k] + h.edges[k + 1]);
  auto fill = [&](std::span<const double> values, std::size_t n, std::vector<std::uint64_t>& count,
                  std::vector<double>& density) {
    count.assign(nb, 0);
    for (double v : values) {
      if (!std::isfinite(v)) continue;
      const auto k = std::min(nb - 1, static_cast<std::size_t>((v - lo) / width));
      ++count[k];
    }
    density.resize(nb);
    for (std::size_t k = 0; k < nb; ++k)
      density[k] = static_cast<double>(count[k]) / (static_cast<double>(n) * width);
  };
  fill(a, ma.count, h.count_a, h.density_a);
  fill(b, mb.count, h.count_b, h.density_b);
  return h;
}

DistributionComparison compare_distributions(std::span<const double> a, std::span<const double> b,
                                             int bins) {
  DistributionComparison out;
  out.a = moments(a);
  out.b = moments(b);
  out.ks = kolmogorov_smirnov(a, b);
  out.wasserstein1 = wasserstein1(a, b);
  out.histograms = common_histograms(a, b, bins);
  return out;
}

}  // namespace mgs::mapstats
