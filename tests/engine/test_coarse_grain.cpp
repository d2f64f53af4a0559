// Gaussian coarse-graining and the neighbor average: a lone atom's peak, a constant field comes
// back exactly (zero variance), the density's total weight, periodic images in a tilted cell
// against brute force, identical bits for 1 and 2 threads.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <numbers>
#include <random>

#include "engine/coarse_grain.hpp"

using namespace mgs;

namespace {

Box tilted_box() {
  return Box::from_lammps(0, 18, 0, 16, 0, 20, 8.5, -7.0, 6.0, {true, true, true});
}

std::vector<Vec3> random_atoms(const Box& box, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Vec3> p(n);
  for (auto& r : p) r = box.to_cartesian(Vec3(u(rng), u(rng), u(rng)));
  return p;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("coarse_grain: a lone atom gives the normalised Gaussian, cut at 3 sigma",
          "[coarse_grain]") {
  const Box box = Box::from_lammps(0, 20, 0, 20, 0, 20, 0, 0, 0, {true, true, true});
  const Grid grid(box, {20, 20, 20});
  const double sigma = 1.5;
  const std::vector<Vec3> pos{grid.center(3, 10, 18)};  // near faces: images matter
  const CellList cells(box, pos, 3.0);
  const auto v = coarse_grain(grid, cells, {1.0}, sigma, CoarseGrainMode::Density);
  const double peak = 1.0 / (std::pow(2 * std::numbers::pi, 1.5) * sigma * sigma * sigma);
  CHECK(v[grid.flat(3, 10, 18)] == peak);
  // 2 Å away across the periodic face along c, and 4 Å away along a.
  CHECK(v[grid.flat(3, 10, 0)] == Approx(peak * std::exp(-4.0 / (2 * sigma * sigma))));
  CHECK(v[grid.flat(7, 10, 18)] == Approx(peak * std::exp(-16.0 / (2 * sigma * sigma))));
  CHECK(v[grid.flat(8, 10, 18)] == 0.0);  // 5 Å > 3σ = 4.5 Å
  // The field average of a lone atom is its value where it reaches, NaN elsewhere.
  const auto a = coarse_grain(grid, cells, {2.5}, sigma, CoarseGrainMode::Average);
  CHECK(a[grid.flat(5, 11, 19)] == 2.5);
  CHECK(std::isnan(a[grid.flat(10, 0, 8)]));
}

TEST_CASE("coarse_grain: a constant field has zero variance; density weights sum to N",
          "[coarse_grain]") {
  const Box box = tilted_box();
  const auto pos = random_atoms(box, 600, 3);
  const CellList cells(box, pos, 3.0);
  const Grid grid(box, {12, 11, 13});
  const std::vector<double> c(pos.size(), 0.3781);
  for (const double v : coarse_grain(grid, cells, c, 2.0, CoarseGrainMode::Average)) {
    REQUIRE(v == 0.3781);
  }
  // Σ over a fine grid of ρ × bin volume = N × (weight of the cut Gaussian).
  const double w3 =
      std::erf(3 / std::sqrt(2.0)) - std::sqrt(2 / std::numbers::pi) * 3 * std::exp(-4.5);
  const Grid fine(box, {40, 36, 44});
  double total = 0;
  for (double v : coarse_grain(fine, cells, std::vector<double>(pos.size(), 1.0), 1.6,
                               CoarseGrainMode::Density)) {
    total += v * fine.bin_volume();
  }
  CHECK(total == Approx(600 * w3).epsilon(5e-3));
}

TEST_CASE(
    "coarse_grain: periodic distances in a tilted cell equal brute force; same bits for "
    "1 and 2 threads",
    "[coarse_grain][determinism]") {
  const Box box = tilted_box();
  const auto pos = random_atoms(box, 400, 9);
  std::mt19937_64 rng(4);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> p(pos.size());
  for (double& x : p) x = g(rng);
  const CellList cells(box, pos, 2.5);
  const Grid grid(box, {9, 8, 10});
  const double sigma = 1.9;
  const auto dens = coarse_grain(grid, cells, p, sigma, CoarseGrainMode::Density);
  const auto avg = coarse_grain(grid, cells, p, sigma, CoarseGrainMode::Average);
  const double norm = 1.0 / (std::pow(2 * std::numbers::pi, 1.5) * sigma * sigma * sigma);
  for (std::size_t gi = 0; gi < grid.size(); gi += 37) {
    const int i = static_cast<int>(gi % 9), j = static_cast<int>(gi / 9 % 8),
              k = static_cast<int>(gi / 72);
    const Vec3 x = grid.center(i, j, k);
    double s = 0, sw = 0, w = 0;
    for (std::size_t a = 0; a < pos.size(); ++a) {
      for (int nx = -2; nx <= 2; ++nx)
        for (int ny = -2; ny <= 2; ++ny)
          for (int nz = -2; nz <= 2; ++nz) {
            const double r = (pos[a] + box.cell() * Vec3(nx, ny, nz) - x).norm();
            if (r > 3 * sigma) continue;
            const double e = std::exp(-r * r / (2 * sigma * sigma));
            s += p[a] * e, sw += p[a] * e, w += e;
          }
    }
    CHECK(dens[gi] == Approx(s * norm).margin(1e-14));
    if (w > 0) CHECK(avg[gi] == Approx(sw / w).epsilon(1e-10));
  }
  const auto with_threads = [&](int n) {
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(n));
    tbb::task_arena arena(n);
    return arena.execute([&] {
      return std::make_pair(coarse_grain(grid, cells, p, sigma, CoarseGrainMode::Density),
                            coarse_grain(grid, cells, p, sigma, CoarseGrainMode::Average));
    });
  };
  const auto one = with_threads(1), two = with_threads(2);
  CHECK(same_bits(one.first, two.first));
  CHECK(same_bits(one.second, two.second));
  CHECK(same_bits(one.first, dens));
}

TEST_CASE("neighbor_average: brute force over periodic neighbors; a constant stays exact",
          "[coarse_grain][neighbor_average]") {
  const Box box = tilted_box();
  const auto pos = random_atoms(box, 300, 21);
  std::vector<double> p(pos.size());
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = std::sin(0.37 * static_cast<double>(i));
  const CellList cells(box, pos, 2.0);
  const NeighborList list(cells, pos, 5.0);
  std::vector<std::int64_t> count;
  const auto avg = neighbor_average(list, p, 4.0, &count);
  for (std::size_t i = 0; i < pos.size(); ++i) {
    double s = p[i];
    std::int64_t m = 0;
    for (std::size_t j = 0; j < pos.size(); ++j) {
      for (int nx = -1; nx <= 1; ++nx)
        for (int ny = -1; ny <= 1; ++ny)
          for (int nz = -1; nz <= 1; ++nz) {
            if (i == j && nx == 0 && ny == 0 && nz == 0) continue;
            if ((pos[j] + box.cell() * Vec3(nx, ny, nz) - pos[i]).norm() <= 4.0) s += p[j], ++m;
          }
    }
    CHECK(count[i] == m);
    CHECK(avg[i] == Approx(s / static_cast<double>(1 + m)).margin(1e-13));
  }
  for (double v : neighbor_average(list, std::vector<double>(pos.size(), -1.7), 4.0)) {
    REQUIRE(v == -1.7);
  }
}
