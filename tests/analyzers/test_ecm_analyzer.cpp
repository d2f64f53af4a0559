// The ecm analyzer over in-memory trajectories: per-pixel g₂ of an earlier analyzer's map (each
// pixel an AR(1) intensity with its own correlation time: g₂ − 1 = A exp(−τ/τ₁), so the ECM fit
// must give β = 1 and τ_c = 2τ₁), and per-bin F_s(q, t) of random walkers with two diffusivities
// (F_s = exp(−q²σ²t/2) for steps of variance σ² per axis: τ = 2/(q²σ²), β = 1).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "analysis.hpp"
#include "engine/pipeline.hpp"
#include "engine/statistics.hpp"
#include "lattice.hpp"

using namespace mgs;

namespace {

// Runs compute/consume over `frames` and returns the last analyzer's finish().
FrameResult run(const std::vector<Frame>& frames,
                const std::vector<std::unique_ptr<Analyzer>>& analyzers) {
  for (auto& a : analyzers) a->begin({frames.size(), {frames.size()}});
  for (std::size_t k = 0; k < frames.size(); ++k) {
    auto results = compute_frame(frames[k], analyzers, {});
    const FrameInfo info{k, frames[k].timestep, k, 0};
    for (std::size_t a = 0; a < analyzers.size(); ++a) {
      analyzers[a]->consume(info, results[a].result);
      for (const auto& f : results[a].result.fields) CHECK_FALSE(f.is_private());
    }
  }
  auto out = analyzers.back()->finish();
  REQUIRE(out);
  return *out;
}

}  // namespace

TEST_CASE("ecm: per-pixel g2 of a map recovers each pixel's correlation time", "[ecm_analyzer]") {
  // 32 atoms, each alone in one bin of a 32 x 1 x 1 grid; the bin mean of the input column c_i
  // is that pixel's intensity 10 + x(t), x an AR(1) process with correlation exp(−t/τ₁), τ₁ = 3
  // frames on even pixels and 8 on odd ones. One realisation's g₂ wanders by a few % of A over
  // the window, so the median of each group of 16 pixels is compared.
  const int pixels = 32;
  const Box box = Box::from_lammps(0, pixels, 0, 4, 0, 4, 0, 0, 0, {true, true, true});
  const std::array<double, 2> tau1{3.0, 8.0};
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> x(pixels, 0.0);
  std::vector<Vec3> pos;
  for (int p = 0; p < pixels; ++p) pos.emplace_back(p + 0.5, 2, 2);
  const std::vector<int> type(pixels, 1);
  std::vector<Frame> frames;
  for (int t = 0; t < 20000; ++t) {
    Frame f = test::make_frame(box, pos, type);
    f.timestep = 100 * t;
    InputColumn c{"c_i", {}};
    for (int p = 0; p < pixels; ++p) {
      const double rho = std::exp(-1.0 / tau1[p % 2]);
      x[p] = rho * x[p] + std::sqrt(1 - rho * rho) * normal(rng);
      c.values.push_back(10.0 + x[p]);
    }
    f.columns.push_back(c);
    frames.push_back(std::move(f));
  }
  std::vector<std::unique_ptr<Analyzer>> a;
  a.push_back(test::make_analyzer(
      "bin", {{"bins", {pixels, 1, 1}}, {"fields", {"c_i"}}, {"count", false}}));
  a.push_back(test::make_analyzer("ecm", {{"map", "bin_c_i_mean"}, {"lag_to", 30}}));
  const FrameResult r = run(frames, a);
  CHECK(r.summary["time_unit"] == "timesteps");
  CHECK(r.summary["fits_ok"] == pixels);
  for (int parity = 0; parity < 2; ++parity) {
    INFO("pixels with τ₁ = " << tau1[parity] << " frames");
    std::vector<double> tau, beta, amp;
    for (int p = parity; p < pixels; p += 2) {
      tau.push_back(test::find_grid(r, "tau").values[p]);
      beta.push_back(test::find_grid(r, "beta").values[p]);
      amp.push_back(test::find_grid(r, "amplitude").values[p]);
    }
    CHECK(stats::quantile(tau, 0.5) == Approx(2 * tau1[parity] * 100).epsilon(0.05));
    CHECK(stats::quantile(beta, 0.5) == Approx(1.0).epsilon(0.05));
    CHECK(stats::quantile(amp, 0.5) == Approx(0.01).epsilon(0.05));
  }
}

TEST_CASE("ecm: per-bin F_s(q,t) of random walkers gives each half its own tau", "[ecm_analyzer]") {
  const Box box = Box::from_lammps(0, 20, 0, 20, 0, 20, 0, 0, 0, {true, true, true});
  const double q = 2.8;
  const std::array<double, 2> sigma{0.12, 0.08};  // per axis and frame: left half, right half
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> normal;
  std::vector<Vec3> pos;
  std::vector<int> type;
  for (int i = 0; i < 1000; ++i) {
    pos.emplace_back((i % 2 == 0 ? 0.5 : 10.5) + 9 * u(rng), 20 * u(rng), 20 * u(rng));
    type.push_back(1);
  }
  std::vector<Frame> frames;
  for (int t = 0; t < 400; ++t) {
    Frame f = test::make_frame(box, pos, type);  // wrapped: the analyzer unwraps by stepping
    f.timestep = t;
    frames.push_back(std::move(f));
    for (std::size_t i = 0; i < pos.size(); ++i) {
      const double s = sigma[i % 2];
      pos[i] = box.wrap(pos[i] + s * Vec3(normal(rng), normal(rng), normal(rng)));
    }
  }
  std::vector<std::unique_ptr<Analyzer>> a;
  a.push_back(test::make_analyzer(
      "ecm", {{"q", q}, {"bins", {2, 1, 1}}, {"lag_to", 100}, {"timestep", 0.002}}));
  const FrameResult r = run(frames, a);
  CHECK(r.summary["time_unit"] == "ps");
  CHECK(r.summary["fits_ok"] == 2);
  for (int b = 0; b < 2; ++b) {
    INFO("bin " << b);
    const double expected = 2.0 / (q * q * sigma[b] * sigma[b]) * 0.002;
    CHECK(test::find_grid(r, "tau").values[b] == Approx(expected).epsilon(0.05));
    CHECK(test::find_grid(r, "beta").values[b] == Approx(1.0).epsilon(0.05));
  }
}

TEST_CASE("ecm: bad parameters and too short runs are clear errors", "[ecm_analyzer]") {
  CHECK_THROWS_WITH(test::make_analyzer("ecm", nlohmann::json::object()),
                    Catch::Contains("give either map or q"));
  CHECK_THROWS_WITH(test::make_analyzer("ecm", {{"map", "x"}, {"lag_to", 3}}),
                    Catch::Contains("at least 4 lags"));
  const Box box = Box::from_lammps(0, 10, 0, 10, 0, 10, 0, 0, 0, {true, true, true});
  std::vector<Frame> frames(5, test::make_frame(box, {{1, 1, 1}}, {1}));
  std::vector<std::unique_ptr<Analyzer>> a;
  a.push_back(test::make_analyzer("bin", {{"bins", 1}}));
  a.push_back(test::make_analyzer("ecm", {{"map", "bin_nope"}}));
  CHECK_THROWS_WITH(compute_frame(frames[0], a, {}), Catch::Contains("bin_count"));
}
