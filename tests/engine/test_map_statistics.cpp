// Map comparison statistics: KS and Wasserstein-1 against hand-computed values (with ties),
// moments of known distributions, and Gaussian-correlated random fields (white noise convolved
// with exp(−r²/2ξ²)), whose autocorrelation exp(−r²/4ξ²) and power spectrum ∝ exp(−q²ξ²) are
// known: correlation lengths, P(q), KS/W1/SSIM between realisations, SSIM against added noise.
#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "engine/fft.hpp"
#include "engine/map_statistics.hpp"

using namespace mgs;
using namespace mgs::mapstats;

namespace {

// White noise N(0, 1) on an n × n periodic grid convolved with g(r) = exp(−r²/2ξ²) (ξ in
// pixels, minimum-image distances): autocovariance πξ² exp(−d²/4ξ²), variance πξ².
std::vector<double> gaussian_field(int n, double xi, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  const auto size = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  std::vector<fft::Complex> noise(size), kernel(size);
  for (auto& v : noise) v = normal(rng);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const int di = std::min(i, n - i), dj = std::min(j, n - j);
      kernel[static_cast<std::size_t>(j * n + i)] = std::exp(-(di * di + dj * dj) / (2 * xi * xi));
    }
  }
  const std::array<int, 3> dims{n, n, 1};
  fft::transform(noise, dims, false);
  fft::transform(kernel, dims, false);
  for (std::size_t k = 0; k < size; ++k) noise[k] *= kernel[k];
  fft::transform(noise, dims, true);
  std::vector<double> out(size);
  for (std::size_t k = 0; k < size; ++k) out[k] = noise[k].real();
  return out;
}

MapView view(const std::vector<double>& v, int nx, int ny, double pixel = 1.0) {
  return MapView{v, nx, ny, pixel};
}

}  // namespace

TEST_CASE("KS and Wasserstein-1 of small samples match hand-computed values", "[map_statistics]") {
  const std::vector<double> a{1, 2, 3}, b{2, 3, 4, 5};
  // F_a − F_b after 1, 2, 3, 4: 1/3, 2/3 − 1/4, 1 − 1/2, 1 − 3/4.
  CHECK(kolmogorov_smirnov(a, b).statistic == Approx(0.5));
  CHECK(kolmogorov_smirnov(b, a).statistic == Approx(0.5));
  CHECK(kolmogorov_smirnov(a, b).effective_n == Approx(12.0 / 7.0));
  // ∫|F_a − F_b| = 1/3 + 5/12 + 1/2 + 1/4 = 3/2 (= the difference of the means, F_a >= F_b).
  CHECK(wasserstein1(a, b) == Approx(1.5));
  CHECK(wasserstein1(b, a) == Approx(1.5));
  // Ties across and within the samples: F_a − F_b is 1/3 after 1 and 0 after 2; a naive walk
  // that steps one value at a time would see 2/3 (after both 1s of a, before b's 1).
  const std::vector<double> c{1, 1, 2}, d{1, 2, 2};
  CHECK(kolmogorov_smirnov(c, d).statistic == Approx(1.0 / 3.0));
  CHECK(wasserstein1(c, d) == Approx(1.0 / 3.0));
  // NaN values are missing data.
  const std::vector<double> e{1, NAN, 2, 3};
  CHECK(kolmogorov_smirnov(e, b).statistic == Approx(0.5));
  CHECK(wasserstein1(e, b) == Approx(1.5));
  CHECK_THROWS_AS(wasserstein1(std::vector<double>{NAN}, b), std::invalid_argument);
}

TEST_CASE("the Kolmogorov survival function", "[map_statistics]") {
  CHECK(kolmogorov_survival(0.0) == 1.0);
  CHECK(kolmogorov_survival(1.358) == Approx(0.05).margin(5e-4));  // the 5 % critical value
  CHECK(kolmogorov_survival(1.628) == Approx(0.01).margin(2e-4));  // the 1 % critical value
  CHECK(kolmogorov_survival(1.0) == Approx(0.26999967).margin(1e-6));
  // The two series agree where they switch.
  CHECK(kolmogorov_survival(1.18 - 1e-12) == Approx(kolmogorov_survival(1.18)).epsilon(1e-9));
}

TEST_CASE("a map compared with itself", "[map_statistics]") {
  const std::vector<double> v = gaussian_field(64, 2.0, 1);
  const DistributionComparison c = compare_distributions(v, v);
  CHECK(c.ks.statistic == 0.0);
  CHECK(c.ks.p_value == 1.0);
  CHECK(c.wasserstein1 == 0.0);
  CHECK(c.histograms.density_a == c.histograms.density_b);
  CHECK(ssim(view(v, 64, 64), view(v, 64, 64)) == Approx(1.0).epsilon(1e-12));
  // The histograms share one binning over the pooled range and integrate to 1.
  REQUIRE(c.histograms.centers.size() == 64);
  double integral = 0;
  for (std::size_t k = 0; k < 64; ++k)
    integral += c.histograms.density_a[k] * (c.histograms.edges[k + 1] - c.histograms.edges[k]);
  CHECK(integral == Approx(1.0));
  CHECK(c.histograms.edges.front() == c.a.min);
  CHECK(c.histograms.edges.back() == c.a.max);
}

TEST_CASE("moments and Wasserstein-1 of known distributions", "[map_statistics]") {
  std::mt19937_64 rng(7);
  std::exponential_distribution<double> exponential(1.0);
  std::vector<double> e(400000);
  for (double& x : e) x = exponential(rng);
  const Moments m = moments(e);
  CHECK(m.mean == Approx(1.0).epsilon(0.01));
  CHECK(m.std == Approx(1.0).epsilon(0.01));
  CHECK(m.cv == Approx(1.0).epsilon(0.02));
  CHECK(m.skewness == Approx(2.0).epsilon(0.05));         // exponential: 2
  CHECK(m.excess_kurtosis == Approx(6.0).epsilon(0.15));  // exponential: 6

  std::normal_distribution<double> normal;
  std::vector<double> a(50000), b(30000);
  for (double& x : a) x = normal(rng);
  for (double& x : b) x = normal(rng) + 0.7;
  // W1 between N(0,1) and N(0.7,1) is the shift; KS D is 2Φ(0.35) − 1 = 0.2737.
  CHECK(wasserstein1(a, b) == Approx(0.7).margin(0.03));
  CHECK(kolmogorov_smirnov(a, b).statistic == Approx(0.2737).margin(0.02));
  CHECK(kolmogorov_smirnov(a, b).p_value < 1e-10);
  const Moments ma = moments(a);
  CHECK(ma.skewness == Approx(0.0).margin(0.05));
  CHECK(ma.excess_kurtosis == Approx(0.0).margin(0.1));
  // Normalisation removes the shift (z-scores) before the comparison.
  CHECK(wasserstein1(normalised(a, Normalisation::ZScore), normalised(b, Normalisation::ZScore)) <
        0.03);
}

TEST_CASE("two realisations of one Gaussian-correlated field", "[map_statistics]") {
  const int n = 256;
  const std::vector<double> f1 = gaussian_field(n, 2.0, 11), f2 = gaussian_field(n, 2.0, 12);
  const DistributionComparison c = compare_distributions(f1, f2);
  const double sigma = std::sqrt(M_PI) * 2.0;  // √(πξ²)
  CHECK(c.a.std == Approx(sigma).epsilon(0.05));
  CHECK(c.b.std == Approx(sigma).epsilon(0.05));
  // About n²/(4πξ²) ≈ 1300 independent values each: D and W1/σ of order 0.03.
  CHECK(c.ks.statistic < 0.06);
  CHECK(c.wasserstein1 < 0.06 * sigma);
  // Unregistered (independent) maps share no structure.
  CHECK(std::abs(ssim(view(f1, n, n), view(f2, n, n))) < 0.05);
  CHECK_THROWS_AS(ssim(view(f1, n, n), view(f2, n / 2, 2 * n)), std::invalid_argument);
}

TEST_CASE("correlation lengths tell ξ = 2 px from ξ = 6 px", "[map_statistics]") {
  // One 256² map holds only n²/(4πξ²) ≈ 145 independent patches for ξ = 6 px: the 1/e length
  // of one realisation scatters by ~4 %, the integral length (whose noisy tail runs to the first
  // zero) by ~8 %. Each realisation is checked at 15 % (25 % for the integral), the mean of
  // four realisations (scatter ~4 % for the integral) at 15 %.
  const int n = 256;
  const double pixel = 1.5;  // Å
  std::vector<double> means_e, means_i;
  for (double xi_px : {2.0, 6.0}) {
    CAPTURE(xi_px);
    const double xi = xi_px * pixel;
    double sum_e = 0, sum_i = 0;
    int count = 0;
    for (unsigned seed = 21; seed < 25; ++seed) {
      const std::vector<double> f = gaussian_field(n, xi_px, seed);
      // C(r) = exp(−r²/4ξ²): 1/e at 2ξ, ∫C dr = √π ξ.
      for (bool periodic : {false, true}) {
        CAPTURE(seed, periodic);
        const correlation::Curve curve = map_autocorrelation(view(f, n, n, pixel), periodic);
        REQUIRE(!curve.r.empty());
        CHECK(curve.r.back() <= 0.5 * n * pixel);
        const CorrelationLengths lengths = correlation_lengths(curve);
        REQUIRE(lengths.one_over_e);
        CHECK(*lengths.one_over_e == Approx(2 * xi).epsilon(0.15));
        CHECK(lengths.integral.zero_found);
        CHECK(lengths.integral.xi == Approx(std::sqrt(M_PI) * xi).epsilon(0.25));
        CHECK(lengths.exponential.has_value());
        sum_e += *lengths.one_over_e;
        sum_i += lengths.integral.xi;
        ++count;
      }
    }
    CHECK(sum_e / count == Approx(2 * xi).epsilon(0.15));
    CHECK(sum_i / count == Approx(std::sqrt(M_PI) * xi).epsilon(0.15));
    means_e.push_back(sum_e / count);
    means_i.push_back(sum_i / count);
  }
  CHECK(means_e[1] > 2.5 * means_e[0]);  // 3 expected
  CHECK(means_i[1] > 2.5 * means_i[0]);
}

TEST_CASE("padding keeps a non-periodic map from wrapping around", "[map_statistics]") {
  // A ramp 0..15 along a 16 × 1 map: wrapped around, offset 15 would be the neighbour pair
  // (15, 0); padded, it pairs only the two ends, 15 apart.
  const int nx = 16;
  std::vector<double> v(nx);
  for (int i = 0; i < nx; ++i) v[static_cast<std::size_t>(i)] = i;
  const correlation::Curve c = map_autocorrelation(view(v, nx, 1), false, 15.5, 31);
  // Shell [15, 15.5) holds the offsets ±15: one pair each, δf δf = −7.5², σ² = (16² − 1)/12.
  REQUIRE(c.r.back() == Approx(15.0));
  CHECK(c.pairs.back() == 2);
  CHECK(c.c.back() == Approx(-7.5 * 7.5 / ((nx * nx - 1) / 12.0)));
  // Offset 1: the 15 neighbour pairs each way, no (15, 0) pair.
  double sum = 0;
  for (int i = 0; i + 1 < nx; ++i) sum += (i - 7.5) * (i + 1 - 7.5);
  REQUIRE(c.r[0] == Approx(1.0));
  CHECK(c.pairs[0] == 30);
  CHECK(c.c[0] == Approx(sum / 15 / ((nx * nx - 1) / 12.0)));
}

TEST_CASE("the radial power spectrum of a Gaussian-filtered field", "[map_statistics]") {
  const int n = 256;
  const double pixel = 2.0, xi_px = 3.0, xi = xi_px * pixel;
  // P(q) = a² |Σ g e^{−iqx}|² = a² (2πξ_px²)² exp(−q²ξ²) for unit white noise.
  auto model = [&](double q) {
    return pixel * pixel * std::pow(2 * M_PI * xi_px * xi_px, 2) * std::exp(-q * q * xi * xi);
  };
  // Over 0.3 <= qξ <= 2 one map has ~570 modes: the mode-weighted mean of ln(P / model) scatters
  // by ~4 % (more with the window, which discounts the edges); four maps halve that.
  for (bool hann : {false, true}) {
    CAPTURE(hann);
    double log_ratio = 0, weight = 0;
    for (unsigned seed = 31; seed < 35; ++seed) {
      const std::vector<double> f = gaussian_field(n, xi_px, seed);
      const PowerSpectrum p = radial_power_spectrum(view(f, n, n, pixel), hann);
      CHECK(p.dq == Approx(2 * M_PI / (n * pixel)));
      int shells = 0;
      for (std::size_t k = 0; k < p.q.size(); ++k) {
        const double qx = p.q[k] * xi;
        if (qx < 0.3 || qx > 2.0) continue;
        const double ratio = p.power[k] / model(p.q[k]);
        // The periodogram of one mode scatters by 100 %: a shell of m modes by 1/√m.
        CHECK(std::abs(ratio - 1) < 5 / std::sqrt(static_cast<double>(p.modes[k])) + 0.05);
        log_ratio += static_cast<double>(p.modes[k]) * std::log(ratio);
        weight += static_cast<double>(p.modes[k]);
        ++shells;
      }
      CHECK(shells > 10);
    }
    CHECK(std::exp(log_ratio / weight) == Approx(1.0).margin(0.06));
  }
  // Parseval: Σ_q P / (N a²) is the variance (no window).
  const std::vector<double> f = gaussian_field(n, xi_px, 31);
  const PowerSpectrum p = radial_power_spectrum(view(f, n, n, pixel), false);
  double total = 0;
  for (std::size_t k = 0; k < p.q.size(); ++k)
    total += p.power[k] * static_cast<double>(p.modes[k]);
  CHECK(total / (n * n * pixel * pixel) == Approx(std::pow(moments(f).std, 2)).epsilon(1e-9));
}

TEST_CASE("SSIM of a map against the map plus small noise", "[map_statistics]") {
  const int n = 256;
  std::mt19937_64 rng(41);
  std::normal_distribution<double> normal;
  const double sigma = 1.0, s = 0.3, range = 8.0;
  std::vector<double> x(static_cast<std::size_t>(n * n)), y(x.size());
  for (std::size_t p = 0; p < x.size(); ++p) {
    x[p] = 10 + sigma * normal(rng);
    y[p] = x[p] + s * normal(rng);
  }
  // Per window the weighted variances are σ²k and (σ² + s²)k and the covariance σ²k, with
  // k = 1 − Σw² the Gaussian window's variance factor; the luminance term is ≈ 1:
  //   SSIM ≈ (2σ²k + C2) / ((2σ² + s²)k + C2).
  double w2 = 0, wsum = 0;
  for (int u = -5; u <= 5; ++u) {
    for (int v = -5; v <= 5; ++v) {
      const double w = std::exp(-(u * u + v * v) / (2 * 1.5 * 1.5));
      wsum += w;
      w2 += w * w;
    }
  }
  const double k = 1 - w2 / (wsum * wsum), c2 = std::pow(0.03 * range, 2);
  const double expected = (2 * sigma * sigma * k + c2) / ((2 * sigma * sigma + s * s) * k + c2);
  SsimOptions options;
  options.dynamic_range = range;
  const double value = ssim(view(x, n, n), view(y, n, n), options);
  CHECK(value == Approx(expected).margin(0.1 * (1 - expected)));
  // Missing pixels drop the windows that hold them.
  std::vector<double> holed = y;
  holed[static_cast<std::size_t>(100 * n + 100)] = NAN;
  CHECK(ssim(view(x, n, n), view(holed, n, n), options) == Approx(value).margin(1e-3));
}

TEST_CASE("map statistics do not depend on the thread count", "[map_statistics]") {
  const int n = 96;
  const std::vector<double> f = gaussian_field(n, 3.0, 51);
  auto run = [&] {
    return std::make_pair(map_autocorrelation(view(f, n, n), false).c,
                          radial_power_spectrum(view(f, n, n), true).power);
  };
  std::pair<std::vector<double>, std::vector<double>> one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = run();
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = run();
  }
  CHECK(one == two);
}
