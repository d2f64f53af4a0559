// The analytic Hessian of an EAM potential. With U = Σ_k F_k(ρ_k) + ½ Σ φ(r):
//   H = Σ_pairs K(φ + F'_i ρ_{j→i} + F'_j ρ_{i→j})  +  Σ_k F''_k ∇ρ_k ∇ρ_kᵀ
// The first sum is pair-like (the curvature of each density term weighted by F'); the second
// couples any two atoms that share a neighbor k, so blocks reach twice the cutoff.
#include <algorithm>

#include "engine/eam.hpp"
#include "engine/parallel.hpp"

namespace mgs {

namespace {

// ∂ρ_k/∂x_a for every atom a the density of k depends on (k itself and its neighbors, periodic
// images of one atom summed), ascending by atom.
using DensityGradient = std::vector<std::pair<std::uint32_t, Vec3>>;

}  // namespace

SparseHessian EamPotential::hessian(const Frame& frame, const NeighborList& nl) const {
  check_types(frame);
  const std::size_t n = frame.size();
  const double rc2 = cutoff_ * cutoff_;
  const std::vector<double> rho = densities(frame, nl);
  std::vector<double> fp(n), fpp(n);
  for (std::size_t i = 0; i < n; ++i) {
    const LammpsSpline::Value v = embed(frame.type[i], rho[i]);
    fp[i] = v.df;
    fpp[i] = v.d2f;
  }
  std::vector<DensityGradient> grad(n);
  parallel::for_each_index(n, [&](std::size_t k) {
    DensityGradient g;
    Vec3 self = Vec3::Zero();
    for (const Neighbor& nb : nl.of(k)) {
      const Vec3 d = nl.delta(k, nb);
      const double r2 = d.squaredNorm();
      if (r2 >= rc2) continue;
      const double r = std::sqrt(r2);
      const Vec3 gj = (*pair(frame.type[k], frame.type[nb.index]).density_to_i)(r).df / r * d;
      g.emplace_back(nb.index, gj);
      self -= gj;
    }
    g.emplace_back(static_cast<std::uint32_t>(k), self);
    std::stable_sort(g.begin(), g.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    DensityGradient merged;
    for (const auto& e : g) {
      if (!merged.empty() && merged.back().first == e.first) {
        merged.back().second += e.second;
      } else {
        merged.push_back(e);
      }
    }
    grad[k] = std::move(merged);
  });

  return SparseHessian(n, [&](std::size_t i, SparseHessian::RowBuilder& row) {
    const auto self = static_cast<std::uint32_t>(i);
    for (const Neighbor& nb : nl.of(i)) {
      const Vec3 d = nl.delta(i, nb);
      const double r2 = d.squaredNorm();
      if (r2 >= rc2) continue;
      const std::size_t j = nb.index;
      const double r = std::sqrt(r2);
      const EamPairSplines s = pair(frame.type[i], frame.type[j]);
      const LammpsSpline::Value to_i = (*s.density_to_i)(r), to_j = (*s.density_to_j)(r),
                                z = (*s.r_phi)(r);
      // φ = z / r
      const double phi1 = z.df / r - z.f / r2;
      const double phi2 = z.d2f / r - 2.0 * z.df / r2 + 2.0 * z.f / (r2 * r);
      const double d1 = phi1 + fp[i] * to_i.df + fp[j] * to_j.df;
      const double d2 = phi2 + fp[i] * to_i.d2f + fp[j] * to_j.d2f;
      const Mat3 k = pair_block(d, r, d1, d2);
      row.add(self, k);
      row.add(nb.index, -k);
    }
    // Every k whose density depends on x_i: i itself and its neighbors.
    for (const auto& [k, unused] : grad[i]) {
      if (fpp[k] == 0.0) continue;
      const DensityGradient& gk = grad[k];
      const auto it = std::lower_bound(gk.begin(), gk.end(), self,
                                       [](const auto& e, std::uint32_t a) { return e.first < a; });
      if (it == gk.end() || it->first != self) continue;  // a pair exactly at the cutoff
      const Vec3 gi = fpp[k] * it->second;
      for (const auto& [b, gb] : gk) row.add(b, gi * gb.transpose());
    }
  });
}

}  // namespace mgs
