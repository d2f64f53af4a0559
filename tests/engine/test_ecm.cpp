// Electron correlation microscopy: KWW fits of exact curves, a stochastic intensity series with
// a known g₂ (spectral synthesis), the per-pixel maps of a stack (thread-count independent), and
// F_s(q, t) of static atoms and of random walkers.
#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "engine/ecm.hpp"
#include "engine/fft.hpp"

using namespace mgs;
using namespace mgs::ecm;

namespace {

// A stationary Gaussian series x(t) of length n (a power of two) with ⟨x(t) x(t+τ)⟩ = c(τ), by
// spectral synthesis: white noise filtered with √S, S the DFT of the circularly symmetric c.
// Then E[x(t) x(t+τ)] = (1/n) Σ_k S_k e^{2πikτ/n} = c(τ) exactly (for n ≫ the decay of c).
template <class C>
std::vector<double> gaussian_series(std::size_t n, C&& c, unsigned seed) {
  std::vector<fft::Complex> spectrum(n), noise(n);
  for (std::size_t t = 0; t < n; ++t) spectrum[t] = c(static_cast<double>(std::min(t, n - t)));
  spectrum = fft::transform_line(spectrum, false);
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  for (auto& v : noise) v = normal(rng);
  noise = fft::transform_line(noise, false);
  for (std::size_t k = 0; k < n; ++k) noise[k] *= std::sqrt(std::max(spectrum[k].real(), 0.0));
  noise = fft::transform_line(noise, true);
  std::vector<double> x(n);
  for (std::size_t t = 0; t < n; ++t) x[t] = noise[t].real();
  return x;
}

}  // namespace

TEST_CASE("KWW fits recover exact stretched exponentials", "[ecm]") {
  for (double beta : {0.65, 1.0, 1.6}) {
    CAPTURE(beta);
    const double a = 0.2, tau = 12.5;
    std::vector<double> g2(101);
    for (std::size_t lag = 0; lag < g2.size(); ++lag)
      g2[lag] = 1 + a * std::exp(-2 * std::pow(static_cast<double>(lag) / tau, beta));
    const KwwFit fit = fit_g2(g2, 1, 100);
    CHECK(fit.converged);
    CHECK(fit.ok());
    CHECK(fit.tau == Approx(tau).epsilon(1e-6));
    CHECK(fit.beta == Approx(beta).epsilon(1e-6));
    CHECK(fit.amplitude == Approx(a).epsilon(1e-6));
    CHECK(fit.r_squared == Approx(1.0).margin(1e-10));
    CHECK(fit.rms_residual < 1e-9);
    CHECK(fit.t_from == 1.0);
    CHECK(fit.t_to == 100.0);
    CHECK(fit.points == 100);
    // Frame time scales τ only.
    CHECK(fit_g2(g2, 1, 100, 0.5).tau == Approx(0.5 * tau).epsilon(1e-6));
  }
  // The field form, A exp(−(t/τ)^β), on non-integer times.
  std::vector<double> t, f;
  for (int i = 1; i <= 60; ++i) {
    t.push_back(0.37 * i);
    f.push_back(0.9 * std::exp(-std::pow(0.37 * i / 4.2, 0.55)));
  }
  const KwwFit fit = fit_stretched_exponential(t, f, DecayModel::Field);
  CHECK(fit.converged);
  CHECK(fit.tau == Approx(4.2).epsilon(1e-6));
  CHECK(fit.beta == Approx(0.55).epsilon(1e-6));
  CHECK(fit.amplitude == Approx(0.9).epsilon(1e-6));
  // A window ends the fit early; τ beyond the window is flagged.
  const KwwFit part = fit_stretched_exponential(t, f, DecayModel::Field, 1.0, 3.0);
  CHECK(part.t_from == Approx(0.37 * 3));
  CHECK(part.t_to == Approx(0.37 * 8));
  CHECK(part.tau_beyond_window);
  CHECK(!part.ok());
}

TEST_CASE("fits that cannot work are flagged", "[ecm]") {
  const std::vector<double> flat(50, 1.0);
  CHECK(!fit_g2(flat, 1, 49).converged);  // g₂ − 1 = 0: no decay, R² undefined
  const std::vector<double> short_curve{1.2, 1.1, 1.05};
  CHECK(!fit_g2(short_curve).converged);  // two lags
  CHECK_THROWS_AS(intensity_autocorrelation(flat, 50), std::invalid_argument);
}

TEST_CASE("g2 of a stochastic series recovers its KWW tau and beta within 5 %", "[ecm]") {
  // I(t) = 1 + x(t), x Gaussian with ⟨x x'⟩ = s² exp(−2(τ/τ_c)^β) (a valid covariance for
  // β <= 2): g₂(τ) − 1 = s² exp(−2(τ/τ_c)^β), up to the O(s² τ_c / T) bias of the sample mean.
  const double tau_c = 20.0, beta = 0.7, s = 0.3;
  const std::size_t n = std::size_t{1} << 20;
  const std::vector<double> x = gaussian_series(
      n, [&](double tau) { return s * s * std::exp(-2 * std::pow(tau / tau_c, beta)); }, 3);
  std::vector<double> intensity(n);
  for (std::size_t t = 0; t < n; ++t) intensity[t] = 1 + x[t];
  const std::vector<double> g2 = intensity_autocorrelation(intensity, 80);
  CHECK(g2[0] == Approx(1 + s * s).epsilon(0.02));
  const KwwFit fit = fit_g2(g2, 1, 80);
  CHECK(fit.ok());
  CHECK(fit.tau == Approx(tau_c).epsilon(0.05));
  CHECK(fit.beta == Approx(beta).epsilon(0.05));
  CHECK(fit.amplitude == Approx(s * s).epsilon(0.05));
  CHECK(fit.r_squared > 0.99);
}

TEST_CASE("KWW maps of a stack of frames", "[ecm]") {
  // 12 pixels, two kinds (τ_c = 8 and 16 frames, β = 1), 16384 frames (~1000 τ_c: τ_c of one
  // pixel scatters by ~10 %); one constant and one NaN pixel.
  const std::size_t pixels = 12, frames = 16384;
  std::vector<double> stack(pixels * frames);
  for (std::size_t p = 0; p < pixels; ++p) {
    const double tau_c = p % 2 ? 16.0 : 8.0;
    const std::vector<double> x = gaussian_series(
        frames, [&](double tau) { return 0.04 * std::exp(-2 * tau / tau_c); },
        100 + static_cast<unsigned>(p));
    for (std::size_t t = 0; t < frames; ++t) stack[t * pixels + p] = p == 10 ? 5.0 : 1 + x[t];
  }
  stack[7 * pixels + 11] = NAN;
  KwwMaps one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = fit_g2_stack(stack, pixels, 1, 64);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = fit_g2_stack(stack, pixels, 1, 64);
  }
  double fast = 0, slow = 0;  // mean τ_c of the five good pixels of each kind
  CHECK(one.lag_from == 1);
  CHECK(one.lag_to == 64);
  for (std::size_t p = 0; p < pixels; ++p) {
    CAPTURE(p);
    CHECK(one.status[p] == two.status[p]);
    CHECK((std::isnan(one.tau[p]) ? std::isnan(two.tau[p]) : one.tau[p] == two.tau[p]));
    CHECK((std::isnan(one.beta[p]) ? std::isnan(two.beta[p]) : one.beta[p] == two.beta[p]));
    if (p >= 10) {
      CHECK(one.status[p] == FitStatus::Failed);
      CHECK(std::isnan(one.tau[p]));
      continue;
    }
    // Each pixel as fitted on its own; τ_c within 30 % (3σ), the mean of each kind below.
    std::vector<double> series(frames);
    for (std::size_t t = 0; t < frames; ++t) series[t] = stack[t * pixels + p];
    const KwwFit fit = fit_g2(intensity_autocorrelation(series, 64), 1, 64);
    CHECK(one.tau[p] == fit.tau);
    CHECK(one.r_squared[p] == fit.r_squared);
    CHECK(one.status[p] == FitStatus::Ok);
    CHECK(one.tau[p] == Approx(p % 2 ? 16.0 : 8.0).epsilon(0.3));
    CHECK(one.beta[p] == Approx(1.0).epsilon(0.3));
    (p % 2 ? slow : fast) += one.tau[p] / 5;
  }
  CHECK(fast == Approx(8.0).epsilon(0.1));
  CHECK(slow == Approx(16.0).epsilon(0.1));
  CHECK_THROWS_AS(fit_g2_stack(stack, 5), std::invalid_argument);
}

TEST_CASE("F_s(q, t) of static atoms and of random walkers", "[ecm]") {
  const std::size_t atoms = 2000, frames = 40;
  const double q = 2.8, step = 0.15;  // per-axis displacement per frame (Å)
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(0.0, 30.0);
  std::vector<std::vector<Vec3>> still(frames), walk(frames);
  still[0].resize(atoms);
  for (auto& r : still[0]) r = Vec3(uniform(rng), uniform(rng), uniform(rng));
  walk[0] = still[0];
  for (std::size_t t = 1; t < frames; ++t) {
    still[t] = still[0];
    walk[t] = walk[t - 1];
    for (std::size_t j = 0; j < atoms; ++j) {
      if (j % 2) continue;  // odd atoms stay put
      walk[t][j] += step * Vec3(normal(rng), normal(rng), normal(rng));
    }
  }
  for (double v : self_intermediate_scattering(still, q, 10)) CHECK(v == Approx(1.0));
  // Odd atoms selected: they do not move.
  std::vector<std::size_t> odd;
  for (std::size_t j = 1; j < atoms; j += 2) odd.push_back(j);
  for (double v : self_intermediate_scattering(walk, q, 10, odd)) CHECK(v == Approx(1.0));
  // Even atoms: Gaussian displacements of variance σ² = lag · step² per axis,
  // ⟨sin(qr)/(qr)⟩ = ⟨exp(iq·Δr)⟩ = exp(−q²σ²/2).
  std::vector<std::size_t> even;
  for (std::size_t j = 0; j < atoms; j += 2) even.push_back(j);
  std::vector<double> one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = self_intermediate_scattering(walk, q, 12, even);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = self_intermediate_scattering(walk, q, 12, even);
  }
  CHECK(one == two);
  REQUIRE(one.size() == 13);
  CHECK(one[0] == 1.0);
  std::vector<double> t, f;
  for (std::size_t lag = 1; lag < one.size(); ++lag) {
    const double expected = std::exp(-q * q * step * step * static_cast<double>(lag) / 2);
    CHECK(one[lag] == Approx(expected).margin(0.01));
    t.push_back(static_cast<double>(lag));
    f.push_back(one[lag]);
  }
  // Simple diffusion: F_s = exp(−t/τ) with τ = 2 / (q² step²) frames, β = 1.
  const KwwFit fit = fit_stretched_exponential(t, f, DecayModel::Field);
  CHECK(fit.converged);
  CHECK(fit.tau == Approx(2 / (q * q * step * step)).epsilon(0.05));
  CHECK(fit.beta == Approx(1.0).epsilon(0.05));
  CHECK_THROWS_AS(self_intermediate_scattering(walk, q, 40), std::invalid_argument);
  CHECK_THROWS_AS(self_intermediate_scattering(walk, 0.0, 4), std::invalid_argument);
}
