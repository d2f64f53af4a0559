// LAMMPS text dump reader: every flavour LAMMPS wrote for the shared Cu64Zr36 glass against an
// independent reference (a few lines of istringstream code here), hand-written dumps for the
// header variants of LAMMPS's own format, and the error messages of broken files.
#include "io/lammps_dump.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "io/trajectory.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using mgs::Frame;
using mgs::Vec3;

// ---- independent reference: a single-frame dump read with istringstream and std::stod ----------

struct RefDump {
  std::int64_t timestep = 0;
  std::string box_item;                     // the ITEM: BOX BOUNDS line
  std::vector<std::vector<double>> bounds;  // the three lines below it
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // file order

  std::size_t col(const std::string& name) const {
    const auto it = std::find(columns.begin(), columns.end(), name);
    REQUIRE(it != columns.end());
    return static_cast<std::size_t>(it - columns.begin());
  }
  // Row index by atom id.
  std::map<std::int64_t, std::size_t> by_id() const {
    std::map<std::int64_t, std::size_t> out;
    const std::size_t c = col("id");
    for (std::size_t r = 0; r < rows.size(); ++r) out[std::stoll(rows[r][c])] = r;
    return out;
  }
  double num(std::size_t row, const std::string& name) const {
    return std::stod(rows[row][col(name)]);
  }
  Vec3 vec(std::size_t row, const char* a, const char* b, const char* c) const {
    return Vec3(num(row, a), num(row, b), num(row, c));
  }
};

RefDump ref_read(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  RefDump d;
  std::string line;
  while (std::getline(in, line)) {
    if (line == "ITEM: TIMESTEP") {
      std::getline(in, line);
      d.timestep = std::stoll(line);
    } else if (line.rfind("ITEM: BOX BOUNDS", 0) == 0) {
      d.box_item = line;
      for (int k = 0; k < 3; ++k) {
        REQUIRE(std::getline(in, line));
        std::istringstream ss(line);
        std::vector<double> v;
        double x;
        while (ss >> x) v.push_back(x);
        d.bounds.push_back(v);
      }
    } else if (line.rfind("ITEM: ATOMS", 0) == 0) {
      std::istringstream ss(line.substr(11));
      std::string w;
      while (ss >> w) d.columns.push_back(w);
      while (std::getline(in, line)) {
        std::istringstream rs(line);
        std::vector<std::string> row;
        while (rs >> w) row.push_back(w);
        if (!row.empty()) d.rows.push_back(row);
      }
    }
  }
  return d;
}

// The header of a LAMMPS data file: "lo hi xlo xhi", ..., "xy xz yz xy xz yz".
struct DataHeader {
  double xlo = 0, xhi = 0, ylo = 0, yhi = 0, zlo = 0, zhi = 0, xy = 0, xz = 0, yz = 0;
  std::map<std::int64_t, Vec3> pos;  // Atoms section (atomic style)
};

DataHeader data_header(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  DataHeader h;
  std::string line;
  bool atoms = false;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    if (line.find("xlo xhi") != std::string::npos) ss >> h.xlo >> h.xhi;
    if (line.find("ylo yhi") != std::string::npos) ss >> h.ylo >> h.yhi;
    if (line.find("zlo zhi") != std::string::npos) ss >> h.zlo >> h.zhi;
    if (line.find("xy xz yz") != std::string::npos) ss >> h.xy >> h.xz >> h.yz;
    if (line.rfind("Atoms", 0) == 0) {
      atoms = true;
      continue;
    }
    if (atoms) {
      if (line.rfind("Velocities", 0) == 0) break;
      std::int64_t id;
      int type;
      double x, y, z;
      if (ss >> id >> type >> x >> y >> z) h.pos[id] = Vec3(x, y, z);
    }
  }
  return h;
}

Frame read_first(const fs::path& path) {
  mgs::io::InputSpec spec;
  spec.paths = {path.string()};
  return mgs::io::read_frame(spec, 0);
}

Frame parse_text(const std::string& text, const std::string& tag) {
  const auto path = mgs::test::temp_dir(tag) / "in.dump";
  mgs::test::write_text(path, text);
  return read_first(path);
}

// Shortest periodic distance between two positions of the frame's cell.
double periodic_distance(const Frame& f, const Vec3& a, const Vec3& b) {
  return f.box.minimum_image(a - b).norm();
}

void require_inside(const Frame& f) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    const Vec3 s = f.box.to_fractional(f.pos[i]);
    for (int k = 0; k < 3; ++k) {
      if (!f.box.periodic(k)) continue;
      REQUIRE(s[k] >= 0.0);
      REQUIRE(s[k] < 1.0);
    }
  }
}

void require_sorted_ids(const Frame& f, std::size_t n) {
  REQUIRE(f.size() == n);
  for (std::size_t i = 0; i < n; ++i) REQUIRE(f.id[i] == static_cast<std::int64_t>(i + 1));
}

// The InputError that reading `text` (all frames) raises; fails the test if none.
std::string error_of(const std::string& text, const std::string& tag, std::string* file = nullptr) {
  const auto path = mgs::test::temp_dir(tag) / (tag + ".dump");
  mgs::test::write_text(path, text);
  if (file) *file = path.string();
  try {
    mgs::io::InputSpec spec;
    spec.paths = {path.string()};
    auto source = mgs::io::open_trajectory(spec);
    while (auto raw = source->next()) source->parse(*raw);
  } catch (const mgs::InputError& e) {
    CHECK(e.file() == path.string());
    return e.what();
  }
  FAIL("no InputError for " << tag);
  return "";
}

// `what` must name the file and the line ("file:line: ...") and contain `expectation`.
void check_error(const std::string& text, const std::string& tag, int line,
                 const std::string& expectation) {
  std::string file;
  const std::string what = error_of(text, tag, &file);
  INFO(what);
  CHECK_THAT(what, Catch::StartsWith(file + ":" + std::to_string(line) + ": "));
  CHECK_THAT(what, Catch::Contains(expectation));
}

const std::string kHead =
    "ITEM: TIMESTEP\n"              // 1
    "0\n"                           // 2
    "ITEM: NUMBER OF ATOMS\n"       // 3
    "2\n"                           // 4
    "ITEM: BOX BOUNDS pp pp pp\n"   // 5
    "0 10\n"                        // 6
    "0 10\n"                        // 7
    "0 10\n"                        // 8
    "ITEM: ATOMS id type x y z\n";  // 9
const std::string kAtom10 = "1 1 1.0 2.0 3.0\n";
const std::string kAtom11 = "2 2 4.0 5.0 6.0\n";

}  // namespace

// ---- the shared 300 K glass in every flavour --------------------------------------------------

TEST_CASE("dump: the plain 300 K dump equals its own text", "[dump]") {
  const auto path = mgs::test::shared_data("cuzr2k_300K.dump");
  const RefDump ref = ref_read(path);
  const Frame f = read_first(path);
  require_sorted_ids(f, 2000);
  CHECK(f.timestep == 0);
  CHECK_FALSE(f.has_image);
  CHECK_FALSE(f.ids_generated);
  CHECK(f.boundary == std::array<std::string, 3>{"pp", "pp", "pp"});
  CHECK(f.box.is_orthogonal());
  for (int k = 0; k < 3; ++k) {
    const auto& b = ref.bounds[static_cast<std::size_t>(k)];
    CHECK(f.box.origin()[k] == b[0]);
    CHECK(f.box.cell()(k, k) == Approx(b[1] - b[0]).epsilon(1e-15));
    CHECK(f.box.periodic(k));
  }
  CHECK(f.box.cell()(0, 0) == Approx(31.93214).epsilon(1e-6));  // README
  const auto rows = ref.by_id();
  std::size_t cu = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::size_t r = rows.at(f.id[i]);
    REQUIRE(f.type[i] == std::stoi(ref.rows[r][ref.col("type")]));
    // Atoms LAMMPS wrote inside the box come through bit for bit.
    REQUIRE(f.pos[i] == ref.vec(r, "x", "y", "z"));
    REQUIRE(f.image[i] == std::array<int, 3>{0, 0, 0});
    cu += f.type[i] == 1;
  }
  CHECK(cu == 1280);  // README: 1280 Cu, 720 Zr
  require_inside(f);
}

TEST_CASE("dump: every 300 K flavour gives the same configuration atom by atom", "[dump]") {
  const RefDump plain = ref_read(mgs::test::shared_data("cuzr2k_300K.dump"));
  const auto plain_rows = plain.by_id();
  const RefDump unwrapped_ref = ref_read(mgs::test::shared_data("cuzr2k_300K_unwrapped.dump"));
  const auto unwrapped_rows = unwrapped_ref.by_id();
  const Frame base = read_first(mgs::test::shared_data("cuzr2k_300K.dump"));
  const double L = plain.bounds[0][1] - plain.bounds[0][0];

  SECTION("scaled xs ys zs") {
    const Frame f = read_first(mgs::test::shared_data("cuzr2k_300K_scaled.dump"));
    require_sorted_ids(f, 2000);
    CHECK_FALSE(f.has_image);
    require_inside(f);
    double worst = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      REQUIRE(f.type[i] == base.type[i]);
      worst = std::max(
          worst, periodic_distance(f, f.pos[i], plain.vec(plain_rows.at(f.id[i]), "x", "y", "z")));
    }
    CHECK(worst < 1e-6);
  }
  SECTION("unwrapped xu yu zu: pos + h * image == xu, pos == x") {
    const Frame f = read_first(mgs::test::shared_data("cuzr2k_300K_unwrapped.dump"));
    require_sorted_ids(f, 2000);
    CHECK(f.has_image);
    require_inside(f);
    bool some_nonzero_image = false;
    for (std::size_t i = 0; i < f.size(); ++i) {
      const std::size_t r = unwrapped_rows.at(f.id[i]);
      const Vec3 xu = unwrapped_ref.vec(r, "xu", "yu", "zu");
      REQUIRE((f.unwrapped(i) - xu).norm() < 1e-9 * std::max(1.0, xu.norm()));
      const Vec3 x = plain.vec(plain_rows.at(f.id[i]), "x", "y", "z");
      REQUIRE((f.pos[i] - x).norm() < 1e-6);
      // Image flags are the whole number of box lengths between xu and x.
      for (int k = 0; k < 3; ++k) {
        REQUIRE(f.image[i][static_cast<std::size_t>(k)] == std::lround((xu[k] - x[k]) / L));
        some_nonzero_image |= f.image[i][static_cast<std::size_t>(k)] != 0;
      }
    }
    CHECK(some_nonzero_image);
  }
  SECTION("image flags: x + ix * L == xu of the unwrapped dump") {
    const RefDump ref = ref_read(mgs::test::shared_data("cuzr2k_300K_image.dump"));
    const auto rows = ref.by_id();
    const Frame f = read_first(mgs::test::shared_data("cuzr2k_300K_image.dump"));
    require_sorted_ids(f, 2000);
    CHECK(f.has_image);
    for (std::size_t i = 0; i < f.size(); ++i) {
      const std::size_t r = rows.at(f.id[i]);
      const std::array<int, 3> ix{std::stoi(ref.rows[r][ref.col("ix")]),
                                  std::stoi(ref.rows[r][ref.col("iy")]),
                                  std::stoi(ref.rows[r][ref.col("iz")])};
      REQUIRE(f.image[i] == ix);
      REQUIRE(f.pos[i] == ref.vec(r, "x", "y", "z"));
      const Vec3 by_hand = ref.vec(r, "x", "y", "z") + Vec3(ix[0], ix[1], ix[2]) * L;
      const Vec3 xu = unwrapped_ref.vec(unwrapped_rows.at(f.id[i]), "xu", "yu", "zu");
      REQUIRE((by_hand - xu).norm() < 1e-6);
      REQUIRE((f.unwrapped(i) - xu).norm() < 1e-6);
    }
  }
  SECTION("reordered %g rows with permuted columns type x id z y") {
    const RefDump ref = ref_read(mgs::test::shared_data("cuzr2k_300K_reordered.dump"));
    REQUIRE(ref.columns == std::vector<std::string>{"type", "x", "id", "z", "y"});
    const auto rows = ref.by_id();
    const Frame f = read_first(mgs::test::shared_data("cuzr2k_300K_reordered.dump"));
    require_sorted_ids(f, 2000);
    require_inside(f);
    CHECK(f.columns.empty());
    for (std::size_t i = 0; i < f.size(); ++i) {
      REQUIRE(f.type[i] == base.type[i]);
      // The file's value, as the reader keeps it (wrapped + whole cells), is the printed one.
      const Vec3 printed = ref.vec(rows.at(f.id[i]), "x", "y", "z");
      REQUIRE((f.unwrapped(i) - printed).norm() < 1e-12);
      // %g keeps 6 significant digits: relative error at most 5e-6 per component.
      const Vec3 x = plain.vec(plain_rows.at(f.id[i]), "x", "y", "z");
      for (int k = 0; k < 3; ++k) REQUIRE(std::abs(printed[k] - x[k]) <= 5e-6 * std::abs(x[k]));
      REQUIRE(periodic_distance(f, f.pos[i], x) < 5e-6 * x.norm());
    }
  }
  SECTION("element names") {
    const Frame f = read_first(mgs::test::shared_data("cuzr2k_300K_element.dump"));
    require_sorted_ids(f, 2000);
    REQUIRE(f.type_names.size() >= 3);
    CHECK(f.type_names[1] == "Cu");
    CHECK(f.type_names[2] == "Zr");
    for (std::size_t i = 0; i < f.size(); ++i) {
      REQUIRE(f.type[i] == base.type[i]);
      REQUIRE(f.pos[i] == base.pos[i]);
    }
  }
  SECTION("element names with a run file that orders them differently") {
    mgs::io::DumpIndex index(mgs::test::shared_data("cuzr2k_300K_element.dump").string());
    std::string buffer;
    mgs::io::DumpParseOptions options;
    options.type_elements = {"", "Zr", "Cu"};
    const Frame f = mgs::io::parse_dump_frame(index.text(0, buffer), index.path(), 1, options);
    for (std::size_t i = 0; i < f.size(); ++i) REQUIRE(f.type[i] == 3 - base.type[i]);
    CHECK(f.type_names[1] == "Zr");
    CHECK(f.type_names[2] == "Cu");
  }
}

TEST_CASE("dump: the inherent structure box matches its data file", "[dump]") {
  const DataHeader data = data_header(mgs::test::shared_data("cuzr2k_IS.data"));
  const Frame f = read_first(mgs::test::shared_data("cuzr2k_IS.dump"));
  require_sorted_ids(f, 2000);
  CHECK(f.box.origin().isApprox(Vec3(data.xlo, data.ylo, data.zlo), 1e-14));
  CHECK(f.box.cell()(0, 0) == Approx(data.xhi - data.xlo).epsilon(1e-14));
  CHECK(f.box.cell()(1, 1) == Approx(data.yhi - data.ylo).epsilon(1e-14));
  CHECK(f.box.cell()(2, 2) == Approx(data.zhi - data.zlo).epsilon(1e-14));
  CHECK(f.box.cell()(0, 0) == Approx(31.85989).epsilon(1e-6));  // README
  CHECK(f.box.cell()(1, 1) == Approx(31.80585).epsilon(1e-6));
  CHECK(f.box.cell()(2, 2) == Approx(31.94646).epsilon(1e-6));
  double worst = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    worst = std::max(worst, periodic_distance(f, f.pos[i], data.pos.at(f.id[i])));
  }
  CHECK(worst < 1e-6);
}

// ---- the triclinic sheared state ---------------------------------------------------------------

TEST_CASE("dump: triclinic bounding box converts to the data file's cell", "[dump]") {
  const DataHeader data = data_header(mgs::test::shared_data("cuzr2k_aqs_final_tric.data"));
  REQUIRE(data.xy == Approx(3.81670).epsilon(1e-5));  // README
  for (const char* name : {"cuzr2k_aqs_final_tric.dump", "cuzr2k_aqs_final_tric_scaled.dump"}) {
    INFO(name);
    const Frame f = read_first(mgs::test::shared_data(name));
    require_sorted_ids(f, 2000);
    CHECK(f.timestep == 480);
    CHECK(f.box.is_lower_triangular());
    CHECK_FALSE(f.box.is_orthogonal());
    mgs::Mat3 h;
    h << data.xhi - data.xlo, data.xy, data.xz, 0, data.yhi - data.ylo, data.yz, 0, 0,
        data.zhi - data.zlo;
    CHECK((f.box.cell() - h).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((f.box.origin() - Vec3(data.xlo, data.ylo, data.zlo)).cwiseAbs().maxCoeff() < 1e-12);
    CHECK(f.box.cell()(0, 1) == Approx(3.81670).epsilon(1e-5));
    require_inside(f);
    // The dump's atoms are the data file's, up to the 10 printed digits.
    double worst = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      worst = std::max(worst, periodic_distance(f, f.pos[i], data.pos.at(f.id[i])));
    }
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("dump: triclinic scaled positions map to the Cartesian ones", "[dump]") {
  const RefDump cart = ref_read(mgs::test::shared_data("cuzr2k_aqs_final_tric.dump"));
  const auto rows = cart.by_id();
  const Frame f = read_first(mgs::test::shared_data("cuzr2k_aqs_final_tric_scaled.dump"));
  const Frame g = read_first(mgs::test::shared_data("cuzr2k_aqs_final_tric.dump"));
  REQUIRE(f.size() == 2000);
  double worst = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const Vec3 x = cart.vec(rows.at(f.id[i]), "x", "y", "z");
    worst = std::max(worst, periodic_distance(f, f.pos[i], x));
    REQUIRE(periodic_distance(g, g.pos[i], x) < 1e-12);
  }
  CHECK(worst < 1e-6);
}

// ---- hand-written dumps in LAMMPS's own format -----------------------------------------------

TEST_CASE("dump: restricted triclinic with negative tilts removes the bounding box", "[dump]") {
  // Cell: xlo 1, xhi 11 (Lx 10), ylo -2, yhi 6 (Ly 8), zlo 0, zhi 5; xy -3, xz 2, yz -1.5.
  const double xy = -3, xz = 2, yz = -1.5;
  const double xlo_b = 1 + std::min({0.0, xy, xz, xy + xz});
  const double xhi_b = 11 + std::max({0.0, xy, xz, xy + xz});
  const double ylo_b = -2 + std::min(0.0, yz), yhi_b = 6 + std::max(0.0, yz);
  std::ostringstream t;
  t.precision(17);
  t << "ITEM: TIMESTEP\n7\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS xy xz yz pp pp pp\n"
    << xlo_b << " " << xhi_b << " " << xy << "\n"
    << ylo_b << " " << yhi_b << " " << xz << "\n0 5 " << yz << "\nITEM: ATOMS id type xs ys zs\n"
    << "1 1 0.5 0.25 0.5\n";
  const Frame f = parse_text(t.str(), "tilt");
  mgs::Mat3 h;
  h << 10, xy, xz, 0, 8, yz, 0, 0, 5;
  CHECK((f.box.cell() - h).cwiseAbs().maxCoeff() < 1e-14);
  CHECK((f.box.origin() - Vec3(1, -2, 0)).cwiseAbs().maxCoeff() < 1e-14);
  const Vec3 expected = Vec3(1, -2, 0) + h * Vec3(0.5, 0.25, 0.5);
  CHECK((f.pos[0] - expected).norm() < 1e-12);
}

TEST_CASE("dump: general triclinic BOX BOUNDS abc origin", "[dump]") {
  // LAMMPS (dump_modify triclinic/general yes) writes one edge vector and one origin component
  // per line: "ax ay az xlo", "bx by bz ylo", "cx cy cz zlo".
  SECTION("lower-triangular vectors, scaled coordinates, pp ff pp") {
    const std::string text =
        "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\n"
        "ITEM: BOX BOUNDS abc origin pp ff pp\n"
        "4 0 0 -2\n1 5 0 -3\n0.5 0.25 6 -4\n"
        "ITEM: ATOMS id type xs ys zs\n1 1 0.5 0.5 0.5\n";
    const Frame f = parse_text(text, "abc1");
    mgs::Mat3 h;
    h << 4, 1, 0.5, 0, 5, 0.25, 0, 0, 6;
    CHECK(f.box.cell() == h);
    CHECK(f.box.origin() == Vec3(-2, -3, -4));
    CHECK(f.box.periodic() == std::array<bool, 3>{true, false, true});
    CHECK(f.boundary == std::array<std::string, 3>{"pp", "ff", "pp"});
    CHECK((f.pos[0] - Vec3(0.75, -0.375, -1.0)).norm() < 1e-14);
  }
  SECTION("rotated cell, atoms outside wrapped along a and c only") {
    // a, b, c = rotation by 30 degrees about z of (6,0,0), (1,5,0), (0,0,4).
    const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
    mgs::Mat3 rot;
    rot << c, -s, 0, s, c, 0, 0, 0, 1;
    mgs::Mat3 h0;
    h0 << 6, 1, 0, 0, 5, 0, 0, 0, 4;
    const mgs::Mat3 h = rot * h0;
    const Vec3 o(1, 2, 3);
    std::ostringstream t;
    t.precision(17);
    t << "ITEM: UNITS\nmetal\nITEM: TIME\n0.5\nITEM: TIMESTEP\n250\nITEM: NUMBER OF ATOMS\n2\n"
      << "ITEM: BOX BOUNDS abc origin pp ff pp\n";
    for (int k = 0; k < 3; ++k) {
      t << h(0, k) << " " << h(1, k) << " " << h(2, k) << " " << o[k] << "\n";
    }
    // Atom 1 at fractional (1.25, 0.5, -0.25): a and c are periodic, b is not.
    // Atom 2 at fractional (0.5, 1.5, 0.5): outside along b, which is not periodic.
    const Vec3 r1 = o + h * Vec3(1.25, 0.5, -0.25), r2 = o + h * Vec3(0.5, 1.5, 0.5);
    t << "ITEM: ATOMS id type x y z\n2 1 " << r2[0] << " " << r2[1] << " " << r2[2] << "\n1 2 "
      << r1[0] << " " << r1[1] << " " << r1[2] << "\n";
    const Frame f = parse_text(t.str(), "abc2");
    CHECK((f.box.cell() - h).cwiseAbs().maxCoeff() < 1e-14);
    CHECK(f.box.origin() == o);
    CHECK_FALSE(f.box.is_lower_triangular());
    CHECK(f.units == "metal");
    REQUIRE(f.time);
    CHECK(*f.time == 0.5);
    CHECK(f.timestep == 250);
    REQUIRE(f.size() == 2);
    CHECK(f.id == std::vector<std::int64_t>{1, 2});
    CHECK(f.type == std::vector<int>{2, 1});
    CHECK((f.box.to_fractional(f.pos[0]) - Vec3(0.25, 0.5, 0.75)).norm() < 1e-12);
    CHECK(f.image[0] == std::array<int, 3>{1, 0, -1});
    CHECK((f.unwrapped(0) - r1).norm() < 1e-12);
    CHECK((f.pos[1] - r2).norm() < 1e-12);
    CHECK(f.image[1] == std::array<int, 3>{0, 0, 0});
  }
}

TEST_CASE("dump: non-periodic boundaries ff ss pp are not wrapped", "[dump]") {
  const std::string text =
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS ff ss fm\n"
      "0 10\n-1 9\n0 10\nITEM: ATOMS id type x y z\n"
      "1 1 12.5 -3 11\n2 1 -0.5 9.5 -2\n";
  const Frame f = parse_text(text, "ffss");
  CHECK(f.boundary == std::array<std::string, 3>{"ff", "ss", "fm"});
  CHECK(f.box.periodic() == std::array<bool, 3>{false, false, false});
  CHECK(f.pos[0] == Vec3(12.5, -3, 11));
  CHECK(f.pos[1] == Vec3(-0.5, 9.5, -2));
  CHECK(f.image[0] == std::array<int, 3>{0, 0, 0});

  const std::string mixed =
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS ff pp sm\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 12.5 12.5 12.5\n";
  const Frame g = parse_text(mixed, "ffpp");
  CHECK(g.box.periodic() == std::array<bool, 3>{false, true, false});
  CHECK(g.pos[0] == Vec3(12.5, 2.5, 12.5));
  CHECK(g.image[0] == std::array<int, 3>{0, 1, 0});
}

TEST_CASE("dump: UNITS and TIME come before TIMESTEP, as LAMMPS writes them", "[dump]") {
  // dump_modify units yes time yes: ITEM: UNITS in the first frame only, ITEM: TIME in each.
  const std::string frame2 =
      "ITEM: TIME\n0.2\nITEM: TIMESTEP\n100\nITEM: NUMBER OF ATOMS\n1\n"
      "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 2 2 2\n";
  const std::string text =
      "ITEM: UNITS\nmetal\nITEM: TIME\n0\nITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\n"
      "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 1 1 1\n" +
      frame2;
  const auto path = mgs::test::temp_dir("units") / "units.dump";
  mgs::test::write_text(path, text);
  const mgs::io::DumpIndex index(path.string());
  REQUIRE(index.frames().size() == 2);
  CHECK(index.units() == "metal");
  CHECK(index.frames()[0].first_line == 1);
  CHECK(index.frames()[0].offset == 0);
  CHECK(index.frames()[1].first_line == 15);
  CHECK(index.frames()[1].offset == text.size() - frame2.size());
  CHECK(index.frames()[1].timestep == 100);
  std::string buffer;
  const Frame f0 = mgs::io::parse_dump_frame(index.text(0, buffer), path.string(), 1);
  CHECK(f0.units == "metal");
  CHECK(f0.time == 0.0);
  const Frame f1 = mgs::io::parse_dump_frame(index.text(1, buffer), path.string(), 15);
  CHECK(f1.time == 0.2);
  CHECK(f1.timestep == 100);
  // Through the trajectory, later frames carry the file's units too.
  mgs::io::InputSpec spec;
  spec.paths = {path.string()};
  CHECK(mgs::io::read_frame(spec, 1).units == "metal");
}

TEST_CASE("dump: unsorted rows are sorted by id, dense or sparse", "[dump]") {
  const std::string head =
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n4\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS x id type y z c_q\n";
  const Frame dense = parse_text(head +
                                     "3 3 1 0 0 0.3\n1 1 2 0 0 0.1\n4 4 1 0 0 0.4\n"
                                     "2 2 2 0 0 0.2\n",
                                 "dense");
  CHECK(dense.id == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(dense.type == std::vector<int>{2, 2, 1, 1});
  for (std::size_t i = 0; i < 4; ++i) CHECK(dense.pos[i].x() == static_cast<double>(i + 1));
  CHECK(dense.column("c_q")->values == std::vector<double>{0.1, 0.2, 0.3, 0.4});
  const Frame sparse = parse_text(head +
                                      "3 300 1 0 0 0.3\n1 -5 2 0 0 0.1\n4 4000 1 0 0 0.4\n"
                                      "2 20 2 0 0 0.2\n",
                                  "sparse");
  CHECK(sparse.id == std::vector<std::int64_t>{-5, 20, 300, 4000});
  for (std::size_t i = 0; i < 4; ++i) CHECK(sparse.pos[i].x() == static_cast<double>(i + 1));
  CHECK(sparse.column("c_q")->values == std::vector<double>{0.1, 0.2, 0.3, 0.4});
  // Duplicates name the later line and the earlier one, on every path.
  check_error(head + "3 3 1 0 0 0\n1 1 2 0 0 0\n4 3 1 0 0 0\n2 4 2 0 0 0\n", "dupdense", 12,
              "duplicate atom id 3 (also on line 10)");
  check_error(head + "3 30 1 0 0 0\n1 1 2 0 0 0\n4 30 1 0 0 0\n2 4 2 0 0 0\n", "dupsparse", 12,
              "duplicate atom id 30 (also on line 10)");
  check_error(head + "3 1 1 0 0 0\n1 2 2 0 0 0\n4 2 1 0 0 0\n2 4 2 0 0 0\n", "dupsorted", 12,
              "duplicate atom id 2 (also on line 11)");
}

TEST_CASE("dump: missing id column numbers atoms in file order", "[dump]") {
  const std::string text =
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n3\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS type x y z\n2 3 3 3\n1 1 1 1\n2 2 2 2\n";
  const Frame f = parse_text(text, "noid");
  CHECK(f.ids_generated);
  CHECK(f.id == std::vector<std::int64_t>{1, 2, 3});
  CHECK(f.type == std::vector<int>{2, 1, 2});
  CHECK(f.pos[0] == Vec3(3, 3, 3));
  CHECK(f.pos[2] == Vec3(2, 2, 2));
}

TEST_CASE("dump: atoms outside the box are wrapped and their image flags adjusted", "[dump]") {
  SECTION("x y z with ix iy iz") {
    const std::string text =
        "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
        "-5 5\n0 10\n0 10\nITEM: ATOMS id type x y z ix iy iz\n"
        "1 1 5.5 -0.5 25 1 0 -1\n2 1 -5 10 0 0 0 0\n";
    const Frame f = parse_text(text, "outside");
    CHECK(f.has_image);
    CHECK((f.pos[0] - Vec3(-4.5, 9.5, 5)).norm() < 1e-12);
    CHECK(f.image[0] == std::array<int, 3>{2, -1, 1});
    CHECK((f.unwrapped(0) - Vec3(15.5, -0.5, 15)).norm() < 1e-12);
    CHECK(f.pos[1] == Vec3(-5, 0, 0));  // the upper face belongs to the next image
    CHECK(f.image[1] == std::array<int, 3>{0, 1, 0});
  }
  SECTION("scaled xs ys zs with image flags (dump atom, dump_modify image yes)") {
    const std::string text =
        "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n"
        "0 10\n0 20\n0 30\nITEM: ATOMS id type xs ys zs ix iy iz\n1 1 0.25 1.5 -0.5 -1 2 3\n";
    const Frame f = parse_text(text, "scaledimg");
    CHECK(f.has_image);
    CHECK(f.columns.empty());
    CHECK((f.pos[0] - Vec3(2.5, 10, 15)).norm() < 1e-12);
    CHECK(f.image[0] == std::array<int, 3>{-1, 3, 2});
    CHECK((f.unwrapped(0) - Vec3(-7.5, 70, 75)).norm() < 1e-12);
  }
  SECTION("scaled unwrapped xsu ysu zsu in a tilted cell") {
    const std::string text =
        "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS xy xz yz pp pp pp\n"
        "0 12 2\n0 10 0\n0 10 0\nITEM: ATOMS id type xsu ysu zsu\n1 1 1.5 -0.5 0.5\n";
    const Frame f = parse_text(text, "xsu");
    CHECK(f.has_image);
    CHECK(f.image[0] == std::array<int, 3>{1, -1, 0});
    CHECK((f.unwrapped(0) - Vec3(15 - 1, -5, 5)).norm() < 1e-12);
    CHECK((f.box.to_fractional(f.pos[0]) - Vec3(0.5, 0.5, 0.5)).norm() < 1e-12);
  }
}

TEST_CASE("dump: CRLF line endings, a last line without newline, extra columns", "[dump]") {
  std::string text =
      "ITEM: TIMESTEP\n3\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id type x y z c_pe vx\n"
      "2 1 1 2 3 -4.5 0.25\n1 2 4 5 6 -3.5 1e-3";
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  for (const auto& [tag, t] :
       {std::pair{"nonl", text}, std::pair{"crlf", crlf}, std::pair{"crlfnl", crlf + "\r\n"}}) {
    INFO(tag);
    const Frame f = parse_text(t, tag);
    CHECK(f.timestep == 3);
    REQUIRE(f.size() == 2);
    CHECK(f.id == std::vector<std::int64_t>{1, 2});
    CHECK(f.pos[0] == Vec3(4, 5, 6));
    REQUIRE(f.columns.size() == 2);
    CHECK(f.columns[0].name == "c_pe");
    CHECK(f.columns[0].values == std::vector<double>{-3.5, -4.5});
    REQUIRE(f.column("vx"));
    CHECK(f.column("vx")->values == std::vector<double>{1e-3, 0.25});
  }
}

TEST_CASE("dump: frames with blank lines between them and an empty frame", "[dump]") {
  const std::string text =
      kHead + kAtom10 + kAtom11 +
      "\n"
      "ITEM: TIMESTEP\n5\nITEM: NUMBER OF ATOMS\n0\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n\n";
  const auto path = mgs::test::temp_dir("blank") / "blank.dump";
  mgs::test::write_text(path, text);
  const mgs::io::DumpIndex index(path.string());
  REQUIRE(index.frames().size() == 2);
  CHECK(index.frames()[0].atoms == 2);
  CHECK(index.frames()[1].atoms == 0);
  CHECK(index.frames()[1].first_line == 13);
  std::string buffer;
  CHECK(mgs::io::parse_dump_frame(index.text(0, buffer), index.path(), 1).size() == 2);
  const Frame empty = mgs::io::parse_dump_frame(index.text(1, buffer), index.path(), 13);
  CHECK(empty.size() == 0);
  CHECK(empty.timestep == 5);
  CHECK(mgs::io::dump_columns(index.text(0, buffer), index.path(), 1) ==
        std::vector<std::string>{"id", "type", "x", "y", "z"});
}

// ---- errors: file, line and what was expected -------------------------------------------------

TEST_CASE("dump: broken headers name the line and what was expected", "[dump]") {
  check_error("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 10\n",
              "midheader", 6, "file ends inside the header");
  check_error("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOU", "midword", 5,
              "file ends inside the header");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n"
      "ITEM: ATOMS id type x y z\n1 1 1 1 1\n",
      "nocount", 7, "expected ITEM: NUMBER OF ATOMS before ITEM: ATOMS");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\n" +
          kAtom10 + kAtom11,
      "noatoms", 9, "expected an ITEM: line");
  check_error("ITEM: TIMESTEP\nzero\n", "timestep", 2, "expected a timestep (integer)");
  check_error("ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n-2\n", "count", 4,
              "expected a number of atoms");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\nITEM: ATOMS id type x y z\n",
      "boxlines", 8, "expected 3 lines of box bounds after ITEM: BOX BOUNDS on line 5");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 ten\n0 10\nITEM: ATOMS id type x y z\n" +
          kAtom10 + kAtom11,
      "boxnum", 7, "expected a finite number (lo hi)");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n" +
          kAtom10 + kAtom11,
      "flags", 5, "expected three boundary flags");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 0\nITEM: ATOMS id type x y z\n" +
          kAtom10 + kAtom11,
      "zerobox", 8, "expected box bounds zlo < zhi");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "10 0\n0 10\n0 10\nITEM: ATOMS id type x y z\n" +
          kAtom10 + kAtom11,
      "negbox", 6, "expected box bounds xlo < xhi");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS abc origin pp pp pp\n"
      "1 0 0 0\n2 0 0 0\n0 0 1 0\nITEM: ATOMS id type x y z\n1 1 0 0 0\n",
      "flatabc", 5, "zero or negative volume");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id type a b c\n1 1 1 1 1\n2 1 2 2 2\n",
      "coords", 9, "expected coordinate columns x y z");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id x y z\n1 1 1 1\n2 2 2 2\n",
      "notype", 9, "expected a type or element column");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ENTRIES c_1\n1 1\n2 2\n",
      "local", 9, "expected ITEM: TIMESTEP, NUMBER OF ATOMS");
  check_error("1 1 1 1 1\n", "nodump", 1, "expected ITEM: TIMESTEP");
  check_error(
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pm pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n" +
          kAtom10 + kAtom11,
      "pm", 5, "expected a boundary flag like pp, ff, fs or sm, got \"pm\"");
}

TEST_CASE("dump: indexing finds a short frame or a blank line at any offset in a word", "[dump]") {
  // The index skips atom lines eight bytes at a time; the line it must stop at falls on every
  // byte of a word as the padding of the lines before it changes.
  const auto head = [](int atoms) {
    std::string h = kHead;
    h.replace(h.find("ATOMS\n2\n"), 8, "ATOMS\n" + std::to_string(atoms) + "\n");
    return h;
  };
  const auto lines = [](int first, int count, int pad) {
    std::string out;
    for (int k = first; k < first + count; ++k) {
      out += std::to_string(k) + " 1 " + std::string(static_cast<std::size_t>(pad + k % 3), '1') +
             ".5 2.5 3.5\n";
    }
    return out;
  };
  for (int pad = 0; pad < 8; ++pad) {
    const std::string tag = "word" + std::to_string(pad);
    // 30 of 40 announced atom lines, then the next frame (header lines 1-9, atoms from 10).
    check_error(head(40) + lines(1, 30, pad) + kHead + kAtom10 + kAtom11, tag + "short", 40,
                "found 30 before \"ITEM: TIMESTEP\"");
    check_error(head(40) + lines(1, 20, pad) + "\n" + lines(21, 20, pad), tag + "blank", 30,
                "got a blank line after 20");
    // Complete frames: both found, the second where it starts.
    const auto path = mgs::test::temp_dir(tag) / (tag + ".dump");
    mgs::test::write_text(path, head(40) + lines(1, 40, pad) + head(37) + lines(1, 37, pad));
    const mgs::io::DumpIndex index(path.string());
    REQUIRE(index.frames().size() == 2);
    CHECK(index.frames()[1].first_line == 50);
  }
}

TEST_CASE("dump: broken atom lines name the line and what was expected", "[dump]") {
  check_error(kHead + kAtom10 + "2 2 4.0 5.0", "midline", 11, "expected 5 columns");
  check_error(kHead + kAtom10 + "2 2 4.0 5.0", "midline2", 11, "the file ends inside this line");
  check_error(kHead + kAtom10, "lastline", 10,
              "expected 2 atom lines after ITEM: ATOMS on line 9, found 1");
  check_error(kHead + kAtom10 + kHead + kAtom10 + kAtom11, "shortframe", 11,
              "expected 2 atom lines after ITEM: ATOMS on line 9 (as ITEM: NUMBER OF ATOMS says), "
              "found 1 before \"ITEM: TIMESTEP\"");
  check_error(kHead + kAtom10 + kAtom11 + "3 1 1 1 1\n", "longframe", 12,
              "expected ITEM: TIMESTEP after the 2 atom lines of the frame that starts on line 1");
  check_error(kHead + kAtom10 + "\n" + kAtom11, "blankatom", 11, "got a blank line");
  check_error(kHead + kAtom10 + "2 2 4.0 5.0 6.0 7.0\n", "columns", 11,
              "expected 5 columns as named by ITEM: ATOMS (id type x y z), got 6");
  check_error(kHead + kAtom10 + "2 2 4.0 five 6.0\n", "nonnumeric", 11,
              "expected a number in column 4 (y), got \"five\"");
  check_error(kHead + kAtom10 + "2 2 4.0 nan 6.0\n", "nan", 11,
              "expected a finite coordinate in column 4 (y), got \"nan\"");
  check_error(kHead + kAtom10 + "2.5 2 4.0 5.0 6.0\n", "floatid", 11,
              "expected an integer in column 1 (id), got \"2.5\"");
  check_error(kHead + kAtom10 + "2 0 4.0 5.0 6.0\n", "type0", 11, "expected an atom type >= 1");
  check_error(kHead + kAtom10 + "1 2 4.0 5.0 6.0\n", "duplicate", 11,
              "duplicate atom id 1 (also on line 10)");
  // Errors in a later frame carry that frame's line numbers.
  check_error(kHead + kAtom10 + kAtom11 + kHead + kAtom10 + "2 2 4.0 5.0 x\n", "frame2", 22,
              "expected a number in column 5 (z)");
}

TEST_CASE("dump: parse_dump_frame counts lines from first_line", "[dump]") {
  const std::string text = kHead + kAtom10 + "2 2 4.0 five 6.0\n";
  try {
    mgs::io::parse_dump_frame(text, "some.dump", 101);
    FAIL("no error");
  } catch (const mgs::InputError& e) {
    CHECK(e.line() == 111);
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("some.dump:111: "));
  }
}

TEST_CASE("dump: unreadable files name the file and the problem", "[dump]") {
  const auto dir = mgs::test::temp_dir("unreadable");
  const auto expect = [](const fs::path& path, const std::string& phrase) {
    INFO(path.string());
    try {
      mgs::io::DumpIndex index(path.string());
      FAIL("no error");
    } catch (const mgs::InputError& e) {
      INFO(e.what());
      CHECK(e.file() == path.string());
      CHECK_THAT(std::string(e.what()), Catch::StartsWith(path.string() + ":"));
      CHECK_THAT(std::string(e.what()), Catch::Contains(phrase));
    }
  };
  SECTION("empty file") {
    mgs::test::write_text(dir / "empty.dump", "");
    expect(dir / "empty.dump", "no frames: expected a LAMMPS text dump");
    mgs::test::write_text(dir / "blank.dump", "\n\n  \n");
    expect(dir / "blank.dump", "no frames");
  }
  SECTION("binary garbage") {
    std::string garbage;
    for (int i = 0; i < 5000; ++i) garbage += static_cast<char>((i * 7919) % 256);
    mgs::test::write_text(dir / "garbage.dump", garbage);
    expect(dir / "garbage.dump", "binary data");
    std::string nul(100000, '\0');
    mgs::test::write_text(dir / "zeros.dump", nul);
    expect(dir / "zeros.dump", "binary data");
  }
  SECTION("directory, missing file") {
    expect(dir, "expected a file, got a directory");
    expect(dir / "missing.dump", "No such file");
  }
  SECTION("corrupt and truncated gzip") {
    const std::string gz = mgs::test::read_text(mgs::test::shared_data("cuzr2k_aqs_shear.dump.gz"));
    std::string corrupt = gz;
    for (std::size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) corrupt[i] ^= 0x5a;
    mgs::test::write_text(dir / "corrupt.dump.gz", corrupt);
    expect(dir / "corrupt.dump.gz", "gzip");
    mgs::test::write_text(dir / "half.dump.gz", gz.substr(0, gz.size() / 2));
    expect(dir / "half.dump.gz", "truncated gzip file");
    // A flip in the last bytes leaves the data intact but breaks the CRC.
    std::string crc = gz;
    crc[crc.size() - 6] ^= 0x01;
    mgs::test::write_text(dir / "crc.dump.gz", crc);
    expect(dir / "crc.dump.gz", "corrupt gzip data");
  }
}

TEST_CASE("parse_dump_frame checks a huge atom count against the text before allocating",
          "[dump]") {
  // Found with tests/fuzz/fuzz_dump (a hand-written input): parse_dump_frame on text that no
  // DumpIndex has checked sized its arrays by the header (8 TB here) before counting the atom
  // lines.
  const std::string text =
      "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1000000000000\nITEM: BOX BOUNDS pp pp pp\n"
      "0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 0 0 0\n";
  try {
    (void)mgs::io::parse_dump_frame(text, "huge.dump", 1);
    FAIL("no InputError");
  } catch (const mgs::InputError& e) {
    CHECK(e.line() == 11);
    CHECK_THAT(e.problem(),
               Catch::Contains("expected 1000000000000 atom lines after ITEM: ATOMS, found 1"));
  }
}
