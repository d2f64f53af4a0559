#pragma once
// The dynamical matrix as an operator, for eigensolvers that only multiply by it. EAM's Hessian
// is kept factored, H = P + Gᵀ diag(w) G: P holds the blocks of atoms within the cutoff (pair
// terms and the density curvatures weighted by F'), G the density gradients ∂ρ_k/∂x_a and
// w_k = F''(ρ_k). The assembled H couples every two atoms that share a neighbor (blocks reach
// 2 r_c, ~900 per atom in CuZr), its factors only atoms within r_c (~110), so a product costs ~5x
// fewer operations and the operator takes ~8x less memory.
#include <Eigen/Dense>

#include <cstdint>
#include <vector>

#include "engine/hessian.hpp"

namespace mgs {

// Several vectors side by side, one row per coordinate: a product reads each atom's three rows
// of all vectors at once.
using RowBlock = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The density gradients of an EAM configuration, row k = ∂ρ_k/∂x_a for the atoms a that ρ_k
// depends on (k and its neighbors, ascending), and the weights w_k = F''(ρ_k).
struct DensityGradients {
  std::vector<std::size_t> offsets;  // N + 1
  std::vector<std::uint32_t> atoms;
  std::vector<Vec3> gradients;
  std::vector<double> weights;  // N
};

class HessianOperator {
 public:
  // H = pair (a pair potential's whole Hessian).
  explicit HessianOperator(SparseHessian pair);
  // H = pair + Gᵀ diag(w) G.
  HessianOperator(SparseHessian pair, DensityGradients density);

  std::size_t atoms() const { return pair_.atoms(); }
  // Y = M^-1/2 H M^-1/2 X for `inv_sqrt_mass` = 1/√m_i per atom; X and Y are 3N × b.
  // Parallel over atoms, and the same bits on any number of threads.
  void apply(const std::vector<double>& inv_sqrt_mass, const RowBlock& x, RowBlock& y) const;
  // An upper bound of the largest eigenvalue of M^-1/2 H M^-1/2 (Gershgorin: the largest
  // absolute row sum, with |Gᵀ W G| bounded by |G|ᵀ |W| |G|).
  double gershgorin_bound(const std::vector<double>& inv_sqrt_mass) const;

 private:
  SparseHessian pair_;
  DensityGradients g_;
  // Gᵀ by atom: for atom a, the densities k that depend on it and ∂ρ_k/∂x_a.
  std::vector<std::size_t> t_offsets_;
  std::vector<std::uint32_t> t_density_;
  std::vector<Vec3> t_gradients_;
};

}  // namespace mgs
