#include "analyzers/potential.hpp"

#include <fmt/format.h>

#include <cmath>

#include "engine/elastic.hpp"
#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/potential_params.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

namespace {

constexpr const char* kVirialNames[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};

}  // namespace

PotentialAnalyzer::PotentialAnalyzer(std::string label, std::shared_ptr<const Potential> potential,
                                     bool metal_units, bool atomic_stress, bool elastic)
    : Analyzer(std::move(label)),
      potential_(std::move(potential)),
      metal_units_(metal_units),
      atomic_stress_(atomic_stress),
      elastic_(elastic) {}

Needs PotentialAnalyzer::needs() const {
  Needs n;
  n.neighbor_cutoff = potential_->cutoff();
  if (atomic_stress_) n.voronoi = VoronoiOptions{};
  return n;
}

FrameResult PotentialAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  const std::size_t n = frame.size();
  const ForceResult f = potential_->compute(frame, context.neighbors());
  const std::string energy_unit = metal_units_ ? "eV" : "energy";
  const std::string force_unit = metal_units_ ? "eV/Å" : "energy/length";
  const std::string stress_unit = metal_units_ ? "GPa" : "energy/length^3";
  const double to_stress = metal_units_ ? kEvPerA3ToGPa : 1.0;

  FrameResult out;
  out.fields.push_back({"energy", energy_unit,
                        "potential energy of the atom (embedding + half its pair energies)",
                        f.energy});
  for (int k = 0; k < 3; ++k) {
    std::vector<double> c(n);
    for (std::size_t i = 0; i < n; ++i) c[i] = f.force[i][k];
    out.fields.push_back(
        {fmt::format("f{}", "xyz"[k]), force_unit, "force on the atom", std::move(c)});
  }
  for (int k = 0; k < 6; ++k) {
    std::vector<double> c(n);
    for (std::size_t i = 0; i < n; ++i) c[i] = f.virial[i][static_cast<std::size_t>(k)];
    out.fields.push_back(
        {fmt::format("virial_{}", kVirialNames[k]), energy_unit,
         "per-atom virial 1/2 Σ_j r_ij f_ij (LAMMPS compute stress/atom ... virial "
         "is minus this)",
         std::move(c)});
  }
  if (atomic_stress_) {
    const Tessellation& tess = context.voronoi(VoronoiOptions{});
    std::vector<double> pressure(n);
    std::vector<std::vector<double>> stress(6, std::vector<double>(n));
    for (std::size_t i = 0; i < n; ++i) {
      const double v = tess.volume[i] > 0.0 ? tess.volume[i] : std::nan("");  // empty cell
      const auto& w = f.virial[i];
      pressure[i] = to_stress * (w[0] + w[1] + w[2]) / (3.0 * v);
      for (std::size_t k = 0; k < 6; ++k) stress[k][i] = -to_stress * w[k] / v;
    }
    out.fields.push_back(
        {"pressure", stress_unit,
         "atomic-level pressure tr(W_i)/(3 V_i) with the Voronoi volume V_i (virial part)",
         std::move(pressure)});
    for (std::size_t k = 0; k < 6; ++k) {
      out.fields.push_back({fmt::format("stress_{}", kVirialNames[k]), stress_unit,
                            "atomic-level stress -W_i/V_i (tension positive; virial part)",
                            std::move(stress[k])});
    }
  }

  // Summary: totals as LAMMPS thermo reports them (pe, virial pressure tensor) and force norms.
  nlohmann::json& s = out.summary;
  s["potential"] = potential_->describe();
  const double total = parallel::sum(n, [&](std::size_t i) { return f.energy[i]; });
  s["energy"] = total;
  s["energy_per_atom"] = n ? total / static_cast<double>(n) : 0.0;
  std::vector<double> norm(n);
  for (std::size_t i = 0; i < n; ++i) norm[i] = f.force[i].norm();
  std::size_t worst = 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (norm[i] > norm[worst]) worst = i;
  }
  s["max_force"] = n ? norm[worst] : 0.0;
  if (n) s["max_force_atom_id"] = frame.id[worst];
  s["rms_force"] =
      n ? std::sqrt(parallel::sum(n, [&](std::size_t i) { return norm[i] * norm[i]; }) /
                    static_cast<double>(n))
        : 0.0;
  const double volume = frame.box.volume();
  nlohmann::json tensor = nlohmann::json::object();
  double trace = 0.0;
  for (std::size_t k = 0; k < 6; ++k) {
    const double w = parallel::sum(n, [&](std::size_t i) { return f.virial[i][k]; });
    tensor[kVirialNames[k]] = to_stress * w / volume;
    if (k < 3) trace += w;
  }
  s["virial_pressure_tensor"] = tensor;
  s["virial_pressure"] = to_stress * trace / (3.0 * volume);
  s["pressure_unit"] = stress_unit;
  nlohmann::json species = nlohmann::json::object();
  for (int t = 1; t <= frame.max_type(); ++t) {
    std::vector<double> e;
    for (std::size_t i = 0; i < n; ++i) {
      if (frame.type[i] == t) e.push_back(f.energy[i]);
    }
    if (!e.empty())
      species[std::to_string(t)] = {{"atoms", e.size()}, {"energy", stats::describe(e)}};
  }
  s["types"] = species;
  if (elastic_) s["elastic"] = elastic_summary(frame, s["max_force"].get<double>(), to_stress, out);
  return out;
}

nlohmann::json PotentialAnalyzer::elastic_summary(const Frame& frame, double max_force,
                                                  double to_stress, FrameResult& out) const {
  if (!frame.box.fully_periodic()) {
    throw ComputeError("elastic constants need a cell periodic in x, y and z");
  }
  // The formula is the response of a local minimum; away from one it has no meaning.
  constexpr double kMinimumForce = 1e-3;  // eV/Å
  if (max_force > kMinimumForce) {
    out.summary["warnings"].push_back(fmt::format(
        "elastic constants assume a local energy minimum, but the largest force is {:.3g} (more "
        "than {:g}): minimise the configuration first (e.g. LAMMPS minimize, or soft_spots' "
        "minimise option)",
        max_force, kMinimumForce));
  }
  const ElasticConstants c = elastic_constants(frame, *potential_);
  const auto matrix = [&](const Voigt6& m) {
    nlohmann::json rows = nlohmann::json::array();
    for (int a = 0; a < 6; ++a) {
      nlohmann::json row = nlohmann::json::array();
      for (int b = 0; b < 6; ++b) row.push_back(to_stress * m(a, b));
      rows.push_back(std::move(row));
    }
    return rows;
  };
  return {{"voigt_order", {"xx", "yy", "zz", "yz", "xz", "xy"}},
          {"unit", metal_units_ ? "GPa" : "energy/length^3"},
          {"affine", matrix(c.affine)},
          {"nonaffine", matrix(c.nonaffine)},
          {"relaxed", matrix(c.relaxed)},
          {"shear_modulus", to_stress * voigt_shear_modulus(c.relaxed)},
          {"bulk_modulus", to_stress * voigt_bulk_modulus(c.relaxed)},
          {"affine_shear_modulus", to_stress * voigt_shear_modulus(c.affine)},
          {"conjugate_gradient_iterations", c.cg_iterations},
          {"conjugate_gradient_relative_residual", c.cg_error}};
}

namespace {

std::vector<ParamSpec> potential_specs() {
  auto specs = potential_param_specs();
  specs.push_back(ParamSpec("atomic_stress", ParamKind::Boolean, false, "",
                            "also the atomic-level stress and pressure: the virial divided by the "
                            "atom's Voronoi volume (builds the plain Voronoi tessellation)"));
  specs.push_back(ParamSpec(
      "elastic", ParamKind::Boolean, false, "",
      "also the zero-temperature elastic constants C (6x6, Voigt xx yy zz yz xz xy) of the "
      "configuration, which must be a local energy minimum: the affine (Born) response minus the "
      "non-affine relaxation Ξᵀ H⁺ Ξ / V from the Hessian, and the Voigt-averaged shear and bulk "
      "moduli (the G of the G vs k_B T / v_flex relation); in the summary"));
  return specs;
}

const bool registered = register_analyzer({
    "potential",
    "Per-atom potential energy, force and virial from a real potential (pair_style eam/fs, "
    "eam/alloy as LAMMPS interpolates the tables, or lj/cut), with the atomic-level stress on "
    "request; matches LAMMPS compute pe/atom and stress/atom.",
    potential_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      auto potential = load_potential(p, run, label);
      const bool metal = p["style"].get<std::string>() != "lj/cut";
      return std::make_unique<PotentialAnalyzer>(label, std::move(potential), metal,
                                                 p["atomic_stress"].get<bool>(),
                                                 p["elastic"].get<bool>());
    },
});

}  // namespace

}  // namespace mgs::analyzers
