// The `soft_spots` analyzer: the harmonic MSD of a perfect crystal against the closed form from
// its eigenvalues and by three independent routes (mode sum, dense pseudo-inverse, sparse
// solves), refusal away from a minimum and FIRE back to it, the VDOS histogram, and on the
// shared glass the published trends (soft spots enriched in GUMs, absent from full icosahedra).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "analysis.hpp"
#include "analyzers/soft_spots.hpp"
#include "engine/cell_list.hpp"
#include "engine/errors.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/potential_params.hpp"
#include "io/lammps_data.hpp"
#include "io/potential_files.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using namespace mgs::analyzers;
using nlohmann::json;

namespace {

const std::string kCuZr = "/usr/share/lammps/potentials/CuZr_mm.eam.fs";
const json kCu = {{"style", "eam/fs"}, {"file", kCuZr}, {"elements", {"Cu"}}};

FrameResult run(const Frame& frame, json params, const std::vector<std::string>& before = {}) {
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  for (const auto& type : before) analyzers.push_back(test::make_analyzer(type, json::object()));
  analyzers.push_back(test::make_analyzer("soft_spots", params));
  auto results = test::compute_with_inputs(frame, 0, {frame}, analyzers);
  return std::move(results.back().result);
}

const std::vector<double>& values(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<double>>(test::find_field(r, name).values);
}

}  // namespace

TEST_CASE("soft_spots: harmonic MSD of a perfect crystal from its eigenvalues, three ways",
          "[soft_spots][analyzers]") {
  const Frame f = test::cubic_lattice("fcc", 3.639, 3);  // 108 Cu atoms, at equilibrium by symmetry
  json p = kCu;
  p["solver"] = "dense";
  p["temperature"] = 50.0;
  const FrameResult r = run(f, p);
  const auto& msd = values(r, "harmonic_msd");
  // Every atom is equivalent, so |e_li|² averages to 1/N over each degenerate multiplet and
  // <Δr²> = k_B T / (m N) Σ_{l>3} 1/λ_l.
  RunContext ctx;
  ctx.load_potential = io::potential_loader();
  const auto pot = load_potential(kCu, ctx, "test");
  const SparseHessian H = pot->hessian(f, build_neighbor_list(f.box, f.pos, pot->cutoff()));
  const std::vector<double> mass(f.size(), 63.546);
  const Modes all = lowest_modes(H, mass, 0, ModeSolver::Dense);
  double inv = 0.0;
  for (double l : all.eigenvalues) inv += 1.0 / l;
  const double expected = kBoltzmannEvPerK * 50.0 / (63.546 * static_cast<double>(f.size())) * inv;
  for (double x : msd) CHECK(x == Approx(expected).epsilon(1e-9));
  // The same diagonal of the pseudo-inverse by a dense Cholesky and by sparse solves.
  const auto dense = inverse_mode_weights(H, mass, true);
  const auto sparse = inverse_mode_weights(H, mass, false);
  for (std::size_t i = 0; i < f.size(); ++i) {
    CHECK(kBoltzmannEvPerK * 50.0 * dense[i] / 63.546 == Approx(expected).epsilon(1e-9));
    CHECK(kBoltzmannEvPerK * 50.0 * sparse[i] / 63.546 == Approx(expected).epsilon(1e-7));
  }
  // Participation sums to one; every mode is real; the VDOS covers every mode.
  const auto& part = values(r, "participation");
  CHECK(std::accumulate(part.begin(), part.end(), 0.0) == Approx(1.0).epsilon(1e-12));
  CHECK(r.summary["imaginary_modes"].get<int>() == 0);
  CHECK(r.summary["modes_computed"].get<std::size_t>() == 3 * f.size() - 3);
  REQUIRE(r.tables.size() == 2);
  double integral = 0.0;
  const Table& vdos = r.tables[0];
  REQUIRE(vdos.name == "vdos");
  const double width = vdos.data[0][1] - vdos.data[0][0];
  for (double g : vdos.data[1]) integral += g * width;
  CHECK(integral == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("soft_spots: refuses a configuration away from a minimum unless it minimises",
          "[soft_spots][analyzers]") {
  Frame f = test::cubic_lattice("fcc", 3.639, 3);
  const Frame perfect = f;
  f.pos[5] += Vec3(0.05, -0.03, 0.02);
  f.pos[40] += Vec3(-0.04, 0.02, 0.01);
  json p = kCu;
  p["solver"] = "dense";
  CHECK_THROWS_WITH(run(f, p),
                    Catch::Contains("not at an energy minimum") && Catch::Contains("minimize"));
  p["minimize"] = true;
  const FrameResult r = run(f, p);
  CHECK(r.summary["max_force"].get<double>() < 1e-5);
  CHECK(r.summary["minimization"]["converged"].get<bool>());
  // FIRE returns the crystal to its perfect energy (from the potential analyzer) and spectrum.
  std::vector<std::unique_ptr<Analyzer>> pot;
  pot.push_back(test::make_analyzer("potential", kCu));
  const double e_perfect =
      test::compute_with_inputs(perfect, 0, {perfect}, pot)[0].result.summary["energy"];
  CHECK(r.summary["minimization"]["initial_energy"].get<double>() > e_perfect + 1e-3);
  CHECK(r.summary["minimization"]["energy"].get<double>() == Approx(e_perfect).epsilon(1e-9));
  json q = kCu;
  q["solver"] = "dense";
  const FrameResult e0 = run(perfect, q);
  CHECK(r.summary["lowest_frequency_THz"].get<double>() ==
        Approx(e0.summary["lowest_frequency_THz"].get<double>()).epsilon(1e-4));
}

TEST_CASE("soft_spots: VDOS histogram and boson peak of a known spectrum", "[soft_spots]") {
  // Debye-like g ∝ ν² up to 2 THz plus an excess band at 0.8-1.0 THz: g/ν² peaks in the band.
  std::vector<double> nu;
  for (int k = 1; k <= 20000; ++k) nu.push_back(2.0 * std::cbrt(k / 20000.0));
  for (int k = 0; k < 400; ++k) nu.push_back(0.8 + 0.2 * k / 400.0);
  const Vdos v = vibrational_dos(nu, 40);
  double integral = 0.0;
  for (double g : v.g) integral += g * (v.nu[1] - v.nu[0]);
  CHECK(integral == Approx(1.0).epsilon(1e-12));
  CHECK(v.boson_peak > 0.8);
  CHECK(v.boson_peak < 1.0);
}

TEST_CASE("soft_spots: on the glass, soft spots avoid full icosahedra and gather on GUMs",
          "[soft_spots][analyzers][slow]") {
  const Frame f = io::read_lammps_data(test::shared_data("cuzr2k_IS.data").string()).frame;
  const FrameResult r =
      run(f, {{"style", "eam/fs"}, {"file", kCuZr}, {"elements", {"Cu", "Zr"}}, {"vdos", true}},
          {"motifs"});
  const auto& s = r.summary;
  INFO(s.dump(1));
  CHECK(s["solver"] == "lanczos");  // auto above 500 atoms
  CHECK(s["lanczos"]["max_relative_residual"].get<double>() < 1e-9);
  CHECK(s["modes_used"].get<std::size_t>() == 60);
  CHECK(s["imaginary_modes"].get<int>() == 0);
  // Ding, Patinet & Ma (2014): GUMs are enriched in soft spots, Cu-centred FI depleted; here the
  // base rate is 5 %.
  CHECK(s["soft_spot_fraction_among_gum"].get<double>() > 0.10);
  CHECK(s["soft_spot_fraction_among_full_icosahedron"].get<double>() < 0.02);
  // ~0.02 Å² at 300 K (SCIENCE.md §6).
  CHECK(s["harmonic_msd"]["all"]["mean"].get<double>() > 0.015);
  CHECK(s["harmonic_msd"]["all"]["mean"].get<double>() < 0.04);
  // The softest mode is quasi-localised (participation ratio well below a plane wave's).
  CHECK(r.tables.back().data[3][0] < 0.1);
  // The VDOS over all 3N − 3 modes; the boson peak of CuZr models lies near 1 THz (SCIENCE.md §5).
  REQUIRE(r.tables.front().name == "vdos");
  double integral = 0.0;
  for (double g : r.tables.front().data[1])
    integral += g * (r.tables.front().data[0][1] - r.tables.front().data[0][0]);
  CHECK(integral == Approx(1.0).epsilon(1e-9));
  CHECK(s["boson_peak_THz"].get<double>() > 0.4);
  CHECK(s["boson_peak_THz"].get<double>() < 2.0);
}
