#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <tuple>

#include "engine/cell_list.hpp"
#include "engine/neighbor_list.hpp"

using namespace mgs;

namespace {

// Every (j, image) within the cutoff of i by direct enumeration of images.
std::multiset<std::tuple<std::uint32_t, int, int, int>> brute_force(const Box& box,
                                                                    const std::vector<Vec3>& pos,
                                                                    std::size_t i, double rc) {
  std::multiset<std::tuple<std::uint32_t, int, int, int>> out;
  const int reach = 6;
  for (std::size_t j = 0; j < pos.size(); ++j) {
    for (int a = -reach; a <= reach; ++a)
      for (int b = -reach; b <= reach; ++b)
        for (int c = -reach; c <= reach; ++c) {
          if (j == i && a == 0 && b == 0 && c == 0) continue;
          if ((!box.periodic(0) && a) || (!box.periodic(1) && b) || (!box.periodic(2) && c))
            continue;
          const Vec3 d = pos[j] + box.cell() * Vec3(a, b, c) - pos[i];
          if (d.norm() <= rc) out.insert({static_cast<std::uint32_t>(j), a, b, c});
        }
  }
  return out;
}

void check_against_brute_force(const Box& box, std::size_t n, double rc, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Vec3> pos(n);
  for (auto& p : pos) p = box.wrap(box.to_cartesian(Vec3(u(rng), u(rng), u(rng))));
  const CellList cells(box, pos, std::max(0.5 * rc, 1.0));
  const NeighborList list(cells, pos, rc);
  REQUIRE(list.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    std::multiset<std::tuple<std::uint32_t, int, int, int>> got;
    for (const auto& nb : list.of(i)) {
      got.insert({nb.index, nb.image[0], nb.image[1], nb.image[2]});
      CHECK(list.delta(i, nb).norm() <= rc + 1e-12);
    }
    REQUIRE(got == brute_force(box, pos, i, rc));
  }
}

}  // namespace

TEST_CASE("neighbor list: orthogonal cell equals brute force", "[engine][neighbors]") {
  check_against_brute_force(Box::from_lammps(0, 12, 0, 10, 0, 11, 0, 0, 0, {true, true, true}), 150,
                            3.5, 1);
}

TEST_CASE("neighbor list: strongly tilted cell equals brute force", "[engine][neighbors]") {
  check_against_brute_force(
      Box::from_lammps(0, 12, 0, 10, 0, 11, 6.0, -5.5, 4.9, {true, true, true}), 150, 3.5, 2);
}

TEST_CASE("neighbor list: general (rotated) cell equals brute force", "[engine][neighbors]") {
  Mat3 h;
  h << 9, 2, -1, 1, 10, 3, -2, 1, 11;
  check_against_brute_force(Box(h, Vec3(1, -2, 3), {true, true, true}), 120, 4.0, 3);
}

TEST_CASE("neighbor list: cutoff beyond half the box sees several images", "[engine][neighbors]") {
  // 5 Å box, 7 Å cutoff: each pair appears through many images.
  check_against_brute_force(Box::from_lammps(0, 5, 0, 5, 0, 5, 1.0, 0, 0, {true, true, true}), 6,
                            7.0, 4);
}

TEST_CASE("neighbor list: non-periodic directions have no images", "[engine][neighbors]") {
  check_against_brute_force(Box::from_lammps(0, 10, 0, 10, 0, 10, 0, 0, 0, {true, false, false}),
                            100, 4.0, 5);
}
