// The line-by-line Gaussian coarse-graining against the grid-point-by-grid-point direct path:
// orthogonal and tilted cells, walls, slab maps, a kernel wider than half the
// cell (several images), both conventions, and identical bits for 1 and 2 threads.
#include <tbb/global_control.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "engine/cell_list.hpp"
#include "engine/coarse_grain_lines.hpp"

using namespace mgs;

namespace {

std::vector<Vec3> random_atoms(const Box& box, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Vec3> p(n);
  for (auto& r : p) r = box.to_cartesian(Vec3(u(rng), u(rng), u(rng)));
  return p;
}

void compare(const Grid& grid, const std::vector<Vec3>& pos, double sigma,
             const std::vector<char>& include = {}) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal(2.0, 1.0);
  std::vector<double> values(pos.size());
  for (double& v : values) v = normal(rng);
  const CellList cells(grid.box(), pos, kGaussianCutInSigma * sigma);
  for (CoarseGrainMode mode : {CoarseGrainMode::Density, CoarseGrainMode::Average}) {
    const auto direct = coarse_grain(grid, cells, values, sigma, mode, include);
    const auto lines = coarse_grain_lines(grid, pos, values, sigma, mode, include);
    REQUIRE(direct.size() == lines.size());
    double scale = 0;
    for (double v : direct) {
      if (std::isfinite(v)) scale = std::max(scale, std::abs(v));
    }
    for (std::size_t g = 0; g < direct.size(); ++g) {
      INFO("mode " << static_cast<int>(mode) << ", point " << g);
      if (std::isnan(direct[g])) {
        CHECK(std::isnan(lines[g]));
      } else {
        CHECK(std::abs(direct[g] - lines[g]) <= 1e-12 * scale);
      }
    }
  }
}

}  // namespace

TEST_CASE("coarse_grain_lines: equals the direct path", "[coarse_grain]") {
  SECTION("orthogonal periodic cell") {
    const Box box = Box::from_lammps(0, 18, 0, 16, 0, 20, 0, 0, 0, {true, true, true});
    compare(Grid(box, {9, 8, 10}), random_atoms(box, 300, 1), 1.7);
  }
  SECTION("tilted periodic cell") {
    const Box box = Box::from_lammps(0, 18, 0, 16, 0, 20, 8.5, -7.0, 6.0, {true, true, true});
    compare(Grid(box, {7, 11, 6}), random_atoms(box, 300, 2), 1.5);
  }
  SECTION("kernel wider than half the cell: several images") {
    const Box box = Box::from_lammps(0, 8, 0, 9, 0, 7, 2.0, 1.0, -1.5, {true, true, true});
    compare(Grid(box, {5, 6, 4}), random_atoms(box, 40, 3), 2.5);
  }
  SECTION("walls along b, tilted") {
    const Box box = Box::from_lammps(0, 18, 0, 16, 0, 20, 4.0, 0.0, 3.0, {true, false, true});
    compare(Grid(box, {6, 8, 7}), random_atoms(box, 300, 4), 1.6);
  }
  SECTION("2-D map through a slab along c") {
    const Box box = Box::from_lammps(0, 18, 0, 16, 0, 20, 5.0, 2.0, -3.0, {true, true, true});
    const Grid grid(box, {12, 10, 1}, Slab{2, 0.3, 0.6});
    const auto pos = random_atoms(box, 400, 5);
    std::vector<char> include(pos.size());
    for (std::size_t i = 0; i < pos.size(); ++i) include[i] = grid.bin_of(pos[i]) ? 1 : 0;
    compare(grid, pos, 1.5, include);
  }
  SECTION("walls along a and c, orthogonal") {
    const Box box = Box::from_lammps(0, 18, 0, 16, 0, 20, 0, 0, 0, {false, true, false});
    compare(Grid(box, {6, 8, 7}), random_atoms(box, 300, 8), 1.6);
  }
  SECTION("2-D map through a slab, orthogonal, several images") {
    const Box box = Box::from_lammps(0, 9, 0, 8, 0, 20, 0, 0, 0, {true, true, true});
    const Grid grid(box, {9, 8, 1}, Slab{2, 0.4, 0.5});
    const auto pos = random_atoms(box, 300, 9);
    std::vector<char> include(pos.size());
    for (std::size_t i = 0; i < pos.size(); ++i) include[i] = grid.bin_of(pos[i]) ? 1 : 0;
    compare(grid, pos, 2.0, include);
  }
  SECTION("1-D profile along a") {
    const Box box = Box::from_lammps(0, 30, 0, 10, 0, 10, 0, 0, 0, {true, true, true});
    compare(Grid(box, {30, 1, 1}), random_atoms(box, 200, 6), 1.2);
  }
}

TEST_CASE("coarse_grain_lines: identical bits for 1 and 2 threads", "[coarse_grain]") {
  const Box box = Box::from_lammps(0, 18, 0, 16, 0, 20, 8.5, -7.0, 6.0, {true, true, true});
  const auto pos = random_atoms(box, 2000, 7);
  std::vector<double> values(pos.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = std::sin(0.37 * static_cast<double>(i));
  const Grid grid(box, {18, 16, 20});
  auto run = [&](int threads) {
    tbb::global_control control(tbb::global_control::max_allowed_parallelism, threads);
    return coarse_grain_lines(grid, pos, values, 1.3, CoarseGrainMode::Average);
  };
  const auto one = run(1), two = run(2);
  REQUIRE(one.size() == two.size());
  CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(double)) == 0);
}
