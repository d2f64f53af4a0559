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

// One atom's pairs as found in the searched configuration: separation s and relative
// displacement term Δv = v_j - v_i (see compute()), stored as they are found, and the sums the
// fit needs, formed from them afterwards. Plain scalars: with Eigen's 3-vectors GCC mixes 8- and
// 16-byte accesses to the same stack slots here, and the failed store forwarding doubled the time.
class PairSums {
 public:
  void clear() { count_ = 0; }
  void add(double s0, double s1, double s2, double v0, double v1, double v2) {
    if (6 * (count_ + 1) > pairs_.size()) pairs_.resize(2 * pairs_.size() + 96);
    double* p = pairs_.data() + 6 * count_++;
    p[0] = s0, p[1] = s1, p[2] = s2, p[3] = v0, p[4] = v1, p[5] = v2;
  }
  // Forms Σ s sᵀ, Σ Δv sᵀ and, when asked, Σ Δv Δvᵀ over the pairs added. A loop of its own
  // after the search: interleaved with it, the running sums did not fit in registers.
  void accumulate(bool with_vv) {
    double a[6] = {}, b[9] = {};
    for (std::size_t k = 0; k < count_; ++k) {
      const double* x = pairs_.data() + 6 * k;
      const double s0 = x[0], s1 = x[1], s2 = x[2], v0 = x[3], v1 = x[4], v2 = x[5];
      a[0] += s0 * s0, a[1] += s0 * s1, a[2] += s0 * s2;
      a[3] += s1 * s1, a[4] += s1 * s2, a[5] += s2 * s2;
      b[0] += v0 * s0, b[1] += v0 * s1, b[2] += v0 * s2;
      b[3] += v1 * s0, b[4] += v1 * s1, b[5] += v1 * s2;
      b[6] += v2 * s0, b[7] += v2 * s1, b[8] += v2 * s2;
    }
    std::copy(std::begin(a), std::end(a), ss_);
    std::copy(std::begin(b), std::end(b), vs_);
    if (!with_vv) return;
    double c[6] = {};
    for (std::size_t k = 0; k < count_; ++k) {
      const double* x = pairs_.data() + 6 * k;
      const double v0 = x[3], v1 = x[4], v2 = x[5];
      c[0] += v0 * v0, c[1] += v0 * v1, c[2] += v0 * v2;
      c[3] += v1 * v1, c[4] += v1 * v2, c[5] += v2 * v2;
    }
    std::copy(std::begin(c), std::end(c), vv_);
  }
  std::size_t size() const { return count_; }
  Mat3 ss() const { return symmetric(ss_); }  // Σ s sᵀ
  Mat3 vs() const {                           // Σ Δv sᵀ
    Mat3 m;
    m << vs_[0], vs_[1], vs_[2], vs_[3], vs_[4], vs_[5], vs_[6], vs_[7], vs_[8];
    return m;
  }
  Mat3 vv() const { return symmetric(vv_); }  // Σ Δv Δvᵀ (when accumulated with it)
  // Σ |P s + Q Δv|² over the pairs, summed term by term (no cancelling closed form).
  double residual(const Mat3& P, const Mat3& Q) const {
    double p[9], q[9];
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) p[3 * r + c] = P(r, c), q[3 * r + c] = Q(r, c);
    }
    double sum = 0.0;
    for (std::size_t k = 0; k < count_; ++k) {
      const double* x = pairs_.data() + 6 * k;
      for (int r = 0; r < 3; ++r) {
        const double e = p[3 * r] * x[0] + p[3 * r + 1] * x[1] + p[3 * r + 2] * x[2] +
                         q[3 * r] * x[3] + q[3 * r + 1] * x[4] + q[3 * r + 2] * x[5];
        sum += e * e;
      }
    }
    return sum;
  }
  // The same with Q = I (neighbors searched in the reference), a third fewer products.
  double residual(const Mat3& P) const {
    double p[9];
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) p[3 * r + c] = P(r, c);
    }
    double sum = 0.0;
    for (std::size_t k = 0; k < count_; ++k) {
      const double* x = pairs_.data() + 6 * k;
      for (int r = 0; r < 3; ++r) {
        const double e = p[3 * r] * x[0] + p[3 * r + 1] * x[1] + p[3 * r + 2] * x[2] + x[3 + r];
        sum += e * e;
      }
    }
    return sum;
  }

 private:
  static Mat3 symmetric(const double (&u)[6]) {
    Mat3 m;
    m << u[0], u[1], u[2], u[1], u[3], u[4], u[2], u[4], u[5];
    return m;
  }
  std::vector<double> pairs_;
  std::size_t count_ = 0;
  double ss_[6] = {}, vs_[9] = {}, vv_[6] = {};
};

// The least-squares fit d ≈ F d0 (SCIENCE.md §4) over an atom's pairs, where the reference and
// current separations are d0 = A s, d = B s + Δv (neighbors searched in the reference) or
// d = A s, d0 = B s + Δv (searched in the current configuration). X = Σ d d0ᵀ and Y = Σ d0 d0ᵀ
// follow from the sums; D²min = Σ |d - F d0|² is summed pair by pair. Degenerate when fewer than
// 3 pairs or |det Y| <= 1e-12 (tr Y)³ (the scale-free form of the condition in SCIENCE.md §4).
LocalStrain fit(PairSums& pairs, const Mat3& A, const Mat3& B, bool searched_in_reference) {
  LocalStrain out{0.0, Mat3::Zero(), static_cast<int>(pairs.size()), true};
  if (pairs.size() < 3) return out;
  pairs.accumulate(!searched_in_reference);
  const Mat3 S = pairs.ss(), W = pairs.vs();
  Mat3 X, Y;
  if (searched_in_reference) {
    Y = A * S * A.transpose();
    X = (B * S + W) * A.transpose();
  } else {
    const Mat3 BWt = B * W.transpose();
    X = A * (S * B.transpose() + W.transpose());
    Y = B * S * B.transpose() + BWt + BWt.transpose() + pairs.vv();
  }
  const double s0 = Y.trace();
  if (!(std::abs(Y.determinant()) > 1e-12 * s0 * s0 * s0)) return out;
  out.F = X * Y.inverse();
  // d - F d0 = (B - F A) s + Δv, or (A - F B) s - F Δv.
  out.d2min =
      searched_in_reference ? pairs.residual(B - out.F * A) : pairs.residual(A - out.F * B, -out.F);
  out.degenerate = false;
  return out;
}

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
  const Mat3 A =
      same_cell == list_box.cell() ? Mat3::Identity() : Mat3(same_cell * list_box.inverse());
  const Mat3 B = moved_cell * list_box.inverse();
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
  parallel::for_blocks(n, [&](std::size_t begin, std::size_t end) {
    PairSums pairs;
    for (std::size_t k = begin; k < end; ++k) {
      pairs.clear();
      const Vec3& vi = v_slot[k];
      cl.for_each_slot_within(slot_pos[k], params_.cutoff,
                              [&](std::uint32_t slot, const Image& image, const Vec3& s, double) {
                                // The search starts at the slot's own binned position: the atom
                                // itself is found exactly there, its periodic images elsewhere.
                                if (slot == k && image == Image{0, 0, 0}) return;
                                const Vec3& vj = v_slot[slot];
                                pairs.add(s(0), s(1), s(2), vj(0) - vi(0), vj(1) - vi(1),
                                          vj(2) - vi(2));
                              });
      const LocalStrain fit = analyzers::fit(pairs, A, B, from_ref);
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
    }
  });
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
