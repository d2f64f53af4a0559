// Summary statistics against values worked out by hand (NumPy's default "linear" percentiles).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/statistics.hpp"

using namespace mgs;

TEST_CASE("statistics: percentiles interpolate linearly between order statistics", "[stats]") {
  // numpy.percentile([4, 1, 3, 2], [50, 90, 95, 99]) = [2.5, 3.7, 3.85, 3.97]
  const nlohmann::json d = stats::describe({4.0, 1.0, 3.0, 2.0});
  CHECK(d["percentiles"]["50"].get<double>() == Approx(2.5).epsilon(1e-15));
  CHECK(d["percentiles"]["90"].get<double>() == Approx(3.7).epsilon(1e-15));
  CHECK(d["percentiles"]["95"].get<double>() == Approx(3.85).epsilon(1e-15));
  CHECK(d["percentiles"]["99"].get<double>() == Approx(3.97).epsilon(1e-15));
  CHECK(d["min"].get<double>() == 1.0);
  CHECK(d["max"].get<double>() == 4.0);
  CHECK(d["mean"].get<double>() == Approx(2.5));
  CHECK(stats::quantile({4.0, 1.0, 3.0, 2.0}, 0.9) == Approx(3.7).epsilon(1e-15));
}

TEST_CASE("statistics: percentiles of a shuffled ramp, with repeated values", "[stats]") {
  // 0, 0, 1, 1, ..., 1000, 1000 in random order: the p-th percentile of 2002 values sits at
  // position p/100 * 2001 of the sorted list, whose k-th entry is floor(k / 2).
  std::vector<double> v;
  for (int k = 0; k <= 1000; ++k) v.insert(v.end(), 2, static_cast<double>(k));
  std::shuffle(v.begin(), v.end(), std::mt19937(3));
  const nlohmann::json d = stats::describe(v);
  for (int p : {50, 90, 95, 99}) {
    const double pos = p / 100.0 * 2001.0;
    const double lo = std::floor(pos / 2), hi = std::floor((std::floor(pos) + 1) / 2);
    const double expect = lo + (pos - std::floor(pos)) * (hi - lo);
    CHECK(d["percentiles"][std::to_string(p)].get<double>() == Approx(expect).epsilon(1e-15));
  }
}

TEST_CASE(
    "stats: describe's percentiles of a large array are the order statistics a full sort "
    "gives (any spread, ties, signed zeros, infinities)",
    "[stats]") {
  // Large enough for the bucketed selection; checked against std::sort and NumPy's "linear"
  // interpolation written out here.
  std::mt19937_64 rng(3);
  const std::size_t n = 1'000'003;
  std::vector<std::vector<double>> cases(4, std::vector<double>(n));
  std::lognormal_distribution<double> spread(0.0, 3.0);
  std::uniform_int_distribution<int> small(-3, 3);
  for (std::size_t i = 0; i < n; ++i) {
    cases[0][i] = spread(rng);         // many binades
    cases[1][i] = small(rng) * 0.5;    // heavy ties, -0 and +0
    cases[2][i] = i % 2 ? -0.0 : 0.0;  // only zeros
    cases[3][i] = i % 1000 == 0 ? std::numeric_limits<double>::infinity() : -spread(rng);
  }
  cases[1][7] = -0.0;
  for (const auto& v : cases) {
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    const nlohmann::json d = stats::describe(v);
    for (int q : {50, 90, 95, 99}) {
      const double pos = q / 100.0 * static_cast<double>(n - 1);
      const auto lo = static_cast<std::size_t>(std::floor(pos));
      const double expected = sorted[lo] + (pos - std::floor(pos)) * (sorted[lo + 1] - sorted[lo]);
      INFO("q = " << q);
      CHECK(d["percentiles"][std::to_string(q)].get<double>() == expected);
    }
    CHECK(d["min"].get<double>() == sorted.front());
    CHECK(d["max"].get<double>() == sorted.back());
  }
}
