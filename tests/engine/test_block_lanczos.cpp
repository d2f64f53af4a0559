// Thick-restart block Lanczos against spectra known exactly: a diagonal operator with a
// degenerate cluster and a deflated direction, and a dense symmetric matrix solved by Eigen.
#include <catch2/catch.hpp>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <functional>
#include <random>
#include <vector>

#include "engine/block_lanczos.hpp"

using namespace mgs;
using Eigen::Index;
using Eigen::MatrixXd;

namespace {

void check_pairs(const BlockLanczosResult& r, const BlockOperator& op, double scale) {
  const MatrixXd& v = r.vectors;
  CHECK((v.transpose() * v - MatrixXd::Identity(v.cols(), v.cols())).cwiseAbs().maxCoeff() < 1e-12);
  MatrixXd av;
  op(v, av);
  for (Index l = 0; l < v.cols(); ++l)
    CHECK((av.col(l) - r.values[l] * v.col(l)).norm() < 1e-9 * scale);
}

}  // namespace

TEST_CASE("block Lanczos: a diagonal spectrum with a 5-fold cluster and a deflated direction",
          "[lanczos]") {
  const Index n = 3000;
  // Eigenvalues spread over (0, 1], the top one deflated, five equal values just below it.
  Eigen::VectorXd d(n);
  for (Index i = 0; i < n; ++i) d[i] = std::pow(static_cast<double>(i + 1) / n, 2.0);
  for (Index i = n - 6; i < n - 1; ++i) d[i] = 0.999;
  const BlockOperator op = [&](const MatrixXd& x, MatrixXd& y) { y = d.asDiagonal() * x; };
  MatrixXd deflate = MatrixXd::Zero(n, 1);
  deflate(n - 1, 0) = 1.0;
  BlockLanczosOptions opt;
  opt.wanted = 40;
  opt.block = 8;
  const BlockLanczosResult r = block_lanczos_largest(op, n, deflate, opt);
  REQUIRE(r.converged);
  std::vector<double> expected(d.data(), d.data() + n - 1);
  std::sort(expected.rbegin(), expected.rend());
  for (Index l = 0; l < opt.wanted; ++l)
    CHECK(r.values[l] == Approx(expected[static_cast<std::size_t>(l)]).epsilon(1e-12));
  // All five copies of the cluster, none of the deflated direction.
  CHECK(r.values[4] == Approx(0.999).epsilon(1e-12));
  CHECK(r.vectors.row(n - 1).cwiseAbs().maxCoeff() < 1e-12);
  check_pairs(r, op, 1.0);
  CHECK(r.products > static_cast<std::size_t>(opt.wanted));
}

TEST_CASE("block Lanczos: the largest eigenpairs of a dense symmetric matrix", "[lanczos]") {
  const Index n = 400;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g;
  MatrixXd a(n, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < n; ++i) a(i, j) = g(rng);
  a = (0.5 * (a + a.transpose())).eval();
  const Eigen::VectorXd all =
      Eigen::SelfAdjointEigenSolver<MatrixXd>(a, Eigen::EigenvaluesOnly).eigenvalues();
  const BlockOperator op = [&](const MatrixXd& x, MatrixXd& y) { y = a * x; };
  BlockLanczosOptions opt;
  opt.wanted = 10;
  opt.block = 4;
  const BlockLanczosResult r = block_lanczos_largest(op, n, MatrixXd(n, 0), opt);
  REQUIRE(r.converged);
  for (Index l = 0; l < opt.wanted; ++l)
    CHECK(r.values[l] == Approx(all[n - 1 - l]).epsilon(1e-10));
  check_pairs(r, op, all.cwiseAbs().maxCoeff());
  // Wanted + block above the basis, basis + block above the dimension: refused.
  opt.basis = 12;
  CHECK_THROWS_AS(block_lanczos_largest(op, n, MatrixXd(n, 0), opt), std::invalid_argument);
  opt.basis = n;
  CHECK_THROWS_AS(block_lanczos_largest(op, n, MatrixXd(n, 0), opt), std::invalid_argument);
}

TEST_CASE("block Lanczos: an operator with three distinct eigenvalues closes its Krylov space",
          "[lanczos]") {
  // 200 copies each of 1, 0.5 and 0.1: a block of 4 spans at most 12 Krylov directions, after
  // which new random directions keep the basis growing; the 10 largest are all 1.
  const Index n = 600;
  Eigen::VectorXd d(n);
  for (Index i = 0; i < n; ++i) d[i] = i % 3 == 0 ? 1.0 : (i % 3 == 1 ? 0.5 : 0.1);
  const BlockOperator op = [&](const MatrixXd& x, MatrixXd& y) { y = d.asDiagonal() * x; };
  BlockLanczosOptions opt;
  opt.wanted = 10;
  opt.block = 4;
  const BlockLanczosResult r = block_lanczos_largest(op, n, MatrixXd(n, 0), opt);
  REQUIRE(r.converged);
  for (Index l = 0; l < opt.wanted; ++l) CHECK(r.values[l] == Approx(1.0).epsilon(1e-12));
  check_pairs(r, op, 1.0);
}
