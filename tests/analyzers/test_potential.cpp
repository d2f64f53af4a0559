// The `potential` analyzer and the potentials behind it: LAMMPS's table interpolation on an exact
// cubic, Lennard-Jones dimers against the closed form, LAMMPS run 0 on the shared glass (eam/fs
// on an orthogonal and a sheared triclinic box, eam/alloy, lj/cut with mixing and shift) for
// per-atom energies, forces and virials, and the errors a user meets first.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <nlohmann/json.hpp>

#include "analysis.hpp"
#include "engine/errors.hpp"
#include "engine/lammps_spline.hpp"
#include "io/lammps_data.hpp"
#include "io/potential_files.hpp"
#include "io/trajectory.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using nlohmann::json;

namespace {

const std::string kCuZr = "/usr/share/lammps/potentials/CuZr_mm.eam.fs";
// LAMMPS metal units: pressure·volume (bar·Å^3) per eV.
constexpr double kNktv2p = 1.6021765e6;

FrameResult run_potential(const Frame& frame, const json& params) {
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(test::make_analyzer("potential", params));
  auto results = test::compute_with_inputs(frame, 0, {frame}, analyzers);
  return std::move(results.front().result);
}

const std::vector<double>& values(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<double>>(test::find_field(r, name).values);
}

// Runs LAMMPS `run 0` on `data` with the pair lines given and returns the dump it writes: per
// atom id type x y z fx fy fz c_pe and the six stress/atom virial components.
Frame lammps_reference(const std::filesystem::path& data, const std::string& pair_lines,
                       const std::string& tag) {
  const auto dir = test::temp_dir(tag);
  test::write_text(dir / "in.lmp", fmt::format(R"(units metal
boundary p p p
atom_style atomic
read_data {}
{}
compute pe all pe/atom
compute s all stress/atom NULL virial
dump d all custom 1 out.dump id type x y z fx fy fz c_pe c_s[1] c_s[2] c_s[3] c_s[4] c_s[5] c_s[6]
dump_modify d sort id format float %.17g
run 0
)",
                                               data.string(), pair_lines));
  std::string out;
  const int rc = test::run_command(
      fmt::format("cd '{}' && lmp -log none -screen none -in in.lmp", dir.string()), &out);
  INFO(out);
  REQUIRE(rc == 0);
  io::InputSpec spec;
  spec.paths = {(dir / "out.dump").string()};
  return io::read_frame(spec, 0);
}

// Compares the analyzer on LAMMPS's own dumped positions with LAMMPS's numbers.
void check_against_lammps(const Frame& lmp, const json& params) {
  const FrameResult r = run_potential(lmp, params);
  const auto& e = values(r, "energy");
  double worst_e = 0.0, worst_f = 0.0, worst_w = 0.0;
  const char* axes[3] = {"x", "y", "z"};
  const char* virial[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};
  for (std::size_t i = 0; i < lmp.size(); ++i) {
    worst_e = std::max(worst_e, std::abs(e[i] - lmp.column("c_pe")->values[i]));
    for (int k = 0; k < 3; ++k) {
      const double f = values(r, fmt::format("f{}", axes[k]))[i];
      worst_f = std::max(worst_f, std::abs(f - lmp.column(fmt::format("f{}", axes[k]))->values[i]));
    }
    for (int k = 0; k < 6; ++k) {
      const double w = values(r, fmt::format("virial_{}", virial[k]))[i];
      const double ref = -lmp.column(fmt::format("c_s[{}]", k + 1))->values[i] / kNktv2p;
      worst_w = std::max(worst_w, std::abs(w - ref));
    }
  }
  INFO("worst |ΔE| " << worst_e << " eV, |ΔF| " << worst_f << " eV/Å, |ΔW| " << worst_w << " eV");
  CHECK(worst_e < 1e-9);
  CHECK(worst_f < 1e-8);
  CHECK(worst_w < 1e-8);
}

}  // namespace

TEST_CASE("LAMMPS spline: exact on a cubic inside the table, clamped beyond it", "[potential]") {
  // The knot slopes come from a 5-point stencil, exact for polynomials up to degree 4, and the
  // Hermite cubic between exact knots is the cubic itself.
  auto f = [](double x) { return ((0.3 * x - 2.0) * x + 0.5) * x + 1.0; };
  auto df = [](double x) { return (0.9 * x - 4.0) * x + 0.5; };
  auto d2f = [](double x) { return 1.8 * x - 4.0; };
  const double delta = 0.01;
  std::vector<double> table(500);
  for (std::size_t k = 0; k < table.size(); ++k) table[k] = f(static_cast<double>(k) * delta);
  const LammpsSpline s(table, delta);
  for (double x = 3 * delta; x < 495 * delta; x += 0.0737) {
    const auto v = s(x);
    CHECK(v.f == Approx(f(x)).epsilon(1e-12));
    CHECK(v.df == Approx(df(x)).epsilon(1e-10));
    CHECK(v.d2f == Approx(d2f(x)).epsilon(1e-8).margin(1e-8));
  }
  // Beyond the last knot LAMMPS holds p = 1 of the last interval: value and slope of the end.
  const auto end = s(s.x_max()), beyond = s(s.x_max() + 0.5);
  CHECK(beyond.f == end.f);
  CHECK(beyond.df == end.df);
  CHECK(beyond.d2f == 0.0);
  // Below the first knot LAMMPS keeps interval 1 and extrapolates its cubic (p < 0); the end
  // knots' slopes are one-sided there, so it is close to the function, not exact. A hugely
  // negative abscissa (a damaged density table; found by the potential fuzzer: int overflow) or
  // NaN must not reach the int conversion.
  CHECK(s(-0.5 * delta).f == Approx(f(-0.5 * delta)).epsilon(1e-3));
  CHECK(std::isfinite(s(-1.9e14).f));
  CHECK(std::isnan(s(std::nan("")).f));
}

TEST_CASE("potential: Lennard-Jones dimer against the closed form, with and without shift",
          "[potential][analyzers]") {
  const double eps = 0.25, sigma = 2.0, rc = 5.0;
  for (const double r : {std::pow(2.0, 1.0 / 6.0) * sigma, 2.1, 3.3}) {
    Frame f = test::make_frame(Box(Mat3::Identity() * 30.0, Vec3::Zero(), {true, true, true}),
                               {Vec3(10, 10, 10), Vec3(10 + r, 10, 10)}, {1, 1});
    for (const bool shift : {false, true}) {
      const json p = {
          {"style", "lj/cut"},
          {"lj",
           {{"shift", shift},
            {"pair_coeff",
             {{{"types", {1, 1}}, {"epsilon", eps}, {"sigma", sigma}, {"cutoff", rc}}}}}}};
      const FrameResult res = run_potential(f, p);
      const double s6 = std::pow(sigma / r, 6), c6 = std::pow(sigma / rc, 6);
      const double e = 4 * eps * (s6 * s6 - s6) - (shift ? 4 * eps * (c6 * c6 - c6) : 0.0);
      const double fx = 24 * eps * (2 * s6 * s6 - s6) / r;  // on atom 2, along +x
      CHECK(values(res, "energy")[0] == Approx(e / 2).epsilon(1e-13));
      CHECK(values(res, "energy")[1] == Approx(e / 2).epsilon(1e-13));
      CHECK(values(res, "fx")[1] == Approx(fx).epsilon(1e-12).margin(1e-13));
      CHECK(values(res, "fx")[0] == Approx(-fx).epsilon(1e-12).margin(1e-13));
      // W_xx = 1/2 r f for each atom of the pair.
      CHECK(values(res, "virial_xx")[0] == Approx(0.5 * r * fx).epsilon(1e-12).margin(1e-13));
    }
  }
}

TEST_CASE("potential: a perfect EAM crystal has zero forces and equal energies",
          "[potential][analyzers]") {
  Frame f = test::cubic_lattice("fcc", 3.639, 4);  // Mendelev's Cu lattice constant
  const FrameResult r =
      run_potential(f, {{"style", "eam/fs"}, {"file", kCuZr}, {"elements", {"Cu"}}});
  const auto& e = values(r, "energy");
  for (std::size_t i = 0; i < f.size(); ++i) {
    CHECK(e[i] == Approx(e[0]).epsilon(1e-12));
    for (const char* c : {"fx", "fy", "fz"}) CHECK(std::abs(values(r, c)[i]) < 1e-12);
  }
}

TEST_CASE("potential: eam/fs matches LAMMPS on the 300 K glass and a sheared triclinic glass",
          "[potential][analyzers][lammps]") {
  if (!test::lammps_available()) return;
  const std::string pair = fmt::format("pair_style eam/fs\npair_coeff * * {} Cu Zr", kCuZr);
  const json params = {{"style", "eam/fs"}, {"file", kCuZr}, {"elements", {"Cu", "Zr"}}};
  SECTION("orthogonal, 300 K") {
    check_against_lammps(lammps_reference(test::shared_data("cuzr2k_300K.data"), pair, "pot_fs"),
                         params);
  }
  SECTION("triclinic, after shear") {
    check_against_lammps(
        lammps_reference(test::shared_data("cuzr2k_aqs_final_tric.data"), pair, "pot_tric"),
        params);
  }
  SECTION("types mapped to other elements: both types Zr") {
    const std::string zr = fmt::format("pair_style eam/fs\npair_coeff * * {} Zr Zr", kCuZr);
    check_against_lammps(lammps_reference(test::shared_data("cuzr2k_300K.data"), zr, "pot_zr"),
                         {{"style", "eam/fs"}, {"file", kCuZr}, {"elements", {"Zr", "Zr"}}});
  }
}

TEST_CASE("potential: eam/alloy and lj/cut (mixed, shifted) match LAMMPS on the glass",
          "[potential][analyzers][lammps]") {
  if (!test::lammps_available()) return;
  const auto data = test::shared_data("cuzr2k_300K.data");
  SECTION("eam/alloy (setfl), types as Cu and Ni") {
    const std::string file = "/usr/share/lammps/potentials/CuNi.eam.alloy";
    check_against_lammps(
        lammps_reference(data, fmt::format("pair_style eam/alloy\npair_coeff * * {} Cu Ni", file),
                         "pot_alloy"),
        {{"style", "eam/alloy"}, {"file", file}, {"elements", {"Cu", "Ni"}}});
  }
  SECTION("lj/cut with the cross pair mixed (geometric) and energies shifted") {
    const std::string pair =
        "pair_style lj/cut 6.0\npair_coeff 1 1 0.10 2.3\npair_coeff 2 2 0.15 2.8 7.0\n"
        "pair_modify shift yes";
    check_against_lammps(
        lammps_reference(data, pair, "pot_lj"),
        {{"style", "lj/cut"},
         {"lj",
          {{"cutoff", 6.0},
           {"shift", true},
           {"pair_coeff",
            {{{"types", {1, 1}}, {"epsilon", 0.10}, {"sigma", 2.3}},
             {{"types", {2, 2}}, {"epsilon", 0.15}, {"sigma", 2.8}, {"cutoff", 7.0}}}}}}});
  }
  SECTION("lj/cut Kob–Andersen-like explicit cross pair, arithmetic rule unused") {
    const std::string pair =
        "pair_style lj/cut 6.0\npair_coeff 1 1 0.10 2.5 6.0\npair_coeff 1 2 0.15 2.0 5.0\n"
        "pair_coeff 2 2 0.05 2.2 5.5\npair_modify mix arithmetic";
    check_against_lammps(
        lammps_reference(data, pair, "pot_ka"),
        {{"style", "lj/cut"},
         {"lj",
          {{"mixing", "arithmetic"},
           {"pair_coeff",
            {{{"types", {1, 1}}, {"epsilon", 0.10}, {"sigma", 2.5}, {"cutoff", 6.0}},
             {{"types", {1, 2}}, {"epsilon", 0.15}, {"sigma", 2.0}, {"cutoff", 5.0}},
             {{"types", {2, 2}}, {"epsilon", 0.05}, {"sigma", 2.2}, {"cutoff", 5.5}}}}}}});
  }
}

TEST_CASE("potential: the global virial pressure equals LAMMPS compute pressure ... virial",
          "[potential][analyzers][lammps]") {
  if (!test::lammps_available()) return;
  const auto dir = test::temp_dir("pot_pressure");
  test::write_text(dir / "in.lmp",
                   fmt::format(R"(units metal
boundary p p p
atom_style atomic
read_data {}
pair_style eam/fs
pair_coeff * * {} Cu Zr
compute p all pressure NULL virial
thermo_style custom step pe c_p[1] c_p[2] c_p[3] c_p[4] c_p[5] c_p[6]
thermo_modify format float %.17g
run 0
)",
                               test::shared_data("cuzr2k_aqs_final_tric.data").string(), kCuZr));
  std::string out;
  REQUIRE(test::run_command(
              fmt::format("cd '{}' && lmp -log log.lmp -screen none -in in.lmp", dir.string()),
              &out) == 0);
  const std::string log = test::read_text(dir / "log.lmp");
  const auto at = log.find("\n", log.find("Step PotEng"));
  std::istringstream row(log.substr(at + 1));
  double step, pe, p[6];
  row >> step >> pe >> p[0] >> p[1] >> p[2] >> p[3] >> p[4] >> p[5];
  REQUIRE(row);
  const Frame f =
      io::read_lammps_data(test::shared_data("cuzr2k_aqs_final_tric.data").string()).frame;
  const FrameResult r =
      run_potential(f, {{"style", "eam/fs"}, {"file", kCuZr}, {"elements", {"Cu", "Zr"}}});
  CHECK(r.summary["energy"].get<double>() == Approx(pe).epsilon(1e-12));
  const char* names[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};
  for (int k = 0; k < 6; ++k) {
    // bar -> GPa
    CHECK(r.summary["virial_pressure_tensor"][names[k]].get<double>() ==
          Approx(p[k] * 1e-4).margin(1e-9));
  }
}

TEST_CASE("potential: atomic stress divides the virial by the Voronoi volume",
          "[potential][analyzers]") {
  const Frame f = io::read_lammps_data(test::shared_data("cuzr2k_IS.data").string()).frame;
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(test::make_analyzer("voronoi", json::object()));
  analyzers.push_back(test::make_analyzer(
      "potential",
      {{"style", "eam/fs"}, {"file", kCuZr}, {"elements", {"Cu", "Zr"}}, {"atomic_stress", true}}));
  const auto results = test::compute_with_inputs(f, 0, {f}, analyzers);
  const auto& vol =
      std::get<std::vector<double>>(test::find_field(results[0].result, "volume").values);
  const FrameResult& r = results[1].result;
  double sum_pv = 0.0, sum_w = 0.0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double trace =
        values(r, "virial_xx")[i] + values(r, "virial_yy")[i] + values(r, "virial_zz")[i];
    CHECK(values(r, "pressure")[i] == Approx(160.21766208 * trace / (3 * vol[i])).epsilon(1e-12));
    CHECK(values(r, "stress_xy")[i] ==
          Approx(-160.21766208 * values(r, "virial_xy")[i] / vol[i]).epsilon(1e-12));
    sum_pv += values(r, "pressure")[i] * vol[i];
    sum_w += trace;
  }
  // Volume-weighted atomic pressures add up to the box's virial pressure (cells tile the box).
  CHECK(sum_pv / f.box.volume() ==
        Approx(r.summary["virial_pressure"].get<double>()).epsilon(1e-9));
  // The inherent structure is at a minimum: forces vanish to the minimiser's tolerance.
  CHECK(r.summary["max_force"].get<double>() < 1e-6);
}

TEST_CASE("potential: clear errors for missing files, unknown elements, damaged tables and types",
          "[potential][analyzers]") {
  const auto dir = test::temp_dir("pot_errors");
  SECTION("missing file") {
    CHECK_THROWS_WITH(test::make_analyzer("potential", {{"file", (dir / "nope.eam.fs").string()},
                                                        {"elements", {"Cu"}}}),
                      Catch::Contains("nope.eam.fs") && Catch::Contains("cannot open"));
  }
  SECTION("element not in the file") {
    CHECK_THROWS_WITH(
        test::make_analyzer("potential", {{"file", kCuZr}, {"elements", {"Cu", "Al"}}}),
        Catch::Contains("elements[1]") && Catch::Contains("\"Al\" is not in") &&
            Catch::Contains("Cu, Zr"));
  }
  SECTION("eam without elements, lj without parameters") {
    CHECK_THROWS_WITH(test::make_analyzer("potential", {{"file", kCuZr}}),
                      Catch::Contains("elements"));
    CHECK_THROWS_WITH(test::make_analyzer("potential", {{"style", "lj/cut"}}),
                      Catch::Contains("lj"));
  }
  SECTION("truncated table names the line and the table") {
    const std::string text = test::read_text(kCuZr);
    std::size_t cut = 0;
    for (int k = 0; k < 3000; ++k) cut = text.find('\n', cut) + 1;
    test::write_text(dir / "cut.eam.fs", text.substr(0, cut));
    CHECK_THROWS_WITH(io::read_eam_file((dir / "cut.eam.fs").string(), "eam/fs"),
                      Catch::Contains("cut.eam.fs:3000") && Catch::Contains("ends where") &&
                          Catch::Contains("of Cu"));
  }
  SECTION("non-numeric value") {
    std::string text = test::read_text(kCuZr);
    const auto at = text.find("-1.73205080800000E-0001");
    text.replace(at, 5, "-1.7x");
    test::write_text(dir / "bad.eam.fs", text);
    CHECK_THROWS_WITH(
        io::read_eam_file((dir / "bad.eam.fs").string(), "eam/fs"),
        Catch::Contains("bad.eam.fs:7") && Catch::Contains("expected a finite number"));
  }
  SECTION("an atom type beyond the listed elements") {
    Frame f = test::cubic_lattice("fcc", 3.639, 3);
    f.type[5] = 2;
    CHECK_THROWS_WITH(run_potential(f, {{"file", kCuZr}, {"elements", {"Cu"}}}),
                      Catch::Contains("atom type 2 has no element"));
  }
}
