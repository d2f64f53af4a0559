#include <catch2/catch.hpp>

#include "engine/box.hpp"

using mgs::Box;
using mgs::Vec3;

TEST_CASE("box: LAMMPS restricted triclinic cell, fractional round trip", "[engine]") {
  const Box b = Box::from_lammps(-1, 9, 0, 8, 2, 14, 3.0, -1.5, 2.0, {true, true, true});
  CHECK(b.volume() == Approx(10.0 * 8.0 * 12.0));
  const Vec3 r(3.3, 4.4, 5.5);
  CHECK((b.to_cartesian(b.to_fractional(r)) - r).norm() < 1e-12);
  // Origin maps to 0, a+b+c to (1,1,1).
  CHECK((b.to_fractional(b.origin())).norm() < 1e-14);
  CHECK((b.to_fractional(b.origin() + b.edge(0) + b.edge(1) + b.edge(2)) - Vec3(1, 1, 1)).norm() < 1e-14);
}
