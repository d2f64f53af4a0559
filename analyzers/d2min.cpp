#include "analyzers/d2min.hpp"

#include <fmt/format.h>

#include <Eigen/LU>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <memory>

#include "engine/displacement.hpp"
#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/select_within.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

namespace {

// One atom's local fit (least squares d ≈ F d0 over its pairs). Degenerate neighborhoods (fewer
// than 3 neighbors, or a neighbor set that does not span 3-D) give zeros and degenerate = true.
struct LocalStrain {
  double d2min;  // plain sum Σ|d - F d0|², before normalization
  Mat3 F;
  int neighbors;
  bool degenerate;
};

// The sums over one atom's pairs that the fit needs, each pair being a separation s in the
// searched configuration and a relative displacement term Δv = v_j - v_i (see compute()):
// Σ s sᵀ, Σ Δv sᵀ, and Σ Δv Δvᵀ (neighbors searched in the current configuration) or only its
// trace Σ |Δv|² (searched in the reference, where the fit needs no more).
struct PairMoments {
  double ss[6] = {}, vs[9] = {}, vv[6] = {};
  int count = 0;

  template <bool kFullVV>
  void add(double s0, double s1, double s2, double v0, double v1, double v2) {
    ss[0] += s0 * s0, ss[1] += s0 * s1, ss[2] += s0 * s2;
    ss[3] += s1 * s1, ss[4] += s1 * s2, ss[5] += s2 * s2;
    vs[0] += v0 * s0, vs[1] += v0 * s1, vs[2] += v0 * s2;
    vs[3] += v1 * s0, vs[4] += v1 * s1, vs[5] += v1 * s2;
    vs[6] += v2 * s0, vs[7] += v2 * s1, vs[8] += v2 * s2;
    if constexpr (kFullVV) {
      vv[0] += v0 * v0, vv[1] += v0 * v1, vv[2] += v0 * v2;
      vv[3] += v1 * v1, vv[4] += v1 * v2, vv[5] += v2 * v2;
    } else {
      vv[0] += v0 * v0 + v1 * v1 + v2 * v2;
    }
    ++count;
  }
  Mat3 S() const { return symmetric(ss); }  // Σ s sᵀ
  Mat3 W() const {                          // Σ Δv sᵀ
    Mat3 m;
    m << vs[0], vs[1], vs[2], vs[3], vs[4], vs[5], vs[6], vs[7], vs[8];
    return m;
  }
  Mat3 V() const { return symmetric(vv); }  // Σ Δv Δvᵀ (kFullVV)
  double v2() const { return vv[0]; }       // Σ |Δv|² (not kFullVV)

 private:
  static Mat3 symmetric(const double (&u)[6]) {
    Mat3 m;
    m << u[0], u[1], u[2], u[1], u[3], u[4], u[2], u[4], u[5];
    return m;
  }
};

// Σ_ij M_ij N_ij.
double contract(const Mat3& M, const Mat3& N) {
  return M.cwiseProduct(N).sum();
}

// Y spans 3-D: |det Y| > 1e-12 (tr Y)³, the scale-free form of SCIENCE.md §4's condition.
bool spans_3d(double det, double trace) {
  return std::abs(det) > 1e-12 * trace * trace * trace;
}

// D²min from its three terms (see fit()), or `summed_by_pair()` where they cancel.
template <class Direct>
double d2min_from_terms(double affine, double cross, double nonaffine, Direct&& summed_by_pair) {
  const double d2min = affine + cross + nonaffine;
  return d2min >= 1e-3 * (affine + nonaffine) ? d2min : summed_by_pair();
}

// fit() (below) for the default case, neighbors searched in the reference with A = I: Y = S,
// X = B S + W, P = B - F, Q = I, in plain scalars (the same formulas as fit(); GCC did not inline
// Eigen's 3×3 products here, and this made the d2min stage about 4 % faster).
template <class Direct>
LocalStrain fit_reference_frame(const PairMoments& pairs, const Mat3& B, Direct&& direct) {
  LocalStrain out{0.0, Mat3::Zero(), pairs.count, true};
  const double* y = pairs.ss;  // Y = S: xx xy xz yy yz zz
  const double y00 = y[0], y01 = y[1], y02 = y[2], y11 = y[3], y12 = y[4], y22 = y[5];
  // Cofactors of the symmetric Y: Y⁻¹ = C / det Y.
  const double c00 = y11 * y22 - y12 * y12, c01 = y02 * y12 - y01 * y22,
               c02 = y01 * y12 - y02 * y11, c11 = y00 * y22 - y02 * y02,
               c12 = y01 * y02 - y00 * y12, c22 = y00 * y11 - y01 * y01;
  const double det = y00 * c00 + y01 * c01 + y02 * c02;
  if (!spans_3d(det, y00 + y11 + y22)) return out;
  const double inv[3][3] = {{c00 / det, c01 / det, c02 / det},
                            {c01 / det, c11 / det, c12 / det},
                            {c02 / det, c12 / det, c22 / det}};
  const double S[3][3] = {{y00, y01, y02}, {y01, y11, y12}, {y02, y12, y22}};
  const double* w = pairs.vs;  // W row by row
  Mat3 P;
  double affine = 0.0, cross = 0.0;
  for (int r = 0; r < 3; ++r) {
    double x[3];  // row r of X = B S + W
    for (int c = 0; c < 3; ++c) {
      x[c] = B(r, 0) * S[0][c] + B(r, 1) * S[1][c] + B(r, 2) * S[2][c] + w[3 * r + c];
    }
    for (int c = 0; c < 3; ++c) {
      out.F(r, c) = x[0] * inv[0][c] + x[1] * inv[1][c] + x[2] * inv[2][c];
      P(r, c) = B(r, c) - out.F(r, c);
    }
    // Row r's share of tr(P S Pᵀ) and of Σ P∘W.
    const double p0 = P(r, 0), p1 = P(r, 1), p2 = P(r, 2);
    affine += p0 * (p0 * y00 + p1 * y01 + p2 * y02) + p1 * (p0 * y01 + p1 * y11 + p2 * y12) +
              p2 * (p0 * y02 + p1 * y12 + p2 * y22);
    cross += p0 * w[3 * r] + p1 * w[3 * r + 1] + p2 * w[3 * r + 2];
  }
  out.d2min = d2min_from_terms(affine, 2.0 * cross, pairs.v2(),
                               [&] { return direct(P, Mat3(Mat3::Identity())); });
  out.degenerate = false;
  return out;
}

struct FitCells {
  Mat3 A, B;
  bool a_identity;  // A = I exactly (the default): fit_reference_frame() then
  bool searched_in_reference;
};

// The least-squares fit d ≈ F d0 (SCIENCE.md §4) over an atom's pairs, where the reference and
// current separations are d0 = A s, d = B s + Δv (neighbors searched in the reference) or
// d = A s, d0 = B s + Δv (searched in the current configuration). X = Σ d d0ᵀ and Y = Σ d0 d0ᵀ
// follow from the moments. Degenerate when fewer than 3 pairs or |det Y| <= 1e-12 (tr Y)³ (the
// scale-free form of the condition in SCIENCE.md §4).
//
// D²min = Σ |P s + Q Δv|² with P = B - F A, Q = I, or P = A - F B, Q = -F, is
// tr(P S Pᵀ) + 2 Σ (QᵀP)∘W + Σ (QᵀQ)∘V from the moments. Its three terms are each bounded by
// the first and last (Cauchy-Schwarz), and they cancel when the neighborhood moves nearly
// affinely; when D²min is below 1e-3 of the first plus the last, it is summed pair by pair
// instead (`direct(P, Q)`), so that it keeps at least 12 significant digits either way.
template <class Direct>
LocalStrain fit(const PairMoments& pairs, const FitCells& cells, Direct&& direct) {
  const Mat3& A = cells.A;
  const Mat3& B = cells.B;
  const bool searched_in_reference = cells.searched_in_reference;
  LocalStrain out{0.0, Mat3::Zero(), pairs.count, true};
  if (pairs.count < 3) return out;
  if (searched_in_reference && cells.a_identity) return fit_reference_frame(pairs, B, direct);
  const Mat3 S = pairs.S(), W = pairs.W();
  Mat3 X, Y;
  if (searched_in_reference) {
    Y = A * S * A.transpose();
    X = (B * S + W) * A.transpose();
  } else {
    const Mat3 BWt = B * W.transpose();
    X = A * (S * B.transpose() + W.transpose());
    Y = B * S * B.transpose() + BWt + BWt.transpose() + pairs.V();
  }
  if (!spans_3d(Y.determinant(), Y.trace())) return out;
  out.F = X * Y.inverse();
  const Mat3 P = searched_in_reference ? Mat3(B - out.F * A) : Mat3(A - out.F * B);
  const double affine = contract(P * S, P);
  double cross, nonaffine;
  if (searched_in_reference) {
    cross = 2.0 * contract(P, W);
    nonaffine = pairs.v2();
  } else {
    const Mat3 Q = -out.F;
    cross = 2.0 * contract(Q.transpose() * P, W);
    nonaffine = contract(Q.transpose() * Q, pairs.V());
  }
  out.d2min = d2min_from_terms(affine, cross, nonaffine, [&] {
    return direct(P, searched_in_reference ? Mat3(Mat3::Identity()) : Mat3(-out.F));
  });
  out.degenerate = false;
  return out;
}

// The candidates of one bin (see compute()), per axis in arrays of their own so that the distance
// test runs over contiguous memory: image-shifted positions, v, and the slot when in the home
// image (kNoSlot otherwise), which tells an atom itself from its periodic images.
constexpr std::uint32_t kNoSlot = ~std::uint32_t{0};

class Candidates {
 public:
  void clear() { size_ = 0; }
  // Appends the slots [first, end) at positions + shift, with their v.
  void add_run(std::uint32_t first, std::uint32_t end, const Vec3& shift, bool home,
               const std::vector<Vec3>& pos, const std::vector<Vec3>& v) {
    const std::size_t size = size_ + (end - first);
    if (size > x_.size()) {
      for (auto* a : {&x_, &y_, &z_, &vx_, &vy_, &vz_}) a->resize(2 * size);
      slot_.resize(2 * size);
    }
    for (std::uint32_t j = first; j < end; ++j, ++size_) {
      x_[size_] = pos[j](0) + shift(0), y_[size_] = pos[j](1) + shift(1),
      z_[size_] = pos[j](2) + shift(2);
      vx_[size_] = v[j](0), vy_[size_] = v[j](1), vz_[size_] = v[j](2);
      slot_[size_] = home ? j : kNoSlot;
    }
  }
  std::size_t size() const { return size_; }
  const double* x() const { return x_.data(); }
  const double* y() const { return y_.data(); }
  const double* z() const { return z_.data(); }
  double vx(std::size_t m) const { return vx_[m]; }
  double vy(std::size_t m) const { return vy_[m]; }
  double vz(std::size_t m) const { return vz_[m]; }
  std::uint32_t slot(std::size_t m) const { return slot_[m]; }

 private:
  std::vector<double> x_, y_, z_, vx_, vy_, vz_;
  std::vector<std::uint32_t> slot_;
  std::size_t size_ = 0;
};

}  // namespace

StrainMeasures strain_measures(const Mat3& F) {
  StrainMeasures m;
  m.E = 0.5 * (F.transpose() * F - Mat3::Identity());
  const Mat3& E = m.E;
  m.von_mises = std::sqrt(E(0, 1) * E(0, 1) + E(0, 2) * E(0, 2) + E(1, 2) * E(1, 2) +
                          ((E(0, 0) - E(1, 1)) * (E(0, 0) - E(1, 1)) +
                           (E(0, 0) - E(2, 2)) * (E(0, 0) - E(2, 2)) +
                           (E(1, 1) - E(2, 2)) * (E(1, 1) - E(2, 2))) /
                              6.0);
  m.volumetric = E.trace() / 3.0;
  return m;
}

double rotation_angle(const Mat3& F) {
  // The rotation R of the polar decomposition F = R U by Newton's iteration R <- (γR + R⁻ᵀ/γ)/2
  // with Higham's (1986) Frobenius-norm scaling γ = sqrt(|R⁻¹|/|R|) while R is far from
  // orthogonal: quadratic convergence, a few 3×3 inverses instead of an SVD. An inverted or
  // singular F has no proper polar rotation that the iteration finds (det R would be -1): those go
  // through the SVD, with the reflection moved into U.
  const double det = F.determinant();
  const double scale = F.squaredNorm();
  Mat3 R = F;
  bool converged = false;
  if (det > 1e-12 * scale * std::sqrt(scale)) {
    bool scaled = true;
    for (int it = 0; it < 50 && !converged; ++it) {
      const Mat3 inv_t = R.inverse().transpose();
      const double gamma =
          scaled ? std::sqrt(std::sqrt(inv_t.squaredNorm() / R.squaredNorm())) : 1.0;
      const Mat3 next = 0.5 * (gamma * R + inv_t / gamma);
      const double change = (next - R).squaredNorm();
      scaled = change > 1e-4;
      converged = change <= 1e-30 * 3.0;
      R = next;
    }
  }
  if (!converged) {
    const Eigen::JacobiSVD<Mat3> svd(F, Eigen::ComputeFullU | Eigen::ComputeFullV);
    Mat3 U = svd.matrixU();
    if ((U * svd.matrixV().transpose()).determinant() < 0) U.col(2) *= -1.0;
    R = U * svd.matrixV().transpose();
  }
  // θ from both sin θ (the axial vector of R - Rᵀ) and cos θ: acos alone loses half the digits
  // of a small angle.
  const double sin_theta =
      0.5 * Vec3(R(2, 1) - R(1, 2), R(0, 2) - R(2, 0), R(1, 0) - R(0, 1)).norm();
  const double cos_theta = 0.5 * (R.trace() - 1.0);
  return std::atan2(sin_theta, cos_theta);
}

D2minAnalyzer::D2minAnalyzer(std::string label, D2minParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

Needs D2minAnalyzer::needs() const {
  Needs n;
  n.reference = params_.reference;
  // Neighbors come from a search in the configuration they are taken from.
  n.reference_cells = params_.neighbors_from_reference;
  n.cells = !params_.neighbors_from_reference;
  n.search_radius = params_.cutoff;
  return n;
}

namespace {

constexpr const char* kAxes = "xyz";

}  // namespace

FrameResult D2minAnalyzer::compute(const FrameContext& context) const {
  const Frame& cur = context.frame();
  const ReferenceView ref = context.reference(params_.reference);
  const Frame& r = ref.frame();
  const std::size_t n = cur.size();
  check_displacement_inputs(cur, r, params_.displacements, ref.reference.file);
  const bool unwrapped = params_.displacements == DisplacementMode::Unwrapped;
  const MappedCells cells = mapped_cells(cur.box, r.box, params_.mapping);
  const bool from_ref = params_.neighbors_from_reference;
  // Neighbors are searched in the cell list of the configuration they come from, and the fit is
  // made as they are found: no neighbor list is stored (at 1M atoms it would be 260 MB written
  // once and read once).
  const CellList& cl = from_ref ? ref.cells() : context.cells();
  const Box& list_box = cl.box();

  // A found separation s (in the searched configuration L) is L⁻¹ s in reduced coordinates;
  // the same pair in the other configuration is that ± (ds_j - ds_i). In the mapped cells this
  // makes one side A s (A = same L⁻¹) and the other B s + v_j - v_i (B = moved L⁻¹) with the
  // per-atom v = ±moved ds, formed once. When the searched cell is its side's mapped cell (the
  // default), A is the identity exactly.
  const Mat3& same_cell = from_ref ? cells.reference : cells.current;
  const Mat3& moved_cell = from_ref ? cells.current : cells.reference;
  const bool a_identity = same_cell == list_box.cell();
  const FitCells fit_cells{a_identity ? Mat3::Identity() : Mat3(same_cell * list_box.inverse()),
                           moved_cell * list_box.inverse(), a_identity, from_ref};
  const double v_sign = from_ref ? 1.0 : -1.0;
  // Atoms are taken, and their neighbors found, in the cell list's bin order (slots): positions
  // and v are then read in sequence or from cache, however the atoms are numbered.
  const std::vector<std::uint32_t>& slot_atom = cl.atoms_in_bin_order();
  const std::vector<Vec3>& slot_pos = cl.positions_in_bin_order();
  std::vector<Vec3> v_slot(n);
  parallel::for_each_index(n, [&](std::size_t k) {
    v_slot[k] = v_sign * (moved_cell * reduced_displacement(cur, r, slot_atom[k], unwrapped));
  });

  // D²min, the two strain invariants, the neighbor count and the flag are always made (the
  // summary reports them); F, E and the rotation only when the run uses them.
  const auto any_used = [&](const std::string& prefix, std::initializer_list<const char*> tails) {
    return std::any_of(tails.begin(), tails.end(),
                       [&](const char* t) { return field_used(prefix + t); });
  };
  const bool want_F = any_used("F_", {"xx", "xy", "xz", "yx", "yy", "yz", "zx", "zy", "zz"});
  const bool want_E = any_used("strain_", {"xx", "yy", "zz", "xy", "xz", "yz"});
  const bool want_rotation = field_used("rotation_angle");
  const bool keep_F = want_F || want_E || want_rotation;

  // Results are written in slot order, in sequence, and spread to the per-atom fields after:
  // 32 bytes per atom, plus F (72 bytes) only when something is made from it.
  struct SlotResult {
    double value, shear, volumetric;
    std::int32_t neighbors, degenerate;
  };
  const auto results = std::make_unique_for_overwrite<SlotResult[]>(n);
  const auto slot_F = std::make_unique_for_overwrite<Mat3[]>(keep_F ? n : 0);
  const auto store = [&](std::uint32_t k, const LocalStrain& fit) {
    SlotResult& r = results[k];
    r.neighbors = fit.neighbors;
    r.degenerate = fit.degenerate ? 1 : 0;
    const double nn = std::max(1, fit.neighbors);
    switch (params_.normalization) {
      case D2minNormalization::Sum:
        r.value = fit.d2min;
        break;
      case D2minNormalization::PerNeighbor:
        r.value = fit.d2min / nn;
        break;
      case D2minNormalization::Lammps:
        r.value = std::sqrt(fit.d2min / nn);
        break;
    }
    // A degenerate fit has F = 0 and is reported as zeros everywhere, flagged.
    const StrainMeasures m =
        fit.degenerate ? StrainMeasures{Mat3::Zero(), 0.0, 0.0} : strain_measures(fit.F);
    r.shear = m.von_mises;
    r.volumetric = m.volumetric;
    if (keep_F) slot_F[k] = fit.F;
  };
  // Atoms are taken bin by bin. A bin's candidates (every atom that can be within the cutoff of
  // one of its atoms, with its periodic image) are gathered once into flat arrays, with their v,
  // and each atom of the bin tests them all in one loop over contiguous memory: the search then
  // costs no per-row bookkeeping per atom, and the hits are read from cache. The hits come in
  // the order CellList::for_each_slot_within finds them.
  const double r2max = params_.cutoff * params_.cutoff;
  parallel::for_blocks(
      cl.bin_count(),
      [&](std::size_t bin_begin, std::size_t bin_end) {
        Candidates cand;
        std::vector<std::uint32_t> hits;
        for (std::size_t bin = bin_begin; bin < bin_end; ++bin) {
          const std::uint32_t first = cl.bin_begin(bin), last = cl.bin_begin(bin + 1);
          if (first == last) continue;
          cand.clear();
          cl.for_each_run_near_bin(
              bin, params_.cutoff,
              [&](std::uint32_t a, std::uint32_t e, const Image& image, const Vec3& shift) {
                cand.add_run(a, e, shift, image == Image{0, 0, 0}, slot_pos, v_slot);
              });
          const std::size_t nc = cand.size();
          hits.resize(nc + 3);
          for (std::uint32_t k = first; k < last; ++k) {
            const Vec3& p = slot_pos[k];
            const double px = p(0), py = p(1), pz = p(2);
            const std::size_t nh =
                select_within(cand.x(), cand.y(), cand.z(), nc, px, py, pz, r2max, hits.data());
            const Vec3& vi = v_slot[k];
            // Calls f(s, Δv) for every pair of atom k: the atom itself is found at distance 0 in
            // the home image (its periodic images elsewhere are neighbors).
            const auto for_each_pair = [&](auto&& f) {
              for (std::size_t h = 0; h < nh; ++h) {
                const std::uint32_t m = hits[h];
                if (cand.slot(m) == k) continue;
                f(cand.x()[m] - px, cand.y()[m] - py, cand.z()[m] - pz, cand.vx(m) - vi(0),
                  cand.vy(m) - vi(1), cand.vz(m) - vi(2));
              }
            };
            PairMoments moments;
            if (from_ref) {
              for_each_pair([&](double s0, double s1, double s2, double v0, double v1, double v2) {
                moments.add<false>(s0, s1, s2, v0, v1, v2);
              });
            } else {
              for_each_pair([&](double s0, double s1, double s2, double v0, double v1, double v2) {
                moments.add<true>(s0, s1, s2, v0, v1, v2);
              });
            }
            const auto direct = [&](const Mat3& P, const Mat3& Q) {
              double sum = 0.0;
              for_each_pair([&](double s0, double s1, double s2, double v0, double v1, double v2) {
                const Vec3 e = P * Vec3(s0, s1, s2) + Q * Vec3(v0, v1, v2);
                sum += e.squaredNorm();
              });
              return sum;
            };
            store(k, analyzers::fit(moments, fit_cells, direct));
          }
        }
      },
      16);
  std::vector<std::uint32_t> slot_of(n);
  parallel::for_each_index(
      n, [&](std::size_t k) { slot_of[slot_atom[k]] = static_cast<std::uint32_t>(k); });

  std::vector<double> value, shear, volumetric, rotation;
  std::array<std::vector<double>, 9> F;
  std::array<std::vector<double>, 6> E;
  std::vector<std::int64_t> count, degenerate;
  // The arrays of n zeros are allocated side by side, so that the threads share the page faults.
  std::vector<std::vector<double>*> arrays = {&value, &shear, &volumetric};
  if (want_rotation) arrays.push_back(&rotation);
  if (want_F) {
    for (auto& f : F) arrays.push_back(&f);
  }
  if (want_E) {
    for (auto& e : E) arrays.push_back(&e);
  }
  parallel::for_each_index(
      arrays.size() + 2,
      [&](std::size_t a) {
        if (a < arrays.size()) return arrays[a]->resize(n);
        (a == arrays.size() ? count : degenerate).resize(n);
      },
      1);
  parallel::for_each_index(n, [&](std::size_t i) {
    const std::uint32_t k = slot_of[i];
    const SlotResult& r = results[k];
    value[i] = r.value;
    shear[i] = r.shear;
    volumetric[i] = r.volumetric;
    count[i] = r.neighbors;
    degenerate[i] = r.degenerate;
    if (!keep_F || r.degenerate) return;
    const Mat3& f = slot_F[k];
    if (want_rotation) rotation[i] = rotation_angle(f);
    if (want_F) {
      for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) F[static_cast<std::size_t>(3 * a + b)][i] = f(a, b);
      }
    }
    if (want_E) {
      const Mat3 e = strain_measures(f).E;
      E[0][i] = e(0, 0);
      E[1][i] = e(1, 1);
      E[2][i] = e(2, 2);
      E[3][i] = e(0, 1);
      E[4][i] = e(0, 2);
      E[5][i] = e(1, 2);
    }
  });

  FrameResult out;
  const std::size_t flagged =
      static_cast<std::size_t>(parallel::sum(n, [&](std::size_t i) { return degenerate[i]; }));
  out.summary = stats::describe(value);
  out.summary["reference"] = {{"file", ref.reference.file}, {"frame", ref.reference.input_index}};
  out.summary["degenerate"] = flagged;
  out.summary["degenerate_fraction"] = n ? static_cast<double>(flagged) / n : 0.0;
  // Means only (stats::mean_std's second pass for the deviation is not reported).
  const auto mean = [n](const auto& v) {
    return n ? parallel::sum(n, [&](std::size_t i) { return static_cast<double>(v[i]); }) / n : 0.0;
  };
  out.summary["mean_shear_strain"] = mean(shear);
  out.summary["mean_volumetric_strain"] = mean(volumetric);
  out.summary["mean_neighbors"] = mean(count);
  if (flagged > 0) {
    out.summary["warnings"] = {fmt::format(
        "{} atoms have fewer than 3 neighbors within {} Å or a flat neighborhood: D²min and "
        "strain set to 0 and flagged (column degenerate)",
        flagged, params_.cutoff)};
  }

  const char* unit = params_.normalization == D2minNormalization::Lammps ? "Å" : "Å^2";
  out.fields.push_back(
      {"value", unit, "nonaffine squared displacement D²min (Falk–Langer)", std::move(value)});
  out.fields.push_back(
      {"shear_strain", "", "von Mises shear strain of the Green–Lagrange E", std::move(shear)});
  out.fields.push_back({"volumetric_strain", "", "tr(E)/3", std::move(volumetric)});
  const char* strain_names[6] = {"strain_xx", "strain_yy", "strain_zz",
                                 "strain_xy", "strain_xz", "strain_yz"};
  for (std::size_t k = 0; k < 6 && want_E; ++k) {
    out.fields.push_back({strain_names[k], "", "Green–Lagrange strain component", std::move(E[k])});
  }
  for (int a = 0; a < 3 && want_F; ++a) {
    for (int b = 0; b < 3; ++b) {
      out.fields.push_back({fmt::format("F_{}{}", kAxes[a], kAxes[b]), "",
                            "deformation gradient component",
                            std::move(F[static_cast<std::size_t>(3 * a + b)])});
    }
  }
  if (want_rotation) {
    out.fields.push_back({"rotation_angle", "rad",
                          "rotation angle of the polar decomposition F = RU", std::move(rotation)});
  }
  out.fields.push_back({"neighbors", "", "neighbors in the fit", std::move(count)});
  out.fields.push_back(
      {"degenerate", "", "1 where the fit is undefined (values set to 0)", std::move(degenerate)});
  return out;
}

namespace {

std::vector<ParamSpec> d2min_specs() {
  std::vector<ParamSpec> specs = {
      ParamSpec("cutoff", ParamKind::Number, nullptr, "Å",
                "neighbors within this distance enter the local fit (CuZr: ~3.7 Å first g(r) "
                "minimum, or ~5 Å)")
          .at_least(1e-6),
      ParamSpec("neighbors", ParamKind::String, "reference", "",
                "configuration whose neighbors within cutoff form the fit: reference (OVITO) or "
                "current")
          .one_of({"reference", "current"}),
      ParamSpec("normalization", ParamKind::String, "sum", "",
                "sum: Σ|d - F d0|² (OVITO, Falk–Langer); per_neighbor: divided by the neighbor "
                "count; lammps: sqrt(sum / neighbors)")
          .one_of({"sum", "per_neighbor", "lammps"}),
  };
  for (auto& s : reference_param_specs()) specs.push_back(std::move(s));
  return specs;
}

const bool registered = register_analyzer({
    "d2min",
    "Falk–Langer nonaffine squared displacement D²min per atom against a reference "
    "configuration, with the local deformation gradient F, Green–Lagrange strain, von Mises shear "
    "strain, volumetric strain and rotation angle.",
    d2min_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext&) {
      D2minParams params;
      params.cutoff = p["cutoff"].get<double>();
      params.neighbors_from_reference = p["neighbors"] == "reference";
      const std::string norm = p["normalization"];
      params.normalization = norm == "per_neighbor" ? D2minNormalization::PerNeighbor
                             : norm == "lammps"     ? D2minNormalization::Lammps
                                                    : D2minNormalization::Sum;
      params.reference = reference_spec_from(p, label);
      params.mapping = affine_mapping_from(p);
      params.displacements = displacement_mode_from(p);
      return std::make_unique<D2minAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
