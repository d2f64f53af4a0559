#pragma once
// Normal modes from the dynamical matrix D = M^-1/2 H M^-1/2 (SCIENCE.md §5): every mode by
// dense diagonalisation for small systems, or the lowest k by shift-invert Lanczos (Spectra on a
// sparse LDLᵀ factorisation of D − σI) for large ones; the three translational zero modes are
// removed by their overlap with rigid translations.
#include <Eigen/Dense>

#include <string>
#include <vector>

#include "engine/hessian.hpp"

namespace mgs {

// ν (THz) = kThzPerSqrtEigenvalue · √λ for λ in eV/(Å²·amu):
// √(1.602176634e-19 J / (1e-20 m² · 1.66053906660e-27 kg)) / 2π / 1e12.
inline constexpr double kThzPerSqrtEigenvalue = 15.633302;

enum class ModeSolver { Dense, ShiftInvert };

struct Modes {
  ModeSolver solver = ModeSolver::Dense;
  std::size_t dimension = 0;        // 3N
  std::vector<double> eigenvalues;  // ω², ascending, translations removed (eV/(Å²·amu))
  Eigen::MatrixXd vectors;          // 3N × modes, unit columns e_l (mass-weighted coordinates)
  std::vector<double> translational;  // eigenvalues of the removed translational modes
  std::size_t imaginary = 0;          // modes with λ < 0 among those computed
  int iterations = 0;                 // Lanczos restarts (shift-invert)
};

// The `count` lowest modes after removing the 3 translations (count = 0: all 3N − 3, dense only).
// ShiftInvert throws ComputeError when Lanczos does not converge.
Modes lowest_modes(const SparseHessian& hessian, const std::vector<double>& atom_mass, std::size_t count,
                   ModeSolver solver);

// Frequency in THz of an eigenvalue; negative for an imaginary mode (−ν of |λ|).
double frequency_thz(double eigenvalue);

// PR_l = (Σ_i |e_li|²)² / (N Σ_i |e_li|⁴): 1 for a uniform mode, 1/N for one atom.
double participation_ratio(const Eigen::Ref<const Eigen::VectorXd>& mode);

}  // namespace mgs
