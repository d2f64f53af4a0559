#include "engine/map_preprocess.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mgs {

namespace {

void check_map(const Map2D& map, const char* what) {
  if (map.nx < 1 || map.ny < 1 || map.values.size() != map.size()) {
    throw std::invalid_argument(fmt::format("{} of map {}: {} x {} pixels with {} values", what,
                                            map.source, map.nx, map.ny, map.values.size()));
  }
}

// Pixel centre k of n scaled to [−1, 1] (0 for a single pixel).
double scaled(int k, int n) {
  return n > 1 ? -1.0 + 2.0 * k / (n - 1) : 0.0;
}

// P_0..P_order at x.
std::array<double, 4> legendre(double x) {
  return {1.0, x, 0.5 * (3.0 * x * x - 1.0), 0.5 * (5.0 * x * x * x - 3.0 * x)};
}

// The (a, b) degree pairs of the basis, a + b ≤ order.
std::vector<std::pair<int, int>> basis(int order) {
  std::vector<std::pair<int, int>> terms;
  for (int total = 0; total <= order; ++total) {
    for (int a = total; a >= 0; --a) terms.emplace_back(a, total - a);
  }
  return terms;
}

// Weights of the input cells [i·p, (i+1)·p) in the output cell [k·q, (k+1)·q) along one axis,
// normalised by q (they sum to 1 when the output cell lies inside the input).
struct AxisWeights {
  std::vector<int> first;              // first input index per output cell
  std::vector<std::vector<double>> w;  // weights of input first[k], first[k]+1, ...
};

AxisWeights area_weights(int n_in, double p, int n_out, double q) {
  AxisWeights a;
  a.first.resize(static_cast<std::size_t>(n_out));
  a.w.resize(static_cast<std::size_t>(n_out));
  for (int k = 0; k < n_out; ++k) {
    const double lo = k * q, hi = (k + 1) * q;
    const int i0 = std::clamp(static_cast<int>(std::floor(lo / p)), 0, n_in - 1);
    const int i1 = std::clamp(static_cast<int>(std::ceil(hi / p)) - 1, i0, n_in - 1);
    a.first[static_cast<std::size_t>(k)] = i0;
    for (int i = i0; i <= i1; ++i) {
      const double overlap = std::max(0.0, std::min(hi, (i + 1) * p) - std::max(lo, i * p));
      a.w[static_cast<std::size_t>(k)].push_back(overlap / q);
    }
  }
  return a;
}

// Bilinear weights: output centre (k + ½)·q at continuous input index u = (k + ½)·q/p − ½,
// between input i0 and i0 + 1 (i0 clamped to the last pair, so the ends extrapolate).
AxisWeights linear_weights(int n_in, double p, int n_out, double q) {
  AxisWeights a;
  a.first.resize(static_cast<std::size_t>(n_out));
  a.w.resize(static_cast<std::size_t>(n_out));
  for (int k = 0; k < n_out; ++k) {
    if (n_in == 1) {
      a.first[static_cast<std::size_t>(k)] = 0;
      a.w[static_cast<std::size_t>(k)] = {1.0};
      continue;
    }
    const double u = (k + 0.5) * q / p - 0.5;
    const int i0 = std::clamp(static_cast<int>(std::floor(u)), 0, n_in - 2);
    const double t = u - i0;
    a.first[static_cast<std::size_t>(k)] = i0;
    a.w[static_cast<std::size_t>(k)] = {1.0 - t, t};
  }
  return a;
}

}  // namespace

Map2D relative_contrast(const Map2D& map) {
  check_map(map, "relative contrast");
  double sum = 0.0, max_abs = 0.0;
  for (double v : map.values) {
    sum += v;
    max_abs = std::max(max_abs, std::abs(v));
  }
  const double mean = sum / static_cast<double>(map.values.size());
  if (!(std::abs(mean) > 1e-12 * max_abs)) {
    throw std::invalid_argument(fmt::format(
        "relative contrast of map {}: the mean intensity is {} (≈ 0); expected a map of "
        "intensities with a nonzero mean",
        map.source, mean));
  }
  Map2D out = map;
  for (double& v : out.values) v = (v - mean) / mean;
  return out;
}

std::vector<double> polynomial_background(const Map2D& map, int order) {
  check_map(map, "polynomial background");
  if (order < 0 || order > 3) {
    throw std::invalid_argument(
        fmt::format("polynomial background of order {}; expected 0 to 3", order));
  }
  if (map.nx <= order || map.ny <= order) {
    throw std::invalid_argument(fmt::format(
        "polynomial background of order {} of map {} ({} x {} pixels): needs at least {} pixels "
        "along x and y",
        order, map.source, map.nx, map.ny, order + 1));
  }
  const auto terms = basis(order);
  const auto m = static_cast<Eigen::Index>(terms.size());
  std::vector<std::array<double, 4>> px(static_cast<std::size_t>(map.nx));
  std::vector<std::array<double, 4>> py(static_cast<std::size_t>(map.ny));
  for (int i = 0; i < map.nx; ++i) px[static_cast<std::size_t>(i)] = legendre(scaled(i, map.nx));
  for (int j = 0; j < map.ny; ++j) py[static_cast<std::size_t>(j)] = legendre(scaled(j, map.ny));
  auto row = [&](int i, int j, Eigen::VectorXd& phi) {
    for (Eigen::Index t = 0; t < m; ++t) {
      const auto [a, b] = terms[static_cast<std::size_t>(t)];
      phi[t] = px[static_cast<std::size_t>(i)][static_cast<std::size_t>(a)] *
               py[static_cast<std::size_t>(j)][static_cast<std::size_t>(b)];
    }
  };
  Eigen::MatrixXd normal = Eigen::MatrixXd::Zero(m, m);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(m);
  Eigen::VectorXd phi(m);
  for (int j = 0; j < map.ny; ++j) {
    for (int i = 0; i < map.nx; ++i) {
      row(i, j, phi);
      normal.selfadjointView<Eigen::Lower>().rankUpdate(phi);
      rhs += phi * map.at(i, j);
    }
  }
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(normal.selfadjointView<Eigen::Lower>());
  const Eigen::VectorXd c = ldlt.solve(rhs);
  std::vector<double> bg(map.values.size());
  for (int j = 0; j < map.ny; ++j) {
    for (int i = 0; i < map.nx; ++i) {
      row(i, j, phi);
      bg[static_cast<std::size_t>(j) * static_cast<std::size_t>(map.nx) +
         static_cast<std::size_t>(i)] = phi.dot(c);
    }
  }
  return bg;
}

Map2D subtract_polynomial_background(const Map2D& map, int order) {
  const std::vector<double> bg = polynomial_background(map, order);
  Map2D out = map;
  for (std::size_t k = 0; k < bg.size(); ++k) out.values[k] -= bg[k];
  return out;
}

Map2D resample(const Map2D& map, double pixel_size) {
  check_map(map, "resampling");
  const double p = map.pixel_size;
  if (!(p > 0.0) || !std::isfinite(p) || !(pixel_size > 0.0) || !std::isfinite(pixel_size)) {
    throw std::invalid_argument(fmt::format(
        "resampling map {} from {} to {} Å per pixel: both pixel sizes must be known and positive",
        map.source, p, pixel_size));
  }
  // floor(extent / q), forgiving the rounding of an exact ratio (3 · 0.1 / 0.1).
  auto out_count = [&](int n) {
    const double r = n * p / pixel_size;
    return static_cast<int>(std::min(std::floor(r * (1.0 + 1e-12)), 1e9));
  };
  const int nx = out_count(map.nx), ny = out_count(map.ny);
  if (nx < 1 || ny < 1) {
    throw std::invalid_argument(
        fmt::format("resampling map {} ({} x {} pixels of {} Å) to {} Å per pixel leaves no pixel",
                    map.source, map.nx, map.ny, p, pixel_size));
  }
  const bool coarsen = pixel_size >= p;
  const AxisWeights wx =
      coarsen ? area_weights(map.nx, p, nx, pixel_size) : linear_weights(map.nx, p, nx, pixel_size);
  const AxisWeights wy =
      coarsen ? area_weights(map.ny, p, ny, pixel_size) : linear_weights(map.ny, p, ny, pixel_size);
  // Separable: along x for every input row, then along y.
  std::vector<double> rows(static_cast<std::size_t>(nx) * static_cast<std::size_t>(map.ny));
  for (int j = 0; j < map.ny; ++j) {
    for (int k = 0; k < nx; ++k) {
      const auto& w = wx.w[static_cast<std::size_t>(k)];
      const int i0 = wx.first[static_cast<std::size_t>(k)];
      double s = 0.0;
      for (std::size_t t = 0; t < w.size(); ++t) s += w[t] * map.at(i0 + static_cast<int>(t), j);
      rows[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
           static_cast<std::size_t>(k)] = s;
    }
  }
  Map2D out;
  out.nx = nx;
  out.ny = ny;
  out.pixel_size = pixel_size;
  out.source = map.source;
  out.values.assign(out.size(), 0.0);
  for (int l = 0; l < ny; ++l) {
    const auto& w = wy.w[static_cast<std::size_t>(l)];
    const auto j0 = static_cast<std::size_t>(wy.first[static_cast<std::size_t>(l)]);
    for (int k = 0; k < nx; ++k) {
      double s = 0.0;
      for (std::size_t t = 0; t < w.size(); ++t) {
        s += w[t] * rows[(j0 + t) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(k)];
      }
      out.values[static_cast<std::size_t>(l) * static_cast<std::size_t>(nx) +
                 static_cast<std::size_t>(k)] = s;
    }
  }
  return out;
}

Map2D crop(const Map2D& map, int x0, int y0, int nx, int ny) {
  check_map(map, "crop");
  if (nx < 1 || ny < 1 || x0 < 0 || y0 < 0 || x0 > map.nx - nx || y0 > map.ny - ny) {
    throw std::invalid_argument(
        fmt::format("crop of {} x {} pixels at ({}, {}) outside map {} of {} x {} pixels", nx, ny,
                    x0, y0, map.source, map.nx, map.ny));
  }
  Map2D out;
  out.nx = nx;
  out.ny = ny;
  out.pixel_size = map.pixel_size;
  out.source = map.source;
  out.values.reserve(out.size());
  for (int j = y0; j < y0 + ny; ++j) {
    for (int i = x0; i < x0 + nx; ++i) out.values.push_back(map.at(i, j));
  }
  return out;
}

}  // namespace mgs
