#include "engine/minimize.hpp"

#include <algorithm>
#include <cmath>

#include "engine/neighbor_list.hpp"
#include "engine/parallel.hpp"

namespace mgs {

namespace {

// eV/(Å·amu) in Å/ps².
constexpr double kAcceleration = 9648.533212;

ForceResult evaluate(const Frame& frame, const Potential& potential) {
  return potential.compute(frame, build_neighbor_list(frame.box, frame.pos, potential.cutoff()));
}

double total(const std::vector<double>& e) {
  return parallel::sum(e.size(), [&](std::size_t i) { return e[i]; });
}

}  // namespace

double max_force(const ForceResult& f) {
  double m = 0.0;
  for (const Vec3& v : f.force) m = std::max(m, v.norm());
  return m;
}

MinimizeResult fire_minimize(Frame& frame, const Potential& potential,
                             const std::vector<double>& mass, double tolerance, int max_steps) {
  // LAMMPS min_style fire defaults: dtgrow 1.1, dtshrink 0.5, alpha0 0.25, alphashrink 0.99,
  // delaystep 20, tmax 10 dt, dmax 0.1 Å per step.
  const double dt_max = 0.01, f_inc = 1.1, f_dec = 0.5, alpha0 = 0.25, f_alpha = 0.99, dmax = 0.1;
  const int n_min = 20;
  double dt = 0.001, alpha = alpha0;
  int since_negative = 0;
  const std::size_t n = frame.size();
  std::vector<Vec3> v(n, Vec3::Zero());
  ForceResult f = evaluate(frame, potential);
  MinimizeResult r;
  r.initial_max_force = r.max_force = max_force(f);
  r.initial_energy = r.energy = total(f.energy);
  while (r.max_force >= tolerance && r.steps < max_steps) {
    double p = 0.0, vnorm = 0.0, fnorm = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      p += v[i].dot(f.force[i]);
      vnorm += v[i].squaredNorm();
      fnorm += f.force[i].squaredNorm();
    }
    if (p > 0.0) {
      const double scale = fnorm > 0 ? std::sqrt(vnorm / fnorm) : 0.0;
      for (std::size_t i = 0; i < n; ++i) v[i] = (1.0 - alpha) * v[i] + alpha * scale * f.force[i];
      if (++since_negative > n_min) {
        dt = std::min(dt * f_inc, dt_max);
        alpha *= f_alpha;
      }
    } else {
      since_negative = 0;
      dt *= f_dec;
      alpha = alpha0;
      for (auto& x : v) x.setZero();
    }
    // Semi-implicit Euler, with no atom moving more than dmax in one step.
    double largest = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      v[i] += dt * kAcceleration * f.force[i] / mass[i];
      largest = std::max(largest, v[i].norm() * dt);
    }
    const double limit = largest > dmax ? dmax / largest : 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      std::array<int, 3> shift{};
      frame.pos[i] = frame.box.wrap(frame.pos[i] + limit * dt * v[i], &shift);
      if (i < frame.image.size()) {
        for (int k = 0; k < 3; ++k) frame.image[i][k] += shift[k];
      }
    }
    f = evaluate(frame, potential);
    ++r.steps;
    r.max_force = max_force(f);
    r.energy = total(f.energy);
  }
  r.converged = r.max_force < tolerance;
  return r;
}

}  // namespace mgs
