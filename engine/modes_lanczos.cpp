// The lowest normal modes without factorising D (see LanczosSettings in modes.hpp).
#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "engine/block_lanczos.hpp"
#include "engine/errors.hpp"
#include "engine/modes.hpp"
#include "engine/tall_products.hpp"

namespace mgs {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// y = D x with D = M^-1/2 H M^-1/2, counting the vectors multiplied.
class Dynamical {
 public:
  Dynamical(const HessianOperator& h, const std::vector<double>& mass) : h_(h), s_(mass.size()) {
    for (std::size_t i = 0; i < mass.size(); ++i) s_[i] = 1.0 / std::sqrt(mass[i]);
  }
  void operator()(const MatrixXd& x, MatrixXd& y) const {
    const RowBlock xr = x;
    RowBlock yr;
    h_.apply(s_, xr, yr);
    y = yr;
    products_ += static_cast<std::size_t>(x.cols());
  }
  const std::vector<double>& inv_sqrt_mass() const { return s_; }
  std::size_t products() const { return products_; }

 private:
  const HessianOperator& h_;
  std::vector<double> s_;
  mutable std::size_t products_ = 0;
};

// The three rigid translations in mass-weighted coordinates (√m_i along each axis), orthonormal.
MatrixXd translations(const std::vector<double>& mass) {
  const double total = std::accumulate(mass.begin(), mass.end(), 0.0);
  MatrixXd t = MatrixXd::Zero(static_cast<Index>(3 * mass.size()), 3);
  for (std::size_t i = 0; i < mass.size(); ++i) {
    for (Index a = 0; a < 3; ++a) t(static_cast<Index>(3 * i) + a, a) = std::sqrt(mass[i] / total);
  }
  return t;
}

void project_out(const MatrixXd& t, MatrixXd& x) {
  for (int pass = 0; pass < 2; ++pass) tall::subtract(t, t.cols(), tall::inner(t, t.cols(), x), x);
}

// Jackson damping of Chebyshev moment k of K (removes Gibbs oscillations; the smoothed step
// stays monotone).
double jackson(int k, int moments) {
  const double q = M_PI / (moments + 1);
  return ((moments - k + 1) * std::cos(q * k) + std::sin(q * k) / std::tan(q)) / (moments + 1);
}

// The eigenvalue below which D has about `target` eigenvalues (translations projected out), by
// the kernel polynomial method: Chebyshev moments μ_k = tr T_k(Ã) of D mapped to [−1, 1],
// estimated with random ±1 vectors (the doubling identities give 2K moments from K products),
// summed against the expansion of the step function 1[λ < x].
double estimate_cut(const Dynamical& d, const MatrixXd& trans, double lo, double hi, double target,
                    int moments, Index vectors) {
  const Index n = trans.rows();
  std::mt19937_64 rng(20261202);
  MatrixXd r(n, vectors);
  for (Index j = 0; j < vectors; ++j)
    for (Index i = 0; i < n; ++i) r(i, j) = (rng() >> 63) ? 1.0 : -1.0;
  project_out(trans, r);
  const double c = 0.5 * (hi + lo), e = 0.5 * (hi - lo);
  auto scaled = [&](const MatrixXd& x, MatrixXd& y) {
    d(x, y);
    y = (y - c * x) / e;
  };
  const int half = moments / 2;
  std::vector<double> mu(static_cast<std::size_t>(2 * half + 2), 0.0);
  const double norm = 1.0 / static_cast<double>(vectors);
  MatrixXd t0 = r, t1, t2;
  scaled(t0, t1);
  const double mu0 = r.cwiseProduct(t0).sum() * norm, mu1 = r.cwiseProduct(t1).sum() * norm;
  mu[0] = mu0;
  mu[1] = mu1;
  for (int k = 1; k <= half; ++k) {
    // T_{2k} = 2 T_k² − T_0, T_{2k+1} = 2 T_{k+1} T_k − T_1 (as quadratic forms with r).
    mu[static_cast<std::size_t>(2 * k)] = 2.0 * t1.cwiseProduct(t1).sum() * norm - mu0;
    scaled(t1, t2);
    t2 = 2.0 * t2 - t0;
    mu[static_cast<std::size_t>(2 * k + 1)] = 2.0 * t2.cwiseProduct(t1).sum() * norm - mu1;
    t0 = std::move(t1);
    t1 = std::move(t2);
  }
  const int m = 2 * half + 1;
  auto count_below = [&](double x) {
    const double theta = std::acos(std::clamp((x - c) / e, -1.0, 1.0));
    double s = jackson(0, m) * (M_PI - theta) / M_PI * mu[0];
    for (int k = 1; k <= m; ++k)
      s -= jackson(k, m) * 2.0 * std::sin(k * theta) / (M_PI * k) * mu[static_cast<std::size_t>(k)];
    return s;
  };
  double a = lo, b = hi;
  if (count_below(b) < target) return hi;
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (a + b);
    (count_below(mid) < target ? a : b) = mid;
  }
  return b;
}

// An upper estimate of λ_max: the largest Ritz value of a short Lanczos run (fixed start, full
// reorthogonalisation) plus its residual norm and 2 %, capped by Gershgorin's bound, which is
// rigorous but ~2x loose for EAM glasses (a looser bound weakens the filter).
double largest_eigenvalue_estimate(const Dynamical& d, const MatrixXd& trans, double gershgorin) {
  const Index n = trans.rows();
  const Index steps = std::min<Index>(40, n - 4);
  MatrixXd v = MatrixXd::Zero(n, steps + 1);
  std::mt19937_64 rng(20261203);
  MatrixXd x = tall::random_block(n, 1, rng);
  project_out(trans, x);
  v.col(0) = x.col(0) / x.norm();
  MatrixXd t = MatrixXd::Zero(steps, steps);
  double beta = 0.0;
  Index done = 0;
  for (Index j = 0; j < steps; ++j) {
    MatrixXd w;
    d(v.col(j), w);
    project_out(trans, w);
    for (int pass = 0; pass < 2; ++pass) {
      const MatrixXd c = tall::inner(v, j + 1, w);
      tall::subtract(v, j + 1, c, w);
      t(j, j) += c(j, 0);
    }
    beta = w.norm();
    done = j + 1;
    if (beta <= 1e-12 * std::abs(t(j, j))) break;  // an invariant subspace: exact values
    if (j + 1 < steps) {
      t(j + 1, j) = t(j, j + 1) = beta;
      v.col(j + 1) = w.col(0) / beta;
    }
  }
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(t.topLeftCorner(done, done));
  const double top =
      eig.eigenvalues()[done - 1] + std::abs(beta * eig.eigenvectors()(done - 1, done - 1));
  return std::min(gershgorin, 1.02 * top);
}

// One filtered Lanczos run with the spectrum taken to lie in [lo, hi] and the filter cut at
// `rep.cut`; the eigenpairs of D on the converged subspace, ascending. Throws ComputeError when
// the run does not converge; returns nothing when the wanted modes are evidently above the cut,
// and the pairs anyway when the caller's check may find them above the cut or above hi (it
// retries with wider bounds).
Eigen::VectorXd filtered_lanczos(const Dynamical& d, const MatrixXd& trans, Index nev, double hi,
                                 const LanczosSettings& settings, LanczosReport& rep, MatrixXd& z) {
  const double c = 0.5 * (rep.cut + hi), e = 0.5 * (hi - rep.cut);
  // p(D) = T_d((c − D)/e): |p| ≤ 1 on [cut, hi], growing fast below cut.
  const BlockOperator filter = [&](const MatrixXd& x, MatrixXd& y) {
    MatrixXd prev = x, cur, t;
    d(x, t);
    cur = (c * x - t) / e;
    for (int k = 1; k < rep.degree; ++k) {
      d(cur, t);
      MatrixXd next = (2.0 / e) * (c * cur - t) - prev;
      prev = std::move(cur);
      cur = std::move(next);
    }
    y = std::move(cur);
  };
  BlockLanczosOptions opt;
  opt.wanted = nev;
  opt.block = rep.block;
  opt.basis = rep.basis;
  opt.tolerance = settings.tolerance;
  // |p| ≤ 1 above the cut: a wanted Ritz value still below 1 after a few restarts means the cut
  // lies below the wanted modes, and Lanczos would crawl through the damped part of the spectrum.
  opt.floor = 1.0;
  opt.max_restarts = 200;
  const BlockLanczosResult lz = block_lanczos_largest(filter, trans.rows(), trans, opt);
  rep.restarts += lz.restarts;
  if (lz.below_floor) return {};
  if (!lz.converged) {
    throw ComputeError(fmt::format(
        "block Lanczos did not converge for the lowest {} modes in {} restarts", nev, lz.restarts));
  }
  // Rayleigh–Ritz with D itself on the converged subspace: eigenvalues of D, not of p(D).
  z = lz.vectors;
  MatrixXd dz;
  d(z, dz);
  const MatrixXd g = tall::inner(z, nev, dz);
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(0.5 * (g + g.transpose()));
  tall::right_multiply(z, eig.eigenvectors());
  tall::right_multiply(dz, eig.eigenvectors());
  rep.max_residual = 0.0;
  for (Index l = 0; l < nev; ++l) {
    rep.max_residual =
        std::max(rep.max_residual, (dz.col(l) - eig.eigenvalues()[l] * z.col(l)).norm() / hi);
  }
  return eig.eigenvalues();
}

// Every mode of a small system: D assembled column by column from the operator.
Eigen::VectorXd dense_from_operator(const Dynamical& d, const MatrixXd& trans, Index nev,
                                    MatrixXd& z) {
  const Index n = trans.rows();
  MatrixXd dm;
  d(MatrixXd::Identity(n, n), dm);
  // Translations moved to the top of the spectrum, so that the lowest nev are the modes.
  const double shift = 2.0 * dm.diagonal().cwiseAbs().sum() + 1.0;
  dm += shift * trans * trans.transpose();
  Eigen::SelfAdjointEigenSolver<MatrixXd> all(0.5 * (dm + dm.transpose()));
  if (all.info() != Eigen::Success) throw ComputeError("the dense eigensolver did not converge");
  z = all.eigenvectors().leftCols(nev);
  return all.eigenvalues().head(nev);
}

}  // namespace

Modes lowest_modes(const HessianOperator& op, const std::vector<double>& mass, std::size_t count,
                   const LanczosSettings& settings, LanczosReport* report) {
  const std::size_t n3 = 3 * op.atoms();
  if (count == 0 || count + 3 > n3) {
    throw ComputeError(
        fmt::format("Lanczos computes the lowest modes only: ask for 1 to {} modes", n3 - 3));
  }
  const Dynamical d(op, mass);
  const MatrixXd trans = translations(mass);
  const auto nev = static_cast<Index>(count);
  LanczosReport rep;
  // Blocks of at least 16 vectors find eigenvalues up to 16-fold degenerate (crystals).
  rep.block = settings.block > 0 ? settings.block : std::clamp<Index>(nev / 8, 16, 32);
  rep.basis = 2 * nev + 8 * rep.block;
  MatrixXd z;
  Eigen::VectorXd lambda;
  if (rep.basis + 2 * rep.block > static_cast<Index>(n3) - 3) {
    // Too small for a Krylov basis: every mode, densely.
    rep.degree = 0;
    lambda = dense_from_operator(d, trans, nev, z);
  } else {
    // The spectrum lies in [λ_min, hi]; a minimum has λ_min ≈ 0 (imaginary modes lie below and
    // are magnified all the more, as the lowest modes should be).
    const double gershgorin = op.gershgorin_bound(d.inv_sqrt_mass());
    double hi = largest_eigenvalue_estimate(d, trans, gershgorin);
    double target = 1.5 * static_cast<double>(nev) + 20.0;
    // Degree 12: fewest seconds on the CuZr glass from 2,000 to 16,000 atoms (degrees 2–16
    // tried, benchmarks/README.md): lower degrees need more restarts (each a product of the
    // whole basis and a dense Ritz problem), higher ones more products for the same modes.
    rep.degree = settings.degree > 0 ? settings.degree : 12;
    for (int attempt = 0;; ++attempt) {
      rep.lambda_max_bound = hi;
      rep.cut = settings.cut > 0 ? settings.cut
                                 : estimate_cut(d, trans, -0.01 * hi, hi, target, 200,
                                                std::min<Index>(16, static_cast<Index>(n3) / 4));
      lambda = filtered_lanczos(d, trans, nev, hi, settings, rep, z);
      const double top = lambda.size() ? lambda[nev - 1] : rep.cut;  // empty: stopped early
      if (top < rep.cut) break;
      // Mode `count` above the cut: the filter did not separate the wanted modes, and the
      // largest p(λ) need not be the lowest λ.
      if (attempt == 2 || settings.cut > 0) {
        throw ComputeError(fmt::format(
            "Lanczos: mode {} (λ = {:.4g}) lies above the filter's cut ({:.4g}) after {} "
            "attempt(s): the eigenvalue count estimate placed the cut too low; use \"solver\": "
            "\"shift_invert\" or \"dense\"",
            count, top, rep.cut, attempt + 1));
      }
      // An eigenvalue above hi (the estimate of λ_max was low) or the count estimate was low.
      if (top >= hi) hi = gershgorin;
      target *= 2.0;
    }
  }
  rep.products = d.products();

  Modes m;
  m.solver = ModeSolver::Lanczos;
  m.dimension = n3;
  m.iterations = rep.restarts;
  MatrixXd dt;
  d(trans, dt);
  for (Index a = 0; a < 3; ++a) m.translational.push_back(trans.col(a).dot(dt.col(a)));
  std::sort(m.translational.begin(), m.translational.end());
  m.vectors = std::move(z);
  for (Index l = 0; l < nev; ++l) {
    m.eigenvalues.push_back(lambda[l]);
    if (lambda[l] < 0) ++m.imaginary;
    auto v = m.vectors.col(l);
    Index at = 0;
    v.cwiseAbs().maxCoeff(&at);
    if (v[at] < 0) v = -v;  // the sign convention of the other solvers
  }
  if (report) *report = rep;
  return m;
}

}  // namespace mgs
