#pragma once
// Thick-restart block Lanczos (the symmetric Krylov–Schur method) for the largest eigenpairs of
// a symmetric operator known only through its products with blocks of vectors. Blocks make every
// dense step a matrix–matrix product (the orthogonalisation against the basis dominates once the
// operator is cheap) and find degenerate eigenvalues, which single-vector Lanczos misses.
#include <Eigen/Dense>

#include <cstdint>
#include <functional>
#include <limits>

namespace mgs {

struct BlockLanczosOptions {
  Eigen::Index wanted = 0;  // eigenpairs
  Eigen::Index block = 16;  // vectors per block
  Eigen::Index basis = 0;  // Krylov basis size before a restart; 0: max(2 wanted, wanted + 8 block)
  double tolerance = 1e-10;  // converged when |A y − θ y| ≤ tolerance · |θ|
  int max_restarts = 1000;
  // Give up early when, after `floor_restarts` restarts, the wanted-th Ritz value is still below
  // `floor` (for a filtered operator: the wanted eigenvalues are not where the filter magnifies).
  double floor = -std::numeric_limits<double>::infinity();
  int floor_restarts = 3;
  std::uint64_t seed = 20261201;  // start block (fixed: the result does not depend on threads)
};

struct BlockLanczosResult {
  Eigen::VectorXd values;     // the wanted largest, descending
  Eigen::MatrixXd vectors;    // n × wanted, orthonormal
  Eigen::VectorXd residuals;  // |A y − θ y| of each
  int restarts = 0;
  std::size_t products = 0;  // operator products, counted in vectors
  bool converged = false;
  bool below_floor = false;  // stopped early by `floor`
};

// y = A x for a block x (n × b).
using BlockOperator = std::function<void(const Eigen::MatrixXd& x, Eigen::MatrixXd& y)>;

// The `wanted` largest eigenpairs of A restricted to the orthogonal complement of the columns of
// `deflate` (orthonormal, may be empty; A must leave that complement invariant). Returns with
// converged = false after max_restarts.
BlockLanczosResult block_lanczos_largest(const BlockOperator& op, Eigen::Index n,
                                         const Eigen::MatrixXd& deflate,
                                         const BlockLanczosOptions& options);

}  // namespace mgs
