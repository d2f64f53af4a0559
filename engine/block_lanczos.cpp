#include "engine/block_lanczos.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "engine/tall_products.hpp"

namespace mgs {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using tall::inner;
using tall::random_block;
using tall::rotate;
using tall::subtract;

// W −= A.leftCols(s) (A.leftCols(s)ᵀ W), twice (one pass loses orthogonality when W is nearly
// in the span); returns the coefficients of both passes.
MatrixXd orthogonalize(const MatrixXd& a, Index s, MatrixXd& w) {
  if (s == 0) return MatrixXd::Zero(0, w.cols());
  MatrixXd c = inner(a, s, w);
  subtract(a, s, c, w);
  const MatrixXd c2 = inner(a, s, w);
  subtract(a, s, c2, w);
  return c + c2;
}

// W = Q R with orthonormal Q (returned in W). `reference` is the largest column norm of W before
// it was orthogonalised against the basis: what is left far below it is rounding noise, not a
// new direction. Cholesky QR twice (parallel matrix products) when W is well conditioned and
// well above that noise, Householder otherwise; columns of a rank-deficient W (the Krylov space
// has closed) are replaced by random vectors orthogonal to the basis, with zero coupling.
MatrixXd block_qr(MatrixXd& w, double reference, const MatrixXd& basis, Index s,
                  const MatrixXd& deflate, std::mt19937_64& rng) {
  const Index b = w.cols();
  const double noise = 1e-10 * reference;
  auto cholesky_pass = [&](MatrixXd& r) {
    const MatrixXd gram = inner(w, b, w);
    const Eigen::LLT<MatrixXd> llt(gram);
    if (llt.info() != Eigen::Success) return false;
    const MatrixXd l = llt.matrixL();
    const Eigen::VectorXd d = l.diagonal().cwiseAbs();
    if (d.minCoeff() <= 1e-6 * d.maxCoeff()) return false;
    tall::right_multiply(
        w, l.transpose().triangularView<Eigen::Upper>().solve(MatrixXd::Identity(b, b)));
    r = l.transpose();
    return true;
  };
  MatrixXd r1, r2;
  const MatrixXd saved = w;
  if (w.colwise().norm().minCoeff() > 1e4 * noise && cholesky_pass(r1) && cholesky_pass(r2))
    return r2 * r1;
  w = saved;
  Eigen::HouseholderQR<MatrixXd> qr(w);
  MatrixXd r = qr.matrixQR().topRows(b).triangularView<Eigen::Upper>();
  w = qr.householderQ() * MatrixXd::Identity(w.rows(), b);
  for (Index j = 0; j < b; ++j) {
    if (std::abs(r(j, j)) > noise) continue;
    MatrixXd x = random_block(w.rows(), 1, rng);
    for (int pass = 0; pass < 2; ++pass) {
      orthogonalize(deflate, deflate.cols(), x);
      orthogonalize(basis, s, x);
      x -= w * (w.transpose() * x);
    }
    w.col(j) = x / x.norm();
    r.row(j).setZero();
  }
  return r;
}

}  // namespace

BlockLanczosResult block_lanczos_largest(const BlockOperator& op, Index n, const MatrixXd& deflate,
                                         const BlockLanczosOptions& options) {
  const Index b = options.block;
  const Index nev = options.wanted;
  const Index room = n - deflate.cols();
  Index m = options.basis > 0 ? options.basis : std::max(2 * nev, nev + 8 * b);
  m = (m + b - 1) / b * b;
  if (b < 1 || nev < 1 || nev + b > m || m + b > room) {
    throw std::invalid_argument(
        "block_lanczos_largest: needs 1 ≤ wanted, wanted + block ≤ basis and basis + block ≤ "
        "the dimension");
  }
  // Ritz vectors kept at a restart: the wanted plus a buffer, so that m − kept is whole blocks.
  const Index kept = m - std::max<Index>(1, (m - nev - std::min(nev, (m - nev) / 2)) / b) * b;

  std::mt19937_64 rng(options.seed);
  MatrixXd v(n, m + b);
  MatrixXd h = MatrixXd::Zero(m + b, m + b);
  {
    MatrixXd x = random_block(n, b, rng);
    orthogonalize(deflate, deflate.cols(), x);
    block_qr(x, 1.0, v, 0, deflate, rng);
    v.leftCols(b) = x;
  }
  BlockLanczosResult result;
  Index s = b;  // basis vectors; the images of all but the last block are in h
  Eigen::SelfAdjointEigenSolver<MatrixXd> eig;
  MatrixXd y, coupling;
  Eigen::VectorXd theta;
  for (;;) {
    while (s < m + b) {
      const Index j = s - b;
      MatrixXd w;
      op(v.middleCols(j, b), w);
      result.products += static_cast<std::size_t>(b);
      const double reference = w.colwise().norm().maxCoeff();
      orthogonalize(deflate, deflate.cols(), w);
      const MatrixXd c = orthogonalize(v, s, w);
      h.block(0, j, s, b) = c;
      h.block(j, 0, b, s) = c.transpose();
      const MatrixXd r = block_qr(w, reference, v, s, deflate, rng);
      v.middleCols(s, b) = w;
      h.block(s, j, b, b) = r;
      h.block(j, s, b, b) = r.transpose();
      s += b;
    }
    // Rayleigh–Ritz on the m-vector basis; the residual of Ritz pair i is the norm of column i
    // of the coupling to the last block, H[m:m+b, 0:m] Y.
    const MatrixXd hm = 0.5 * (h.topLeftCorner(m, m) + h.topLeftCorner(m, m).transpose());
    eig.compute(hm);
    if (eig.info() != Eigen::Success)
      throw std::runtime_error("block Lanczos: Ritz problem failed");
    theta = eig.eigenvalues().reverse();
    y = eig.eigenvectors().rowwise().reverse();
    coupling = h.block(m, 0, b, m) * y;
    Index done = 0;
    while (done < nev && coupling.col(done).norm() <= options.tolerance * std::abs(theta[done]))
      ++done;
    result.below_floor =
        result.restarts >= options.floor_restarts && theta[nev - 1] < options.floor;
    if (done == nev || result.restarts >= options.max_restarts || result.below_floor) {
      result.converged = done == nev;
      break;
    }
    ++result.restarts;
    // Thick restart: keep the leading Ritz vectors and the residual block.
    rotate(v, y.leftCols(kept));
    v.middleCols(kept, b) = v.middleCols(m, b);
    h.setZero();
    h.topLeftCorner(kept, kept).diagonal() = theta.head(kept);
    h.block(kept, 0, b, kept) = coupling.leftCols(kept);
    h.block(0, kept, kept, b) = coupling.leftCols(kept).transpose();
    s = kept + b;
  }
  rotate(v, y.leftCols(nev));
  result.values = theta.head(nev);
  result.vectors = v.leftCols(nev);
  result.residuals = coupling.leftCols(nev).colwise().norm().transpose();
  return result;
}

}  // namespace mgs
