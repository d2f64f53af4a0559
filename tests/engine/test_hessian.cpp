// The analytic Hessian (EAM with its embedding cross terms, Lennard-Jones) against central finite
// differences of the analytic forces, its symmetry and acoustic sum rule, and the normal modes:
// a perfect EAM crystal (real, degenerate as cubic symmetry requires, three zeros), participation
// ratios of a plane wave and a single-atom mode, and dense vs shift-invert on a relaxed disordered
// alloy.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <random>

#include <tbb/global_control.h>

#include "engine/cell_list.hpp"
#include "engine/minimize.hpp"
#include "engine/modes.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/potential_params.hpp"
#include "io/lammps_data.hpp"
#include "io/potential_files.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using nlohmann::json;

namespace {

const std::string kCuZr = "/usr/share/lammps/potentials/CuZr_mm.eam.fs";

std::shared_ptr<const Potential> potential(const json& params) {
  RunContext run;
  run.load_potential = io::potential_loader();
  json p = params;
  if (!p.contains("style")) p["style"] = "eam/fs";
  return load_potential(p, run, "test");
}

std::shared_ptr<const Potential> cuzr() {
  return potential({{"file", kCuZr}, {"elements", {"Cu", "Zr"}}});
}

struct Evaluated {
  ForceResult forces;
  std::unique_ptr<NeighborList> neighbors;
};

NeighborList neighbors_of(const Frame& f, double cutoff) {
  return build_neighbor_list(f.box, f.pos, cutoff);
}

std::vector<double> masses_of(const Frame& f, const Potential& pot) {
  const auto by_type = type_masses(pot, {}, f.max_type());
  std::vector<double> m(f.size());
  for (std::size_t i = 0; i < f.size(); ++i) m[i] = by_type[static_cast<std::size_t>(f.type[i])];
  return m;
}

// Column (j, b) of the Hessian by central differences of the forces: -(F(x+h) - F(x-h)) / 2h.
// h is small (1e-6 Å) because tabulated EAM functions have jumps in their second derivative at
// a few knots (LAMMPS's spline is only C¹): a step that straddles one averages the two sides, an
// error proportional to h (1e-4 Å gives 1e-4 relative on CuZr_mm, 1e-6 Å gives 1e-9).
std::vector<Vec3> fd_column(const Frame& f, const Potential& pot, std::size_t j, int b, double h) {
  Frame plus = f, minus = f;
  plus.pos[j][b] += h;
  minus.pos[j][b] -= h;
  plus.pos[j] = plus.box.wrap(plus.pos[j]);
  minus.pos[j] = minus.box.wrap(minus.pos[j]);
  const ForceResult fp = pot.compute(plus, neighbors_of(plus, pot.cutoff()));
  const ForceResult fm = pot.compute(minus, neighbors_of(minus, pot.cutoff()));
  std::vector<Vec3> col(f.size());
  for (std::size_t i = 0; i < f.size(); ++i) col[i] = -(fp.force[i] - fm.force[i]) / (2 * h);
  return col;
}

void check_against_finite_differences(const Frame& f, const Potential& pot, int columns) {
  const SparseHessian H = pot.hessian(f, neighbors_of(f, pot.cutoff()));
  double scale = 0.0;
  for (std::size_t k = 0; k < H.blocks(); ++k)
    scale = std::max(scale, H.block(k).cwiseAbs().maxCoeff());
  std::mt19937 rng(7);
  double worst = 0.0;
  for (int c = 0; c < columns; ++c) {
    const std::size_t j = rng() % f.size();
    const int b = static_cast<int>(rng() % 3);
    const auto col = fd_column(f, pot, j, b, 1e-6);
    for (std::size_t i = 0; i < f.size(); ++i) {
      const Vec3 analytic = H.at(i, j).col(b);
      worst = std::max(worst, (analytic - col[i]).cwiseAbs().maxCoeff());
    }
  }
  INFO("largest |H - H_fd| " << worst << " of max |H| " << scale);
  CHECK(worst < 1e-6 * scale);
}

void check_symmetry_and_sum_rule(const SparseHessian& H) {
  double scale = 0.0, asym = 0.0, asr = 0.0;
  for (std::size_t k = 0; k < H.blocks(); ++k)
    scale = std::max(scale, H.block(k).cwiseAbs().maxCoeff());
  for (std::size_t i = 0; i < H.atoms(); ++i) {
    Mat3 row = Mat3::Zero();
    for (std::size_t k = H.row_begin(i); k < H.row_end(i); ++k) {
      row += H.block(k);
      asym = std::max(asym, (H.block(k) - H.at(H.column(k), i).transpose()).cwiseAbs().maxCoeff());
    }
    asr = std::max(asr, row.cwiseAbs().maxCoeff());
  }
  INFO("asymmetry " << asym << ", sum rule " << asr << ", scale " << scale);
  CHECK(asym < 1e-12 * scale);
  CHECK(asr < 1e-11 * scale);
}

// A small stand-in for a glass (so that the checks also run under the sanitizers): FCC sites at
// the glass's atomic volume (17 Å^3), 36 % Zr at random, every atom displaced by up to 0.4 Å and
// relaxed to the nearest minimum. The modes are as irregular as a glass's.
Frame relaxed_alloy(const Potential& pot) {
  Frame f = test::cubic_lattice("fcc", 4.1, 4);  // 256 atoms
  std::mt19937 rng(20261201);
  std::uniform_real_distribution<double> u(-0.4, 0.4);
  for (std::size_t i = 0; i < f.size(); ++i) {
    f.type[i] = rng() % 100 < 36 ? 2 : 1;
    f.pos[i] += Vec3(u(rng), u(rng), u(rng));
  }
  const MinimizeResult relaxed = fire_minimize(f, pot, masses_of(f, pot), 1e-5, 100000);
  REQUIRE(relaxed.converged);
  return f;
}

// Every eigenvalue of D, by Eigen's dense solver.
Eigen::VectorXd all_eigenvalues(const SparseHessian& H, const std::vector<double>& mass) {
  const Eigen::MatrixXd D = Eigen::MatrixXd(H.dynamical_matrix(mass, false));
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(D, Eigen::EigenvaluesOnly).eigenvalues();
}

}  // namespace

TEST_CASE("Hessian: EAM equals finite differences of the forces, symmetric, acoustic sum rule",
          "[hessian][potential]") {
  const Frame f = io::read_lammps_data(test::shared_data("cuzr2k_300K.data").string()).frame;
  const auto pot = cuzr();
  check_against_finite_differences(f, *pot, 12);
  check_symmetry_and_sum_rule(pot->hessian(f, neighbors_of(f, pot->cutoff())));
}

TEST_CASE("Hessian: Lennard-Jones equals finite differences, symmetric, sum rule",
          "[hessian][potential]") {
  const Frame f = io::read_lammps_data(test::shared_data("cuzr2k_300K.data").string()).frame;
  const auto pot = potential({{"style", "lj/cut"},
                              {"lj",
                               {{"cutoff", 6.0},
                                {"pair_coeff",
                                 {{{"types", {1, 1}}, {"epsilon", 0.10}, {"sigma", 2.3}},
                                  {{"types", {2, 2}}, {"epsilon", 0.15}, {"sigma", 2.8}}}}}}});
  check_against_finite_differences(f, *pot, 12);
  check_symmetry_and_sum_rule(pot->hessian(f, neighbors_of(f, pot->cutoff())));
}

TEST_CASE("Modes: a perfect EAM crystal has three zero modes, real and degenerate frequencies",
          "[hessian][modes]") {
  const Frame f = test::cubic_lattice("fcc", 3.639, 3);  // 108 Cu atoms
  const auto pot = potential({{"file", kCuZr}, {"elements", {"Cu"}}});
  const SparseHessian H = pot->hessian(f, neighbors_of(f, pot->cutoff()));
  check_symmetry_and_sum_rule(H);
  const Modes m = lowest_modes(H, masses_of(f, *pot), 0, ModeSolver::Dense);
  REQUIRE(m.eigenvalues.size() == 3 * f.size() - 3);
  REQUIRE(m.translational.size() == 3);
  for (double z : m.translational) CHECK(std::abs(z) < 1e-10 * m.eigenvalues.back());
  CHECK(m.imaginary == 0);
  CHECK(m.eigenvalues.front() > 1e-3 * m.eigenvalues.back());
  // Cubic symmetry: every nonzero wave vector of the supercell has a star of >= 3 equivalent
  // vectors, so no frequency occurs fewer than 3 times.
  const auto& ev = m.eigenvalues;
  for (std::size_t l = 0; l < ev.size();) {
    std::size_t e = l;
    while (e < ev.size() && ev[e] - ev[l] < 1e-8 * ev.back()) ++e;
    INFO("eigenvalue " << ev[l] << " occurs " << e - l << " times");
    CHECK(e - l >= 3);
    l = e;
  }
  // Copper's maximum phonon frequency is about 7.3 THz (neutron scattering); the potential is
  // fitted to elastic constants, so within 10 %.
  CHECK(frequency_thz(ev.back()) == Approx(7.3).epsilon(0.1));
}

TEST_CASE("Modes: participation ratio of a plane wave and of a single-atom mode", "[modes]") {
  const std::size_t n = 50;
  Eigen::VectorXd wave(3 * n), single = Eigen::VectorXd::Zero(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    // A transverse plane wave with a phase such that every atom moves equally much.
    const double phase = 2 * M_PI * static_cast<double>(i) / static_cast<double>(n);
    wave.segment<3>(static_cast<Eigen::Index>(3 * i)) = Vec3(std::cos(phase), std::sin(phase), 0.0);
  }
  wave.normalize();
  single[7] = 1.0;
  CHECK(participation_ratio(wave) == Approx(1.0).epsilon(1e-12));
  CHECK(participation_ratio(single) == Approx(1.0 / n).epsilon(1e-12));
}

TEST_CASE("Modes: dense and shift-invert agree on the lowest modes of a disordered alloy",
          "[modes]") {
  const auto pot = cuzr();
  const Frame f = relaxed_alloy(*pot);
  const auto mass = masses_of(f, *pot);
  const SparseHessian H = pot->hessian(f, neighbors_of(f, pot->cutoff()));
  const std::size_t k = 24;
  // The sparse LDLT factorisation (what large systems use) and the dense one (small systems).
  const Modes sparse = lowest_modes(H, mass, k, ModeSolver::ShiftInvertSparse);
  const Modes dense_factor = lowest_modes(H, mass, k, ModeSolver::ShiftInvert);
  // Every eigenvalue of the dense matrix, by Eigen's dense solver (an independent method).
  const Eigen::MatrixXd D = Eigen::MatrixXd(H.dynamical_matrix(mass, false));
  const Eigen::VectorXd all =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(D, Eigen::EigenvaluesOnly).eigenvalues();
  REQUIRE(sparse.eigenvalues.size() == k);
  CHECK(sparse.imaginary == 0);
  CHECK(all[3] > 0.0);  // a minimum: nothing below the translations
  // The three lowest dense eigenvalues are the translations (zero to round-off).
  for (int t = 0; t < 3; ++t) CHECK(std::abs(all[t]) < 1e-9 * all[all.size() - 1]);
  for (std::size_t l = 0; l < k; ++l) {
    CHECK(sparse.eigenvalues[l] == Approx(all[static_cast<Eigen::Index>(l + 3)]).epsilon(1e-8));
    CHECK(dense_factor.eigenvalues[l] ==
          Approx(all[static_cast<Eigen::Index>(l + 3)]).epsilon(1e-8));
  }
  // Each Lanczos vector is an eigenvector of the full matrix: |D e - λ e| small.
  const Eigen::SparseMatrix<double> Ds = H.dynamical_matrix(mass, false);
  for (std::size_t l = 0; l < k; ++l) {
    const Eigen::VectorXd e = sparse.vectors.col(static_cast<Eigen::Index>(l));
    CHECK(e.norm() == Approx(1.0).epsilon(1e-12));
    CHECK((Ds * e - sparse.eigenvalues[l] * e).norm() < 1e-8 * all[all.size() - 1]);
  }
}

TEST_CASE("Hessian operator: products equal the assembled dynamical matrix (EAM factored, LJ)",
          "[hessian][modes]") {
  const auto eam = cuzr();
  const Frame f = relaxed_alloy(*eam);
  const auto lj = potential({{"style", "lj/cut"},
                             {"lj",
                              {{"cutoff", 6.0},
                               {"pair_coeff",
                                {{{"types", {1, 1}}, {"epsilon", 0.10}, {"sigma", 2.3}},
                                 {{"types", {2, 2}}, {"epsilon", 0.15}, {"sigma", 2.8}}}}}}});
  const auto mass = masses_of(f, *eam);  // LJ has no masses of its own
  for (const Potential* pot : {eam.get(), lj.get()}) {
    const NeighborList nl = neighbors_of(f, pot->cutoff());
    const HessianOperator op = pot->hessian_operator(f, nl);
    // The assembled matrix: every block within 2 r_c, built by another code path.
    const Eigen::SparseMatrix<double> D = pot->hessian(f, nl).dynamical_matrix(mass, false);
    std::vector<double> s(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) s[i] = 1.0 / std::sqrt(mass[i]);
    // Widths below, at and across the kernels' 8-column tiles.
    for (Eigen::Index b : {1, 5, 8, 13, 16}) {
      const Eigen::MatrixXd x = Eigen::MatrixXd::Random(D.rows(), b);
      RowBlock y;
      op.apply(s, x, y);
      const Eigen::MatrixXd ref = D * x;
      INFO(pot->describe() << ", " << b << " vectors");
      CHECK((Eigen::MatrixXd(y) - ref).norm() < 1e-13 * ref.norm());
    }
    // Gershgorin's bound lies above the largest eigenvalue, and not absurdly far.
    const Eigen::VectorXd all = all_eigenvalues(pot->hessian(f, nl), mass);
    CHECK(op.gershgorin_bound(s) >= all[all.size() - 1]);
    CHECK(op.gershgorin_bound(s) < 10 * all[all.size() - 1]);
  }
}

TEST_CASE("Modes: filtered block Lanczos agrees with the dense solver, on any thread count",
          "[modes]") {
  const auto pot = cuzr();
  const Frame f = relaxed_alloy(*pot);
  const auto mass = masses_of(f, *pot);
  const NeighborList nl = neighbors_of(f, pot->cutoff());
  const HessianOperator op = pot->hessian_operator(f, nl);
  const Eigen::VectorXd all = all_eigenvalues(pot->hessian(f, nl), mass);
  const double top = all[all.size() - 1];
  const Eigen::SparseMatrix<double> D = pot->hessian(f, nl).dynamical_matrix(mass, false);
  const std::size_t k = 24;
  LanczosReport rep;
  const Modes m = lowest_modes(op, mass, k, {}, &rep);
  INFO("cut " << rep.cut << ", degree " << rep.degree << ", λmax estimate " << rep.lambda_max_bound
              << " (true " << top << ")");
  CHECK(rep.degree > 0);  // the Krylov path, not the small-system fallback
  REQUIRE(m.eigenvalues.size() == k);
  CHECK(m.imaginary == 0);
  for (double t : m.translational) CHECK(std::abs(t) < 1e-12 * top);
  for (std::size_t l = 0; l < k; ++l) {
    CHECK(m.eigenvalues[l] == Approx(all[static_cast<Eigen::Index>(l + 3)]).epsilon(1e-10));
    const Eigen::VectorXd e = m.vectors.col(static_cast<Eigen::Index>(l));
    CHECK(e.norm() == Approx(1.0).epsilon(1e-12));
    CHECK((D * e - m.eigenvalues[l] * e).norm() < 1e-9 * top);
  }
  CHECK(rep.lambda_max_bound >= top);
  // The same bits with one thread.
  Modes one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = lowest_modes(op, mass, k);
  }
  CHECK(one.eigenvalues == m.eigenvalues);
  CHECK((one.vectors - m.vectors).cwiseAbs().maxCoeff() == 0.0);
  // A filter cut below the wanted modes cannot order them: refused, not returned.
  LanczosSettings low_cut;
  low_cut.cut = all[10];
  CHECK_THROWS_AS(lowest_modes(op, mass, k, low_cut), ComputeError);
  // Too many modes for a Krylov basis of this 768-dimensional system: every mode, densely.
  const Modes many = lowest_modes(op, mass, 300, {}, &rep);
  CHECK(rep.degree == 0);
  REQUIRE(many.eigenvalues.size() == 300);
  for (std::size_t l = 0; l < 300; ++l)
    CHECK(many.eigenvalues[l] == Approx(all[static_cast<Eigen::Index>(l + 3)]).epsilon(1e-10));
}

TEST_CASE("Modes: block Lanczos finds every copy of the degenerate modes of a crystal", "[modes]") {
  const Frame f = test::cubic_lattice("fcc", 3.639, 4);  // 256 Cu atoms
  const auto pot = potential({{"file", kCuZr}, {"elements", {"Cu"}}});
  const auto mass = masses_of(f, *pot);
  const NeighborList nl = neighbors_of(f, pot->cutoff());
  const Eigen::VectorXd all = all_eigenvalues(pot->hessian(f, nl), mass);
  // The lowest modes of the 4x4x4 supercell are plane waves along the cubic stars of wave
  // vectors: each frequency 6-, 12- or 24-fold.
  const std::size_t k = 30;
  LanczosReport rep;
  const Modes m = lowest_modes(pot->hessian_operator(f, nl), mass, k, {}, &rep);
  CHECK(rep.degree > 0);
  std::size_t largest_multiplicity = 0;
  for (std::size_t l = 0; l < k;) {
    std::size_t e = l;
    while (e < k && all[static_cast<Eigen::Index>(e + 3)] - all[static_cast<Eigen::Index>(l + 3)] <
                        1e-8 * all[all.size() - 1])
      ++e;
    largest_multiplicity = std::max(largest_multiplicity, e - l);
    l = e;
  }
  CHECK(largest_multiplicity >= 6);
  for (std::size_t l = 0; l < k; ++l)
    CHECK(m.eigenvalues[l] == Approx(all[static_cast<Eigen::Index>(l + 3)]).epsilon(1e-9));
}

TEST_CASE("Modes: Lanczos, shift-invert and dense agree on the 2000-atom glass", "[modes][slow]") {
  const Frame f = io::read_lammps_data(test::shared_data("cuzr2k_IS.data").string()).frame;
  const auto pot = cuzr();
  const auto mass = masses_of(f, *pot);
  const NeighborList nl = neighbors_of(f, pot->cutoff());
  const SparseHessian H = pot->hessian(f, nl);
  const std::size_t k = 60;  // 1 %
  const Modes lanczos = lowest_modes(pot->hessian_operator(f, nl), mass, k);
  const Modes shift_invert = lowest_modes(H, mass, k, ModeSolver::ShiftInvert);
  const Eigen::VectorXd all = all_eigenvalues(H, mass);
  CHECK(lanczos.imaginary == 0);
  for (std::size_t l = 0; l < k; ++l) {
    CHECK(lanczos.eigenvalues[l] == Approx(all[static_cast<Eigen::Index>(l + 3)]).epsilon(1e-8));
    CHECK(lanczos.eigenvalues[l] == Approx(shift_invert.eigenvalues[l]).epsilon(1e-8));
  }
  // The participation in the 60 modes is a property of their subspace: the same on both paths.
  Eigen::VectorXd pl = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(f.size()));
  Eigen::VectorXd ps = pl;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const auto r = static_cast<Eigen::Index>(3 * i);
    pl[static_cast<Eigen::Index>(i)] = lanczos.vectors.middleRows(r, 3).squaredNorm();
    ps[static_cast<Eigen::Index>(i)] = shift_invert.vectors.middleRows(r, 3).squaredNorm();
  }
  CHECK((pl - ps).cwiseAbs().maxCoeff() < 1e-8 * pl.maxCoeff());
}
