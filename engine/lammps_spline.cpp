#include "engine/lammps_spline.hpp"

#include <stdexcept>

namespace mgs {

LammpsSpline::LammpsSpline(const std::vector<double>& f, double delta)
    : n_(static_cast<int>(f.size())), delta_(delta), rdelta_(1.0 / delta) {
  if (n_ < 5) throw std::invalid_argument("a LAMMPS spline table needs at least 5 points");
  if (!(delta > 0.0)) throw std::invalid_argument("a LAMMPS spline table needs a positive spacing");
  // Transcribed from PairEAM::interpolate (1-based like the original, so it reads alike).
  const int n = n_;
  coeff_.assign(static_cast<std::size_t>(n) + 1, {});
  auto s = [this](int m) -> std::array<double, 7>& { return coeff_[static_cast<std::size_t>(m)]; };
  for (int m = 1; m <= n; ++m) s(m)[6] = f[static_cast<std::size_t>(m - 1)];

  s(1)[5] = s(2)[6] - s(1)[6];
  s(2)[5] = 0.5 * (s(3)[6] - s(1)[6]);
  s(n - 1)[5] = 0.5 * (s(n)[6] - s(n - 2)[6]);
  s(n)[5] = s(n)[6] - s(n - 1)[6];
  for (int m = 3; m <= n - 2; ++m) {
    s(m)[5] = ((s(m - 2)[6] - s(m + 2)[6]) + 8.0 * (s(m + 1)[6] - s(m - 1)[6])) / 12.0;
  }
  for (int m = 1; m <= n - 1; ++m) {
    s(m)[4] = 3.0 * (s(m + 1)[6] - s(m)[6]) - 2.0 * s(m)[5] - s(m + 1)[5];
    s(m)[3] = s(m)[5] + s(m + 1)[5] - 2.0 * (s(m + 1)[6] - s(m)[6]);
  }
  s(n)[4] = 0.0;
  s(n)[3] = 0.0;
  for (int m = 1; m <= n; ++m) {
    s(m)[2] = s(m)[5] / delta;
    s(m)[1] = 2.0 * s(m)[4] / delta;
    s(m)[0] = 3.0 * s(m)[3] / delta;
  }
}

}  // namespace mgs
