#include "engine/tall_products.hpp"

#include <algorithm>
#include <vector>

#include "engine/parallel.hpp"

namespace mgs::tall {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;

constexpr Index kRows = 2048;

std::size_t chunks_of(Index n) {
  return static_cast<std::size_t>((n + kRows - 1) / kRows);
}

template <class F>
void for_row_chunks(Index n, F&& f) {
  parallel::for_blocks(
      chunks_of(n),
      [&](std::size_t b, std::size_t e) {
        for (std::size_t c = b; c < e; ++c) {
          const Index r0 = static_cast<Index>(c) * kRows;
          f(r0, std::min(kRows, n - r0));
        }
      },
      1);
}

}  // namespace

MatrixXd inner(const MatrixXd& a, Index s, const MatrixXd& w) {
  std::vector<MatrixXd> part(chunks_of(a.rows()));
  for_row_chunks(a.rows(), [&](Index r0, Index len) {
    part[static_cast<std::size_t>(r0 / kRows)].noalias() =
        a.block(r0, 0, len, s).transpose() * w.middleRows(r0, len);
  });
  MatrixXd c = MatrixXd::Zero(s, w.cols());
  for (const MatrixXd& p : part) c += p;
  return c;
}

void subtract(const MatrixXd& a, Index s, const MatrixXd& c, MatrixXd& w) {
  for_row_chunks(a.rows(), [&](Index r0, Index len) {
    w.middleRows(r0, len).noalias() -= a.block(r0, 0, len, s) * c;
  });
}

void rotate(MatrixXd& a, const MatrixXd& y) {
  for_row_chunks(a.rows(), [&](Index r0, Index len) {
    const MatrixXd t = a.block(r0, 0, len, y.rows()) * y;
    a.block(r0, 0, len, y.cols()) = t;
  });
}

MatrixXd random_block(Index n, Index b, std::mt19937_64& rng) {
  MatrixXd x(n, b);
  for (Index j = 0; j < b; ++j) {
    for (Index i = 0; i < n; ++i) x(i, j) = static_cast<double>(rng() >> 11) * 0x1.0p-52 - 1.0;
  }
  return x;
}

void right_multiply(MatrixXd& w, const MatrixXd& x) {
  for_row_chunks(w.rows(), [&](Index r0, Index len) {
    const MatrixXd t = w.middleRows(r0, len) * x;
    w.middleRows(r0, len) = t;
  });
}

}  // namespace mgs::tall
