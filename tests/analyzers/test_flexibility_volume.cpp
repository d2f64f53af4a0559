// The `flexibility_volume` analyzer: Gaussian jitter with a fixed spacing gives 3σ²·a; the
// Voronoi spacing of FCC is the nearest-neighbor distance a/√2; the harmonic route reads the
// soft_spots MSD and multiplies by (V/N)^(1/3); k_B T / <v_flex> in GPa.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "analysis.hpp"
#include "analyzers/soft_spots.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using nlohmann::json;

namespace {

const std::vector<double>& values(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<double>>(test::find_field(r, name).values);
}

}  // namespace

TEST_CASE("flexibility_volume: Gaussian jitter with a fixed spacing gives 3σ²·a",
          "[flexibility_volume][analyzers]") {
  const Frame sites = test::cubic_lattice("fcc", 3.6, 3);
  const double sigma = 0.1, a = 2.5;
  const int frames = 600;
  std::mt19937 rng(5);
  std::normal_distribution<double> g(0.0, sigma);
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(
      test::make_analyzer("flexibility_volume", {{"spacing", a}, {"temperature", 100.0}}));
  for (int k = 0; k < frames; ++k) {
    Frame f = sites;
    for (std::size_t i = 0; i < f.size(); ++i)
      f.pos[i] = f.box.wrap(sites.pos[i] + Vec3(g(rng), g(rng), g(rng)));
    auto r = test::compute_with_inputs(f, static_cast<std::size_t>(k), {f}, list);
    FrameInfo info;
    info.index = static_cast<std::size_t>(k);
    list[0]->consume(info, r[0].result);
  }
  const auto out = list[0]->finish();
  REQUIRE(out);
  const auto& v = values(*out, "value");
  double mean = 0.0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  const double expected =
      3 * sigma * sigma * (1.0 - 1.0 / frames) * (1.0 - 1.0 / static_cast<double>(v.size())) * a;
  CHECK(mean == Approx(expected).epsilon(0.02));
  CHECK(out->summary["kT_over_vflex_GPa"].get<double>() ==
        Approx(analyzers::kBoltzmannEvPerK * 100.0 / out->summary["all"]["mean"].get<double>() *
               160.21766208)
            .epsilon(1e-12));
}

TEST_CASE("flexibility_volume: harmonic MSD times the global or Voronoi spacing",
          "[flexibility_volume][analyzers]") {
  const Frame f = test::cubic_lattice("fcc", 3.639, 3);
  const json cu = {{"style", "eam/fs"},
                   {"file", "/usr/share/lammps/potentials/CuZr_mm.eam.fs"},
                   {"elements", {"Cu"}}};
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer("soft_spots", cu));
  list.push_back(test::make_analyzer("flexibility_volume", {{"msd", "soft_spots_harmonic_msd"}}));
  auto voronoi = test::make_analyzer("flexibility_volume",
                                     {{"msd", "soft_spots_harmonic_msd"}, {"spacing", "voronoi"}});
  list.push_back(std::move(voronoi));
  const auto r = test::compute_with_inputs(f, 0, {f}, list);
  const auto& msd =
      std::get<std::vector<double>>(test::find_field(r[0].result, "harmonic_msd").values);
  const double global = std::cbrt(f.box.volume() / static_cast<double>(f.size()));
  for (std::size_t i = 0; i < f.size(); ++i) {
    CHECK(values(r[1].result, "value")[i] == Approx(msd[i] * global).epsilon(1e-14));
    // FCC: every Voronoi neighbor is a nearest neighbor at a/√2.
    CHECK(values(r[2].result, "spacing")[i] == Approx(3.639 / std::sqrt(2.0)).epsilon(1e-12));
  }
}

TEST_CASE("flexibility_volume: a missing MSD field is named with the ones available",
          "[flexibility_volume][analyzers]") {
  const Frame f = test::cubic_lattice("fcc", 3.6, 2);
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer("flexibility_volume", {{"msd", "nope_msd"}}));
  CHECK_THROWS_WITH(test::compute_with_inputs(f, 0, {f}, list),
                    Catch::Contains("no per-atom field \"nope_msd\""));
}
