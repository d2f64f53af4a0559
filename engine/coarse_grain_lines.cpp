#include "engine/coarse_grain_lines.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs {

namespace {

long long floor_div(long long a, long long n) {
  return a >= 0 ? a / n : -((-a + n - 1) / n);
}

std::size_t wrap(long long i, long long n) {
  return static_cast<std::size_t>(i - n * floor_div(i, n));
}

}  // namespace

std::vector<double> coarse_grain_lines(const Grid& grid, const std::vector<Vec3>& positions,
                                       const std::vector<double>& values, double sigma,
                                       CoarseGrainMode mode, const std::vector<char>& include) {
  if (!(sigma > 0.0)) throw std::invalid_argument("coarse_grain: sigma must be positive");
  if (values.size() != positions.size() || (!include.empty() && include.size() != values.size())) {
    throw std::invalid_argument("coarse_grain: one value per atom expected");
  }
  const Box& box = grid.box();
  const auto& n = grid.counts();
  const double cut = kGaussianCutInSigma * sigma, cut2 = cut * cut;
  const double inv2s2 = 1.0 / (2.0 * sigma * sigma);
  const double norm = 1.0 / (std::pow(2.0 * std::numbers::pi, 1.5) * sigma * sigma * sigma);
  const bool density = mode == CoarseGrainMode::Density;
  double reference = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (include.empty() || include[i]) {
      reference = values[i];
      break;
    }
  }
  // Index coordinates: grid point (i, j, k) at o + E·(i, j, k); E's columns are the cell edges
  // over the counts (the whole edge along an axis with one point, whatever the slab), so that
  // index + counts is the same point's periodic image.
  Mat3 e;
  for (int a = 0; a < 3; ++a) e.col(a) = box.edge(a) / n[static_cast<std::size_t>(a)];
  const Mat3 einv = e.inverse();
  const Vec3 origin = grid.center(0, 0, 0);
  std::array<double, 3> reach{};  // the sphere's half extent in index units per axis
  for (int a = 0; a < 3; ++a) reach[static_cast<std::size_t>(a)] = cut * einv.row(a).norm();
  // Planes along the axis with the most points (the slower axis on ties); lines along the
  // fastest remaining axis.
  int p_axis = 2;
  for (int a : {1, 0}) {
    if (n[static_cast<std::size_t>(a)] > n[static_cast<std::size_t>(p_axis)]) p_axis = a;
  }
  const int l_axis = p_axis == 0 ? 1 : 0;
  const int m_axis = 3 - p_axis - l_axis;
  const auto P = static_cast<std::size_t>(p_axis), L = static_cast<std::size_t>(l_axis),
             M = static_cast<std::size_t>(m_axis);
  const long long np = n[P], nm = n[M], nl = n[L];
  const std::array<std::size_t, 3> stride{1, static_cast<std::size_t>(n[0]),
                                          static_cast<std::size_t>(n[0]) * n[1]};

  // Included atoms in index coordinates (wrapped into [0, n) along periodic axes), bucketed by
  // their plane (counting sort: atom order within a bucket).
  const std::size_t atoms = positions.size();
  std::vector<Vec3> t(atoms);
  std::vector<long long> bucket_of(atoms, -1);
  parallel::for_each_index(atoms, [&](std::size_t i) {
    if (!include.empty() && !include[i]) return;
    Vec3 s = einv * (positions[i] - origin);
    for (std::size_t a = 0; a < 3; ++a) {
      if (box.periodic(static_cast<int>(a))) {
        s[static_cast<Eigen::Index>(a)] -=
            n[a] * std::floor(s[static_cast<Eigen::Index>(a)] / n[a]);
      }
    }
    t[i] = s;
    bucket_of[i] = std::clamp<long long>(static_cast<long long>(std::floor(s[p_axis])), 0, np - 1);
  });
  std::vector<std::size_t> start(static_cast<std::size_t>(np) + 1, 0);
  for (long long b : bucket_of) {
    if (b >= 0) ++start[static_cast<std::size_t>(b) + 1];
  }
  for (std::size_t b = 0; b < static_cast<std::size_t>(np); ++b) start[b + 1] += start[b];
  std::vector<std::uint32_t> order(start.back());
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < atoms; ++i) {
      if (bucket_of[i] >= 0)
        order[next[static_cast<std::size_t>(bucket_of[i])]++] = static_cast<std::uint32_t>(i);
    }
  }

  std::vector<double> sum(grid.size(), 0.0), weight(density ? 0 : grid.size(), 0.0);
  const double a_line = e.col(l_axis).squaredNorm();
  const double ratio_step = std::exp(-2.0 * a_line * inv2s2);
  const bool per_p = box.periodic(p_axis), per_m = box.periodic(m_axis),
             per_l = box.periodic(l_axis);
  const auto window = static_cast<long long>(std::ceil(reach[P])) + 1;

  parallel::for_blocks(
      static_cast<std::size_t>(np),
      [&](std::size_t begin, std::size_t end) {
        std::vector<long long> buckets;
        for (std::size_t plane = begin; plane < end; ++plane) {
          const auto p = static_cast<long long>(plane);
          buckets.clear();
          if (per_p && 2 * window + 1 >= np) {
            for (long long b = 0; b < np; ++b) buckets.push_back(b);
          } else if (per_p) {
            for (long long b = p - window; b <= p + window; ++b)
              buckets.push_back(static_cast<long long>(wrap(b, np)));
          } else {
            for (long long b = std::max(0LL, p - window); b <= std::min(np - 1, p + window); ++b) {
              buckets.push_back(b);
            }
          }
          for (long long b : buckets) {
            for (std::size_t q = start[static_cast<std::size_t>(b)];
                 q < start[static_cast<std::size_t>(b) + 1]; ++q) {
              const std::uint32_t atom = order[q];
              const Vec3& ta = t[atom];
              const double value = density ? values[atom] : values[atom] - reference;
              // Unwrapped plane indices equal to p modulo np (periodic) or p itself.
              long long k_lo = p, k_hi = p;
              if (per_p) {
                k_lo = p + np * floor_div(static_cast<long long>(std::ceil(ta[p_axis] - reach[P])) -
                                              p + np - 1,
                                          np);
                k_hi =
                    p + np * floor_div(
                                 static_cast<long long>(std::floor(ta[p_axis] + reach[P])) - p, np);
              }
              for (long long kp = k_lo; kp <= k_hi; kp += np) {
                const Vec3 up = e.col(p_axis) * (static_cast<double>(kp) - ta[p_axis]);
                const auto m_lo = static_cast<long long>(std::ceil(ta[m_axis] - reach[M]));
                const auto m_hi = static_cast<long long>(std::floor(ta[m_axis] + reach[M]));
                for (long long mm = m_lo; mm <= m_hi; ++mm) {
                  if (!per_m && (mm < 0 || mm >= nm)) continue;
                  // u: from the atom to the line's point of index 0 along L.
                  const Vec3 u = up + e.col(m_axis) * (static_cast<double>(mm) - ta[m_axis]) -
                                 e.col(l_axis) * ta[l_axis];
                  const double bq = u.dot(e.col(l_axis));
                  const double cq = u.squaredNorm() - cut2;
                  const double disc = bq * bq - a_line * cq;
                  if (disc < 0) continue;
                  const double root = std::sqrt(disc);
                  auto l_lo = static_cast<long long>(std::ceil((-bq - root) / a_line));
                  auto l_hi = static_cast<long long>(std::floor((-bq + root) / a_line));
                  if (!per_l) {
                    l_lo = std::max(l_lo, 0LL);
                    l_hi = std::min(l_hi, nl - 1);
                  }
                  if (l_lo > l_hi) continue;
                  const auto lo = static_cast<double>(l_lo);
                  double w = std::exp(-(cq + cut2 + 2 * lo * bq + lo * lo * a_line) * inv2s2);
                  double ratio = std::exp(-(2 * bq + (2 * lo + 1) * a_line) * inv2s2);
                  const std::size_t row = wrap(kp, np) * stride[P] + wrap(mm, nm) * stride[M];
                  std::size_t l = wrap(l_lo, nl);
                  for (long long ll = l_lo; ll <= l_hi; ++ll) {
                    const std::size_t g = row + l * stride[L];
                    sum[g] += value * w;
                    if (!density) weight[g] += w;
                    w *= ratio;
                    ratio *= ratio_step;
                    if (++l == static_cast<std::size_t>(nl)) l = 0;
                  }
                }
              }
            }
          }
        }
      },
      1);

  for (std::size_t g = 0; g < sum.size(); ++g) {
    if (density) {
      sum[g] *= norm;
    } else {
      sum[g] = weight[g] > 0.0 ? reference + sum[g] / weight[g]
                               : std::numeric_limits<double>::quiet_NaN();
    }
  }
  return sum;
}

}  // namespace mgs
