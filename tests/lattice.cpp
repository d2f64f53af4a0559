#include "lattice.hpp"

#include <stdexcept>
#include <vector>

namespace mgs::test {

Frame cubic_lattice(const std::string& kind, double a, int n) {
  std::vector<Vec3> basis;
  if (kind == "fcc") basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  else if (kind == "bcc") basis = {{0, 0, 0}, {0.5, 0.5, 0.5}};
  else if (kind == "sc") basis = {{0, 0, 0}};
  else throw std::invalid_argument("unknown lattice " + kind);
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

}  // namespace mgs::test
