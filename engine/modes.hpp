#pragma once
// Normal modes from the dynamical matrix D = M^-1/2 H M^-1/2 (SCIENCE.md §5): every mode by
// dense diagonalisation for small systems, or the lowest k by shift-invert Lanczos (Spectra on a
// sparse LDLᵀ factorisation of D − σI) for large ones; the three translational zero modes are
// removed by their overlap with rigid translations.
#include <Eigen/Dense>

#include <string>
#include <vector>

#include "engine/hessian.hpp"
#include "engine/hessian_operator.hpp"

namespace mgs {

// ν (THz) = kThzPerSqrtEigenvalue · √λ for λ in eV/(Å²·amu):
// √(1.602176634e-19 J / (1e-20 m² · 1.66053906660e-27 kg)) / 2π / 1e12.
inline constexpr double kThzPerSqrtEigenvalue = 15.633302;

// Dense: every mode. ShiftInvert: the lowest modes, factorising densely up to kDenseFactorAtoms
// atoms and sparsely beyond; ShiftInvertSparse always sparsely (for tests and benchmarks).
enum class ModeSolver { Dense, ShiftInvert, ShiftInvertSparse, Lanczos };

// Up to this many atoms D − σI is factorised as a dense matrix, in place (72 N² bytes: 4.6 GB at
// 8000 atoms); beyond it with a sparse LDLᵀ, which the 2 r_c reach of EAM Hessian blocks fills in
// almost completely at these sizes anyway (benchmarks/README.md).
inline constexpr std::size_t kDenseFactorAtoms = 8000;

struct Modes {
  ModeSolver solver = ModeSolver::Dense;
  std::size_t dimension = 0;          // 3N
  std::vector<double> eigenvalues;    // ω², ascending, translations removed (eV/(Å²·amu))
  Eigen::MatrixXd vectors;            // 3N × modes, unit columns e_l (mass-weighted coordinates)
  std::vector<double> translational;  // eigenvalues of the removed translational modes
  std::size_t imaginary = 0;          // modes with λ < 0 among those computed
  int iterations = 0;                 // Lanczos restarts (shift-invert)
};

// The `count` lowest modes after removing the 3 translations (count = 0: all 3N − 3, dense only).
// ShiftInvert throws ComputeError when Lanczos does not converge.
Modes lowest_modes(const SparseHessian& hessian, const std::vector<double>& atom_mass,
                   std::size_t count, ModeSolver solver);

// The factorisation-free path for large systems (engine/modes_lanczos.cpp): thick-restart block
// Lanczos on a Chebyshev polynomial of D that magnifies [λ_min, cut] and damps [cut, λ_max], with
// `cut` placed above the wanted modes by a stochastic estimate of the eigenvalue count (kernel
// polynomial method), then a Rayleigh–Ritz step with D itself. Only products with the operator:
// memory O(N · modes), no factorisation. 0 = chosen automatically.
struct LanczosSettings {
  Eigen::Index block = 0;  // vectors per block
  int degree = 0;          // of the filter polynomial
  double cut = 0.0;        // upper end of the magnified interval (eV/(Å²·amu))
  double tolerance =
      1e-10;  // Lanczos residual of the filtered operator, relative to its Ritz value
};
struct LanczosReport {
  double cut = 0.0, lambda_max_bound = 0.0;
  int degree = 0;  // 0: no filter, every mode densely (a system too small for a Krylov basis)
  Eigen::Index block = 0, basis = 0;
  int restarts = 0;
  std::size_t products = 0;   // products with D, counted in vectors
  double max_residual = 0.0;  // max |D e − λ e| / λ_max bound
};
Modes lowest_modes(const HessianOperator& op, const std::vector<double>& atom_mass,
                   std::size_t count, const LanczosSettings& settings = {},
                   LanczosReport* report = nullptr);

// Per atom w_i = Σ_{l>3} |e_li|² / λ_l (translations excluded), the diagonal of the
// pseudo-inverse of D, so that the classical harmonic MSD is k_B T w_i / m_i (SCIENCE.md §6b).
// From a complete set of modes (dense):
std::vector<double> inverse_mode_weights(const Modes& all_modes);
// Without the modes. `dense`: Cholesky of the dense D + c·P_T (P_T projects on the translations,
// which D maps to zero, so D⁺ = (D + c P_T)⁻¹ − P_T / c exactly) and the column norms of L⁻¹ —
// O(N³) but blocked, seconds for 2000 atoms. Otherwise 3N sparse solves with D − σI (σ = −1e-10
// of the mean diagonal) on vectors kept orthogonal to the translations, in parallel over atoms.
// Throws ComputeError when D is not positive semi-definite (imaginary modes).
std::vector<double> inverse_mode_weights(const SparseHessian& hessian,
                                         const std::vector<double>& atom_mass, bool dense);

// Frequency in THz of an eigenvalue; negative for an imaginary mode (−ν of |λ|).
double frequency_thz(double eigenvalue);

// PR_l = (Σ_i |e_li|²)² / (N Σ_i |e_li|⁴): 1 for a uniform mode, 1/N for one atom.
double participation_ratio(const Eigen::Ref<const Eigen::VectorXd>& mode);

}  // namespace mgs
