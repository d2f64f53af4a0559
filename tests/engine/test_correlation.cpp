// Statistics of per-atom fields: C(r) of a random field with a known correlation length, the
// length estimators on analytic curves, Pearson / Spearman / top-set overlap / ROC-AUC on hand
// cases, and bit-identical curves for 1 and 2 threads.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <cstring>
#include <random>

#include "engine/correlation.hpp"

using namespace mgs;
using namespace mgs::correlation;

namespace {

struct Sampled {
  Box box;
  std::vector<Vec3> pos;
  std::vector<double> value;
};

// A random-phase (Gaussian by the central limit theorem) field in a periodic cube of edge L:
// f(x) = Σ_k a_k cos(k·x + φ_k) over the reciprocal lattice with |n| <= nmax (half space), a_k²
// proportional to the 3-D Fourier transform of exp(-r/ξ), i.e. 1/(1 + k²ξ²)². Its box average
// <f(x) f(x+r)> is exactly Σ a_k² cos(k·r)/2, the periodised exp(-r/ξ) with the spectrum cut at
// k_max = 2π nmax/L (which only smooths the cusp at r < 1/k_max). Sampled at N uniform random
// points.
Sampled random_field(double L, double xi, int nmax, std::size_t atoms, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double dk = 2 * M_PI / L;
  std::vector<std::array<int, 3>> modes;
  std::vector<std::complex<double>> coef;
  for (int x = -nmax; x <= nmax; ++x) {
    for (int y = -nmax; y <= nmax; ++y) {
      for (int z = -nmax; z <= nmax; ++z) {
        if (x * x + y * y + z * z > nmax * nmax) continue;
        const bool upper = x > 0 || (x == 0 && (y > 0 || (y == 0 && z > 0)));
        if (!upper) continue;
        const double k2 = dk * dk * (x * x + y * y + z * z);
        const double amplitude = 1.0 / (1.0 + k2 * xi * xi);
        modes.push_back({x, y, z});
        coef.push_back(std::polar(amplitude, 2 * M_PI * uniform(rng)));
      }
    }
  }
  Sampled s;
  s.box = Box(Mat3::Identity() * L, Vec3::Zero(), {true, true, true});
  s.pos.resize(atoms);
  s.value.resize(atoms);
  for (auto& p : s.pos) p = Vec3(uniform(rng), uniform(rng), uniform(rng)) * L;
  std::vector<std::complex<double>> e(3 * (2 * nmax + 1));
  for (std::size_t i = 0; i < atoms; ++i) {
    for (int d = 0; d < 3; ++d) {
      for (int m = -nmax; m <= nmax; ++m) {
        e[d * (2 * nmax + 1) + (m + nmax)] = std::polar(1.0, dk * m * s.pos[i][d]);
      }
    }
    std::complex<double> sum = 0;
    for (std::size_t m = 0; m < modes.size(); ++m) {
      const auto& n = modes[m];
      sum += coef[m] * e[n[0] + nmax] * e[(2 * nmax + 1) + n[1] + nmax] *
             e[2 * (2 * nmax + 1) + n[2] + nmax];
    }
    s.value[i] = sum.real();
  }
  return s;
}

Curve analytic_curve(double r_max, int bins, double (*f)(double)) {
  Curve c;
  c.dr = r_max / bins;
  for (int k = 0; k < bins; ++k) {
    c.r.push_back((k + 0.5) * c.dr);
    c.c.push_back(f(c.r.back()));
    c.pairs.push_back(1000000);
  }
  return c;
}

}  // namespace

TEST_CASE("correlation: a random field with C(r) = exp(-r/ξ) gives ξ by the exponential fit",
          "[correlation]") {
  const double xi = 4.0;
  // One realisation (seed 11; seeds 7 to 11 give ξ = 4.18, 3.93, 3.93, 3.92, 4.00: the
  // estimate scatters by ~3 % between realisations of this 60 Å box).
  const Sampled s = random_field(60.0, xi, 16, 20000, 11);
  const CellList cells(s.box, s.pos, 4.0);
  const Curve c = pair_correlation(cells, s.pos, s.value, s.value, 20.0, 80);
  REQUIRE(c.r.size() == 80);
  const auto fit = exponential_fit(c, 2.0);
  REQUIRE(fit);
  INFO("xi = " << fit->xi << " over " << fit->r_from << ".." << fit->r_to);
  // The subtracted sample mean lowers C by 8πAξ³/V (~0.009 here), which the fit models.
  CHECK(fit->offset > 0.005);
  CHECK(fit->offset < 0.015);
  CHECK(std::abs(fit->xi - xi) < 0.05 * xi);
  CHECK(fit->r_from == Approx(2.125));
  CHECK(fit->r_to > 3 * xi);
  // The autocorrelation at the smallest separations approaches the self term 1 only up to the
  // part of the variance above the spectral cut; the curve decays monotonically at first.
  CHECK(c.c[8] < c.c[4]);
  // The integral and OZ estimators are of the same order (their exact forms are tested below).
  const IntegralLength integral = integral_length(c);
  CHECK(integral.xi > 0.7 * xi);
  CHECK(integral.xi < 1.5 * xi);
}

TEST_CASE("correlation: length estimators on analytic curves", "[correlation]") {
  // exp(-r/3): the integral to r_max = 30 is 3 (1 - e^-10) up to the trapezoid error.
  const Curve e = analytic_curve(30.0, 300, [](double r) { return std::exp(-r / 3.0); });
  const auto fit = exponential_fit(e, 1.0);
  REQUIRE(fit);
  CHECK(fit->xi == Approx(3.0).epsilon(1e-9));
  CHECK(fit->amplitude == Approx(1.0).epsilon(1e-9));
  CHECK(fit->r_from == Approx(1.05));
  const IntegralLength in = integral_length(e);
  CHECK_FALSE(in.zero_found);
  CHECK(in.xi == Approx(3.0).epsilon(2e-3));
  // Ornstein–Zernike real-space form A exp(-r/ξ)/r.
  const Curve oz = analytic_curve(30.0, 300, [](double r) { return 0.5 * std::exp(-r / 2.5) / r; });
  const auto ozfit = ornstein_zernike_fit(oz, 1.0);
  REQUIRE(ozfit);
  CHECK(ozfit->xi == Approx(2.5).epsilon(1e-9));
  CHECK(ozfit->amplitude == Approx(0.5).epsilon(1e-9));
  // A zero crossing: cos(r π/8) crosses at 4; ∫_0^4 cos = 8/π, trapezoid error small.
  const Curve z = analytic_curve(10.0, 100, [](double r) { return std::cos(r * M_PI / 8); });
  const IntegralLength iz = integral_length(z);
  CHECK(iz.zero_found);
  CHECK(iz.r0 == Approx(4.0).epsilon(1e-3));
  CHECK(iz.xi == Approx(8 / M_PI).epsilon(1e-3));
  // The fit window stops before the first negative shell.
  const auto [first, last] = fit_window(z, 0.0);
  CHECK(first == 0);
  CHECK(last == 40);
}

TEST_CASE("correlation: Pearson and Spearman on hand cases", "[correlation]") {
  CHECK(pearson({1, 2, 3, 4}, {2, 4, 5, 9}) == Approx(11.0 / std::sqrt(130.0)));
  CHECK(average_ranks({3, 1, 2, 2}) == std::vector<double>{4, 1, 2.5, 2.5});
  CHECK(spearman({1, 2, 2, 3}, {1, 3, 2, 4}) == Approx(4.5 / std::sqrt(22.5)));
  CHECK(spearman({1, 2, 3, 4, 5}, {1, 10, 100, 1000, 1e4}) == Approx(1.0));
  CHECK(spearman({1, 2, 3}, {3, 2, 1}) == Approx(-1.0));
  CHECK(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));
}

TEST_CASE("correlation: top-set overlap", "[correlation]") {
  const std::vector<double> a{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const std::vector<double> b{10, 9, 1, 2, 3, 4, 5, 6, 7, 8};
  const TopOverlap t = top_overlap(a, b, 0.3);
  CHECK(t.size_a == 3);
  CHECK(t.size_b == 3);
  CHECK(t.intersection == 1);
  CHECK(t.union_size == 5);
  CHECK(t.jaccard == Approx(0.2));
  CHECK(t.enrichment == Approx(10.0 / 9.0));
  // Ties at the threshold are all in the set.
  const TopOverlap ties = top_overlap({1, 1, 2, 2, 2}, {1, 2, 3, 4, 5}, 0.2);
  CHECK(ties.size_a == 3);
  CHECK(ties.size_b == 1);
  CHECK(ties.intersection == 1);
  CHECK(ties.enrichment == Approx(5.0 / 3.0));
  CHECK(top_overlap(a, a, 0.5).jaccard == 1.0);
}

TEST_CASE("correlation: ROC-AUC", "[correlation]") {
  // Exact with ties: positives 0.4, 0.8 against negatives 0.1, 0.4 -> (1 + 0.5 + 1 + 1) / 4.
  CHECK(roc_auc({0.1, 0.4, 0.4, 0.8}, {0, 1, 0, 1}) == 0.875);
  CHECK(roc_auc({1, 2, 3, 4}, {0, 0, 1, 1}) == 1.0);
  CHECK(roc_auc({1, 2, 3, 4}, {1, 1, 0, 0}) == 0.0);
  CHECK(std::isnan(roc_auc({1, 2}, {0, 0})));
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::vector<double> score(10000), flag(10000), perfect(10000);
  for (std::size_t i = 0; i < score.size(); ++i) {
    score[i] = normal(rng);
    flag[i] = normal(rng) > 0 ? 1 : 0;
    perfect[i] = flag[i] + 1e-3 * static_cast<double>(i % 7);  // ties within each class
  }
  CHECK(roc_auc(perfect, flag) == 1.0);
  CHECK(roc_auc(score, flag) == Approx(0.5).margin(0.02));  // σ ≈ 0.006
}

TEST_CASE("correlation: C_AB(r) identical for 1 and 2 threads, symmetric, C_AB(0+) and Pearson",
          "[correlation]") {
  const Sampled s = random_field(30.0, 3.0, 6, 3000, 11);
  std::vector<double> b(s.value.size());
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = s.value[i] * s.value[i] + s.pos[i].x();
  const CellList cells(s.box, s.pos, 3.0);
  auto run = [&](int threads, bool swap) {
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads));
    tbb::task_arena arena(threads);
    return arena.execute([&] {
      return swap ? pair_correlation(cells, s.pos, b, s.value, 12.0, 48)
                  : pair_correlation(cells, s.pos, s.value, b, 12.0, 48);
    });
  };
  const Curve one = run(1, false), two = run(2, false), swapped = run(2, true);
  CHECK(one.pairs == two.pairs);
  CHECK(std::memcmp(one.c.data(), two.c.data(), one.c.size() * sizeof(double)) == 0);
  for (std::size_t k = 0; k < one.c.size(); ++k) CHECK(swapped.c[k] == Approx(one.c[k]));
  // Pair counts of an ideal gas: g(r) ≈ 1.
  const auto g = pair_distribution(one, s.pos.size(), s.box.volume());
  CHECK(g[40] == Approx(1.0).margin(0.05));
  CHECK_FALSE(first_shell_end(one.r, std::vector<double>(48, 0.9)));
}
