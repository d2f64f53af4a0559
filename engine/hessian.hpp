#pragma once
// The Hessian ∂²U/∂x_i∂x_j of a potential as a sparse matrix of 3×3 blocks, built row by row in
// parallel (each row by one task, in a fixed order, so the bits do not depend on the thread
// count), and the mass-weighted dynamical matrix in Eigen's sparse form.
#include <Eigen/Sparse>

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/box.hpp"

namespace mgs {

class SparseHessian {
 public:
  // Adds blocks to one row; `add(j, B)` accumulates B into block (i, j).
  class RowBuilder {
   public:
    void add(std::uint32_t j, const Mat3& block);

   private:
    friend class SparseHessian;
    std::vector<int>* slot_ = nullptr;  // per atom: index into columns_, -1 if absent
    std::vector<std::uint32_t> columns_;
    std::vector<Mat3> blocks_;
  };

  // Calls row(i, builder) for every atom i (concurrently for different i).
  SparseHessian(std::size_t atoms, const std::function<void(std::size_t, RowBuilder&)>& row);

  std::size_t atoms() const { return offsets_.size() - 1; }
  std::size_t blocks() const { return columns_.size(); }
  // Row i's blocks, columns ascending.
  std::size_t row_begin(std::size_t i) const { return offsets_[i]; }
  std::size_t row_end(std::size_t i) const { return offsets_[i + 1]; }
  std::uint32_t column(std::size_t k) const { return columns_[k]; }
  const Mat3& block(std::size_t k) const { return blocks_[k]; }
  // Raw rows for kernels: row i is [row_begin(i), row_end(i)) of both.
  const std::uint32_t* columns_data() const { return columns_.data(); }
  const Mat3* blocks_data() const { return blocks_.data(); }
  // Block (i, j), zero when absent.
  Mat3 at(std::size_t i, std::size_t j) const;

  // D = M^-1/2 H M^-1/2 with the mass of each atom, as a 3N×3N sparse matrix: the lower
  // triangle only when `lower_only` (what a Cholesky factorisation reads), else full.
  Eigen::SparseMatrix<double> dynamical_matrix(const std::vector<double>& atom_mass,
                                               bool lower_only) const;

 private:
  std::vector<std::size_t> offsets_;
  std::vector<std::uint32_t> columns_;
  std::vector<Mat3> blocks_;
};

// The block K = φ'' û ûᵀ + (φ'/r)(I − û ûᵀ) of a central pair term φ(r) along d = x_j − x_i: a
// pair adds K to blocks (i,i), (j,j) and −K to (i,j), (j,i).
inline Mat3 pair_block(const Vec3& d, double r, double d1, double d2) {
  const Vec3 u = d / r;
  const Mat3 uu = u * u.transpose();
  return d2 * uu + (d1 / r) * (Mat3::Identity() - uu);
}

}  // namespace mgs
