#pragma once
// Zero-temperature elastic constants of a configuration at a local energy minimum, as the affine
// (Born) response minus the non-affine relaxation (Lutsko, J. Appl. Phys. 65, 2991 (1989);
// Maloney & Lemaître, PRE 74, 016118 (2006)):
//
//   C_ab = ∂σ_a/∂ε_b |affine − (1/V) Ξ_aᵀ H⁺ Ξ_b,   Ξ_b = ∂F/∂ε_b |affine
//
// with H the Hessian and F the forces. The affine derivatives are central differences of the
// analytic stress and forces under homogeneous strain (the configuration mapped affinely, no
// relaxation); H⁺ Ξ_b is solved by conjugate gradients on the sparse analytic Hessian (no
// factorisation, so it scales to large systems). C is the stress-strain tangent LAMMPS's ELASTIC
// example measures by deforming the box and minimising: with residual stress it is not symmetric
// by more than O(σ).
//
// Voigt order xx yy zz yz xz xy. Strain b is the displacement gradient u = d e_i e_jᵀ applied to
// the cell and positions (r → (I + u) r): b = 0..2 stretch x, y, z; 3: y += d z; 4: x += d z;
// 5: x += d y — the tilts LAMMPS's change_box ... remap applies to an orthogonal box.
#include <Eigen/Dense>

#include "engine/frame.hpp"
#include "engine/potential.hpp"

namespace mgs {

using Voigt6 = Eigen::Matrix<double, 6, 6>;

struct ElasticConstants {
  Voigt6 affine;                       // ∂σ/∂ε without relaxation (energy/length³)
  Voigt6 nonaffine;                    // (1/V) Ξᵀ H⁺ Ξ, the relaxation (subtracted)
  Voigt6 relaxed;                      // affine − nonaffine
  Eigen::Matrix<double, 6, 1> stress;  // σ = −(1/V) Σ W (tension positive), Voigt order
  double max_force = 0.0;              // largest |F_i| of the configuration (a minimum: ~0)
  int cg_iterations = 0;               // largest over the six solves
  double cg_error = 0.0;               // largest relative residual |H x − Ξ| / |Ξ|
};

// Voigt averages of an elastic tensor: G = (C11 + C22 + C33 − C12 − C13 − C23 + 3 (C44 + C55 +
// C66)) / 15 and B = (C11 + C22 + C33 + 2 (C12 + C13 + C23)) / 9 (symmetrised first).
double voigt_shear_modulus(const Voigt6& c);
double voigt_bulk_modulus(const Voigt6& c);

// `strain_step` is d of the central differences (1e-6 suits tabulated EAM, whose splines have
// second-derivative jumps at knots: the error is proportional to d).
ElasticConstants elastic_constants(const Frame& frame, const Potential& potential,
                                   double strain_step = 1e-6);

}  // namespace mgs
