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

// The embedding derivatives F'(ρ_k) and F''(ρ_k) and every density gradient.
struct EamState {
  std::vector<double> fp, fpp;
  std::vector<DensityGradient> grad;
};

EamState eam_state(const EamPotential& pot, const Frame& frame, const NeighborList& nl) {
  const std::size_t n = frame.size();
  const double rc2 = pot.cutoff() * pot.cutoff();
  const std::vector<double> rho = pot.densities(frame, nl);
  EamState st;
  st.fp.resize(n);
  st.fpp.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const LammpsSpline::Value v = pot.embed(frame.type[i], rho[i]);
    st.fp[i] = v.df;
    st.fpp[i] = v.d2f;
  }
  st.grad.resize(n);
  parallel::for_each_index(n, [&](std::size_t k) {
    DensityGradient g;
    Vec3 self = Vec3::Zero();
    for (const Neighbor& nb : nl.of(k)) {
      const Vec3 d = nl.delta(k, nb);
      const double r2 = d.squaredNorm();
      if (r2 >= rc2) continue;
      const double r = std::sqrt(r2);
      const Vec3 gj = (*pot.pair(frame.type[k], frame.type[nb.index]).density_to_i)(r).df / r * d;
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
    st.grad[k] = std::move(merged);
  });
  return st;
}

// Row i's pair-like blocks (within the cutoff): φ and the density curvatures weighted by F'.
void add_pair_blocks(const EamPotential& pot, const Frame& frame, const NeighborList& nl,
                     const EamState& st, std::size_t i, SparseHessian::RowBuilder& row) {
  const double rc2 = pot.cutoff() * pot.cutoff();
  const auto self = static_cast<std::uint32_t>(i);
  for (const Neighbor& nb : nl.of(i)) {
    const Vec3 d = nl.delta(i, nb);
    const double r2 = d.squaredNorm();
    if (r2 >= rc2) continue;
    const std::size_t j = nb.index;
    const double r = std::sqrt(r2);
    const EamPairSplines s = pot.pair(frame.type[i], frame.type[j]);
    const LammpsSpline::Value to_i = (*s.density_to_i)(r), to_j = (*s.density_to_j)(r),
                              z = (*s.r_phi)(r);
    // φ = z / r
    const double phi1 = z.df / r - z.f / r2;
    const double phi2 = z.d2f / r - 2.0 * z.df / r2 + 2.0 * z.f / (r2 * r);
    const double d1 = phi1 + st.fp[i] * to_i.df + st.fp[j] * to_j.df;
    const double d2 = phi2 + st.fp[i] * to_i.d2f + st.fp[j] * to_j.d2f;
    const Mat3 k = pair_block(d, r, d1, d2);
    row.add(self, k);
    row.add(nb.index, -k);
  }
}

}  // namespace

SparseHessian EamPotential::hessian(const Frame& frame, const NeighborList& nl) const {
  check_types(frame);
  const EamState st = eam_state(*this, frame, nl);
  return SparseHessian(frame.size(), [&](std::size_t i, SparseHessian::RowBuilder& row) {
    add_pair_blocks(*this, frame, nl, st, i, row);
    // Every k whose density depends on x_i: i itself and its neighbors.
    const auto self = static_cast<std::uint32_t>(i);
    for (const auto& [k, unused] : st.grad[i]) {
      if (st.fpp[k] == 0.0) continue;
      const DensityGradient& gk = st.grad[k];
      const auto it = std::lower_bound(gk.begin(), gk.end(), self,
                                       [](const auto& e, std::uint32_t a) { return e.first < a; });
      if (it == gk.end() || it->first != self) continue;  // a pair exactly at the cutoff
      const Vec3 gi = st.fpp[k] * it->second;
      for (const auto& [b, gb] : gk) row.add(b, gi * gb.transpose());
    }
  });
}

HessianOperator EamPotential::hessian_operator(const Frame& frame, const NeighborList& nl) const {
  check_types(frame);
  EamState st = eam_state(*this, frame, nl);
  const std::size_t n = frame.size();
  SparseHessian pair(n, [&](std::size_t i, SparseHessian::RowBuilder& row) {
    add_pair_blocks(*this, frame, nl, st, i, row);
  });
  DensityGradients g;
  g.offsets.assign(n + 1, 0);
  for (std::size_t k = 0; k < n; ++k) g.offsets[k + 1] = g.offsets[k] + st.grad[k].size();
  g.atoms.reserve(g.offsets[n]);
  g.gradients.reserve(g.offsets[n]);
  for (std::size_t k = 0; k < n; ++k) {
    for (const auto& [a, v] : st.grad[k]) {
      g.atoms.push_back(a);
      g.gradients.push_back(v);
    }
    DensityGradient().swap(st.grad[k]);
  }
  g.weights = std::move(st.fpp);
  return HessianOperator(std::move(pair), std::move(g));
}

}  // namespace mgs
