#include "analyzers/d2min.hpp"

#include <fmt/format.h>

#include <Eigen/LU>
#include <Eigen/SVD>
#include <cmath>

#include "engine/displacement.hpp"
#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

LocalStrain fit_local_strain(const Vec3* d, const Vec3* d0, std::size_t n) {
  LocalStrain out;
  out.neighbors = static_cast<int>(n);
  if (n < 3) return out;
  Mat3 X = Mat3::Zero(), Y = Mat3::Zero();
  double s0 = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    X += d[k] * d0[k].transpose();
    Y += d0[k] * d0[k].transpose();
    s0 += d0[k].squaredNorm();
  }
  const double det = Y.determinant();
  if (!(std::abs(det) > 1e-12 * s0 * s0 * s0)) return out;
  out.F = X * Y.inverse();
  // The residual summed directly: Σ|d|² - tr(X Y⁻¹ Xᵀ) cancels badly when D²min is small.
  double d2 = 0.0;
  for (std::size_t k = 0; k < n; ++k) d2 += (d[k] - out.F * d0[k]).squaredNorm();
  out.d2min = d2;
  out.degenerate = false;
  return out;
}

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
  // Polar decomposition through the SVD F = U S Vᵀ: R = U Vᵀ (a proper rotation).
  const Eigen::JacobiSVD<Mat3> svd(F, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Mat3 U = svd.matrixU();
  if ((U * svd.matrixV().transpose()).determinant() < 0) U.col(2) *= -1.0;
  const Mat3 R = U * svd.matrixV().transpose();
  m.rotation = std::acos(std::clamp((R.trace() - 1.0) / 2.0, -1.0, 1.0));
  return m;
}

D2minAnalyzer::D2minAnalyzer(std::string label, D2minParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

Needs D2minAnalyzer::needs() const {
  Needs n;
  n.reference = params_.reference;
  if (params_.neighbors_from_reference) {
    n.reference_neighbor_cutoff = params_.cutoff;
  } else {
    n.neighbor_cutoff = params_.cutoff;
  }
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
  const std::vector<Vec3> ds =
      reduced_displacements(cur, r, params_.displacements, ref.reference.file);
  const MappedCells cells = mapped_cells(cur.box, r.box, params_.mapping);
  const bool from_ref = params_.neighbors_from_reference;
  const NeighborList& nl = from_ref ? ref.neighbors() : context.neighbors();
  const Mat3& to_reduced = from_ref ? r.box.inverse() : cur.box.inverse();
  const double cut2 = params_.cutoff * params_.cutoff;

  std::vector<double> value(n), shear(n), volumetric(n), rotation(n);
  std::array<std::vector<double>, 9> F;
  std::array<std::vector<double>, 6> E;
  for (auto& v : F) v.resize(n);
  for (auto& v : E) v.resize(n);
  std::vector<std::int64_t> count(n), degenerate(n);
  parallel::for_blocks(n, [&](std::size_t begin, std::size_t end) {
    std::vector<Vec3> d, d0;
    for (std::size_t i = begin; i < end; ++i) {
      d.clear();
      d0.clear();
      for (const Neighbor& nb : nl.of(i)) {
        const Vec3 sep = nl.delta(i, nb);
        if (sep.squaredNorm() > cut2) break;  // neighbors come sorted by distance
        const Vec3 s = to_reduced * sep;
        // The same pair in the other configuration differs by the two atoms' displacements.
        const Vec3 shift = ds[nb.index] - ds[i];
        const Vec3 s_ref = from_ref ? s : Vec3(s - shift);
        const Vec3 s_cur = from_ref ? Vec3(s + shift) : s;
        d0.push_back(cells.reference * s_ref);
        d.push_back(cells.current * s_cur);
      }
      const LocalStrain fit = fit_local_strain(d.data(), d0.data(), d.size());
      count[i] = fit.neighbors;
      degenerate[i] = fit.degenerate ? 1 : 0;
      const double nn = std::max(1, fit.neighbors);
      switch (params_.normalization) {
        case D2minNormalization::Sum:
          value[i] = fit.d2min;
          break;
        case D2minNormalization::PerNeighbor:
          value[i] = fit.d2min / nn;
          break;
        case D2minNormalization::Lammps:
          value[i] = std::sqrt(fit.d2min / nn);
          break;
      }
      if (fit.degenerate) continue;  // zeros everywhere, flagged
      const StrainMeasures m = strain_measures(fit.F);
      for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) F[static_cast<std::size_t>(3 * a + b)][i] = fit.F(a, b);
      }
      E[0][i] = m.E(0, 0);
      E[1][i] = m.E(1, 1);
      E[2][i] = m.E(2, 2);
      E[3][i] = m.E(0, 1);
      E[4][i] = m.E(0, 2);
      E[5][i] = m.E(1, 2);
      shear[i] = m.von_mises;
      volumetric[i] = m.volumetric;
      rotation[i] = m.rotation;
    }
  });

  FrameResult out;
  const std::size_t flagged =
      static_cast<std::size_t>(parallel::sum(n, [&](std::size_t i) { return degenerate[i]; }));
  out.summary = stats::describe(value);
  out.summary["reference"] = {{"file", ref.reference.file}, {"frame", ref.reference.input_index}};
  out.summary["degenerate"] = flagged;
  out.summary["degenerate_fraction"] = n ? static_cast<double>(flagged) / n : 0.0;
  out.summary["mean_shear_strain"] = stats::mean_std(shear).mean;
  out.summary["mean_volumetric_strain"] = stats::mean_std(volumetric).mean;
  std::vector<double> counts(count.begin(), count.end());
  out.summary["mean_neighbors"] = stats::mean_std(counts).mean;
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
  for (std::size_t k = 0; k < 6; ++k) {
    out.fields.push_back({strain_names[k], "", "Green–Lagrange strain component", std::move(E[k])});
  }
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      out.fields.push_back({fmt::format("F_{}{}", kAxes[a], kAxes[b]), "",
                            "deformation gradient component",
                            std::move(F[static_cast<std::size_t>(3 * a + b)])});
    }
  }
  out.fields.push_back({"rotation_angle", "rad", "rotation angle of the polar decomposition F = RU",
                        std::move(rotation)});
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
