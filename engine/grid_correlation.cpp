#include "engine/grid_correlation.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/fft.hpp"
#include "engine/parallel.hpp"

namespace mgs::correlation {

namespace {

using fft::Complex;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// m·(f − mean)/σ over the finite values; `mask` is filled only when some value is NaN.
struct Normalised {
  std::vector<Complex> g;
  std::vector<Complex> mask;  // empty: every value finite
  double valid = 0.0;         // Σ m
};

Normalised normalise(const GridField& field, const std::array<bool, 3>& periodic) {
  const std::size_t n = field.values.size();
  const std::size_t expected = static_cast<std::size_t>(field.dims[0]) *
                               static_cast<std::size_t>(field.dims[1]) *
                               static_cast<std::size_t>(field.dims[2]);
  if (n != expected) throw std::invalid_argument("grid field: values do not match its dims");
  for (int k = 0; k < 3; ++k) {
    if (field.dims[static_cast<std::size_t>(k)] > 1 && !periodic[static_cast<std::size_t>(k)]) {
      throw std::invalid_argument(
          "FFT correlation needs a periodic cell along every binned axis (axis " +
          std::string(1, static_cast<char>('a' + k)) + " is not periodic)");
    }
  }
  double sum = 0.0, count = 0.0;
  for (double v : field.values) {
    if (std::isfinite(v)) {
      sum += v;
      count += 1.0;
    }
  }
  if (count < 2) throw std::invalid_argument("grid field: fewer than two finite values");
  const double mean = sum / count;
  double ss = 0.0;
  for (double v : field.values) {
    if (std::isfinite(v)) ss += (v - mean) * (v - mean);
  }
  const double sigma = std::sqrt(ss / count);
  if (!(sigma > 0)) throw std::invalid_argument("grid field is constant (no fluctuations)");
  Normalised out;
  out.valid = count;
  out.g.resize(n);
  const bool masked = count < static_cast<double>(n);
  if (masked) out.mask.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = field.values[i];
    const bool ok = std::isfinite(v);
    out.g[i] = ok ? Complex((v - mean) / sigma, 0.0) : Complex(0.0, 0.0);
    if (masked) out.mask[i] = Complex(ok ? 1.0 : 0.0, 0.0);
  }
  return out;
}

// The grid's period: column k = dims[k] · step(k).
Mat3 period_of(const GridField& field) {
  Mat3 p;
  for (int k = 0; k < 3; ++k)
    p.col(k) = field.dims[static_cast<std::size_t>(k)] * field.step.col(k);
  return p;
}

// Index (i, j, k) of flat position o, and the offset wrapped to (−n/2, n/2].
std::array<int, 3> unflatten(std::size_t o, const std::array<int, 3>& dims) {
  const auto n0 = static_cast<std::size_t>(dims[0]), n1 = static_cast<std::size_t>(dims[1]);
  return {static_cast<int>(o % n0), static_cast<int>((o / n0) % n1),
          static_cast<int>(o / (n0 * n1))};
}

// The shortest Cartesian vector step·(w + x∘n) over the periodic images x ∈ {−1, 0, 1}³ of
// the binned axes, w the offset wrapped to (−n/2, n/2]. Integer offsets times the steps, so
// that ±d and exact multiples of a spacing give bit-identical lengths.
double offset_length(const std::array<int, 3>& idx, const std::array<int, 3>& dims,
                     const Mat3& step, bool orthogonal) {
  Vec3 w;
  for (std::size_t k = 0; k < 3; ++k)
    w[static_cast<Eigen::Index>(k)] = idx[k] > dims[k] / 2 ? idx[k] - dims[k] : idx[k];
  double best = (step * w).squaredNorm();
  if (!orthogonal) {
    for (int x = -1; x <= 1; ++x) {
      if (x != 0 && dims[0] == 1) continue;
      for (int y = -1; y <= 1; ++y) {
        if (y != 0 && dims[1] == 1) continue;
        for (int z = -1; z <= 1; ++z) {
          if (z != 0 && dims[2] == 1) continue;
          const Vec3 v = w + Vec3(x * dims[0], y * dims[1], z * dims[2]);
          best = std::min(best, (step * v).squaredNorm());
        }
      }
    }
  }
  return std::sqrt(best);
}

// |Σ_x a(x) e^{−ih·x}|² → Σ_x a(x) a(x+d): the circular autocorrelation, in place (real part).
void autocorrelate(std::vector<Complex>& a, const std::array<int, 3>& dims) {
  fft::transform(a, dims, false);
  parallel::for_each_index(
      a.size(), [&](std::size_t i) { a[i] = Complex(std::norm(a[i]), 0.0); }, 1 << 16);
  fft::transform(a, dims, true);
}

struct Shells {
  std::vector<double> sum, r_sum;
  std::vector<std::uint64_t> pairs, offsets;
  void resize(std::size_t n) {
    sum.assign(n, 0.0);
    r_sum.assign(n, 0.0);
    pairs.assign(n, 0);
    offsets.assign(n, 0);
  }
  void add(const Shells& o) {
    if (sum.empty()) resize(o.sum.size());
    for (std::size_t k = 0; k < o.sum.size(); ++k) {
      sum[k] += o.sum[k];
      r_sum[k] += o.r_sum[k];
      pairs[k] += o.pairs[k];
      offsets[k] += o.offsets[k];
    }
  }
};

}  // namespace

Curve grid_autocorrelation(const GridField& field, const std::array<bool, 3>& periodic,
                           double r_max, int bins) {
  if (!(r_max > 0) || bins < 1) {
    throw std::invalid_argument("grid_autocorrelation: r_max > 0 and bins >= 1 expected");
  }
  Normalised f = normalise(field, periodic);
  const std::array<int, 3>& dims = field.dims;
  autocorrelate(f.g, dims);
  if (!f.mask.empty()) autocorrelate(f.mask, dims);
  const Mat3 period = period_of(field);
  const bool orthogonal = std::abs(field.step.col(0).dot(field.step.col(1))) +
                              std::abs(field.step.col(0).dot(field.step.col(2))) +
                              std::abs(field.step.col(1).dot(field.step.col(2))) ==
                          0.0;
  const std::size_t nb = static_cast<std::size_t>(bins);
  const double dr = r_max / bins;
  const std::size_t n = f.g.size();
  const auto all_pairs = static_cast<std::uint64_t>(n);
  const Shells total = parallel::reduce_blocks<Shells>(
      n,
      [&](std::size_t begin, std::size_t end) {
        Shells s;
        s.resize(nb);
        for (std::size_t o = begin; o < end; ++o) {
          if (o == 0) continue;  // the self term
          const double r = offset_length(unflatten(o, dims), dims, field.step, orthogonal);
          const auto k = static_cast<std::size_t>(r / dr);
          if (k >= nb) continue;
          const std::uint64_t pairs =
              f.mask.empty() ? all_pairs
                             : static_cast<std::uint64_t>(std::llround(f.mask[o].real()));
          s.sum[k] += f.g[o].real();
          s.pairs[k] += pairs;
          s.r_sum[k] += r;
          ++s.offsets[k];
        }
        return s;
      },
      [](Shells& t, const Shells& p) { t.add(p); }, 4096);
  Curve curve;
  curve.dr = dr;
  curve.volume = (dims[0] > 1 && dims[1] > 1 && dims[2] > 1) ? std::abs(period.determinant()) : 0.0;
  for (std::size_t k = 0; k < nb && !total.offsets.empty(); ++k) {
    if (total.offsets[k] == 0) continue;
    curve.r.push_back(total.r_sum[k] / static_cast<double>(total.offsets[k]));
    curve.pairs.push_back(total.pairs[k]);
    curve.c.push_back(total.pairs[k] ? total.sum[k] / static_cast<double>(total.pairs[k]) : kNaN);
  }
  return curve;
}

Spectrum grid_structure_factor(const GridField& field, const std::array<bool, 3>& periodic,
                               double dq) {
  Normalised f = normalise(field, periodic);
  const std::array<int, 3>& dims = field.dims;
  fft::transform(f.g, dims, false);
  // Wave vectors in the span of the binned period vectors P_b: q = 2π P_b (P_bᵀ P_b)⁻¹ h, the
  // in-plane reciprocal lattice of a 2-D map (and P⁻ᵀ for a 3-D grid).
  const Mat3 period = period_of(field);
  std::vector<int> axes;
  for (int k = 0; k < 3; ++k) {
    if (dims[static_cast<std::size_t>(k)] > 1) axes.push_back(k);
  }
  if (axes.empty()) throw std::invalid_argument("grid_structure_factor: a grid of one point");
  Eigen::MatrixXd pb(3, static_cast<Eigen::Index>(axes.size()));
  for (std::size_t a = 0; a < axes.size(); ++a)
    pb.col(static_cast<Eigen::Index>(a)) = period.col(axes[a]);
  const Eigen::MatrixXd rb = 2 * M_PI * pb * (pb.transpose() * pb).inverse();
  Mat3 recip = Mat3::Zero();  // column k: the reciprocal vector of axis k (0 if not binned)
  for (std::size_t a = 0; a < axes.size(); ++a)
    recip.col(axes[a]) = rb.col(static_cast<Eigen::Index>(a));
  double widest = 0.0, q_top = 0.0;
  for (int k : axes) {
    widest = std::max(widest, 2 * M_PI / recip.col(k).norm());
    q_top += recip.col(k).norm() * (dims[static_cast<std::size_t>(k)] / 2 + 1);
  }
  if (!(dq > 0)) dq = 2 * M_PI / widest;  // the smallest nonzero |q|
  auto q_of = [&](std::size_t o) {
    const auto idx = unflatten(o, dims);
    Vec3 h;
    for (std::size_t k = 0; k < 3; ++k) {
      int i = idx[k];
      if (i > dims[k] / 2) i -= dims[k];
      h[static_cast<Eigen::Index>(k)] = i;
    }
    return (recip * h).norm();
  };
  const auto nb = static_cast<std::size_t>(q_top / dq) + 1;
  const double norm = 1.0 / f.valid;
  const Shells total = parallel::reduce_blocks<Shells>(
      f.g.size(),
      [&](std::size_t begin, std::size_t end) {
        Shells s;
        s.resize(nb);
        for (std::size_t o = begin; o < end; ++o) {
          if (o == 0) continue;
          const double q = q_of(o);
          const auto k = std::min(nb - 1, static_cast<std::size_t>(q / dq));
          s.sum[k] += std::norm(f.g[o]) * norm;
          s.r_sum[k] += q;
          ++s.offsets[k];
        }
        return s;
      },
      [](Shells& t, const Shells& p) { t.add(p); }, 4096);
  Spectrum out;
  out.dq = dq;
  for (std::size_t k = 0; k < nb && !total.offsets.empty(); ++k) {
    if (total.offsets[k] == 0) continue;
    const auto m = static_cast<double>(total.offsets[k]);
    out.q.push_back(total.r_sum[k] / m);
    out.s.push_back(total.sum[k] / m);
    out.modes.push_back(total.offsets[k]);
  }
  return out;
}

std::optional<LengthFit> structure_factor_oz_fit(const Spectrum& spectrum,
                                                 std::optional<double> q_max) {
  auto fit_below = [&](double q_hi) -> std::optional<LengthFit> {
    double sw = 0, sx = 0, sy = 0;
    std::size_t first = spectrum.q.size(), last = 0, points = 0;
    for (std::size_t k = 0; k < spectrum.q.size(); ++k) {
      const double q = spectrum.q[k], s = spectrum.s[k];
      if (q > q_hi || !(s > 0) || !std::isfinite(s)) continue;
      const double w = static_cast<double>(spectrum.modes[k]) * s * s;
      sw += w;
      sx += w * q * q;
      sy += w / s;
      first = std::min(first, k);
      last = k;
      ++points;
    }
    if (points < 3) return std::nullopt;
    const double mx = sx / sw, my = sy / sw;
    double sxx = 0, sxy = 0;
    for (std::size_t k = first; k <= last; ++k) {
      const double q = spectrum.q[k], s = spectrum.s[k];
      if (q > q_hi || !(s > 0) || !std::isfinite(s)) continue;
      const double w = static_cast<double>(spectrum.modes[k]) * s * s;
      sxx += w * (q * q - mx) * (q * q - mx);
      sxy += w * (q * q - mx) * (1.0 / s - my);
    }
    if (!(sxx > 0)) return std::nullopt;
    const double slope = sxy / sxx, intercept = my - slope * mx;
    if (!(slope > 0) || !(intercept > 0)) return std::nullopt;
    LengthFit fit;
    fit.amplitude = 1.0 / intercept;
    fit.xi = std::sqrt(slope / intercept);
    fit.r_from = spectrum.q[first];
    fit.r_to = spectrum.q[last];
    fit.points = points;
    return fit;
  };
  if (spectrum.q.empty()) return std::nullopt;
  if (q_max) return fit_below(*q_max);
  double q_hi = spectrum.q[std::min<std::size_t>(4, spectrum.q.size() - 1)];  // 5 shells
  std::optional<LengthFit> fit = fit_below(q_hi);
  for (int iteration = 0; iteration < 50 && fit; ++iteration) {
    const double next =
        std::max(2.0 / fit->xi, spectrum.q[std::min<std::size_t>(2, spectrum.q.size() - 1)]);
    if (next == q_hi) break;
    std::optional<LengthFit> refit = fit_below(next);
    if (!refit) break;
    const bool same = refit->r_to == fit->r_to;
    q_hi = next;
    fit = refit;
    if (same) break;
  }
  return fit;
}

}  // namespace mgs::correlation
