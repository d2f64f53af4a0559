#include "engine/potential.hpp"

#include <fmt/format.h>

#include "engine/errors.hpp"

namespace mgs {

std::vector<double> type_masses(const Potential& potential, const std::vector<TypeInfo>& types,
                                int max_type) {
  std::vector<double> mass(static_cast<std::size_t>(std::max(max_type, 0)) + 1, 0.0);
  for (int t = 1; t <= max_type; ++t) {
    const auto k = static_cast<std::size_t>(t);
    if (k < types.size() && types[k].mass) {
      mass[k] = *types[k].mass;
    } else if (const auto m = potential.mass_of_type(t)) {
      mass[k] = *m;
    } else {
      throw ComputeError(
          fmt::format("no mass for atom type {}: give it in input.types.{}.mass", t, t));
    }
  }
  return mass;
}

}  // namespace mgs
