// The bin analyzer: fields of earlier analyzers and input columns by name, totals conserved,
// the volume-weighted density of a crystal, 2-D maps through a slab, and the time average.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis.hpp"
#include "analyzers/bin.hpp"
#include "engine/pipeline.hpp"
#include "lattice.hpp"

using namespace mgs;

TEST_CASE("bin: an input column and a Voronoi field by name; totals and density", "[bin]") {
  Frame f = test::cubic_lattice("fcc", 3.6, 4);       // 256 atoms, L = 14.4 Å
  for (auto& p : f.pos) p += Vec3(0.45, 0.45, 0.45);  // no atom on a bin face
  InputColumn c{"c_pe", {}};
  for (std::size_t i = 0; i < f.size(); ++i)
    c.values.push_back(-3.0 - 0.25 * static_cast<double>(i % 7));
  f.columns.push_back(c);
  std::vector<TypeInfo> types(2);
  types[1].mass = 63.546;
  const RunContext run{types, {}};
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(test::make_analyzer("voronoi", nlohmann::json::object(), run));
  analyzers.push_back(test::make_analyzer("bin",
                                          {{"bins", 2},
                                           {"fields", {"c_pe", "voronoi_volume"}},
                                           {"reductions", {"sum", "mean", "sum_per_volume"}},
                                           {"density", true}},
                                          run));
  const auto results = compute_frame(f, analyzers, types);
  const FrameResult& r = results[1].result;
  double total = 0.0;
  for (double v : c.values) total += v;
  double binned = 0.0;
  for (double v : test::find_grid(r, "c_pe_sum").values) binned += v;
  CHECK(binned == total);  // quarter-integer values: exact
  CHECK(r.summary["totals"]["c_pe"] == total);
  const auto& count = test::find_grid(r, "count");
  CHECK(count.dims == std::array<int, 3>{2, 2, 2});
  for (double n : count.values) CHECK(n == 32.0);
  // fcc: every Voronoi cell is a^3/4; the density is m / (a^3 / 4) in every bin.
  const double rho = 63.546 / (3.6 * 3.6 * 3.6 / 4) * 1.66053906660;
  for (double v : test::find_grid(r, "mass_density").values) CHECK(v == Approx(rho).epsilon(1e-10));
  for (double v : test::find_grid(r, "voronoi_volume_mean").values) {
    CHECK(v == Approx(3.6 * 3.6 * 3.6 / 4).epsilon(1e-10));
  }
  // Σ volumes per bin volume: the cells fill the space, so 1 everywhere.
  for (double v : test::find_grid(r, "voronoi_volume_sum_per_volume").values) {
    CHECK(v == Approx(1.0).epsilon(1e-10));
  }
  CHECK(test::find_grid(r, "voronoi_volume_sum").unit == "Å^3");
  CHECK(test::find_grid(r, "voronoi_volume_sum_per_volume").unit == "Å^3/Å^3");
  // Geometry: first point at the first bin's centre, steps of half the cell.
  CHECK((count.origin - Vec3(3.6, 3.6, 3.6)).norm() < 1e-12);
  CHECK((count.step.col(0) - Vec3(7.2, 0, 0)).norm() < 1e-12);
}

TEST_CASE("bin: a 2-D map through a slab keeps only the slab's atoms", "[bin]") {
  Frame f = test::cubic_lattice("sc", 2.0, 10);
  for (auto& p : f.pos) p += Vec3(0.5, 0.5, 0.5);  // planes at z = 0.5, 2.5, ..., 18.5
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(test::make_analyzer(
      "bin", {{"axes", "xy"},
              {"bins", {5, 2}},
              {"slab", {{"axis", "z"}, {"from", 3.0}, {"to", 7.0}, {"units", "angstrom"}}}}));
  const auto r = compute_frame(f, analyzers, {}).front().result;
  const auto& count = test::find_grid(r, "count");
  CHECK(count.dims == std::array<int, 3>{5, 2, 1});
  CHECK(count.binned == std::array<bool, 3>{true, true, false});
  // Two planes (z = 4.5, 6.5) of 100 atoms in 10 bins.
  for (double n : count.values) CHECK(n == 20.0);
  CHECK(r.summary["atoms_binned"] == 200);
  CHECK(count.origin.z() == Approx(5.0));
  // Unknown field names are errors naming the analyzer's key.
  std::vector<std::unique_ptr<Analyzer>> bad;
  bad.push_back(test::make_analyzer("bin", {{"bins", 2}, {"fields", {"nope"}}}));
  CHECK_THROWS_WITH(compute_frame(f, bad, {}), Catch::Contains("nope"));
  CHECK_THROWS(test::make_analyzer("bin", {{"bins", 2}, {"bin_size", 3.0}}));
  CHECK_THROWS(test::make_analyzer(
      "bin", {{"axes", "xz"}, {"bins", 2}, {"slab", {{"axis", "z"}, {"from", 0}, {"to", 0.5}}}}));
}

TEST_CASE("bin: the time average skips frames where a bin is empty", "[bin]") {
  GridAverage avg;
  GridField g;
  g.name = "x_mean";
  g.dims = {3, 1, 1};
  g.values = {1.0, NAN, 4.0};
  avg.add({g});
  g.values = {3.0, NAN, NAN};
  avg.add({g});
  const auto out = avg.result();
  REQUIRE(out.size() == 1);
  CHECK(out[0].values[0] == 2.0);
  CHECK(std::isnan(out[0].values[1]));
  CHECK(out[0].values[2] == 4.0);
  CHECK(avg.frames() == 2);
  g.dims = {4, 1, 1};
  g.values.assign(4, 0.0);
  CHECK_THROWS(avg.add({g}));

  // Through the analyzer: per-frame grids are replaced by one average at the end.
  const Frame f = test::cubic_lattice("sc", 2.0, 4);
  auto bin = test::make_analyzer("bin", {{"bins", 2}, {"time_average", true}});
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(std::move(bin));
  for (int frame = 0; frame < 3; ++frame) {
    auto r = compute_frame(f, list, {});
    list[0]->consume({static_cast<std::size_t>(frame), 0, 0}, r[0].result);
    CHECK(r[0].result.grids.empty());
  }
  const auto fin = list[0]->finish();
  REQUIRE(fin);
  CHECK(fin->summary["time_average"]["frames"] == 3);
  for (double n : test::find_grid(*fin, "count").values) CHECK(n == 8.0);
}
