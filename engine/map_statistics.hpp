#pragma once
// Statistics for comparing 2-D maps (SCIENCE.md §7, "Comparing with an experimental map"): atoms
// and pixels do not correspond between a simulated and a measured map, so the maps are compared
// through statistics: their value distributions (moments, Kolmogorov–Smirnov, Wasserstein-1,
// histograms on a common binning), their spatial correlation (autocorrelation, correlation
// lengths, radially averaged power spectrum) and, only for registered maps of equal size, SSIM.
// Pure functions without file I/O; results are bit-identical for any thread count.
//
// Implementation: map_statistics.cpp (value distributions), map_correlation.cpp
// (autocorrelation and power spectrum), map_ssim.cpp (SSIM).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/correlation.hpp"

namespace mgs::mapstats {

// A read-only view of a 2-D map: values[j * nx + i] is pixel (i, j), pixel_size in Å. A local
// view type, so that any map container (e.g. Map2D) can be passed without a copy.
struct MapView {
  std::span<const double> values;
  int nx = 0;
  int ny = 0;
  double pixel_size = 1.0;  // Å
};

// ---- value distributions ------------------------------------------------------------------

// Population moments of the finite values (NaN pixels, e.g. missing data, are skipped):
// std = √m2, cv = std / |mean| (inf for a zero mean), skewness = m3 / m2^{3/2},
// excess kurtosis = m4 / m2² − 3 (0 for a normal distribution), m_k the central moments.
// Skewness and kurtosis are NaN for a constant sample; every field is NaN without values.
struct Moments {
  std::size_t count = 0;
  double mean = 0.0;
  double std = 0.0;
  double cv = 0.0;
  double skewness = 0.0;
  double excess_kurtosis = 0.0;
  double min = 0.0;
  double max = 0.0;
};
Moments moments(std::span<const double> values);

// Before comparing distributions of maps in different units (an experimental intensity against a
// simulated field), each may be rescaled: by its mean (v / μ, contrast) or to z-scores
// ((v − μ) / σ). Non-finite values stay as they are.
enum class Normalisation { None, Mean, ZScore };
std::vector<double> normalised(std::span<const double> values, Normalisation normalisation);

// Two-sample Kolmogorov–Smirnov test on the finite values of a and b.
//   D = sup_x |F_a(x) − F_b(x)| over the empirical CDFs, evaluated exactly after every distinct
//   pooled value (all values tied at x are counted before the difference is taken).
//   p = Q_KS(λ), λ = (√n_e + 0.12 + 0.11/√n_e) D, n_e = n_a n_b / (n_a + n_b), the asymptotic
//   Kolmogorov distribution with Stephens' small-sample correction (Numerical Recipes §14.3).
// The test assumes independent samples; neighbouring pixels of a map are correlated (over about
// a correlation length), so the effective number of independent values is smaller than the pixel
// count and the p-value is optimistic (too small): use D itself, or p only as a rough guide.
// Throws std::invalid_argument when either sample has no finite value.
struct KolmogorovSmirnov {
  double statistic = 0.0;    // D
  double p_value = 1.0;      // asymptotic, optimistic for correlated pixels
  double effective_n = 0.0;  // n_a n_b / (n_a + n_b)
};
KolmogorovSmirnov kolmogorov_smirnov(std::span<const double> a, std::span<const double> b);

// Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²), the Kolmogorov survival function (1 at λ = 0).
double kolmogorov_survival(double lambda);

// Wasserstein-1 (earth mover's) distance between the empirical distributions of the finite
// values, exactly ∫ |F_a(x) − F_b(x)| dx (piecewise constant between pooled values). In the
// units of the values. Throws std::invalid_argument when either sample has no finite value.
double wasserstein1(std::span<const double> a, std::span<const double> b);

// Histograms of both samples on one binning: `bins` equal bins over [pooled min, pooled max] of
// the finite values (the maximum goes into the last bin; a constant pool gets the range
// [v − 0.5, v + 0.5]). density integrates to 1 (count / (n · width)), so maps of different sizes
// compare directly. Throws std::invalid_argument for bins < 1 or a sample without finite values.
struct CommonHistograms {
  std::vector<double> edges;    // bins + 1
  std::vector<double> centers;  // bins
  std::vector<std::uint64_t> count_a, count_b;
  std::vector<double> density_a, density_b;
};
CommonHistograms common_histograms(std::span<const double> a, std::span<const double> b,
                                   int bins = 64);

// Everything above for two samples (each a map's values, sizes may differ).
struct DistributionComparison {
  Moments a, b;
  KolmogorovSmirnov ks;
  double wasserstein1 = 0.0;
  CommonHistograms histograms;
};
DistributionComparison compare_distributions(std::span<const double> a, std::span<const double> b,
                                             int bins = 64);

// ---- spatial correlation --------------------------------------------------------------------

// C(r) of a map, radially averaged, from engine/grid_correlation.hpp's masked FFT formula (NaN
// pixels are missing data, left out of every pair). A measured map is not periodic: unless
// `periodic`, the map is padded with NaN to at least 2n pixels along each axis, so that no pair
// wraps around and every offset d is averaged over the pixel pairs really separated by d (fewer
// at large d: `pairs` says how many). periodic = true is for simulated maps of a periodic box
// whose map spans exactly one period. Shells of width r_max / bins; r_max <= 0 means half the
// smaller map side, bins <= 0 one shell per pixel size. Curve.volume is 0 (a 2-D map).
// Throws std::invalid_argument for a map whose size does not match nx·ny, fewer than two finite
// values or a constant map.
correlation::Curve map_autocorrelation(const MapView& map, bool periodic, double r_max = 0.0,
                                       int bins = 0);

// Correlation lengths of a C(r) curve (Å):
//   exponential: engine/correlation.hpp's weighted exponential fit over its fit window from
//                r_min (for C = exp(−r/ξ) it is ξ),
//   integral:    ∫_0^{r0} C dr to the first zero (for C = exp(−r/ξ): ξ; for a Gaussian-filtered
//                field, C = exp(−r²/4ξ²): √π ξ),
//   one_over_e:  the first r where C falls to 1/e, linear interpolation between the shells
//                (through C(0) = 1); nullopt if C stays above 1/e. exp(−r/ξ): ξ; Gaussian: 2ξ.
struct CorrelationLengths {
  std::optional<correlation::LengthFit> exponential;
  correlation::IntegralLength integral;
  std::optional<double> one_over_e;
};
CorrelationLengths correlation_lengths(const correlation::Curve& curve, double r_min = 0.0);

// The radially averaged power spectrum of a map,
//   P(q) = a² |Σ_x w(x) (f(x) − f̄) e^{−iq·x}|² / Σ_x w(x)²     (value² Å²),
// a the pixel size, f̄ = Σ w f / Σ w, over the wave vectors q = 2π (h/(nx a), k/(ny a)) except
// q = 0, averaged in shells of width dq = 2π / (max(nx, ny) a) from 0 (q reported as the mean
// |q| of each shell's modes; empty shells dropped). With this normalisation
// Σ_q P(q) / (nx ny a²) = the (window-weighted) variance, and for a stationary field the
// expected P(q) is the Fourier transform of its autocovariance (∫ C(r) e^{−iq·r} d²r) with or
// without the window (smoothed over ~1.5 dq by the window's spectrum).
// hann = true multiplies the map by the separable Hann window w(i, j) = h_nx(i) h_ny(j),
// h_n(i) = sin²(π (i + ½) / n), which removes the jump at the edges of a non-periodic map (the
// leakage it would spread over all q); the division by Σw² (≈ (3/8)² nx ny) restores the power
// the window takes away. hann = false (w = 1) is for periodic maps.
// Throws std::invalid_argument for a size mismatch, a non-finite pixel or a map of one pixel.
struct PowerSpectrum {
  std::vector<double> q;             // Å⁻¹
  std::vector<double> power;         // P(q), value² Å²
  std::vector<std::uint64_t> modes;  // wave vectors in each shell
  double dq = 0.0;
};
PowerSpectrum radial_power_spectrum(const MapView& map, bool hann);

// ---- structural similarity -------------------------------------------------------------------

// Mean SSIM (Wang, Bovik, Sheikh & Simoncelli, IEEE Trans. Image Process. 13, 600, 2004) of two
// registered maps of equal size: per 11×11 window with Gaussian weights (σ = 1.5 px, normalised
// to sum 1), μ, σ² and σ_ab the weighted means, variances and covariance (no Bessel correction),
//   SSIM = (2 μ_a μ_b + C1)(2 σ_ab + C2) / ((μ_a² + μ_b² + C1)(σ_a² + σ_b² + C2)),
// C1 = (0.01 L)², C2 = (0.03 L)², averaged over the windows fully inside the map that contain no
// NaN pixel. L is the dynamic range: the given value, or (when <= 0) the pooled max − min of both
// maps' finite values (1 if that is 0). Pixel size is not used. Throws std::invalid_argument for
// maps of different sizes, smaller than 11×11, or without a window free of NaN.
struct SsimOptions {
  double dynamic_range = 0.0;  // L; <= 0: pooled max − min
  double k1 = 0.01;
  double k2 = 0.03;
  double sigma = 1.5;  // px
  int window = 11;     // px, odd
};
double ssim(const MapView& a, const MapView& b, const SsimOptions& options = {});

}  // namespace mgs::mapstats
