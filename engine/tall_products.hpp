#pragma once
// Products of tall matrices (n ≫ columns, the eigensolvers' bases) cut into fixed row chunks:
// parallel, each chunk a cache-sized matrix–matrix product, and partial sums added in chunk order,
// so the bits do not depend on the thread count.
#include <Eigen/Dense>

#include <random>

namespace mgs::tall {

// A.leftCols(s)ᵀ W.
Eigen::MatrixXd inner(const Eigen::MatrixXd& a, Eigen::Index s, const Eigen::MatrixXd& w);
// W −= A.leftCols(s) C.
void subtract(const Eigen::MatrixXd& a, Eigen::Index s, const Eigen::MatrixXd& c,
              Eigen::MatrixXd& w);
// A.leftCols(Y.cols()) = A.leftCols(Y.rows()) Y, in place.
void rotate(Eigen::MatrixXd& a, const Eigen::MatrixXd& y);
// n × b entries uniform in [−1, 1), column by column from `rng` (start blocks: the same on any
// machine and thread count).
Eigen::MatrixXd random_block(Eigen::Index n, Eigen::Index b, std::mt19937_64& rng);
// W = W X, in place (X square).
void right_multiply(Eigen::MatrixXd& w, const Eigen::MatrixXd& x);

}  // namespace mgs::tall
