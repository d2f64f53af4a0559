#include "engine/hessian.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/parallel.hpp"

namespace mgs {

void SparseHessian::RowBuilder::add(std::uint32_t j, const Mat3& block) {
  int& s = (*slot_)[j];
  if (s < 0) {
    s = static_cast<int>(columns_.size());
    columns_.push_back(j);
    blocks_.push_back(block);
  } else {
    blocks_[static_cast<std::size_t>(s)] += block;
  }
}

SparseHessian::SparseHessian(std::size_t n,
                             const std::function<void(std::size_t, RowBuilder&)>& row) {
  // Rows are built into per-row storage first (sizes unknown in advance), then packed.
  std::vector<std::vector<std::uint32_t>> cols(n);
  std::vector<std::vector<Mat3>> vals(n);
  tbb::enumerable_thread_specific<std::vector<int>> slots(std::vector<int>(n, -1));
  parallel::for_each_index(
      n,
      [&](std::size_t i) {
        RowBuilder b;
        b.slot_ = &slots.local();
        row(i, b);
        for (std::uint32_t j : b.columns_) (*b.slot_)[j] = -1;
        std::vector<std::size_t> order(b.columns_.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(),
                  [&](std::size_t a, std::size_t c) { return b.columns_[a] < b.columns_[c]; });
        cols[i].reserve(order.size());
        vals[i].reserve(order.size());
        for (std::size_t k : order) {
          cols[i].push_back(b.columns_[k]);
          vals[i].push_back(b.blocks_[k]);
        }
      },
      16);
  offsets_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + cols[i].size();
  columns_.resize(offsets_[n]);
  blocks_.resize(offsets_[n]);
  parallel::for_each_index(n, [&](std::size_t i) {
    std::copy(cols[i].begin(), cols[i].end(),
              columns_.begin() + static_cast<std::ptrdiff_t>(offsets_[i]));
    std::copy(vals[i].begin(), vals[i].end(),
              blocks_.begin() + static_cast<std::ptrdiff_t>(offsets_[i]));
    std::vector<std::uint32_t>().swap(cols[i]);
    std::vector<Mat3>().swap(vals[i]);
  });
}

Mat3 SparseHessian::at(std::size_t i, std::size_t j) const {
  const auto b = columns_.begin() + static_cast<std::ptrdiff_t>(offsets_[i]);
  const auto e = columns_.begin() + static_cast<std::ptrdiff_t>(offsets_[i + 1]);
  const auto it = std::lower_bound(b, e, static_cast<std::uint32_t>(j));
  if (it == e || *it != j) return Mat3::Zero();
  return blocks_[static_cast<std::size_t>(it - columns_.begin())];
}

Eigen::SparseMatrix<double> SparseHessian::dynamical_matrix(const std::vector<double>& mass,
                                                            bool lower_only) const {
  const std::size_t n = atoms();
  std::vector<double> rsqrt(n);
  for (std::size_t i = 0; i < n; ++i) rsqrt[i] = 1.0 / std::sqrt(mass[i]);
  // Column-major: column 3j+b holds, for each block row i (ascending), rows 3i+a. The Hessian
  // is symmetric, so block row j of H lists the blocks of block column j (transposed).
  std::vector<Eigen::Index> outer(3 * n + 1, 0);
  for (std::size_t j = 0; j < n; ++j) {
    std::size_t count = 0;
    for (std::size_t k = offsets_[j]; k < offsets_[j + 1]; ++k) {
      if (!lower_only || columns_[k] >= j) ++count;
    }
    for (int b = 0; b < 3; ++b) {
      // lower triangle: in the diagonal block, column 3j+b keeps rows 3j+b .. 3j+2
      const std::size_t diag_skip = lower_only ? static_cast<std::size_t>(b) : 0;
      outer[3 * j + static_cast<std::size_t>(b) + 1] =
          static_cast<Eigen::Index>(3 * count - diag_skip);
    }
  }
  for (std::size_t c = 0; c < 3 * n; ++c) outer[c + 1] += outer[c];
  Eigen::SparseMatrix<double> D(static_cast<Eigen::Index>(3 * n), static_cast<Eigen::Index>(3 * n));
  D.resizeNonZeros(outer[3 * n]);
  std::copy(outer.begin(), outer.end(), D.outerIndexPtr());
  parallel::for_each_index(n, [&](std::size_t j) {
    for (int b = 0; b < 3; ++b) {
      Eigen::Index p = outer[3 * j + static_cast<std::size_t>(b)];
      for (std::size_t k = offsets_[j]; k < offsets_[j + 1]; ++k) {
        const std::size_t i = columns_[k];
        if (lower_only && i < j) continue;
        // Entry (3i+a, 3j+b) = H_ij(a, b) = H_ji(b, a): block k of row j is H_ji.
        for (int a = 0; a < 3; ++a) {
          if (lower_only && i == j && a < b) continue;
          D.innerIndexPtr()[p] = static_cast<int>(3 * i + static_cast<std::size_t>(a));
          D.valuePtr()[p] = blocks_[k](b, a) * rsqrt[i] * rsqrt[j];
          ++p;
        }
      }
    }
  });
  return D;
}

}  // namespace mgs
