// Elastic constants from the Hessian (affine Born response minus the non-affine relaxation)
// against LAMMPS deforming the box (change_box ... remap) and measuring the pressure tensor, with
// (`minimize`) and without (`run 0`) relaxation, as LAMMPS's ELASTIC example does: an FCC copper
// crystal (no relaxation by symmetry; published constants) and the shared glass, where the
// non-affine relaxation lowers G by tens of percent. The glass needs LAMMPS's strain step at 1e-6:
// its softest modes make the relaxed response nonlinear already at 1e-5 (C66 25.4 GPa from ±1e-5
// and ±1e-4, 27.5 from ±1e-6, the linear response here 27.6).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "engine/elastic.hpp"
#include "engine/potential_params.hpp"
#include "io/lammps_data.hpp"
#include "io/potential_files.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

const std::string kCuZr = "/usr/share/lammps/potentials/CuZr_mm.eam.fs";
constexpr double kGPa = 160.21766208;  // eV/Å^3

std::shared_ptr<const Potential> cuzr(const std::vector<std::string>& elements) {
  RunContext run;
  run.load_potential = io::potential_loader();
  return load_potential({{"style", "eam/fs"}, {"file", kCuZr}, {"elements", elements}}, run,
                        "test");
}

struct LammpsElastic {
  Voigt6 affine;   // GPa, from run 0 after the deformation
  Voigt6 relaxed;  // GPa, after minimize
};

// C_ab = -(p_a(+d) - p_a(-d)) / 2d for the six deformations LAMMPS's change_box applies with
// remap (x, y, z stretch; yz, xz, xy tilt), in Voigt order xx yy zz yz xz xy.
LammpsElastic lammps_elastic(const std::string& setup, const std::string& elements, double d,
                             const std::string& tag) {
  const auto dir = test::temp_dir(tag);
  const char* change[6] = {"x delta 0 $({s}*lx)", "y delta 0 $({s}*ly)", "z delta 0 $({s}*lz)",
                           "yz delta $({s}*lz)",  "xz delta $({s}*lz)",  "xy delta $({s}*ly)"};
  std::string in;
  for (int b = 0; b < 6; ++b) {
    for (int sign : {1, -1}) {
      const std::string s = fmt::format("{:.17g}", sign * d);
      in += fmt::format(R"(clear
units metal
boundary p p p
atom_style atomic
atom_modify map array
{setup}
pair_style eam/fs
pair_coeff * * {file} {elements}
change_box all triclinic
change_box all {change} remap units box
thermo_style custom step pe pxx pyy pzz pyz pxz pxy
variable p1 equal pxx
variable p2 equal pyy
variable p3 equal pzz
variable p4 equal pyz
variable p5 equal pxz
variable p6 equal pxy
run 0
print "affine {b} {sign} ${{p1}} ${{p2}} ${{p3}} ${{p4}} ${{p5}} ${{p6}}" append res.txt screen no
min_modify line quadratic
minimize 0 1e-11 20000 200000
print "relaxed {b} {sign} ${{p1}} ${{p2}} ${{p3}} ${{p4}} ${{p5}} ${{p6}}" append res.txt screen no
)",
                        fmt::arg("setup", setup), fmt::arg("file", kCuZr),
                        fmt::arg("elements", elements),
                        fmt::arg("change", fmt::format(fmt::runtime(change[b]), fmt::arg("s", s))),
                        fmt::arg("b", b), fmt::arg("sign", sign));
    }
  }
  test::write_text(dir / "in.lmp", in);
  std::string out;
  const int rc = test::run_command(
      fmt::format("cd '{}' && lmp -log log.lmp -screen none -in in.lmp", dir.string()), &out);
  INFO(out);
  REQUIRE(rc == 0);
  LammpsElastic c;
  std::istringstream res(test::read_text(dir / "res.txt"));
  std::string kind;
  int b = 0, sign = 0;
  double p[6];
  int rows = 0;
  while (res >> kind >> b >> sign >> p[0] >> p[1] >> p[2] >> p[3] >> p[4] >> p[5]) {
    Voigt6& m = kind == "affine" ? c.affine : c.relaxed;
    if (sign == 1) m.col(b).setZero();
    // bar -> GPa; pressure is minus the stress.
    for (int a = 0; a < 6; ++a) m(a, b) += -sign * p[a] * 1e-4 / (2.0 * d);
    ++rows;
  }
  REQUIRE(rows == 24);
  return c;
}

double worst_relative(const Voigt6& a, const Voigt6& b) {
  return (a - b).cwiseAbs().maxCoeff() / b.cwiseAbs().maxCoeff();
}

}  // namespace

TEST_CASE("elastic: FCC copper, no relaxation by symmetry, equals LAMMPS finite deformations",
          "[elastic][lammps]") {
  const Frame f = test::cubic_lattice("fcc", 3.639, 4);  // 256 Cu atoms
  const ElasticConstants c = elastic_constants(f, *cuzr({"Cu"}));
  const Voigt6 affine = c.affine * kGPa, relaxed = c.relaxed * kGPa;
  INFO("affine (GPa)\n" << affine << "\nnonaffine\n" << c.nonaffine * kGPa);
  CHECK(c.max_force < 1e-10);
  // Every atom of a Bravais lattice is a centre of inversion: no internal relaxation.
  CHECK((c.nonaffine * kGPa).cwiseAbs().maxCoeff() < 1e-6);
  // Cubic symmetry.
  for (int k = 1; k < 3; ++k) {
    CHECK(relaxed(k, k) == Approx(relaxed(0, 0)).epsilon(1e-8));
    CHECK(relaxed(k + 3, k + 3) == Approx(relaxed(3, 3)).epsilon(1e-8));
  }
  CHECK(relaxed(0, 1) == Approx(relaxed(1, 2)).epsilon(1e-8));
  CHECK(std::abs(relaxed(0, 3)) < 1e-6);
  // Near copper's measured constants (C11 170, C12 122.5, C44 75.8 GPa); this potential's Cu
  // gives 177.6, 128.5 and 85.2 (LAMMPS agrees, below).
  CHECK(relaxed(0, 0) == Approx(170.0).epsilon(0.15));
  CHECK(relaxed(0, 1) == Approx(122.5).epsilon(0.15));
  CHECK(relaxed(3, 3) == Approx(75.8).epsilon(0.15));
  if (!test::lammps_available()) return;
  const LammpsElastic ref = lammps_elastic(
      "lattice fcc 3.639\nregion box block 0 4 0 4 0 4\ncreate_box 1 box\ncreate_atoms 1 box\n"
      "mass 1 63.546",
      "Cu", 1e-5, "elastic_fcc");
  INFO("LAMMPS (GPa)\n" << ref.relaxed);
  CHECK(worst_relative(affine, ref.affine) < 1e-6);
  CHECK(worst_relative(relaxed, ref.relaxed) < 1e-6);
}

TEST_CASE("elastic: the glass's non-affine relaxation matches LAMMPS deformed and minimised",
          "[elastic][lammps][slow]") {
  const auto data = test::shared_data("cuzr2k_IS.data");
  const Frame f = io::read_lammps_data(data.string()).frame;
  const ElasticConstants c = elastic_constants(f, *cuzr({"Cu", "Zr"}));
  const Voigt6 affine = c.affine * kGPa, relaxed = c.relaxed * kGPa;
  INFO("affine (GPa)\n"
       << affine << "\nrelaxed\n"
       << relaxed << "\nCG iterations " << c.cg_iterations << ", residual " << c.cg_error
       << ", max force " << c.max_force);
  CHECK(c.cg_error < 1e-10);
  const double g_affine = voigt_shear_modulus(affine), g = voigt_shear_modulus(relaxed);
  // CuZr glasses: G ≈ 25–35 GPa, well below the affine (Born) value (here 32 vs 61 GPa).
  CHECK(g > 20.0);
  CHECK(g < 40.0);
  CHECK(g < 0.7 * g_affine);
  if (!test::lammps_available()) return;
  const LammpsElastic ref =
      lammps_elastic(fmt::format("read_data {}", data.string()), "Cu Zr", 1e-6, "elastic_glass");
  INFO("LAMMPS affine\n" << ref.affine << "\nLAMMPS relaxed\n" << ref.relaxed);
  CHECK(worst_relative(affine, ref.affine) < 1e-5);
  CHECK(worst_relative(relaxed, ref.relaxed) < 1e-2);
  for (int k = 3; k < 6; ++k) CHECK(relaxed(k, k) == Approx(ref.relaxed(k, k)).epsilon(1e-2));
  CHECK(g == Approx(voigt_shear_modulus(ref.relaxed)).epsilon(5e-3));
}
