#include "engine/box.hpp"

#include <Eigen/Dense>
#include <cmath>

#include "engine/errors.hpp"

namespace mgs {

Box::Box() : Box(Mat3::Identity(), Vec3::Zero(), {true, true, true}) {}

Box::Box(const Mat3& cell, const Vec3& origin, std::array<bool, 3> periodic)
    : h_(cell), origin_(origin), periodic_(periodic) {
  volume_ = h_.determinant();
  const double scale = h_.col(0).norm() * h_.col(1).norm() * h_.col(2).norm();
  if (!std::isfinite(volume_) || !(volume_ > 1e-12 * scale) || scale == 0.0) {
    throw ComputeError("the simulation cell has zero or negative volume (degenerate or left-handed)");
  }
  hinv_ = h_.inverse();
  for (int k = 0; k < 3; ++k) {
    const Vec3 cross = h_.col((k + 1) % 3).cross(h_.col((k + 2) % 3));
    widths_[k] = volume_ / cross.norm();
  }
}

Box Box::from_lammps(double xlo, double xhi, double ylo, double yhi, double zlo, double zhi,
                     double xy, double xz, double yz, std::array<bool, 3> periodic) {
  Mat3 h;
  h << xhi - xlo, xy, xz, 0.0, yhi - ylo, yz, 0.0, 0.0, zhi - zlo;
  return Box(h, Vec3(xlo, ylo, zlo), periodic);
}

bool Box::is_lower_triangular() const {
  // LAMMPS' convention stores a, b, c as columns of an upper-triangular h (a along x, b in xy).
  return h_(1, 0) == 0.0 && h_(2, 0) == 0.0 && h_(2, 1) == 0.0;
}

bool Box::is_orthogonal() const {
  return is_lower_triangular() && h_(0, 1) == 0.0 && h_(0, 2) == 0.0 && h_(1, 2) == 0.0;
}

Vec3 Box::wrap(const Vec3& r, std::array<int, 3>* image) const {
  Vec3 s = to_fractional(r);
  std::array<int, 3> shift{0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    if (!periodic_[k]) continue;
    const double f = std::floor(s[k]);
    shift[k] = static_cast<int>(f);
    s[k] -= f;
    // floor() of a value a hair below an integer can leave exactly 1.0 after subtraction.
    if (s[k] >= 1.0) {
      s[k] -= 1.0;
      shift[k] += 1;
    }
  }
  if (image) *image = shift;
  if (shift == std::array<int, 3>{0, 0, 0}) return r;
  return r - h_ * Vec3(shift[0], shift[1], shift[2]);
}

Vec3 Box::minimum_image(const Vec3& d) const {
  Vec3 s = hinv_ * d;
  for (int k = 0; k < 3; ++k) {
    if (periodic_[k]) s[k] -= std::round(s[k]);
  }
  Vec3 best = h_ * s;
  double best2 = best.squaredNorm();
  // Rounding in reduced coordinates is exact for orthogonal cells; for tilted cells one of the
  // neighboring images can be shorter, so look at them too.
  if (is_orthogonal()) return best;
  for (int i = -1; i <= 1; ++i) {
    if (i != 0 && !periodic_[0]) continue;
    for (int j = -1; j <= 1; ++j) {
      if (j != 0 && !periodic_[1]) continue;
      for (int k = -1; k <= 1; ++k) {
        if (k != 0 && !periodic_[2]) continue;
        const Vec3 c = h_ * (s + Vec3(i, j, k));
        const double c2 = c.squaredNorm();
        if (c2 < best2) {
          best2 = c2;
          best = c;
        }
      }
    }
  }
  return best;
}

}  // namespace mgs
