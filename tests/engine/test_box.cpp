#include <catch2/catch.hpp>

#include <random>

#include <Eigen/Geometry>

#include "engine/box.hpp"
#include "engine/errors.hpp"

using mgs::Box;
using mgs::Mat3;
using mgs::Vec3;

TEST_CASE("box: LAMMPS restricted triclinic cell, fractional round trip", "[engine][box]") {
  const Box b = Box::from_lammps(-1, 9, 0, 8, 2, 14, 3.0, -1.5, 2.0, {true, true, true});
  CHECK(b.volume() == Approx(10.0 * 8.0 * 12.0));
  CHECK(b.is_lower_triangular());
  CHECK_FALSE(b.is_orthogonal());
  const Vec3 r(3.3, 4.4, 5.5);
  CHECK((b.to_cartesian(b.to_fractional(r)) - r).norm() < 1e-12);
  CHECK(b.to_fractional(b.origin()).norm() < 1e-14);
  CHECK((b.to_fractional(b.origin() + b.edge(0) + b.edge(1) + b.edge(2)) - Vec3(1, 1, 1)).norm() <
        1e-14);
  // Thickness along z is lz; along x it is V / |b x c|.
  CHECK(b.perpendicular_width(2) == Approx(12.0));
  CHECK(b.perpendicular_width(0) == Approx(b.volume() / b.edge(1).cross(b.edge(2)).norm()));
}

TEST_CASE("box: degenerate and left-handed cells are refused", "[engine][box]") {
  CHECK_THROWS_AS(Box::from_lammps(0, 0, 0, 1, 0, 1, 0, 0, 0, {true, true, true}), mgs::ComputeError);
  Mat3 flat;
  flat << 1, 2, 3, 0, 1, 2, 0, 0, 0;
  CHECK_THROWS_AS(Box(flat, Vec3::Zero(), {true, true, true}), mgs::ComputeError);
  CHECK_THROWS_AS(Box(-Mat3::Identity(), Vec3::Zero(), {true, true, true}), mgs::ComputeError);
}

TEST_CASE("box: wrap keeps unwrapped positions through image flags", "[engine][box]") {
  const Box b = Box::from_lammps(0, 10, 0, 10, 0, 10, 4.0, 0, 0, {true, true, false});
  const Vec3 r(-3.0, 27.0, 15.0);  // z is not periodic: stays put
  std::array<int, 3> img{};
  const Vec3 w = b.wrap(r, &img);
  const Vec3 s = b.to_fractional(w);
  CHECK(s[0] >= 0.0);
  CHECK(s[0] < 1.0);
  CHECK(s[1] >= 0.0);
  CHECK(s[1] < 1.0);
  CHECK(w[2] == 15.0);
  CHECK(img[2] == 0);
  CHECK((w + b.cell() * Vec3(img[0], img[1], img[2]) - r).norm() < 1e-12);
}

TEST_CASE("box: minimum image equals the brute-force shortest image at any tilt", "[engine][box]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    // Tilts up to the LAMMPS limit (half the box) and, in general cells, arbitrary edge vectors.
    const double lx = 5 + 5 * (u(rng) + 1), ly = 5 + 5 * (u(rng) + 1), lz = 5 + 5 * (u(rng) + 1);
    const Box b = Box::from_lammps(0, lx, 0, ly, 0, lz, 0.5 * lx * u(rng), 0.5 * lx * u(rng),
                                   0.5 * ly * u(rng), {true, true, true});
    const Vec3 d(20 * u(rng), 20 * u(rng), 20 * u(rng));
    const Vec3 m = b.minimum_image(d);
    double best = 1e300;
    for (int i = -6; i <= 6; ++i)
      for (int j = -6; j <= 6; ++j)
        for (int k = -6; k <= 6; ++k) best = std::min(best, (d + b.cell() * Vec3(i, j, k)).norm());
    CHECK(m.norm() == Approx(best).epsilon(1e-12));
    // The result is an image of d.
    const Vec3 n = b.inverse() * (m - d);
    for (int c = 0; c < 3; ++c) CHECK(std::abs(n[c] - std::round(n[c])) < 1e-9);
  }
}
