#pragma once
// A tabulated function interpolated exactly as LAMMPS's pair_style eam family does it
// (PairEAM::interpolate and the lookups in PairEAM::compute): a cubic per interval whose knot
// slopes come from a fourth-order finite-difference stencil. Reproducing this, rather than a
// "better" spline, is what makes energies and forces agree with LAMMPS to round-off.
#include <array>
#include <cmath>
#include <vector>

namespace mgs {

class LammpsSpline {
 public:
  struct Value {
    double f = 0.0;    // the function
    double df = 0.0;   // its derivative as LAMMPS evaluates it
    double d2f = 0.0;  // derivative of df (0 where LAMMPS clamps to the table's end)
  };

  LammpsSpline() = default;
  // `f[k]` is the function at x = k * delta, k = 0 .. n-1 (n >= 5, as LAMMPS's stencil needs).
  LammpsSpline(const std::vector<double>& f, double delta);

  int size() const { return n_; }
  double delta() const { return delta_; }
  // The largest tabulated abscissa, (n - 1) * delta.
  double x_max() const { return (n_ - 1) * delta_; }

  // LAMMPS's lookup: m = clamp(int(x / delta + 1), 1, n - 1), p = min(x / delta + 1 - m, 1).
  Value operator()(double x) const {
    double p = x * rdelta_ + 1.0;
    // Clamp before the cast: a huge or hugely negative density (a damaged table) must not
    // overflow int, and NaN must not reach the cast (LAMMPS clamps with MIN/MAX after it).
    const int m = p >= static_cast<double>(n_ - 1) ? n_ - 1
                  : p >= 1.0                       ? static_cast<int>(p)
                                                   : 1;
    p -= m;
    const bool clamped = p > 1.0;
    if (clamped) p = 1.0;
    const auto& c = coeff_[static_cast<std::size_t>(m)];
    Value v;
    v.f = ((c[3] * p + c[4]) * p + c[5]) * p + c[6];
    v.df = (c[0] * p + c[1]) * p + c[2];
    v.d2f = clamped ? 0.0 : (2.0 * c[0] * p + c[1]) * rdelta_;
    return v;
  }

 private:
  int n_ = 0;
  double delta_ = 1.0;
  double rdelta_ = 1.0;
  // LAMMPS layout: coeff_[m][0..6] for m = 1 .. n (index 0 unused), [6] = f, [5] = slope·delta,
  // [3], [4] the cubic's higher terms, [0..2] the derivative's coefficients divided by delta.
  std::vector<std::array<double, 7>> coeff_;
};

}  // namespace mgs
