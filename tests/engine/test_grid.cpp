// Grids aligned with the cell vectors: bin assignment in a strongly tilted cell against a
// brute-force fractional-coordinate assignment, exact conservation of binned sums, every
// reduction against a brute-force per-bin computation, slabs and bin counts from a bin size.
#include <catch2/catch.hpp>

#include <Eigen/LU>
#include <cmath>
#include <map>
#include <random>

#include "engine/grid.hpp"

using namespace mgs;

namespace {

// A general triclinic cell with large tilts (not lower triangular, not LAMMPS-restricted).
Box tilted_box() {
  Mat3 h;
  h.col(0) = Vec3(20.0, 1.5, -2.0);
  h.col(1) = Vec3(9.0, 17.0, 3.0);   // tilted ~28 degrees towards a
  h.col(2) = Vec3(-7.5, 8.0, 15.0);  // strongly tilted towards -a and b
  return Box(h, Vec3(-3.0, 2.0, 1.0), {true, true, true});
}

std::vector<Vec3> random_points(std::size_t n, unsigned seed, double lo, double hi) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<Vec3> p(n);
  for (auto& r : p) r = Vec3(u(rng), u(rng), u(rng));
  return p;
}

}  // namespace

TEST_CASE("grid: bins in a strongly tilted cell equal a brute-force fractional assignment",
          "[grid]") {
  const Box box = tilted_box();
  const Grid grid(box, {7, 5, 6});
  // Points well outside the cell too: they wrap.
  const auto pts = random_points(20000, 7, -40.0, 60.0);
  const Eigen::FullPivLU<Mat3> lu(box.cell());
  std::size_t compared = 0;
  for (const Vec3& r : pts) {
    const Vec3 s = lu.solve(r - box.origin());  // independent of Box's inverse
    std::array<int, 3> idx{};
    bool near_face = false;
    for (int k = 0; k < 3; ++k) {
      const double w = s[k] - std::floor(s[k]);
      const double x = w * grid.counts()[k];
      idx[k] = static_cast<int>(std::floor(x));
      near_face = near_face || std::abs(x - std::round(x)) < 1e-9;
    }
    if (near_face) continue;  // rounding may go either way exactly on a bin face
    ++compared;
    const auto b = grid.bin_of(r);
    REQUIRE(b);
    REQUIRE(*b == grid.flat(idx[0], idx[1], idx[2]));
  }
  CHECK(compared > 19990);
  // LAMMPS restricted triclinic with the largest tilts LAMMPS allows.
  const Box lammps = Box::from_lammps(0, 30, 0, 20, 0, 25, 14.9, -14.9, 9.9, {true, true, true});
  const Grid g2(lammps, {4, 3, 5});
  for (const Vec3& r : random_points(5000, 11, -10.0, 50.0)) {
    const Vec3 s = Eigen::FullPivLU<Mat3>(lammps.cell()).solve(r - lammps.origin());
    std::array<int, 3> idx{};
    for (int k = 0; k < 3; ++k)
      idx[k] = static_cast<int>(std::floor((s[k] - std::floor(s[k])) * g2.counts()[k]));
    CHECK(*g2.bin_of(r) == g2.flat(idx[0], idx[1], idx[2]));
  }
}

TEST_CASE("grid: binned sums conserve totals exactly", "[grid]") {
  const Box box = tilted_box();
  const Grid grid(box, {6, 4, 5});
  const auto pts = random_points(10000, 3, -30.0, 50.0);
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> u(-1000, 1000);
  std::vector<double> ints(pts.size());
  for (double& v : ints) v = u(rng);  // integer-valued: every partial sum is exact
  const auto bins = assign_bins(grid, pts);
  double total = 0.0, binned = 0.0, counted = 0.0;
  for (double v : ints) total += v;
  for (double v : reduce_bins(grid, bins, ints, Reduction::Sum)) binned += v;
  for (double v : reduce_bins(grid, bins, ints, Reduction::Count)) counted += v;
  CHECK(binned == total);
  CHECK(counted == static_cast<double>(pts.size()));
  // Σ sum_per_volume × bin volume is the total too (up to one rounding per bin).
  double per_volume = 0.0;
  for (double v : reduce_bins(grid, bins, ints, Reduction::SumPerVolume)) {
    per_volume += v * grid.bin_volume();
  }
  CHECK(per_volume == Approx(total).epsilon(1e-12));
  CHECK(grid.bin_volume() * static_cast<double>(grid.size()) == Approx(box.volume()));
}

TEST_CASE("grid: every reduction equals a brute-force per-bin computation", "[grid]") {
  const Box box = Box::from_lammps(0, 12, 0, 10, 0, 8, 3.0, -2.0, 1.0, {true, true, true});
  const Grid grid(box, {3, 2, 2});
  const auto pts = random_points(400, 17, -5.0, 20.0);
  std::mt19937_64 rng(19);
  std::normal_distribution<double> g(2.0, 1.5);
  std::vector<double> v(pts.size());
  for (double& x : v) x = g(rng);
  std::map<std::size_t, std::vector<double>> members;
  for (std::size_t i = 0; i < pts.size(); ++i) members[*grid.bin_of(pts[i])].push_back(v[i]);
  const auto bins = assign_bins(grid, pts);
  const auto mean = reduce_bins(grid, bins, v, Reduction::Mean);
  const auto sd = reduce_bins(grid, bins, v, Reduction::Std);
  const auto mn = reduce_bins(grid, bins, v, Reduction::Min);
  const auto mx = reduce_bins(grid, bins, v, Reduction::Max);
  const auto spv = reduce_bins(grid, bins, v, Reduction::SumPerVolume);
  REQUIRE(members.size() == grid.size());
  for (const auto& [b, m] : members) {
    double s = 0, lo = m[0], hi = m[0];
    for (double x : m) s += x, lo = std::min(lo, x), hi = std::max(hi, x);
    const double mu = s / m.size();
    double q = 0;
    for (double x : m) q += (x - mu) * (x - mu);
    CHECK(mean[b] == Approx(mu).epsilon(1e-13));
    CHECK(sd[b] == Approx(std::sqrt(q / m.size())).epsilon(1e-12));
    CHECK(mn[b] == lo);
    CHECK(mx[b] == hi);
    CHECK(spv[b] == Approx(s / grid.bin_volume()).epsilon(1e-13));
  }
  // An empty bin: NaN mean, zero sum and count.
  const Grid fine(box, {40, 1, 1});
  const std::vector<Vec3> one{box.to_cartesian(Vec3(0.01, 0.5, 0.5))};
  const auto b1 = assign_bins(fine, one);
  CHECK(std::isnan(reduce_bins(fine, b1, {3.0}, Reduction::Mean)[5]));
  CHECK(reduce_bins(fine, b1, {3.0}, Reduction::Sum)[5] == 0.0);
  CHECK(reduce_bins(fine, b1, {3.0}, Reduction::Std)[0] == 0.0);
}

TEST_CASE("grid: slabs, bin sizes and geometry", "[grid]") {
  const Box box = Box::from_lammps(0, 20, 0, 10, 0, 30, 5.0, 0.0, 0.0, {true, true, true});
  // Bin size: counts from the plane spacing. The tilt of b makes the planes spanned by b and c
  // 6000 / |b x c| = 17.89 Å apart (not 20 Å): round(17.89 / 2.4) = 7; b: round(10 / 2.4) = 4.
  CHECK(Grid::counts_for_size(box, 2.4, {true, true, false}) == std::array<int, 3>{7, 4, 1});
  CHECK(Grid::counts_for_size(box, 100.0, {true, true, true}) == std::array<int, 3>{1, 1, 1});
  const Grid slab(box, {4, 2, 1}, Slab{2, 0.25, 0.5});
  CHECK(slab.bin_volume() == Approx(box.volume() / 8 * 0.25));
  CHECK_FALSE(slab.bin_of(box.to_cartesian(Vec3(0.5, 0.5, 0.2))));
  CHECK_FALSE(slab.bin_of(box.to_cartesian(Vec3(0.5, 0.5, 0.5))));
  CHECK(slab.bin_of(box.to_cartesian(Vec3(0.5, 0.5, 1.3))));  // wraps into the slab
  CHECK((slab.center(0, 0, 0) - box.to_cartesian(Vec3(0.125, 0.25, 0.375))).norm() < 1e-12);
  CHECK((slab.step(2) - box.edge(2) * 0.25).norm() < 1e-12);
  CHECK_THROWS(Grid(box, {4, 2, 3}, Slab{2, 0.0, 0.5}));  // slab axis binned
  // Non-periodic axis: points beyond the wall go to the edge bin.
  const Box walls = Box::from_lammps(0, 10, 0, 10, 0, 10, 0, 0, 0, {true, true, false});
  const Grid gw(walls, {1, 1, 5});
  CHECK(*gw.bin_of(Vec3(1, 1, -0.5)) == 0);
  CHECK(*gw.bin_of(Vec3(1, 1, 10.5)) == 4);
}
