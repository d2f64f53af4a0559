#include "lattice.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace mgs::test {

Frame cubic_lattice(const std::string& kind, double a, int n) {
  std::vector<Vec3> basis;
  if (kind == "fcc")
    basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  else if (kind == "bcc")
    basis = {{0, 0, 0}, {0.5, 0.5, 0.5}};
  else if (kind == "sc")
    basis = {{0, 0, 0}};
  else
    throw std::invalid_argument("unknown lattice " + kind);
  Frame f;
  f.box = Box::from_lammps(0, n * a, 0, n * a, 0, n * a, 0, 0, 0, {true, true, true});
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        for (const auto& b : basis) {
          f.pos.push_back(a * (Vec3(i, j, k) + b));
          f.id.push_back(static_cast<std::int64_t>(f.id.size()) + 1);
          f.type.push_back(1);
          f.image.push_back({0, 0, 0});
        }
  return f;
}

Frame make_frame(const Box& box, std::vector<Vec3> pos, std::vector<int> type) {
  Frame f;
  f.box = box;
  for (int k = 0; k < 3; ++k)
    f.boundary[static_cast<std::size_t>(k)] = box.periodic(k) ? "pp" : "ff";
  f.pos = std::move(pos);
  f.type = std::move(type);
  for (std::size_t i = 0; i < f.pos.size(); ++i) f.id.push_back(static_cast<std::int64_t>(i + 1));
  f.image.assign(f.pos.size(), {0, 0, 0});
  return f;
}

Frame icosahedron_frame(bool periodic) {
  const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
  std::vector<Vec3> pos{Vec3::Zero()};
  std::vector<int> type{2};
  for (double s1 : {-1.0, 1.0})
    for (double s2 : {-1.0, 1.0})
      for (const Vec3& v : {Vec3(0, s1, s2 * phi), Vec3(s1, s2 * phi, 0), Vec3(s2 * phi, 0, s1)}) {
        pos.push_back(2.7 * v.normalized());
        type.push_back(1);
      }
  return make_frame(
      Box(Mat3::Identity() * 20.0, Vec3(-10, -10, -10), {periodic, periodic, periodic}), pos, type);
}

const PerAtomField& find_field(const FrameResult& result, const std::string& name) {
  for (const auto& f : result.fields) {
    if (f.name == name) return f;
  }
  FAIL("no field " << name);
  throw std::logic_error("unreachable");
}

}  // namespace mgs::test
