#include "io/lammps_data.hpp"

#include <fmt/format.h>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "engine/errors.hpp"
#include "support.hpp"

namespace {

using mgs::Vec3;
using mgs::io::read_lammps_data;

// A LAMMPS text dump parsed with the simplest possible code, as an independent reference: the box
// bounds lines (2 or 3 numbers each) and the `id type x y z` rows.
struct Dump {
  std::array<std::array<double, 3>, 3> bounds{};
  std::map<std::int64_t, Vec3> pos;
  std::map<std::int64_t, int> type;
};

Dump read_dump(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  Dump dump;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("ITEM: BOX BOUNDS", 0) == 0) {
      for (auto& b : dump.bounds) {
        REQUIRE(std::getline(in, line));
        std::istringstream ss(line);
        ss >> b[0] >> b[1];
        if (!(ss >> b[2])) b[2] = 0.0;
      }
    } else if (line.rfind("ITEM: ATOMS id type x y z", 0) == 0) {
      std::int64_t id;
      int type;
      double x, y, z;
      while (in >> id >> type >> x >> y >> z) {
        dump.pos[id] = Vec3(x, y, z);
        dump.type[id] = type;
      }
    }
  }
  return dump;
}

// The cell of a dump, from its bounding box as LAMMPS writes it (see shared/data/README.md).
struct Cell {
  double lx, ly, lz, xy, xz, yz;
};

Cell dump_cell(const Dump& d) {
  const double xy = d.bounds[0][2], xz = d.bounds[1][2], yz = d.bounds[2][2];
  const double xlo = d.bounds[0][0] - std::min({0.0, xy, xz, xy + xz});
  const double xhi = d.bounds[0][1] - std::max({0.0, xy, xz, xy + xz});
  const double ylo = d.bounds[1][0] - std::min(0.0, yz);
  const double yhi = d.bounds[1][1] - std::max(0.0, yz);
  return {xhi - xlo, yhi - ylo, d.bounds[2][1] - d.bounds[2][0], xy, xz, yz};
}

// Length of the shortest lattice translate of d for the upper-triangular LAMMPS cell.
double distance_modulo_cell(Vec3 d, const Cell& c) {
  const double sz = std::round(d.z() / c.lz);
  d -= sz * Vec3(c.xz, c.yz, c.lz);
  const double sy = std::round(d.y() / c.ly);
  d -= sy * Vec3(c.xy, c.ly, 0.0);
  d.x() -= std::round(d.x() / c.lx) * c.lx;
  return d.norm();
}

// Every atom of the data file sits, unwrapped, on a lattice translate of its dump position.
void require_same_configuration(const mgs::Frame& frame, const Dump& dump) {
  REQUIRE(frame.size() == dump.pos.size());
  const Cell cell = dump_cell(dump);
  double worst = 0.0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const auto it = dump.pos.find(frame.id[i]);
    REQUIRE(it != dump.pos.end());
    REQUIRE(frame.type[i] == dump.type.at(frame.id[i]));
    worst = std::max(worst, distance_modulo_cell(frame.unwrapped(i) - it->second, cell));
  }
  CHECK(worst < 1e-6);
}

// Positions inside the cell, in fractional coordinates [0, 1).
void require_wrapped(const mgs::Frame& frame) {
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const Vec3 s = frame.box.inverse() * (frame.pos[i] - frame.box.origin());
    for (int k = 0; k < 3; ++k) {
      REQUIRE(s[k] >= 0.0);
      REQUIRE(s[k] < 1.0);
    }
  }
}

std::string write_file(const std::string& tag, const std::string& text) {
  const auto path = mgs::test::temp_dir(tag) / "input.data";
  mgs::test::write_text(path, text);
  return path.string();
}

// Reads `text` as a data file and returns the InputError it must raise.
std::optional<mgs::InputError> error_of(const std::string& tag, const std::string& text,
                                        const std::string& style = "") {
  const auto path = write_file(tag, text);
  try {
    read_lammps_data(path, style);
  } catch (const mgs::InputError& e) {
    return e;
  }
  return std::nullopt;
}

// A small atomic file; line numbers are given on the right for the error tests.
const std::string kHeader =
    "small atomic test file\n"  // 1
    "\n"                        // 2
    "3 atoms\n"                 // 3
    "2 atom types\n"            // 4
    "0 10 xlo xhi\n"            // 5
    "0 10 ylo yhi\n"            // 6
    "0 10 zlo zhi\n"            // 7
    "\n"                        // 8
    "Atoms # atomic\n"          // 9
    "\n";                       // 10
const std::string kLine11 = "1 1 1.0 1.0 1.0\n";
const std::string kLine12 = "2 2 2.0 2.0 2.0\n";
const std::string kLine13 = "3 1 3.0 3.0 3.0\n";

}  // namespace

TEST_CASE("lammps_data: example inherent structure matches the README and the dump", "[io]") {
  const auto data = read_lammps_data(mgs::test::example_data("cuzr2k_IS.data").string());
  const auto& f = data.frame;

  REQUIRE(f.size() == 2000);
  CHECK(data.atom_style == "atomic");
  CHECK(f.has_image);
  CHECK(f.boundary == std::array<std::string, 3>{"pp", "pp", "pp"});
  for (std::size_t i = 0; i < f.size(); ++i) REQUIRE(f.id[i] == static_cast<std::int64_t>(i + 1));
  CHECK(std::count(f.type.begin(), f.type.end(), 1) == 1280);
  CHECK(std::count(f.type.begin(), f.type.end(), 2) == 720);

  REQUIRE(data.masses.size() == 3);
  CHECK_FALSE(data.masses[0]);
  CHECK(*data.masses[1] == Approx(63.546));
  CHECK(*data.masses[2] == Approx(91.224));

  CHECK(f.box.is_orthogonal());
  CHECK(f.box.cell()(0, 0) == Approx(31.85989).margin(1e-5));
  CHECK(f.box.cell()(1, 1) == Approx(31.80585).margin(1e-5));
  CHECK(f.box.cell()(2, 2) == Approx(31.94646).margin(1e-5));
  CHECK(f.box.origin().x() == Approx(0.3200535433439929));

  // Read by hand from the first Atoms line: "1853 2 2.7571379271860907 3.6867556182961723
  // 1.858811914019728 1 0 1" (inside the box, so not moved).
  CHECK(f.type[1852] == 2);
  CHECK(f.pos[1852].x() == 2.7571379271860907);
  CHECK(f.pos[1852].y() == 3.6867556182961723);
  CHECK(f.pos[1852].z() == 1.858811914019728);
  CHECK(f.image[1852] == std::array<int, 3>{1, 0, 1});

  // The README says the Velocities section is present and all zero.
  REQUIRE(data.velocities.size() == 2000);
  for (const auto& v : data.velocities) REQUIRE(v == Vec3::Zero());

  require_wrapped(f);
  require_same_configuration(f, read_dump(mgs::test::example_data("cuzr2k_IS.dump").string()));
}

TEST_CASE("lammps_data: velocities of the 300 K glass follow the sorted atoms", "[io]") {
  const auto data = read_lammps_data(mgs::test::shared_data("cuzr2k_300K.data").string());
  REQUIRE(data.frame.size() == 2000);
  REQUIRE(data.velocities.size() == 2000);
  // Read by hand: "7 1.4803621027469283 -3.240654649661605 -0.55100559990656" (line 2097).
  CHECK(data.frame.id[6] == 7);
  CHECK(data.velocities[6].x() == 1.4803621027469283);
  CHECK(data.velocities[6].y() == -3.240654649661605);
  CHECK(data.velocities[6].z() == -0.55100559990656);
  // And the first Velocities line, "1853 -2.365614300247748 -1.9715712424713443 ...".
  CHECK(data.velocities[1852].x() == -2.365614300247748);
  CHECK(data.frame.box.cell()(0, 0) == Approx(31.93214).margin(1e-5));
  require_same_configuration(data.frame,
                             read_dump(mgs::test::shared_data("cuzr2k_300K.dump").string()));
}

TEST_CASE("lammps_data: triclinic AQS final state", "[io]") {
  const auto data = read_lammps_data(mgs::test::shared_data("cuzr2k_aqs_final_tric.data").string());
  const auto& f = data.frame;
  REQUIRE(f.size() == 2000);
  CHECK(f.timestep == 480);  // from "LAMMPS data file via write_data, ..., timestep = 480"
  CHECK(f.box.cell()(0, 1) == Approx(3.81670).margin(1e-5));
  CHECK(f.box.cell()(0, 2) == 0.0);
  CHECK(f.box.cell()(1, 2) == 0.0);
  const double lx = f.box.cell()(0, 0), ly = f.box.cell()(1, 1), lz = f.box.cell()(2, 2);
  CHECK(lx == Approx(31.85989).margin(1e-5));
  CHECK(ly == Approx(31.80585).margin(1e-5));
  CHECK(lz == Approx(31.94646).margin(1e-5));
  CHECK(f.box.volume() == Approx(lx * ly * lz).epsilon(1e-12));
  require_wrapped(f);
  require_same_configuration(
      f, read_dump(mgs::test::shared_data("cuzr2k_aqs_final_tric.dump").string()));
}

TEST_CASE("lammps_data: hand-written charge file with comments and skipped sections", "[io]") {
  const auto path = write_file("ld_charge",
                               "Hand-written charge test, timestep = 42\n"
                               "\n"
                               "# a comment line in the header\n"
                               "4 atoms\n"
                               "3 bonds          # counted, but there is no Bonds section\n"
                               "2 atom types\n"
                               "1 bond types\n"
                               "2 extra bond per atom\n"
                               "0.0 10.0 xlo xhi\n"
                               "-5.0 5.0 ylo yhi  # comment after the bounds\n"
                               "0 20 zlo zhi\n"
                               "\n"
                               "Masses\n"
                               "\n"
                               "1 63.546 # Cu\n"
                               "2 91.224 # Zr\n"
                               "\n"
                               "Pair Coeffs # lj/cut\n"
                               "\n"
                               "1 0.1 2.5\n"
                               "2 0.2 3.0\n"
                               "\n"
                               "Atoms # charge\n"
                               "\n"
                               "4 2 -0.5 1.0 2.0 3.0\n"
                               "2 1 +0.25 11.5 -6.0 19.5   # outside the box in x and y\n"
                               "1 1 0.25 0.0 0.0 0.0\n"
                               "# a comment inside the section\n"
                               "3 2 0.0 9.999 4.999 25.0\n"
                               "\n"
                               "Velocities\n"
                               "\n"
                               "3 0.3 0 0\n"
                               "1 0.1 0 0\n"
                               "4 0.4 0 0\n"
                               "2 0.2 0 0\n");
  const auto data = read_lammps_data(path);
  const auto& f = data.frame;
  CHECK(data.atom_style == "charge");
  CHECK(f.timestep == 42);
  CHECK_FALSE(f.has_image);
  REQUIRE(f.size() == 4);
  CHECK(f.id == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(f.type == std::vector<int>{1, 1, 2, 2});
  const auto* q = f.column("q");
  REQUIRE(q);
  CHECK(q->values == std::vector<double>{0.25, 0.25, 0.0, -0.5});
  REQUIRE(f.type_names.size() == 3);
  CHECK(f.type_names[1] == "Cu");
  CHECK(f.type_names[2] == "Zr");
  CHECK(*data.masses[2] == 91.224);

  // Atom 2 at (11.5, -6, 19.5) is wrapped to (1.5, 4, 19.5) with image (1, -1, 0).
  CHECK(f.pos[1].isApprox(Vec3(1.5, 4.0, 19.5)));
  CHECK(f.image[1] == std::array<int, 3>{1, -1, 0});
  CHECK(f.unwrapped(1).isApprox(Vec3(11.5, -6.0, 19.5)));
  // Atom 3 at z = 25 in a box 0..20.
  CHECK(f.pos[2].isApprox(Vec3(9.999, 4.999, 5.0)));
  CHECK(f.image[2] == std::array<int, 3>{0, 0, 1});

  REQUIRE(data.velocities.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(data.velocities[i].x() == Approx(0.1 * (i + 1)));
}

TEST_CASE("lammps_data: full style keeps mol and q, skips topology sections", "[io]") {
  const std::string text =
      "LAMMPS data file via write_data, version 2 Aug 2023, timestep = 0, units = real\n"
      "\n"
      "3 atoms\n"
      "2 atom types\n"
      "2 bonds\n"
      "1 bond types\n"
      "\n"
      "0 10 xlo xhi\n"
      "0 10 ylo yhi\n"
      "0 10 zlo zhi\n"
      "\n"
      "Masses\n"
      "\n"
      "1 12.011\n"
      "2 1.008\n"
      "\n"
      "Bond Coeffs # harmonic\n"
      "\n"
      "1 340.0 1.09\n"
      "\n"
      "Atoms # full\n"
      "\n"
      "3 7 2 0.1 1 1 1 0 0 0\n"
      "1 7 1 -0.2 2 2 2 0 0 0\n"
      "2 8 2 0.1 3 3 3 1 -1 2\n"
      "\n"
      "Bonds\n"
      "\n"
      "1 1 1 2\n"
      "2 1 1 3\n";
  const auto path = write_file("ld_full", text);
  const auto data = read_lammps_data(path);
  const auto& f = data.frame;
  CHECK(data.atom_style == "full");
  CHECK(f.units == "real");
  CHECK(f.has_image);
  CHECK(f.id == std::vector<std::int64_t>{1, 2, 3});
  REQUIRE(f.column("mol"));
  CHECK(f.column("mol")->values == std::vector<double>{7, 8, 7});
  REQUIRE(f.column("q"));
  CHECK(f.column("q")->values == std::vector<double>{-0.2, 0.1, 0.1});
  CHECK(f.image[1] == std::array<int, 3>{1, -1, 2});
  CHECK(data.velocities.empty());
  CHECK(f.type_names.empty());  // no names in the file

  SECTION("an explicit atom_style overrides the Atoms comment") {
    const auto err = error_of("ld_full_override", text, "molecular");
    REQUIRE(err);
    CHECK(err->line() == 23);
    CHECK(std::string(err->what())
              .find("expected 6 or 9 columns (id mol type x y z [ix iy iz]) "
                    "for atom_style molecular, got 10") != std::string::npos);
  }
}

TEST_CASE("lammps_data: atom style defaults to atomic and can be given explicitly", "[io]") {
  const std::string no_comment = kHeader + kLine11 + kLine12 + kLine13;
  std::string text = no_comment;
  text.replace(text.find("Atoms # atomic"), 14, "Atoms");
  CHECK(read_lammps_data(write_file("ld_default", text)).atom_style == "atomic");

  // A charge file labelled atomic reads with the right style when told so.
  std::string charge = kHeader + "1 1 0.5 1.0 1.0 1.0\n2 2 0.5 2.0 2.0 2.0\n3 1 -1 3.0 3.0 3.0\n";
  const auto data = read_lammps_data(write_file("ld_forced", charge), "charge");
  CHECK(data.atom_style == "charge");
  CHECK(data.frame.column("q")->values == std::vector<double>{0.5, 0.5, -1.0});
}

TEST_CASE("lammps_data: gzipped files are read transparently", "[io]") {
  if (!mgs::test::have_program("gzip")) return;
  const auto path = write_file("ld_gz", kHeader + kLine13 + kLine11 + kLine12);
  REQUIRE(mgs::test::run_command("gzip -f '" + path + "'") == 0);
  const auto data = read_lammps_data(path + ".gz");
  CHECK(data.frame.id == std::vector<std::int64_t>{1, 2, 3});
}

TEST_CASE("lammps_data: errors name the line and what was expected", "[io]") {
  const auto check = [](const std::optional<mgs::InputError>& err, std::int64_t line,
                        const std::string& expected) {
    REQUIRE(err);
    INFO(err->what());
    CHECK(err->line() == line);
    const std::string what = err->what();
    if (line > 0) CHECK(what.find(fmt::format(":{}: ", line)) != std::string::npos);
    CHECK(what.find(expected) != std::string::npos);
  };

  SECTION("truncated Atoms section followed by another section") {
    check(error_of("ld_e1", kHeader + kLine11 + kLine12 + "\nVelocities\n\n1 0 0 0\n"), 14,
          "expected 3 lines in the Atoms section (one per atom, from the '3 atoms' header line), "
          "found only 2");
  }
  SECTION("truncated Atoms section at the end of the file") {
    check(error_of("ld_e2", kHeader + kLine11 + kLine12), 12,
          "expected 3 lines in the Atoms section");
  }
  SECTION("wrong column count") {
    check(error_of("ld_e3", kHeader + kLine11 + "2 2 2.0 2.0\n" + kLine13), 12,
          "expected 5 or 8 columns (id type x y z [ix iy iz]) for atom_style atomic, got 4");
  }
  SECTION("image flags on some lines only") {
    check(error_of("ld_e4", kHeader + "1 1 1.0 1.0 1.0 0 0 0\n" + kLine12 + kLine13), 12,
          "expected 8 columns with image flags, like the first Atoms line (line 11), got 5");
  }
  SECTION("non-numeric coordinate") {
    check(error_of("ld_e5", kHeader + kLine11 + "2 2 2.0 abc 2.0\n" + kLine13), 12,
          "expected a finite number for y, got 'abc'");
  }
  SECTION("NaN and Inf coordinates") {
    check(error_of("ld_e6", kHeader + kLine11 + kLine12 + "3 1 nan 3.0 3.0\n"), 13,
          "expected a finite number for x, got 'nan'");
    check(error_of("ld_e7", kHeader + kLine11 + kLine12 + "3 1 3.0 3.0 -inf\n"), 13,
          "expected a finite number for z, got '-inf'");
  }
  SECTION("non-integer id") {
    check(error_of("ld_e8", kHeader + kLine11 + "2.5 2 2.0 2.0 2.0\n" + kLine13), 12,
          "expected an integer for the atom id, got '2.5'");
  }
  SECTION("duplicate id") {
    check(error_of("ld_e9", kHeader + kLine11 + kLine12 + "1 1 3.0 3.0 3.0\n"), 13,
          "expected unique atom ids, but id 1 also appears on line 11");
  }
  SECTION("type outside 1..ntypes") {
    check(error_of("ld_e10", kHeader + kLine11 + "2 3 2.0 2.0 2.0\n" + kLine13), 12,
          "expected an atom type between 1 and 2");
    check(error_of("ld_e11", kHeader + kLine11 + "2 0 2.0 2.0 2.0\n" + kLine13), 12, "got 0");
  }
  SECTION("more Atoms lines than declared") {
    check(error_of("ld_e12", kHeader + kLine11 + kLine12 + kLine13 + "4 1 4.0 4.0 4.0\n"), 14,
          "expected a section keyword");
  }
  SECTION("unknown atom style") {
    std::string text = kHeader + kLine11 + kLine12 + kLine13;
    text.replace(text.find("# atomic"), 8, "# ellipsoid");
    check(error_of("ld_e13", text), 9, "expected a supported atom style");
    check(error_of("ld_e14", kHeader + kLine11 + kLine12 + kLine13, "granular"), 0,
          "got 'granular'");
  }
  SECTION("missing file") {
    try {
      read_lammps_data("/nonexistent/mgscope/none.data");
      FAIL("no error for a missing file");
    } catch (const mgs::InputError& e) {
      CHECK(e.file() == "/nonexistent/mgscope/none.data");
      CHECK(std::string(e.what()).find("cannot open") != std::string::npos);
    }
  }
  SECTION("missing atoms header") {
    std::string text = kHeader + kLine11 + kLine12 + kLine13;
    text.erase(text.find("3 atoms\n"), 8);
    check(error_of("ld_e15", text), 8, "missing header line 'N atoms'");
  }
  SECTION("missing box") {
    std::string text = kHeader + kLine11 + kLine12 + kLine13;
    text.erase(text.find("0 10 zlo zhi\n"), 13);
    check(error_of("ld_e16", text), 8, "'lo hi zlo zhi'");
  }
  SECTION("inverted bounds") {
    std::string text = kHeader + kLine11 + kLine12 + kLine13;
    text.replace(text.find("0 10 ylo"), 8, "10 0 ylo");
    check(error_of("ld_e17", text), 6, "expected ylo < yhi");
  }
  SECTION("velocities of an unknown atom") {
    check(error_of("ld_e18", kHeader + kLine11 + kLine12 + kLine13 +
                                 "\nVelocities\n\n1 0 0 0\n2 0 0 0\n"
                                 "9 0 0 0\n"),
          19, "expected an atom id from the Atoms section, got 9");
  }
  SECTION("Masses line with a wrong column count") {
    std::string text = kHeader + kLine11 + kLine12 + kLine13 + "\nMasses\n\n1 1.0\n2\n";
    check(error_of("ld_e19", text), 18, "expected 2 columns (type mass) in the Masses section");
  }
}
