#include "engine/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs::correlation {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean and population standard deviation (two passes, serial: deterministic).
std::pair<double, double> mean_sigma(const std::vector<double>& v) {
  if (v.empty()) return {kNaN, kNaN};
  double s = 0.0;
  for (double x : v) s += x;
  const double mean = s / static_cast<double>(v.size());
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / static_cast<double>(v.size()))};
}

struct Histogram {
  std::vector<double> sum;
  std::vector<std::uint64_t> count;
};

// Weighted least squares y = c0 + c1 x; returns {c0, c1}.
std::optional<std::pair<double, double>> weighted_line(const std::vector<double>& x,
                                                       const std::vector<double>& y,
                                                       const std::vector<double>& w) {
  double sw = 0, sx = 0, sy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sw += w[i];
    sx += w[i] * x[i];
    sy += w[i] * y[i];
  }
  if (!(sw > 0)) return std::nullopt;
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += w[i] * (x[i] - mx) * (x[i] - mx);
    sxy += w[i] * (x[i] - mx) * (y[i] - my);
  }
  if (!(sxx > 0)) return std::nullopt;
  const double slope = sxy / sxx;
  return std::make_pair(my - slope * mx, slope);
}

// Fits ln((C + b) r^power) = ln A - r/ξ over the fit window, b the finite-volume offset of the
// model (power 0: 8πAξ³/V, power 1: 4πAξ²/V), iterated from b = 0.
std::optional<LengthFit> log_linear_fit(const Curve& curve, double r_min, int power) {
  const auto [first, last] = fit_window(curve, r_min);
  if (last < first + 3) return std::nullopt;
  std::vector<double> x, y, w;
  for (std::size_t k = first; k < last; ++k) {
    const double c = curve.c[k];
    x.push_back(curve.r[k]);
    w.push_back(static_cast<double>(curve.pairs[k]) * c * c);
  }
  LengthFit fit;
  double b = 0.0;
  for (int iteration = 0; iteration < 100; ++iteration) {
    y.clear();
    for (std::size_t k = first; k < last; ++k) {
      y.push_back(std::log((curve.c[k] + b) * std::pow(curve.r[k], power)));
    }
    const auto line = weighted_line(x, y, w);
    if (!line || !(line->second < 0)) return std::nullopt;
    const double xi = -1.0 / line->second;
    const bool converged = std::abs(xi - fit.xi) <= 1e-12 * xi;
    fit.xi = xi;
    fit.amplitude = std::exp(line->first);
    fit.offset = b;
    if (!(curve.volume > 0) || converged) break;
    b = fit.amplitude * (power == 0 ? 8 * M_PI * xi * xi * xi : 4 * M_PI * xi * xi) / curve.volume;
    if (!std::isfinite(b)) return std::nullopt;
  }
  fit.r_from = curve.r[first];
  fit.r_to = curve.r[last - 1];
  fit.points = last - first;
  return fit;
}

}  // namespace

Curve pair_correlation(const CellList& cells, const std::vector<Vec3>& positions,
                       const std::vector<double>& a, const std::vector<double>& b, double r_max,
                       int bins) {
  const std::size_t n = positions.size();
  if (a.size() != n || b.size() != n || cells.size() != n) {
    throw std::invalid_argument("pair_correlation: one value per atom expected");
  }
  if (!(r_max > 0) || bins < 1) {
    throw std::invalid_argument("pair_correlation: r_max > 0 and bins >= 1 expected");
  }
  const auto [ma, sa] = mean_sigma(a);
  const auto [mb, sb] = mean_sigma(b);
  if (!(sa > 0) || !(sb > 0)) {
    throw std::invalid_argument("pair_correlation: a field is constant (no fluctuations)");
  }
  std::vector<double> da(n), db(n);
  for (std::size_t i = 0; i < n; ++i) {
    da[i] = (a[i] - ma) / sa;
    db[i] = (b[i] - mb) / sb;
  }
  const std::size_t nb = static_cast<std::size_t>(bins);
  const double dr = r_max / bins;
  // Fixed blocks of atoms, each with its own histogram, summed in block order.
  const Histogram total = parallel::reduce_blocks<Histogram>(
      n,
      [&](std::size_t begin, std::size_t end) {
        Histogram h{std::vector<double>(nb, 0.0), std::vector<std::uint64_t>(nb, 0)};
        for (std::size_t i = begin; i < end; ++i) {
          const double ai = da[i];
          cells.for_each_within(positions[i], r_max,
                                [&](std::uint32_t j, const Image& image, const Vec3&, double r2) {
                                  if (j == i && image[0] == 0 && image[1] == 0 && image[2] == 0) {
                                    return;
                                  }
                                  const auto k = static_cast<std::size_t>(std::sqrt(r2) / dr);
                                  if (k >= nb) return;
                                  h.sum[k] += ai * db[j];
                                  ++h.count[k];
                                });
        }
        return h;
      },
      [nb](Histogram& t, const Histogram& p) {
        if (t.sum.empty()) {
          t.sum.assign(nb, 0.0);
          t.count.assign(nb, 0);
        }
        for (std::size_t k = 0; k < nb; ++k) {
          t.sum[k] += p.sum[k];
          t.count[k] += p.count[k];
        }
      },
      64);
  Curve curve;
  curve.dr = dr;
  curve.volume = cells.box().volume();
  curve.r.resize(nb);
  curve.c.resize(nb);
  curve.pairs.assign(nb, 0);
  for (std::size_t k = 0; k < nb; ++k) {
    curve.r[k] = (static_cast<double>(k) + 0.5) * dr;
    if (total.count.empty()) {
      curve.c[k] = kNaN;
      continue;
    }
    curve.pairs[k] = total.count[k];
    curve.c[k] = total.count[k] ? total.sum[k] / static_cast<double>(total.count[k]) : kNaN;
  }
  return curve;
}

std::vector<double> pair_distribution(const Curve& curve, std::size_t atoms, double volume) {
  std::vector<double> g(curve.r.size(), 0.0);
  const double density = static_cast<double>(atoms) / volume;
  for (std::size_t k = 0; k < g.size(); ++k) {
    const double lo = static_cast<double>(k) * curve.dr, hi = lo + curve.dr;
    const double shell = 4.0 / 3.0 * M_PI * (hi * hi * hi - lo * lo * lo);
    g[k] = static_cast<double>(curve.pairs[k]) / (static_cast<double>(atoms) * density * shell);
  }
  return g;
}

std::optional<double> first_shell_end(const std::vector<double>& r, const std::vector<double>& g) {
  if (g.empty()) return std::nullopt;
  const std::size_t peak =
      static_cast<std::size_t>(std::max_element(g.begin(), g.end()) - g.begin());
  if (!(g[peak] > 1.0)) return std::nullopt;
  std::size_t k = peak;
  while (k < g.size() && g[k] >= 1.0) ++k;
  if (k >= g.size()) return std::nullopt;
  while (k + 1 < g.size() && g[k + 1] < g[k]) ++k;
  return r[k];
}

std::pair<std::size_t, std::size_t> fit_window(const Curve& curve, double r_min) {
  std::size_t first = 0;
  while (first < curve.r.size() && (curve.r[first] < r_min || curve.pairs[first] == 0)) ++first;
  std::size_t last = first;
  while (last < curve.r.size()) {
    const double c = curve.c[last];
    const double noise =
        3.0 / std::sqrt(static_cast<double>(std::max<std::uint64_t>(curve.pairs[last], 1)));
    if (!(c > 0) || c < noise) break;
    ++last;
  }
  return {first, last};
}

std::optional<LengthFit> exponential_fit(const Curve& curve, double r_min) {
  return log_linear_fit(curve, r_min, 0);
}

std::optional<LengthFit> ornstein_zernike_fit(const Curve& curve, double r_min) {
  return log_linear_fit(curve, r_min, 1);
}

IntegralLength integral_length(const Curve& curve) {
  IntegralLength out;
  double r_prev = 0.0, c_prev = 1.0, sum = 0.0;
  for (std::size_t k = 0; k < curve.r.size(); ++k) {
    if (curve.pairs[k] == 0 || std::isnan(curve.c[k])) continue;
    const double r = curve.r[k], c = curve.c[k];
    if (c <= 0.0) {
      const double r0 = r_prev + (r - r_prev) * c_prev / (c_prev - c);
      sum += 0.5 * c_prev * (r0 - r_prev);
      out.xi = sum;
      out.r0 = r0;
      out.zero_found = true;
      return out;
    }
    sum += 0.5 * (c_prev + c) * (r - r_prev);
    r_prev = r;
    c_prev = c;
  }
  out.xi = sum;
  out.r0 = r_prev;
  return out;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("pearson: sizes differ");
  const auto [ma, sa] = mean_sigma(a);
  const auto [mb, sb] = mean_sigma(b);
  if (!(sa > 0) || !(sb > 0)) return kNaN;
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - ma) * (b[i] - mb);
  return s / (static_cast<double>(a.size()) * sa * sb);
}

std::vector<double> average_ranks(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(n);
  for (std::size_t k = 0; k < n;) {
    std::size_t e = k + 1;
    while (e < n && values[order[e]] == values[order[k]]) ++e;
    const double rank = 0.5 * static_cast<double>(k + 1 + e);  // mean of k+1 .. e
    for (std::size_t m = k; m < e; ++m) ranks[order[m]] = rank;
    k = e;
  }
  return ranks;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  return pearson(average_ranks(a), average_ranks(b));
}

TopOverlap top_overlap(const std::vector<double>& a, const std::vector<double>& b,
                       double fraction) {
  const std::size_t n = a.size();
  if (b.size() != n) throw std::invalid_argument("top_overlap: sizes differ");
  if (!(fraction > 0 && fraction <= 1)) {
    throw std::invalid_argument("top_overlap: fraction in (0, 1] expected");
  }
  TopOverlap out;
  if (n == 0) return out;
  const auto k = std::clamp<std::size_t>(
      static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n))), 1, n);
  auto threshold = [k](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k - 1), v.end(),
                     std::greater<>());
    return v[k - 1];
  };
  const double ta = threshold(a), tb = threshold(b);
  for (std::size_t i = 0; i < n; ++i) {
    const bool in_a = a[i] >= ta, in_b = b[i] >= tb;
    out.size_a += in_a;
    out.size_b += in_b;
    out.intersection += in_a && in_b;
    out.union_size += in_a || in_b;
  }
  out.jaccard = static_cast<double>(out.intersection) / static_cast<double>(out.union_size);
  out.enrichment = static_cast<double>(out.intersection) * static_cast<double>(n) /
                   (static_cast<double>(out.size_a) * static_cast<double>(out.size_b));
  return out;
}

double roc_auc(const std::vector<double>& score, const std::vector<double>& flag) {
  if (score.size() != flag.size()) throw std::invalid_argument("roc_auc: sizes differ");
  const std::vector<double> ranks = average_ranks(score);
  double positives = 0, rank_sum = 0;
  for (std::size_t i = 0; i < score.size(); ++i) {
    if (flag[i] != 0.0) {
      positives += 1;
      rank_sum += ranks[i];
    }
  }
  const double negatives = static_cast<double>(score.size()) - positives;
  if (positives == 0 || negatives == 0) return kNaN;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

}  // namespace mgs::correlation
