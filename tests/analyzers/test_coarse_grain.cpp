// The coarse_grain and neighbor_average analyzers: fields by name, the summary's record of σ,
// cut and grid spacing, slabs, time averages, and fcc neighbor counts.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis.hpp"
#include "engine/pipeline.hpp"
#include "lattice.hpp"

using namespace mgs;

namespace {

// fcc 4x4x4 (a = 3.6 Å) with c_val = 1 in the lower half along z and 3 in the upper half.
Frame halves() {
  Frame f = test::cubic_lattice("fcc", 3.6, 4);
  InputColumn c{"c_val", {}};
  for (const Vec3& p : f.pos) c.values.push_back(p.z() < 7.2 ? 1.0 : 3.0);
  f.columns.push_back(c);
  return f;
}

}  // namespace

TEST_CASE("coarse_grain: field average and number density by name; summary; slab",
          "[coarse_grain]") {
  const Frame f = halves();
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer(
      "coarse_grain",
      {{"bins", 8}, {"sigma", 1.2}, {"fields", {"c_val"}}, {"number_density", true}}));
  const auto r = compute_frame(f, list, {}).front().result;
  REQUIRE(r.grids.size() == 2);
  CHECK(r.grids[0].name == "c_val_average");
  CHECK(r.grids[1].name == "number_density");
  CHECK(r.summary["sigma"] == 1.2);
  CHECK(r.summary["cut"] == Approx(3.6));
  CHECK(r.summary["grid_spacing"][0] == Approx(14.4 / 8));
  CHECK(r.summary["grid"]["dims"] == nlohmann::json({8, 8, 8}));
  // Far from the interfaces (z = 0 and 7.2, periodic) the average is the half's value.
  const Grid grid(f.box, {8, 8, 8});
  CHECK(r.grids[0].values[grid.flat(2, 3, 1)] == Approx(1.0));  // z = 2.7
  CHECK(r.grids[0].values[grid.flat(2, 3, 5)] == Approx(3.0));  // z = 9.9
  CHECK(r.grids[0].values[grid.flat(2, 3, 3)] > 1.5);           // z = 6.3, near the interface
  // A slab in the upper half: only value 3 reaches the map.
  std::vector<std::unique_ptr<Analyzer>> slab;
  slab.push_back(test::make_analyzer("coarse_grain",
                                     {{"axes", "ab"},
                                      {"bins", 6},
                                      {"sigma", 1.2},
                                      {"fields", {"c_val"}},
                                      {"slab", {{"axis", "c"}, {"from", 0.55}, {"to", 0.95}}}}));
  const auto s = compute_frame(f, slab, {}).front().result;
  REQUIRE(s.grids.size() == 1);
  CHECK(s.grids[0].dims == std::array<int, 3>{6, 6, 1});
  for (double v : s.grids[0].values) CHECK(v == 3.0);
}

TEST_CASE("coarse_grain: the time average of identical frames is the frame", "[coarse_grain]") {
  const Frame f = halves();
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer("coarse_grain", {{"bin_size", 3.6},
                                                      {"sigma", 1.0},
                                                      {"convention", "density"},
                                                      {"fields", {"c_val"}},
                                                      {"time_average", true}}));
  std::vector<double> first;
  for (std::size_t k = 0; k < 3; ++k) {
    auto r = compute_frame(f, list, {});
    if (k == 0) first = r[0].result.grids.at(0).values;
    list[0]->consume({k, 0, 0}, r[0].result);
    CHECK(r[0].result.grids.empty());
  }
  const auto fin = list[0]->finish();
  REQUIRE(fin);
  REQUIRE(fin->grids.size() == 1);
  CHECK(fin->grids[0].name == "c_val_density");
  CHECK(fin->grids[0].unit == "Å^-3");
  for (std::size_t b = 0; b < first.size(); ++b) {
    CHECK(fin->grids[0].values[b] == Approx(first[b]).epsilon(1e-15));
  }
}

TEST_CASE("neighbor_average: fcc has 12 neighbors within 3 Å; fields by name",
          "[neighbor_average]") {
  const Frame f = halves();
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer("neighbor_average", {{"fields", {"c_val"}}, {"cutoff", 3.0}}));
  const auto r = compute_frame(f, list, {}).front().result;
  const auto& n = test::find_field(r, "neighbors");
  for (auto v : std::get<std::vector<std::int64_t>>(n.values)) CHECK(v == 12);
  const auto& avg = std::get<std::vector<double>>(test::find_field(r, "c_val").values);
  for (std::size_t i = 0; i < f.size(); ++i) {
    // Atoms two planes away from an interface see only their own half.
    const double z = f.pos[i].z();
    if (z > 2.0 && z < 5.0) CHECK(avg[i] == 1.0);
    if (z > 9.0 && z < 12.0) CHECK(avg[i] == 3.0);
  }
  CHECK(r.summary["neighbors"]["mean"] == 12.0);
  CHECK_THROWS(test::make_analyzer("neighbor_average", {{"fields", {"c_val"}}}));
}
