// Stretched-exponential (KWW) fits by Levenberg–Marquardt, for ECM g₂ and F_s(q, t).
#include <Eigen/Dense>
#include <unsupported/Eigen/LevenbergMarquardt>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/ecm.hpp"

namespace mgs::ecm {

namespace {

// β = 2 σ(u): β ∈ (0, 2) for every real u, and back.
double beta_of(double u) {
  return 2.0 / (1.0 + std::exp(-u));
}
double u_of(double beta) {
  return -std::log(2.0 / beta - 1.0);
}

// Residuals A exp(−k (t/τ)^β) − y and their Jacobian in x = (A, ln τ, u).
struct Residuals : Eigen::DenseFunctor<double> {
  Residuals(const std::vector<double>& t, const std::vector<double>& y, double k)
      : Eigen::DenseFunctor<double>(3, static_cast<int>(t.size())), t_(t), y_(y), k_(k) {}

  int operator()(const InputType& x, ValueType& f) const {
    const double a = x[0], tau = std::exp(x[1]), beta = beta_of(x[2]);
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const double s = std::pow(t_[i] / tau, beta);
      f[static_cast<Eigen::Index>(i)] = a * std::exp(-k_ * s) - y_[i];
    }
    return 0;
  }

  int df(const InputType& x, JacobianType& jac) const {
    const double a = x[0], tau = std::exp(x[1]), beta = beta_of(x[2]);
    const double dbeta_du = beta * (1.0 - beta / 2.0);
    for (std::size_t i = 0; i < t_.size(); ++i) {
      const auto r = static_cast<Eigen::Index>(i);
      const double ln_ratio = std::log(t_[i] / tau);
      const double s = std::exp(beta * ln_ratio), e = std::exp(-k_ * s);
      jac(r, 0) = e;
      jac(r, 1) = a * e * k_ * beta * s;                  // ∂s/∂ln τ = −β s
      jac(r, 2) = -a * e * k_ * s * ln_ratio * dbeta_du;  // ∂s/∂β = s ln(t/τ)
    }
    return 0;
  }

 private:
  const std::vector<double>& t_;
  const std::vector<double>& y_;
  double k_;
};

bool success(Eigen::LevenbergMarquardtSpace::Status status) {
  using namespace Eigen::LevenbergMarquardtSpace;
  // 1–4: the MINPACK convergence tests; 6–8: a tolerance below machine precision, i.e. no
  // further progress is possible (converged as far as doubles go).
  switch (status) {
    case RelativeReductionTooSmall:
    case RelativeErrorTooSmall:
    case RelativeErrorAndReductionTooSmall:
    case CosinusTooSmall:
    case FtolTooSmall:
    case XtolTooSmall:
    case GtolTooSmall:
      return true;
    default:
      return false;
  }
}

}  // namespace

KwwFit fit_stretched_exponential(std::span<const double> t, std::span<const double> y,
                                 DecayModel model, double t_from, double t_to) {
  if (t.size() != y.size()) throw std::invalid_argument("fit_stretched_exponential: sizes differ");
  std::vector<double> ts, ys;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!(t[i] > 0) || t[i] < t_from || (t_to > 0 && t[i] > t_to) || !std::isfinite(y[i])) {
      continue;
    }
    ts.push_back(t[i]);
    ys.push_back(y[i]);
  }
  KwwFit fit;
  fit.points = ts.size();
  if (ts.empty()) return fit;
  fit.t_from = *std::min_element(ts.begin(), ts.end());
  fit.t_to = *std::max_element(ts.begin(), ts.end());
  if (ts.size() < 4) return fit;
  const double k = model == DecayModel::Intensity ? 2.0 : 1.0;

  // Starting values: A from the first point, τ from where y has fallen by 1/e (where
  // k (t/τ)^β = 1 for the start's β).
  const double a0 =
      ys[static_cast<std::size_t>(std::min_element(ts.begin(), ts.end()) - ts.begin())];
  double t_e = 0.0;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (ys[i] <= a0 / M_E && (t_e == 0.0 || ts[i] < t_e)) t_e = ts[i];
  }
  Residuals residuals(ts, ys, k);
  double best = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_x;
  bool best_ok = false;
  for (double beta0 : {1.0, 0.5, 1.5}) {
    const double tau0 = (t_e > 0 ? t_e : 2.0 * fit.t_to) * std::pow(k, 1.0 / beta0);
    Eigen::VectorXd x(3);
    x << (a0 > 0 ? a0 : 1e-3), std::log(tau0), u_of(beta0);
    Eigen::LevenbergMarquardt<Residuals> lm(residuals);
    lm.setXtol(1e-14);
    lm.setFtol(1e-14);
    lm.setGtol(0.0);
    lm.setMaxfev(2000);
    const auto status = lm.minimize(x);
    Eigen::VectorXd f(static_cast<Eigen::Index>(ts.size()));
    residuals(x, f);
    const double ss = f.squaredNorm();
    if (!x.allFinite() || !std::isfinite(ss)) continue;
    // A converged start beats one that did not; among equals, the smaller residual.
    const bool ok = success(status);
    if ((ok && !best_ok) || (ok == best_ok && ss < best)) {
      best = ss;
      best_x = x;
      best_ok = ok;
    }
  }
  if (best_x.size() == 0) return fit;
  fit.amplitude = best_x[0];
  fit.tau = std::exp(best_x[1]);
  fit.beta = beta_of(best_x[2]);
  double mean = 0.0;
  for (double v : ys) mean += v;
  mean /= static_cast<double>(ys.size());
  double total = 0.0;
  for (double v : ys) total += (v - mean) * (v - mean);
  fit.r_squared = 1.0 - best / total;
  fit.rms_residual = std::sqrt(best / static_cast<double>(ys.size()));
  fit.converged = best_ok && std::isfinite(fit.tau) && std::isfinite(fit.beta) &&
                  std::isfinite(fit.r_squared) && fit.amplitude > 0;
  fit.tau_beyond_window = fit.tau > fit.t_to;
  return fit;
}

KwwFit fit_g2(std::span<const double> g2, int lag_from, int lag_to, double frame_time) {
  const int last = static_cast<int>(g2.size()) - 1;
  if (lag_to <= 0 || lag_to > last) lag_to = last;
  std::vector<double> t, y;
  for (int lag = std::max(lag_from, 1); lag <= lag_to; ++lag) {
    t.push_back(lag * frame_time);
    y.push_back(g2[static_cast<std::size_t>(lag)] - 1.0);
  }
  KwwFit fit = fit_stretched_exponential(t, y, DecayModel::Intensity);
  if (!t.empty()) {
    fit.t_from = t.front();  // the requested window, also where points were NaN
    fit.t_to = t.back();
    fit.tau_beyond_window = fit.tau > fit.t_to;
  }
  return fit;
}

}  // namespace mgs::ecm
