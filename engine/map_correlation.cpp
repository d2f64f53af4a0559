// Spatial correlation of maps: C(r) through the masked FFT of engine/grid_correlation.hpp,
// correlation lengths, and the radially averaged power spectrum.
#include "engine/map_statistics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/fft.hpp"
#include "engine/grid.hpp"
#include "engine/grid_correlation.hpp"
#include "engine/parallel.hpp"

namespace mgs::mapstats {

namespace {

void check_size(const MapView& map, const char* what) {
  if (map.nx < 1 || map.ny < 1 ||
      map.values.size() != static_cast<std::size_t>(map.nx) * static_cast<std::size_t>(map.ny)) {
    throw std::invalid_argument(std::string(what) + ": the values do not match nx × ny");
  }
  if (!(map.pixel_size > 0)) throw std::invalid_argument(std::string(what) + ": pixel size <= 0");
}

// The smallest length >= n whose prime factors are all <= 7, so that the padded transform runs
// on kissfft's fast butterflies (at most 9/7 longer than n).
int smooth_length(int n) {
  int m = std::max(n, 1);
  while (fft::largest_prime_factor(m) > 7) ++m;
  return m;
}

}  // namespace

correlation::Curve map_autocorrelation(const MapView& map, bool periodic, double r_max, int bins) {
  check_size(map, "map_autocorrelation");
  const double a = map.pixel_size;
  if (!(r_max > 0)) r_max = 0.5 * std::min(map.nx, map.ny) * a;
  if (bins <= 0) bins = std::max(1, static_cast<int>(std::lround(r_max / a)));
  // Padding to >= 2n along each axis: the circular correlation on the padded grid then pairs a
  // pixel only with pixels really offset by d (|d| < n), never with a wrapped-around image; the
  // NaN padding is masked out of both the products and the pair counts.
  const int px = periodic || map.nx == 1 ? map.nx : smooth_length(2 * map.nx);
  const int py = periodic || map.ny == 1 ? map.ny : smooth_length(2 * map.ny);
  GridField field;
  field.dims = {px, py, 1};
  field.binned = {map.nx > 1, map.ny > 1, false};
  field.step = Mat3::Identity() * a;
  field.values.assign(static_cast<std::size_t>(px) * static_cast<std::size_t>(py),
                      std::numeric_limits<double>::quiet_NaN());
  for (int j = 0; j < map.ny; ++j) {
    for (int i = 0; i < map.nx; ++i) {
      field.values[static_cast<std::size_t>(j) * static_cast<std::size_t>(px) +
                   static_cast<std::size_t>(i)] =
          map.values[static_cast<std::size_t>(j) * static_cast<std::size_t>(map.nx) +
                     static_cast<std::size_t>(i)];
    }
  }
  return correlation::grid_autocorrelation(field, {true, true, true}, r_max, bins);
}

CorrelationLengths correlation_lengths(const correlation::Curve& curve, double r_min) {
  CorrelationLengths out;
  out.exponential = correlation::exponential_fit(curve, r_min);
  out.integral = correlation::integral_length(curve);
  const double level = std::exp(-1.0);
  double r_prev = 0.0, c_prev = 1.0;  // C(0) = 1, the self term
  for (std::size_t k = 0; k < curve.r.size(); ++k) {
    if (curve.pairs[k] == 0 || !std::isfinite(curve.c[k])) continue;
    const double r = curve.r[k], c = curve.c[k];
    if (c <= level) {
      out.one_over_e = r_prev + (r - r_prev) * (c_prev - level) / (c_prev - c);
      break;
    }
    r_prev = r;
    c_prev = c;
  }
  return out;
}

PowerSpectrum radial_power_spectrum(const MapView& map, bool hann) {
  check_size(map, "radial_power_spectrum");
  if (map.values.size() < 2) throw std::invalid_argument("radial_power_spectrum: one pixel");
  for (double v : map.values) {
    if (!std::isfinite(v)) throw std::invalid_argument("radial_power_spectrum: a non-finite pixel");
  }
  const auto nx = static_cast<std::size_t>(map.nx), ny = static_cast<std::size_t>(map.ny);
  auto window_of = [hann](std::size_t n) {
    std::vector<double> w(n, 1.0);
    if (hann) {
      for (std::size_t i = 0; i < n; ++i) {
        const double s = std::sin(M_PI * (static_cast<double>(i) + 0.5) / static_cast<double>(n));
        w[i] = s * s;
      }
    }
    return w;
  };
  const std::vector<double> wx = window_of(nx), wy = window_of(ny);
  double sw = 0.0, swf = 0.0, sw2 = 0.0;
  for (std::size_t j = 0; j < ny; ++j) {
    for (std::size_t i = 0; i < nx; ++i) {
      const double w = wx[i] * wy[j];
      sw += w;
      swf += w * map.values[j * nx + i];
      sw2 += w * w;
    }
  }
  // Subtracting the window-weighted mean makes Σ w (f − f̄) = 0 exactly, so no DC power leaks
  // into the low-q shells through the window's own spectrum.
  const double mean = swf / sw;
  std::vector<fft::Complex> data(nx * ny);
  for (std::size_t j = 0; j < ny; ++j) {
    for (std::size_t i = 0; i < nx; ++i) {
      data[j * nx + i] = fft::Complex(wx[i] * wy[j] * (map.values[j * nx + i] - mean), 0.0);
    }
  }
  const std::array<int, 3> dims{map.nx, map.ny, 1};
  fft::transform(data, dims, false);
  const double a = map.pixel_size;
  const double norm = a * a / sw2;
  PowerSpectrum out;
  out.dq = 2 * M_PI / (std::max(map.nx, map.ny) * a);
  const double qx_unit = 2 * M_PI / (map.nx * a), qy_unit = 2 * M_PI / (map.ny * a);
  auto q_of = [&](std::size_t o) {
    const auto i = static_cast<int>(o % nx), j = static_cast<int>(o / nx);
    const double h = i > map.nx / 2 ? i - map.nx : i, k = j > map.ny / 2 ? j - map.ny : j;
    return std::hypot(h * qx_unit, k * qy_unit);
  };
  const double q_top = std::hypot((map.nx / 2) * qx_unit, (map.ny / 2) * qy_unit);
  const auto shells = static_cast<std::size_t>(q_top / out.dq) + 1;
  struct Sums {
    std::vector<double> power, q;
    std::vector<std::uint64_t> modes;
  };
  const Sums total = parallel::reduce_blocks<Sums>(
      data.size(),
      [&](std::size_t begin, std::size_t end) {
        Sums s{std::vector<double>(shells, 0.0), std::vector<double>(shells, 0.0),
               std::vector<std::uint64_t>(shells, 0)};
        for (std::size_t o = begin; o < end; ++o) {
          if (o == 0) continue;  // q = 0: the mean, removed
          const double q = q_of(o);
          const auto k = std::min(shells - 1, static_cast<std::size_t>(q / out.dq));
          s.power[k] += std::norm(data[o]) * norm;
          s.q[k] += q;
          ++s.modes[k];
        }
        return s;
      },
      [](Sums& t, const Sums& p) {
        if (t.power.empty()) {
          t = p;
          return;
        }
        for (std::size_t k = 0; k < p.power.size(); ++k) {
          t.power[k] += p.power[k];
          t.q[k] += p.q[k];
          t.modes[k] += p.modes[k];
        }
      },
      4096);
  for (std::size_t k = 0; k < shells; ++k) {
    if (total.modes[k] == 0) continue;
    const auto m = static_cast<double>(total.modes[k]);
    out.q.push_back(total.q[k] / m);
    out.power.push_back(total.power[k] / m);
    out.modes.push_back(total.modes[k]);
  }
  return out;
}

}  // namespace mgs::mapstats
