#include "analyzers/soft_spots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include <Eigen/Eigenvalues>

#include "engine/errors.hpp"
#include "engine/minimize.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/potential_params.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

std::vector<double> participation(const Modes& modes, std::size_t count) {
  const std::size_t n = modes.dimension / 3;
  std::vector<double> p(n, 0.0);
  count = std::min(count, modes.eigenvalues.size());
  for (std::size_t l = 0; l < count; ++l) {
    const auto col = modes.vectors.col(static_cast<Eigen::Index>(l));
    for (std::size_t i = 0; i < n; ++i)
      p[i] += col.segment<3>(static_cast<Eigen::Index>(3 * i)).squaredNorm();
  }
  const double sum = std::accumulate(p.begin(), p.end(), 0.0);
  if (sum > 0) {
    for (double& x : p) x /= sum;
  }
  return p;
}

Vdos vibrational_dos(const std::vector<double>& nu, std::size_t bins) {
  constexpr double kMinModesPerBin = 10;
  Vdos v;
  if (nu.empty() || bins == 0) return v;
  const double top = *std::max_element(nu.begin(), nu.end());
  const double width = top / static_cast<double>(bins) * (1.0 + 1e-12);
  std::vector<double> count(bins, 0.0);
  for (double x : nu) {
    if (x < 0) continue;  // imaginary modes are reported apart
    count[std::min(bins - 1, static_cast<std::size_t>(x / width))] += 1.0;
  }
  double best = -1.0;
  for (std::size_t b = 0; b < bins; ++b) {
    const double c = (static_cast<double>(b) + 0.5) * width;
    const double g = count[b] / (static_cast<double>(nu.size()) * width);
    v.nu.push_back(c);
    v.g.push_back(g);
    v.g_over_nu2.push_back(g / (c * c));
    // Only bins with enough modes count: in a small box the lowest bins hold a handful of
    // (quasi-localised) modes, and g/ν² of one mode at low ν would swamp the maximum.
    if (count[b] >= kMinModesPerBin && g / (c * c) > best) {
      best = g / (c * c);
      v.boson_peak = c;
    }
  }
  return v;
}

SoftSpotsAnalyzer::SoftSpotsAnalyzer(std::string label, std::shared_ptr<const Potential> potential,
                                     SoftSpotParams params, std::vector<TypeInfo> types)
    : Analyzer(std::move(label)),
      potential_(std::move(potential)),
      params_(std::move(params)),
      types_(std::move(types)) {}

Needs SoftSpotsAnalyzer::needs() const {
  Needs n;
  n.neighbor_cutoff = potential_->cutoff();
  return n;
}

namespace {

// A flag column of an earlier analyzer whose name ends in `suffix` (e.g. motifs_gum).
std::optional<std::vector<double>> flag_field(const FrameContext& context,
                                              const std::string& suffix) {
  for (const auto& name : context.field_names()) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return context.field(name);
    }
  }
  return std::nullopt;
}

}  // namespace

FrameResult SoftSpotsAnalyzer::compute(const FrameContext& context) const {
  Frame frame = context.frame();
  const std::size_t n = frame.size();
  const std::vector<double> by_type = type_masses(*potential_, types_, frame.max_type());
  std::vector<double> mass(n);
  for (std::size_t i = 0; i < n; ++i) mass[i] = by_type[static_cast<std::size_t>(frame.type[i])];
  FrameResult out;
  nlohmann::json& s = out.summary;
  s["potential"] = potential_->describe();

  // The modes are harmonic only at a minimum: check (and optionally reach) one first.
  ForceResult forces = potential_->compute(frame, context.neighbors());
  double residual = max_force(forces);
  s["initial_max_force"] = residual;
  bool moved = false;
  if (residual >= params_.max_force && params_.minimize) {
    const MinimizeResult m =
        fire_minimize(frame, *potential_, mass, params_.max_force, params_.minimize_steps);
    s["minimization"] = {{"steps", m.steps},
                         {"converged", m.converged},
                         {"initial_energy", m.initial_energy},
                         {"energy", m.energy},
                         {"max_force", m.max_force}};
    residual = m.max_force;
    moved = true;
  }
  s["max_force"] = residual;
  if (residual >= params_.max_force) {
    throw ComputeError(
        fmt::format("the configuration is not at an energy minimum: max |F| = {:.3g} eV/Å exceeds "
                    "max_force = {:g}; "
                    "the modes would be meaningless (imaginary). Give an inherent structure, set "
                    "\"minimize\": true, "
                    "or raise \"max_force\"",
                    residual, params_.max_force));
  }
  std::optional<NeighborList> moved_neighbors;
  if (moved)
    moved_neighbors.emplace(build_neighbor_list(frame.box, frame.pos, potential_->cutoff()));
  const NeighborList& neighbors = moved ? *moved_neighbors : context.neighbors();

  const std::size_t nonzero = 3 * n - 3;
  std::size_t count = params_.modes;
  if (count == 0)
    count = std::max<std::size_t>(
        1, static_cast<std::size_t>(std::llround(params_.fraction * static_cast<double>(nonzero))));
  if (count > nonzero) {
    throw ComputeError(fmt::format("asked for {} modes, but {} atoms have only {} nonzero modes",
                                   count, n, nonzero));
  }
  const std::string solver =
      params_.solver != "auto" ? params_.solver : (n <= kDenseAtoms ? "dense" : "lanczos");
  const bool dense = solver == "dense";
  // The assembled Hessian (blocks reaching 2 r_c: ~1 GB at 16,000 atoms of CuZr) only where a
  // path needs the matrix itself.
  std::optional<SparseHessian> assembled;
  auto hessian = [&]() -> const SparseHessian& {
    if (!assembled) assembled.emplace(potential_->hessian(frame, neighbors));
    return *assembled;
  };
  Modes modes;
  if (solver == "lanczos") {
    LanczosSettings settings;
    settings.degree = params_.lanczos_degree;
    settings.block = static_cast<Eigen::Index>(params_.lanczos_block);
    LanczosReport report;
    modes = lowest_modes(potential_->hessian_operator(frame, neighbors), mass, count, settings,
                         &report);
    s["lanczos"] = {{"filter_degree", report.degree},
                    {"filter_cut_THz", frequency_thz(report.cut)},
                    {"lambda_max_estimate_THz", frequency_thz(report.lambda_max_bound)},
                    {"block", report.block},
                    {"basis", report.basis},
                    {"restarts", report.restarts},
                    {"operator_products", report.products},
                    {"max_relative_residual", report.max_residual}};
  } else {
    modes = lowest_modes(hessian(), mass, dense ? 0 : count,
                         dense ? ModeSolver::Dense : ModeSolver::ShiftInvert);
  }

  const std::vector<double> p = participation(modes, count);
  std::vector<std::int64_t> flag(n, 0);
  {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    const auto top =
        static_cast<std::size_t>(std::llround(params_.top_fraction * static_cast<double>(n)));
    for (std::size_t k = 0; k < top; ++k) flag[order[k]] = 1;
  }
  out.fields.push_back({"participation", "", "participation in the softest modes, Σ_i p_i = 1", p});
  out.fields.push_back(
      {"flag", "", "1 for the soft spots: the top fraction of atoms by participation", flag});
  // The harmonic MSD needs the whole pseudo-inverse diagonal of D: from every mode (dense
  // solver) or a dense Cholesky factor (72 N² bytes) up to kDenseFactorAtoms. Beyond, only a
  // sparse factorisation would do, and its factor is nearly dense (hours of CPU and > 10 GB at
  // 16,000 atoms, benchmarks/README.md): skipped with a warning instead of running for hours,
  // unless the user chose the shift-invert solver, which factorises D anyway.
  const bool msd_feasible = dense || n <= kDenseFactorAtoms || solver == "shift_invert";
  if (params_.harmonic_msd && !msd_feasible) {
    s["warnings"] = {fmt::format(
        "the harmonic MSD was skipped: beyond {} atoms it needs a sparse factorisation of D that "
        "is nearly dense ({} atoms: hours of CPU); \"solver\": \"shift_invert\" computes it "
        "anyway, \"harmonic_msd\": false silences this",
        kDenseFactorAtoms, n)};
  }
  if (params_.harmonic_msd && msd_feasible) {
    const std::vector<double> w =
        dense ? inverse_mode_weights(modes)
              : inverse_mode_weights(hessian(), mass, n <= kDenseFactorAtoms);
    const double kt = kBoltzmannEvPerK * params_.temperature;
    std::vector<double> msd(n);
    for (std::size_t i = 0; i < n; ++i) msd[i] = kt * w[i] / mass[i];
    s["harmonic_msd"] = {{"temperature", params_.temperature}, {"all", stats::describe(msd)}};
    out.fields.push_back(
        {"harmonic_msd", "Å^2",
         "classical harmonic vibrational MSD (k_B T / m_i) Σ_l |e_li|² / ω_l² at the temperature",
         std::move(msd)});
  }
  for (std::size_t l : params_.mode_vectors) {
    if (l < 1 || l > modes.eigenvalues.size()) {
      throw ComputeError(fmt::format("mode_vectors asks for mode {}, but {} modes were computed", l,
                                     modes.eigenvalues.size()));
    }
    for (int a = 0; a < 3; ++a) {
      std::vector<double> c(n);
      for (std::size_t i = 0; i < n; ++i)
        c[i] =
            modes.vectors(static_cast<Eigen::Index>(3 * i + a), static_cast<Eigen::Index>(l - 1));
      out.fields.push_back({fmt::format("mode_{}_{}", l, "xyz"[a]), "",
                            "eigenvector component (mass-weighted, unit norm)", std::move(c)});
    }
  }

  Table freq{"frequencies",
             {"mode", "eigenvalue_eV_per_A2_amu", "frequency_THz", "participation_ratio"},
             {{}, {}, {}, {}}};
  std::vector<double> nu;
  for (std::size_t l = 0; l < modes.eigenvalues.size(); ++l) {
    const double f = frequency_thz(modes.eigenvalues[l]);
    nu.push_back(f);
    freq.data[0].push_back(static_cast<double>(l + 1));
    freq.data[1].push_back(modes.eigenvalues[l]);
    freq.data[2].push_back(f);
    freq.data[3].push_back(participation_ratio(modes.vectors.col(static_cast<Eigen::Index>(l))));
  }
  s["solver"] = solver;
  s["modes_computed"] = modes.eigenvalues.size();
  s["modes_used"] = count;
  s["lowest_frequency_THz"] = nu.front();
  s["highest_used_frequency_THz"] = nu[count - 1];
  s["imaginary_modes"] = modes.imaginary;
  s["translational_eigenvalues"] = modes.translational;
  s["box_lengths"] = {frame.box.edge(0).norm(), frame.box.edge(1).norm(), frame.box.edge(2).norm()};
  s["mean_participation_ratio_used"] =
      std::accumulate(freq.data[3].begin(),
                      freq.data[3].begin() + static_cast<std::ptrdiff_t>(count), 0.0) /
      static_cast<double>(count);
  if (dense || params_.vdos) {
    std::vector<double> all_nu = nu;
    if (!dense) {
      // Every eigenvalue without vectors (O((3N)³), ~1 min for 2000 atoms); the three nearest
      // zero are the translations at a minimum.
      const Eigen::MatrixXd D = Eigen::MatrixXd(hessian().dynamical_matrix(mass, false));
      const Eigen::VectorXd ev =
          Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(D, Eigen::EigenvaluesOnly).eigenvalues();
      std::vector<double> values(ev.data(), ev.data() + ev.size());
      std::vector<std::size_t> order(values.size());
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(
          order.begin(), order.begin() + 3, order.end(),
          [&](std::size_t a, std::size_t b) { return std::abs(values[a]) < std::abs(values[b]); });
      all_nu.clear();
      for (std::size_t k = 0; k < values.size(); ++k) {
        if (k != order[0] && k != order[1] && k != order[2])
          all_nu.push_back(frequency_thz(values[k]));
      }
    }
    const Vdos v = vibrational_dos(all_nu, params_.vdos_bins);
    s["boson_peak_THz"] = v.boson_peak;
    out.tables.push_back({"vdos", {"nu_THz", "g", "g_over_nu2"}, {v.nu, v.g, v.g_over_nu2}});
  }
  out.tables.push_back(std::move(freq));

  // Soft spots among structural motifs, when an earlier motifs analyzer gave the flags.
  for (const char* kind : {"full_icosahedron", "gum"}) {
    if (const auto f = flag_field(context, std::string("_") + kind)) {
      std::size_t members = 0, soft = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if ((*f)[i] != 0) {
          ++members;
          soft += static_cast<std::size_t>(flag[i]);
        }
      }
      s[fmt::format("soft_spot_fraction_among_{}", kind)] =
          members ? static_cast<double>(soft) / static_cast<double>(members) : 0.0;
    }
  }
  s["soft_spot_fraction"] = params_.top_fraction;
  return out;
}

namespace {

std::vector<ParamSpec> soft_spot_specs() {
  auto specs = potential_param_specs();
  specs.push_back(
      ParamSpec("fraction", ParamKind::Number, 0.01, "",
                "fraction of the 3N−3 nonzero modes, from the softest, whose participation "
                "is summed (used unless \"modes\" is given)")
          .at_least(0.0)
          .at_most(1.0));
  specs.push_back(
      ParamSpec("modes", ParamKind::Integer, 0, "", "number of softest modes (0: use fraction)")
          .at_least(0));
  specs.push_back(ParamSpec("top_fraction", ParamKind::Number, 0.05, "",
                            "atoms flagged as soft spots, by participation")
                      .at_least(0.0)
                      .at_most(1.0));
  specs.push_back(
      ParamSpec("temperature", ParamKind::Number, 300.0, "K", "temperature of the harmonic MSD")
          .at_least(0.0));
  specs.push_back(
      ParamSpec("harmonic_msd", ParamKind::Boolean, true, "",
                "compute the harmonic MSD (skipped with a warning beyond 8000 atoms unless "
                "the solver is shift_invert: 3N solves with a nearly dense sparse factor)"));
  specs.push_back(
      ParamSpec("solver", ParamKind::String, "auto", "",
                "dense (every mode: VDOS and boson peak); lanczos (lowest modes only, "
                "factorisation-free: Chebyshev-filtered block Lanczos on the factored Hessian); "
                "shift_invert (lowest modes only, Lanczos on a factorisation of D − σI, up to a "
                "few thousand atoms); auto (dense up to 500 atoms, else lanczos)")
          .one_of({"auto", "dense", "lanczos", "shift_invert"}));
  specs.push_back(ParamSpec("lanczos_degree", ParamKind::Integer, 0, "",
                            "lanczos: degree of the Chebyshev filter (0: 12)")
                      .at_least(0));
  specs.push_back(ParamSpec("lanczos_block", ParamKind::Integer, 0, "",
                            "lanczos: vectors per block, at least the largest degeneracy expected "
                            "(0: modes/8 within 16..32)")
                      .at_least(0));
  specs.push_back(ParamSpec("max_force", ParamKind::Number, 1e-5, "eV/Å",
                            "largest residual force accepted as an energy minimum")
                      .at_least(0.0));
  specs.push_back(ParamSpec("minimize", ParamKind::Boolean, false, "",
                            "minimise (FIRE, fixed box) first when max |F| exceeds max_force"));
  specs.push_back(
      ParamSpec("minimize_steps", ParamKind::Integer, 20000, "", "FIRE step limit").at_least(1));
  specs.push_back(
      ParamSpec("vdos", ParamKind::Boolean, false, "",
                "with shift_invert also every eigenvalue (dense, values only; O(N³), about "
                "a minute for 2000 atoms) for the VDOS and the boson peak; the dense solver "
                "always gives them"));
  specs.push_back(ParamSpec("vdos_bins", ParamKind::Integer, 100, "", "bins of the VDOS histogram")
                      .at_least(1));
  specs.push_back(
      ParamSpec("mode_vectors", ParamKind::Array, nlohmann::json::array(), "",
                "mode numbers (1 = softest) whose eigenvectors are written as per-atom fields"));
  return specs;
}

const bool registered = register_analyzer({
    "soft_spots",
    "Vibrational soft spots: normal modes of the real potential's Hessian at an inherent structure "
    "(dense, or filtered block Lanczos / shift-invert Lanczos for the lowest), per-atom "
    "participation in the softest modes, soft-spot "
    "flags, "
    "harmonic vibrational MSD, mode frequencies and participation ratios, VDOS and boson peak.",
    soft_spot_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      SoftSpotParams params;
      params.fraction = p["fraction"].get<double>();
      params.modes = p["modes"].get<std::size_t>();
      params.top_fraction = p["top_fraction"].get<double>();
      params.temperature = p["temperature"].get<double>();
      params.harmonic_msd = p["harmonic_msd"].get<bool>();
      params.solver = p["solver"].get<std::string>();
      params.lanczos_degree = p["lanczos_degree"].get<int>();
      params.lanczos_block = p["lanczos_block"].get<std::size_t>();
      params.max_force = p["max_force"].get<double>();
      params.minimize = p["minimize"].get<bool>();
      params.minimize_steps = p["minimize_steps"].get<int>();
      params.vdos_bins = p["vdos_bins"].get<std::size_t>();
      params.vdos = p["vdos"].get<bool>();
      for (std::size_t k = 0; k < p["mode_vectors"].size(); ++k) {
        const auto& v = p["mode_vectors"][k];
        if (!v.is_number_integer() || v.get<long long>() < 1) {
          throw ConfigError(fmt::format("{}.mode_vectors[{}]", label, k),
                            "expected a mode number >= 1");
        }
        params.mode_vectors.push_back(v.get<std::size_t>());
      }
      if (params.fraction <= 0.0 && params.modes == 0) {
        throw ConfigError(label + ".fraction", "give a positive fraction or a number of modes");
      }
      return std::make_unique<SoftSpotsAnalyzer>(label, load_potential(p, run, label),
                                                 std::move(params), run.types);
    },
});

}  // namespace

}  // namespace mgs::analyzers
