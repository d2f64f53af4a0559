#pragma once
// A periodic (or partly periodic) simulation cell of any shape: three edge vectors and an origin.
#include <Eigen/Core>
#include <array>
#include <string>

namespace mgs {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

class Box {
 public:
  Box();  // unit cube at the origin, fully periodic
  // `cell` holds the edge vectors a, b, c as columns. Throws ComputeError if the cell is singular.
  Box(const Mat3& cell, const Vec3& origin, std::array<bool, 3> periodic);

  // LAMMPS restricted triclinic: a = (xhi-xlo, 0, 0), b = (xy, yhi-ylo, 0), c = (xz, yz, zhi-zlo).
  static Box from_lammps(double xlo, double xhi, double ylo, double yhi, double zlo, double zhi,
                         double xy, double xz, double yz, std::array<bool, 3> periodic);

  const Mat3& cell() const { return h_; }
  const Mat3& inverse() const { return hinv_; }
  const Vec3& origin() const { return origin_; }
  Vec3 edge(int k) const { return h_.col(k); }
  const std::array<bool, 3>& periodic() const { return periodic_; }
  bool periodic(int k) const { return periodic_[k]; }
  bool fully_periodic() const { return periodic_[0] && periodic_[1] && periodic_[2]; }

  double volume() const { return volume_; }
  // Distance between the two faces spanned by the other two edges (the cell's thickness along k).
  double perpendicular_width(int k) const { return widths_[k]; }
  // True when a is along x and b in the xy plane, i.e. the cell is LAMMPS restricted triclinic.
  bool is_lower_triangular() const;
  bool is_orthogonal() const;

  Vec3 to_fractional(const Vec3& r) const { return hinv_ * (r - origin_); }
  Vec3 to_cartesian(const Vec3& s) const { return origin_ + h_ * s; }
  // Maps r into the cell along periodic directions; `image` receives the number of cell vectors
  // that were removed, so that r == wrapped + h * image.
  Vec3 wrap(const Vec3& r, std::array<int, 3>* image = nullptr) const;
  // The shortest periodic image of a separation vector, for any tilt the cell allows.
  Vec3 minimum_image(const Vec3& d) const;

 private:
  Mat3 h_;
  Mat3 hinv_;
  Vec3 origin_;
  std::array<bool, 3> periodic_;
  double volume_;
  std::array<double, 3> widths_;
};

}  // namespace mgs
