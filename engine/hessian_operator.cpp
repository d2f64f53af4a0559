#include "engine/hessian_operator.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs {

namespace {

// Atoms per task: a task's rows of Y are written by it alone, in a fixed order.
constexpr std::size_t kAtomsPerTask = 64;

// The kernels below are compiled twice, for AVX2+FMA and for the baseline, and the loader picks
// the one the CPU runs (GCC function multiversioning): the products are most of the time of the
// factorisation-free eigensolver, and 4-wide FMA doubles their speed.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(MGS_NO_CLONES)
#define MGS_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MGS_SIMD_CLONES
#endif

// Columns per register tile: 3 rows × 8 columns of accumulators stay in registers while the
// terms of a row are added up.
constexpr std::size_t kTile = 8;

// Rows 3i..3i+2 of y (row stride w) = Σ_k B_k z_{j_k} + Σ_e g_e u_{k_e}: the pair blocks of
// atom i and (EAM) the gradients of the densities that depend on it. Same order of additions
// for every column, whatever the tile.
template <std::size_t Width>
inline void atom_rows_tile(const Mat3* blocks, const std::uint32_t* cols, std::size_t nblocks,
                           const Vec3* grads, const std::uint32_t* dens, std::size_t ngrads,
                           const double* z, const double* u, std::size_t w, std::size_t c0,
                           std::size_t width, double* y) {
  const std::size_t n = Width > 0 ? Width : width;
  double a0[kTile] = {}, a1[kTile] = {}, a2[kTile] = {};
  for (std::size_t k = 0; k < nblocks; ++k) {
    const double* m = blocks[k].data();  // column-major
    const double* z0 = z + 3 * std::size_t{cols[k]} * w + c0;
    const double* z1 = z0 + w;
    const double* z2 = z1 + w;
    for (std::size_t c = 0; c < n; ++c) {
      a0[c] += m[0] * z0[c] + m[3] * z1[c] + m[6] * z2[c];
      a1[c] += m[1] * z0[c] + m[4] * z1[c] + m[7] * z2[c];
      a2[c] += m[2] * z0[c] + m[5] * z1[c] + m[8] * z2[c];
    }
  }
  for (std::size_t e = 0; e < ngrads; ++e) {
    const double* g = grads[e].data();
    const double* uk = u + std::size_t{dens[e]} * w + c0;
    for (std::size_t c = 0; c < n; ++c) {
      a0[c] += g[0] * uk[c];
      a1[c] += g[1] * uk[c];
      a2[c] += g[2] * uk[c];
    }
  }
  for (std::size_t c = 0; c < n; ++c) {
    y[c0 + c] = a0[c];
    y[w + c0 + c] = a1[c];
    y[2 * w + c0 + c] = a2[c];
  }
}

MGS_SIMD_CLONES void atom_rows(const Mat3* blocks, const std::uint32_t* cols, std::size_t nblocks,
                               const Vec3* grads, const std::uint32_t* dens, std::size_t ngrads,
                               const double* z, const double* u, std::size_t w, double* y) {
  std::size_t c0 = 0;
  for (; c0 + kTile <= w; c0 += kTile)
    atom_rows_tile<kTile>(blocks, cols, nblocks, grads, dens, ngrads, z, u, w, c0, kTile, y);
  if (c0 < w) atom_rows_tile<0>(blocks, cols, nblocks, grads, dens, ngrads, z, u, w, c0, w - c0, y);
}

// u_k (row stride w) = w_k Σ_e g_e · z_{a_e} for one density k.
template <std::size_t Width>
inline void density_row_tile(const Vec3* grads, const std::uint32_t* atoms, std::size_t count,
                             double weight, const double* z, std::size_t w, std::size_t c0,
                             std::size_t width, double* u) {
  const std::size_t n = Width > 0 ? Width : width;
  double a[kTile] = {};
  for (std::size_t e = 0; e < count; ++e) {
    const double* g = grads[e].data();
    const double* z0 = z + 3 * std::size_t{atoms[e]} * w + c0;
    const double* z1 = z0 + w;
    const double* z2 = z1 + w;
    for (std::size_t c = 0; c < n; ++c) a[c] += g[0] * z0[c] + g[1] * z1[c] + g[2] * z2[c];
  }
  for (std::size_t c = 0; c < n; ++c) u[c0 + c] = weight * a[c];
}

MGS_SIMD_CLONES void density_row(const Vec3* grads, const std::uint32_t* atoms, std::size_t count,
                                 double weight, const double* z, std::size_t w, double* u) {
  std::size_t c0 = 0;
  for (; c0 + kTile <= w; c0 += kTile)
    density_row_tile<kTile>(grads, atoms, count, weight, z, w, c0, kTile, u);
  if (c0 < w) density_row_tile<0>(grads, atoms, count, weight, z, w, c0, w - c0, u);
}

}  // namespace

HessianOperator::HessianOperator(SparseHessian pair) : pair_(std::move(pair)) {}

HessianOperator::HessianOperator(SparseHessian pair, DensityGradients density)
    : pair_(std::move(pair)), g_(std::move(density)) {
  const std::size_t n = pair_.atoms();
  if (g_.offsets.size() != n + 1 || g_.weights.size() != n || g_.atoms.size() != g_.offsets[n] ||
      g_.gradients.size() != g_.offsets[n]) {
    throw std::logic_error("HessianOperator: density gradients of another size");
  }
  // Gᵀ by atom, densities ascending (a counting sort over the rows of G).
  t_offsets_.assign(n + 1, 0);
  for (std::uint32_t a : g_.atoms) ++t_offsets_[a + 1];
  for (std::size_t a = 0; a < n; ++a) t_offsets_[a + 1] += t_offsets_[a];
  t_density_.resize(g_.atoms.size());
  t_gradients_.resize(g_.atoms.size());
  std::vector<std::size_t> next(t_offsets_.begin(), t_offsets_.end() - 1);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t e = g_.offsets[k]; e < g_.offsets[k + 1]; ++e) {
      const std::size_t slot = next[g_.atoms[e]]++;
      t_density_[slot] = static_cast<std::uint32_t>(k);
      t_gradients_[slot] = g_.gradients[e];
    }
  }
}

void HessianOperator::apply(const std::vector<double>& s, const RowBlock& x, RowBlock& y) const {
  const std::size_t n = atoms();
  const Eigen::Index b = x.cols();
  if (x.rows() != static_cast<Eigen::Index>(3 * n) || s.size() != n) {
    throw std::logic_error("HessianOperator::apply: wrong sizes");
  }
  const auto w = static_cast<std::size_t>(b);
  auto row = [w](auto& m, std::size_t r) { return m.data() + r * w; };
  RowBlock z(x.rows(), b);
  y.resize(x.rows(), b);
  parallel::for_blocks(
      n,
      [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
          for (std::size_t r = 3 * i; r < 3 * i + 3; ++r) {
            const double* xr = row(x, r);
            double* zr = row(z, r);
            for (std::size_t c = 0; c < w; ++c) zr[c] = s[i] * xr[c];
          }
        }
      },
      kAtomsPerTask);
  // u = W G z (EAM), then y = P z + Gᵀ u row by row.
  RowBlock u(g_.offsets.empty() ? 0 : static_cast<Eigen::Index>(n), b);
  if (!g_.offsets.empty()) {
    parallel::for_blocks(
        n,
        [&](std::size_t k0, std::size_t k1) {
          for (std::size_t k = k0; k < k1; ++k) {
            const std::size_t e = g_.offsets[k];
            density_row(g_.gradients.data() + e, g_.atoms.data() + e, g_.offsets[k + 1] - e,
                        g_.weights[k], z.data(), w, row(u, k));
          }
        },
        kAtomsPerTask);
  }
  parallel::for_blocks(
      n,
      [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
          const std::size_t k = pair_.row_begin(i);
          const std::size_t e = t_offsets_.empty() ? 0 : t_offsets_[i];
          const std::size_t ne = t_offsets_.empty() ? 0 : t_offsets_[i + 1] - e;
          double* yr = row(y, 3 * i);
          atom_rows(pair_.blocks_data() + k, pair_.columns_data() + k, pair_.row_end(i) - k,
                    t_gradients_.data() + e, t_density_.data() + e, ne, z.data(), u.data(), w, yr);
          for (std::size_t c = 0; c < 3 * w; ++c) yr[c] *= s[i];
        }
      },
      kAtomsPerTask);
}

double HessianOperator::gershgorin_bound(const std::vector<double>& s) const {
  const std::size_t n = atoms();
  // Per density k: Σ_a |∂ρ_k/∂x_a|₁ s_a, the absolute row sum of (G M^-1/2) row k.
  std::vector<double> reach(g_.offsets.empty() ? 0 : n, 0.0);
  for (std::size_t k = 0; k < reach.size(); ++k) {
    for (std::size_t e = g_.offsets[k]; e < g_.offsets[k + 1]; ++e)
      reach[k] += g_.gradients[e].cwiseAbs().sum() * s[g_.atoms[e]];
  }
  double bound = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    Vec3 sum = Vec3::Zero();
    for (std::size_t k = pair_.row_begin(i); k < pair_.row_end(i); ++k)
      sum += pair_.block(k).cwiseAbs().rowwise().sum() * s[pair_.column(k)];
    if (!reach.empty()) {
      for (std::size_t e = t_offsets_[i]; e < t_offsets_[i + 1]; ++e)
        sum +=
            std::abs(g_.weights[t_density_[e]]) * reach[t_density_[e]] * t_gradients_[e].cwiseAbs();
    }
    bound = std::max(bound, s[i] * sum.maxCoeff());
  }
  return bound;
}

}  // namespace mgs
