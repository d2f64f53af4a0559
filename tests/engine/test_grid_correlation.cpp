// FFT statistics of gridded fields: the FFT against a naive DFT (mixed radix and Bluestein
// lengths), C(r) against a brute-force sum over grid pairs (orthogonal and tilted cells, with
// empty bins), a plane wave, a Gaussian random field with C(r) = exp(-r/ξ), an Ornstein–Zernike
// S(q), 1 vs 2 threads, and the frame average.
#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "engine/correlation_average.hpp"
#include "engine/fft.hpp"
#include "engine/grid_correlation.hpp"

using namespace mgs;
using namespace mgs::correlation;
using fft::Complex;

namespace {

constexpr std::array<bool, 3> kPeriodic{true, true, true};

GridField make_field(std::array<int, 3> dims, const Mat3& cell) {
  GridField f;
  f.dims = dims;
  for (int k = 0; k < 3; ++k) f.step.col(k) = cell.col(k) / dims[static_cast<std::size_t>(k)];
  f.values.assign(static_cast<std::size_t>(dims[0] * dims[1] * dims[2]), 0.0);
  return f;
}

// Σ over ordered grid pairs (p, q), p != q, with both values finite, of δf_p δf_q / σ², binned by
// the minimum-image length of the Cartesian separation (over the grid's period, every image
// within two periods checked), divided by the pair count per shell; the shells' mean offset
// length. Brute force, O(N²).
struct Direct {
  std::vector<double> sum, r_sum;
  std::vector<double> pairs, offsets;
};
Direct direct_sum(const GridField& f, double r_max, int bins) {
  const auto& d = f.dims;
  double mean = 0, n = 0;
  for (double v : f.values) {
    if (std::isfinite(v)) mean += v, n += 1;
  }
  mean /= n;
  double var = 0;
  for (double v : f.values) {
    if (std::isfinite(v)) var += (v - mean) * (v - mean);
  }
  var /= n;
  Mat3 period;
  for (int k = 0; k < 3; ++k) period.col(k) = d[static_cast<std::size_t>(k)] * f.step.col(k);
  const double dr = r_max / bins;
  Direct out{std::vector<double>(bins, 0.0), std::vector<double>(bins, 0.0),
             std::vector<double>(bins, 0.0), std::vector<double>(bins, 0.0)};
  auto length = [&](int a, int b, int c) {
    double best = 1e300;
    for (int x = -2; x <= 2; ++x) {
      if (x && d[0] == 1) continue;
      for (int y = -2; y <= 2; ++y) {
        if (y && d[1] == 1) continue;
        for (int z = -2; z <= 2; ++z) {
          if (z && d[2] == 1) continue;
          const Vec3 v =
              a * f.step.col(0) + b * f.step.col(1) + c * f.step.col(2) + period * Vec3(x, y, z);
          best = std::min(best, v.norm());
        }
      }
    }
    return best;
  };
  // Offset geometry (independent of the pair).
  for (int c = 0; c < d[2]; ++c) {
    for (int b = 0; b < d[1]; ++b) {
      for (int a = 0; a < d[0]; ++a) {
        if (a == 0 && b == 0 && c == 0) continue;
        const double r = length(a, b, c);
        const auto k = static_cast<std::size_t>(r / dr);
        if (k >= static_cast<std::size_t>(bins)) continue;
        out.r_sum[k] += r;
        out.offsets[k] += 1;
        for (int z = 0; z < d[2]; ++z) {
          for (int y = 0; y < d[1]; ++y) {
            for (int x = 0; x < d[0]; ++x) {
              const double p = f.values[static_cast<std::size_t>((z * d[1] + y) * d[0] + x)];
              const double q = f.values[static_cast<std::size_t>(
                  (((z + c) % d[2]) * d[1] + (y + b) % d[1]) * d[0] + (x + a) % d[0])];
              if (!std::isfinite(p) || !std::isfinite(q)) continue;
              out.sum[k] += (p - mean) * (q - mean) / var;
              out.pairs[k] += 1;
            }
          }
        }
      }
    }
  }
  return out;
}

void compare_with_direct(const GridField& f, double r_max, int bins) {
  const Curve c = grid_autocorrelation(f, kPeriodic, r_max, bins);
  const Direct d = direct_sum(f, r_max, bins);
  std::size_t m = 0;
  for (int k = 0; k < bins; ++k) {
    if (d.offsets[static_cast<std::size_t>(k)] == 0) continue;
    REQUIRE(m < c.r.size());
    CHECK(c.r[m] == Approx(d.r_sum[k] / d.offsets[k]).epsilon(1e-12));
    CHECK(static_cast<double>(c.pairs[m]) == d.pairs[k]);
    CHECK(std::abs(c.c[m] - d.sum[k] / d.pairs[k]) < 1e-12);
    ++m;
  }
  CHECK(m == c.r.size());
}

// Multiplies the transform of a real field by a real, even filter of |q| (cubic grid of n points
// with spacing h) and transforms back: the result stays real.
std::vector<double> filtered(const std::vector<double>& noise, int n, double h, bool unit_amplitude,
                             const std::function<double(double)>& power) {
  std::vector<Complex> a(noise.begin(), noise.end());
  const std::array<int, 3> dims{n, n, n};
  fft::transform(a, dims, false);
  const double dk = 2 * M_PI / (n * h);
  for (int z = 0; z < n; ++z) {
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        auto w = [n](int i) { return i > n / 2 ? i - n : i; };
        const double q = dk * std::sqrt(double(w(x) * w(x) + w(y) * w(y) + w(z) * w(z)));
        Complex& v = a[static_cast<std::size_t>((z * n + y) * n + x)];
        if (unit_amplitude && std::abs(v) > 0) v /= std::abs(v);
        v *= std::sqrt(power(q));
      }
    }
  }
  a[0] = 0;
  fft::transform(a, dims, true);
  std::vector<double> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i].real();
  return out;
}

std::vector<double> white_noise(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = normal(rng);
  return v;
}

}  // namespace

TEST_CASE("fft: lines against a naive DFT, mixed radix and Bluestein lengths",
          "[grid_correlation]") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (int n : {1, 2, 3, 5, 7, 8, 12, 17, 30, 31, 37, 64, 127, 254}) {
    std::vector<Complex> x(static_cast<std::size_t>(n));
    for (auto& v : x) v = Complex(normal(rng), normal(rng));
    const auto y = fft::transform_line(x, false);
    double worst = 0, scale = 0;
    for (int h = 0; h < n; ++h) {
      Complex s = 0;
      for (int k = 0; k < n; ++k) {
        s += x[static_cast<std::size_t>(k)] * std::polar(1.0, -2 * M_PI * double(h) * k / n);
      }
      worst = std::max(worst, std::abs(s - y[static_cast<std::size_t>(h)]));
      scale = std::max(scale, std::abs(s));
    }
    INFO("n = " << n << ", largest prime factor " << fft::largest_prime_factor(n));
    CHECK(worst <= 1e-12 * std::max(1.0, scale));
    const auto back = fft::transform_line(y, true);
    for (int k = 0; k < n; ++k) {
      CHECK(std::abs(back[static_cast<std::size_t>(k)] - x[static_cast<std::size_t>(k)]) < 1e-12);
    }
  }
  CHECK(fft::largest_prime_factor(254) == 127);
  CHECK(fft::largest_prime_factor(1) == 1);
  // 3-D round trip on a grid with a Bluestein axis.
  const std::array<int, 3> dims{6, 17, 5};
  std::vector<Complex> a(6 * 17 * 5);
  for (auto& v : a) v = Complex(normal(rng), 0.0);
  auto b = a;
  fft::transform(b, dims, false);
  fft::transform(b, dims, true);
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(std::abs(a[i] - b[i]) < 1e-12);
}

TEST_CASE("grid_correlation: FFT C(r) equals the direct sum over grid pairs",
          "[grid_correlation]") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  SECTION("orthogonal cell, 3-D") {
    GridField f = make_field({6, 5, 7}, Vec3(9.0, 7.5, 10.5).asDiagonal().toDenseMatrix());
    for (double& v : f.values) v = normal(rng);
    compare_with_direct(f, 6.1, 23);
  }
  SECTION("tilted cell, 3-D, with empty (NaN) bins") {
    Mat3 cell;
    cell << 8.0, 3.5, -2.0,  //
        0.0, 7.0, 2.5,       //
        0.0, 0.0, 9.0;
    GridField f = make_field({5, 6, 4}, cell);
    for (double& v : f.values) v = normal(rng);
    f.values[3] = f.values[17] = f.values[40] = std::numeric_limits<double>::quiet_NaN();
    compare_with_direct(f, 7.1, 31);
  }
  SECTION("tilted cell, 2-D map in the a-b plane") {
    Mat3 cell;
    cell << 10.0, 6.0, 3.0,  //
        0.0, 8.0, -2.0,      //
        0.0, 0.0, 12.0;
    GridField f = make_field({8, 7, 1}, cell);
    for (double& v : f.values) v = normal(rng);
    compare_with_direct(f, 8.1, 37);
  }
}

TEST_CASE("grid_correlation: a plane wave cos(2πx/L) gives C(r) = cos(2πr/L) along x",
          "[grid_correlation]") {
  const int n = 40;
  const double L = 20.0;
  GridField f = make_field({n, 1, 1}, Vec3(L, 5.0, 5.0).asDiagonal().toDenseMatrix());
  for (int i = 0; i < n; ++i) f.values[static_cast<std::size_t>(i)] = std::cos(2 * M_PI * i / n);
  // Shells of 0.276 Å: one grid separation (0.5 Å steps) per shell, each at both ±d.
  const Curve c = grid_autocorrelation(f, kPeriodic, 10.2, 37);
  REQUIRE(c.r.size() == static_cast<std::size_t>(n / 2));
  for (std::size_t k = 0; k < c.r.size(); ++k) {
    CHECK(c.r[k] == Approx(0.5 * (k + 1)));
    CHECK(std::abs(c.c[k] - std::cos(2 * M_PI * c.r[k] / L)) < 1e-12);
  }
  CHECK(c.volume == 0.0);
  // The same wave in a 3-D grid: offsets along a only are the cosine.
  GridField g = make_field({n, 4, 3}, Vec3(L, 6.0, 4.0).asDiagonal().toDenseMatrix());
  for (std::size_t o = 0; o < g.values.size(); ++o) {
    g.values[o] = std::cos(2 * M_PI * static_cast<double>(o % n) / n);
  }
  const Curve c3 = grid_autocorrelation(g, kPeriodic, 0.9, 9);  // only r = 0.5 (x), no y, z offset
  REQUIRE(c3.r.size() == 1);
  CHECK(std::abs(c3.c[0] - std::cos(2 * M_PI * 0.5 / L)) < 1e-12);
}

TEST_CASE("grid_correlation: a Gaussian random field with C(r) = exp(-r/ξ) gives ξ within 5 %",
          "[grid_correlation]") {
  // White noise filtered with the square root of the 3-D transform of exp(-r/ξ),
  // 8πξ³/(1 + q²ξ²)²: a Gaussian random field whose covariance is the periodised exp(-r/ξ) less
  // its mean (the model exponential_fit uses with the cell volume).
  const int n = 96;
  const double h = 1.0, xi = 4.0;
  const auto values = filtered(white_noise(std::size_t(n) * n * n, 11), n, h, false, [&](double q) {
    const double d = 1 + q * q * xi * xi;
    return 8 * M_PI * xi * xi * xi / (d * d);
  });
  GridField f = make_field({n, n, n}, Mat3::Identity() * (n * h));
  f.values = values;
  const Curve c = grid_autocorrelation(f, kPeriodic, 24.0, 48);
  const auto exponential = exponential_fit(c, 1.5);
  REQUIRE(exponential);
  INFO("ξ = " << exponential->xi << " fitted over " << exponential->r_from << " - "
              << exponential->r_to << " Å");
  CHECK(exponential->xi == Approx(xi).epsilon(0.05));
  const IntegralLength integral = integral_length(c);
  INFO("integral ξ = " << integral.xi << " to r0 = " << integral.r0);
  CHECK(integral.xi == Approx(xi).epsilon(0.1));
}

TEST_CASE("grid_correlation: S(q) of an Ornstein–Zernike field gives ξ", "[grid_correlation]") {
  // Random phases with |F(q)|² ∝ 1/(1 + q²ξ²): S(q) is exactly the OZ form on every mode.
  const int n = 48;
  const double h = 1.5, xi = 5.0;
  GridField f = make_field({n, n, n}, Mat3::Identity() * (n * h));
  f.values = filtered(white_noise(std::size_t(n) * n * n, 5), n, h, true,
                      [&](double q) { return 1.0 / (1.0 + q * q * xi * xi); });
  const Spectrum s = grid_structure_factor(f, kPeriodic);
  CHECK(s.dq == Approx(2 * M_PI / (n * h)));
  double mean = 0, modes = 0;
  for (std::size_t k = 0; k < s.q.size(); ++k) {
    mean += s.s[k] * static_cast<double>(s.modes[k]);
    modes += static_cast<double>(s.modes[k]);
  }
  CHECK(modes == Approx(double(n) * n * n - 1));
  CHECK(mean == Approx(double(n) * n * n).epsilon(1e-9));  // Parseval: Σ_q S = N
  const auto oz = structure_factor_oz_fit(s);
  REQUIRE(oz);
  INFO("ξ = " << oz->xi << " over q " << oz->r_from << " - " << oz->r_to);
  CHECK(oz->xi == Approx(xi).epsilon(0.01));
  CHECK(oz->points >= 3);
  const auto given = structure_factor_oz_fit(s, 0.5);
  REQUIRE(given);
  CHECK(given->r_to <= 0.5);
  CHECK(given->xi == Approx(xi).epsilon(0.01));
}

TEST_CASE("grid_correlation: identical for 1 and 2 threads; frame average; errors",
          "[grid_correlation]") {
  Mat3 cell;
  cell << 20.0, 5.0, 0.0,  //
      0.0, 18.0, 3.0,      //
      0.0, 0.0, 22.0;
  GridField f = make_field({20, 18, 127}, cell);  // a Bluestein axis
  f.values = white_noise(f.values.size(), 1);
  f.values[100] = std::numeric_limits<double>::quiet_NaN();
  auto run = [&](int threads) {
    tbb::global_control control(tbb::global_control::max_allowed_parallelism, threads);
    return std::make_pair(grid_autocorrelation(f, kPeriodic, 8.0, 32),
                          grid_structure_factor(f, kPeriodic));
  };
  const auto one = run(1), two = run(2);
  CHECK(one.first.c == two.first.c);
  CHECK(one.first.pairs == two.first.pairs);
  CHECK(one.second.s == two.second.s);

  CurveAverage average;
  average.add(one.first);
  average.add(one.first);
  const Curve mean = average.result();
  for (std::size_t k = 0; k < mean.c.size(); ++k) {
    CHECK(mean.c[k] == Approx(one.first.c[k]).margin(1e-15));
    CHECK(mean.pairs[k] == 2 * one.first.pairs[k]);
  }
  SpectrumAverage spectra;
  spectra.add(one.second);
  spectra.add(one.second);
  CHECK(spectra.result().s[3] == Approx(one.second.s[3]));

  GridField constant = make_field({4, 4, 4}, Mat3::Identity() * 8.0);
  CHECK_THROWS_AS(grid_autocorrelation(constant, kPeriodic, 3.0, 3), std::invalid_argument);
  constant.values[5] = 1.0;
  CHECK_THROWS_AS(grid_autocorrelation(constant, {true, false, true}, 3.0, 3),
                  std::invalid_argument);
  CHECK_NOTHROW(grid_autocorrelation(constant, kPeriodic, 3.0, 3));
}
