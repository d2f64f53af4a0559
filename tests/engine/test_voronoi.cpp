// The per-atom Voronoi service against independent references: analytic cells (FCC, BCC,
// icosahedron, two-type radical B2) in orthogonal, rotated and tilted cells; the volume
// invariant on every frame of every shared sample file; and LAMMPS `compute voronoi/atom`
// (per-atom volume and face count, the global edge histogram, the per-face neighbor list).
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <Eigen/Geometry>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <tuple>

#include "engine/analyzer.hpp"
#include "engine/cell_list.hpp"
#include "engine/errors.hpp"
#include "engine/voronoi.hpp"
#include "io/lammps_data.hpp"
#include "io/trajectory.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
namespace fs = std::filesystem;

namespace {

struct Atoms {
  Box box;
  std::vector<Vec3> pos;
  std::vector<int> type;
};

double mean_spacing(const Atoms& a) {
  return std::cbrt(a.box.volume() / static_cast<double>(std::max<std::size_t>(1, a.pos.size())));
}

// Bins as the pipeline sizes them for a Voronoi-only run (1.5 x the mean atomic spacing).
Tessellation tessellate(const Atoms& a, const VoronoiOptions& options = {}) {
  const CellList cells(a.box, a.pos, 1.5 * mean_spacing(a));
  return compute_tessellation(cells, a.pos, a.type, options);
}

// A lattice with the given basis (fractional coordinates of the cubic cell), n x n x n cubic cells
// of edge a, in an orthogonal box at `origin`.
Atoms cubic_lattice(const std::vector<Vec3>& basis, double a, int n, const Vec3& origin) {
  Atoms out{Box(Mat3::Identity() * (a * n), origin, {true, true, true}), {}, {}};
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        for (std::size_t b = 0; b < basis.size(); ++b) {
          out.pos.push_back(origin + a * (Vec3(i, j, k) + basis[b]));
          out.type.push_back(1);
        }
  return out;
}

const std::vector<Vec3> kFccBasis{{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
const std::vector<Vec3> kBccBasis{{0, 0, 0}, {0.5, 0.5, 0.5}};

Atoms fcc(double a, int n, const Vec3& origin = Vec3(-1.0, 2.0, 0.5)) {
  return cubic_lattice(kFccBasis, a, n, origin);
}
Atoms bcc(double a, int n, const Vec3& origin = Vec3(0.3, -4.0, 1.0)) {
  return cubic_lattice(kBccBasis, a, n, origin);
}

// The same atoms seen in a rotated frame: cell, origin and positions all rotated, so the cell
// is a general one (not lower triangular).
Atoms rotated(const Atoms& in, const Mat3& rotation) {
  Atoms out{
      Box(rotation * in.box.cell(), rotation * in.box.origin(), in.box.periodic()), {}, in.type};
  for (const Vec3& p : in.pos) out.pos.push_back(out.box.wrap(rotation * p));
  return out;
}

// The same periodic lattice described by another cell of equal volume whose edges are lattice
// vectors (e.g. a tilted supercell): every atom is wrapped into the new cell.
Atoms retiled(const Atoms& in, const Mat3& cell) {
  REQUIRE(std::abs(cell.determinant() - in.box.volume()) < 1e-9 * in.box.volume());
  Atoms out{Box(cell, in.box.origin(), {true, true, true}), {}, in.type};
  for (const Vec3& p : in.pos) out.pos.push_back(out.box.wrap(p));
  return out;
}

Mat3 some_rotation() {
  return Eigen::AngleAxisd(0.7, Vec3(1.0, 2.0, 3.0).normalized()).toRotationMatrix();
}

// Every cell has the given volume (relative tolerance 1e-10), coordination and <n3,n4,n5,n6>.
void require_all_cells(const Tessellation& t, double volume, std::array<int, 4> index) {
  const int cn = index[0] + index[1] + index[2] + index[3];
  std::size_t bad = 0, first_bad = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    bool ok = std::abs(t.volume[i] - volume) <= 1e-10 * volume && t.coordination[i] == cn;
    for (int k = 0; k < 4; ++k) ok = ok && t.count(i, k + 3) == index[static_cast<std::size_t>(k)];
    if (!ok && bad++ == 0) first_bad = i;
  }
  INFO(fmt::format("first bad atom {}: volume {:.17g} (expected {:.17g}), CN {}, <{},{},{},{}>",
                   first_bad, t.volume[first_bad], volume, t.coordination[first_bad],
                   t.count(first_bad, 3), t.count(first_bad, 4), t.count(first_bad, 5),
                   t.count(first_bad, 6)));
  REQUIRE(bad == 0);
  CHECK(t.empty_cells == 0);
  CHECK(t.dropped_faces == 0);
}

double volume_sum(const Tessellation& t) {
  double s = 0.0;
  for (double v : t.volume) s += v;
  return s;
}

void require_volume_sum(const Tessellation& t, const Box& box, double tolerance = 1e-10) {
  const double sum = volume_sum(t);
  INFO(fmt::format("sum of cell volumes {:.17g}, box volume {:.17g}", sum, box.volume()));
  REQUIRE(std::abs(sum - box.volume()) <= tolerance * box.volume());
}

// Store-faces consistency: each face (i -> j, image) has the partner (j -> i, -image) with the
// same area, and the face's neighbor really sits at pos[j] + h * image.
void require_reciprocal_faces(const Atoms& a, const Tessellation& t) {
  REQUIRE(t.face_offsets.size() == a.pos.size() + 1);
  using Key = std::tuple<std::uint32_t, std::uint32_t, int, int, int>;
  std::map<Key, double> area;
  for (std::size_t i = 0; i < a.pos.size(); ++i) {
    REQUIRE(t.face_offsets[i + 1] - t.face_offsets[i] == t.coordination[i]);
    for (std::size_t f = t.face_offsets[i]; f < t.face_offsets[i + 1]; ++f) {
      const VoronoiFace& face = t.faces[f];
      const Key key{static_cast<std::uint32_t>(i), face.neighbor, face.image[0], face.image[1],
                    face.image[2]};
      REQUIRE(area.emplace(key, face.area).second);  // no duplicate (neighbor, image)
    }
  }
  std::size_t unmatched = 0;
  for (const auto& [key, value] : area) {
    const auto& [i, j, x, y, z] = key;
    const auto it = area.find(Key{j, i, -x, -y, -z});
    if (it == area.end() || std::abs(it->second - value) > 1e-9 * std::max(1.0, value)) ++unmatched;
  }
  REQUIRE(unmatched == 0);
}

// ------------------------------------------------------------------------------------------
// LAMMPS reference

using test::lammps_available;

struct LammpsVoronoi {
  std::map<std::int64_t, std::pair<double, int>> atoms;  // id -> (volume, face count)
  // LAMMPS edge_histo 12: entry k (1-based row k of fix ave/time) = faces with k edges for
  // k = 1..12, entry 13 = faces with more than 12 edges.
  std::map<int, double> edge_histo;
  // id -> (neighbor id, face area) for every face
  std::map<std::int64_t, std::vector<std::pair<std::int64_t, double>>> faces;
};

// Runs LAMMPS `compute voronoi/atom` on a data file (pair_style zero: only geometry matters).
LammpsVoronoi run_lammps_voronoi(const fs::path& data, const fs::path& dir, bool local_faces) {
  std::string script = fmt::format(R"(units metal
boundary p p p
atom_style atomic
atom_modify map array
read_data {}
pair_style zero 8.0
pair_coeff * *
comm_modify cutoff 12.0
compute vor all voronoi/atom edge_histo 12
dump d all custom 1 vor.dump id c_vor[1] c_vor[2]
dump_modify d sort id format float %.17g
fix h all ave/time 1 1 1 c_vor mode vector file histo.txt
)",
                                   data.string());
  if (local_faces) {
    script += R"(compute vorn all voronoi/atom neighbors yes
dump dl all local 1 faces.local c_vorn[1] c_vorn[2] c_vorn[3]
dump_modify dl format float %.17g
)";
  }
  script += "run 0\n";
  test::write_text(dir / "in.lmp", script);
  std::string out;
  const int rc = test::run_command(
      fmt::format("cd '{}' && lmp -log log.lammps -screen none -in in.lmp", dir.string()), &out);
  if (rc != 0) {
    const fs::path log = dir / "log.lammps";
    INFO(out + (fs::exists(log) ? test::read_text(log) : std::string()));
    REQUIRE(rc == 0);
  }
  LammpsVoronoi r;
  {
    std::istringstream in(test::read_text(dir / "vor.dump"));
    std::string line;
    for (int k = 0; k < 9; ++k) std::getline(in, line);
    REQUIRE(line.rfind("ITEM: ATOMS id c_vor[1] c_vor[2]", 0) == 0);
    std::int64_t id;
    double volume, nfaces;
    while (in >> id >> volume >> nfaces) r.atoms[id] = {volume, static_cast<int>(nfaces)};
  }
  {
    std::istringstream in(test::read_text(dir / "histo.txt"));
    std::string line;
    bool header = true;  // the "timestep rows" line before the rows
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      if (header) {
        header = false;
        continue;
      }
      std::istringstream l(line);
      int row;
      double value;
      if (l >> row >> value) r.edge_histo[row] = value;
    }
  }
  if (local_faces) {
    std::istringstream in(test::read_text(dir / "faces.local"));
    std::string line;
    for (int k = 0; k < 9; ++k) std::getline(in, line);
    double i, j, area;
    while (in >> i >> j >> area) {
      r.faces[static_cast<std::int64_t>(i)].push_back({static_cast<std::int64_t>(j), area});
    }
  }
  return r;
}

// Compares one frame's plain tessellation (no thresholds) with LAMMPS atom by atom.
void compare_with_lammps(const Frame& frame, const LammpsVoronoi& ref, bool compare_faces) {
  const Atoms atoms{frame.box, frame.pos, frame.type};
  VoronoiOptions options;
  options.store_faces = compare_faces;
  const Tessellation t = tessellate(atoms, options);
  REQUIRE(ref.atoms.size() == frame.size());
  std::size_t bad_volume = 0, bad_faces = 0;
  double worst = 0.0, lammps_sum = 0.0;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const auto it = ref.atoms.find(frame.id[i]);
    REQUIRE(it != ref.atoms.end());
    const auto [volume, faces] = it->second;
    lammps_sum += volume;
    const double rel = std::abs(t.volume[i] - volume) / volume;
    worst = std::max(worst, rel);
    if (!(rel <= 1e-8)) ++bad_volume;
    if (t.coordination[i] != faces) ++bad_faces;
  }
  INFO(fmt::format("{} atoms, worst relative volume difference {:.3g}", frame.size(), worst));
  CHECK(bad_volume == 0);
  CHECK(bad_faces == 0);
  CHECK(std::abs(lammps_sum - frame.box.volume()) <= 1e-9 * frame.box.volume());
  require_volume_sum(t, frame.box);

  // LAMMPS' edge histogram (no thresholds) is the sum of the per-atom face-order counts.
  REQUIRE(ref.edge_histo.size() == 13);
  for (int k = 1; k <= 13; ++k) {
    double sum = 0.0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (k < 13) sum += t.count(i, k);
      for (int m = 13; k == 13 && m < kMaxStoredOrder; ++m) sum += t.count(i, m);
    }
    INFO("faces with " << k << (k == 13 ? " or more" : "") << " edges");
    CHECK(sum == ref.edge_histo.at(k));
  }
  if (compare_faces) {
    // Same neighbor ids and face areas, face by face.
    std::size_t mismatched_atoms = 0;
    for (std::size_t i = 0; i < frame.size(); ++i) {
      std::vector<std::pair<std::int64_t, double>> mine;
      for (std::size_t f = t.face_offsets[i]; f < t.face_offsets[i + 1]; ++f) {
        mine.push_back({frame.id[t.faces[f].neighbor], t.faces[f].area});
      }
      auto theirs = ref.faces.at(frame.id[i]);
      std::sort(mine.begin(), mine.end());
      std::sort(theirs.begin(), theirs.end());
      bool same = mine.size() == theirs.size();
      for (std::size_t k = 0; same && k < mine.size(); ++k) {
        same = mine[k].first == theirs[k].first &&
               std::abs(mine[k].second - theirs[k].second) <= 1e-8 * std::max(1.0, mine[k].second);
      }
      if (!same) ++mismatched_atoms;
    }
    CHECK(mismatched_atoms == 0);
  }
}

Frame first_frame(const fs::path& path) {
  io::InputSpec spec;
  spec.paths = {path.string()};
  return io::read_frame(spec, 0);
}

// A LAMMPS data file with every position written with 17 significant digits (round trip exact).
void write_data_file(const Frame& frame, const fs::path& path) {
  const Mat3& h = frame.box.cell();
  REQUIRE(frame.box.is_lower_triangular());
  const Vec3& o = frame.box.origin();
  std::string s = "LAMMPS data file written by mgscope's Voronoi test\n\n";
  s += fmt::format("{} atoms\n{} atom types\n\n", frame.size(), frame.max_type());
  s += fmt::format("{:.17g} {:.17g} xlo xhi\n", o.x(), o.x() + h(0, 0));
  s += fmt::format("{:.17g} {:.17g} ylo yhi\n", o.y(), o.y() + h(1, 1));
  s += fmt::format("{:.17g} {:.17g} zlo zhi\n", o.z(), o.z() + h(2, 2));
  if (!frame.box.is_orthogonal()) {
    s += fmt::format("{:.17g} {:.17g} {:.17g} xy xz yz\n", h(0, 1), h(0, 2), h(1, 2));
  }
  s += "\nMasses\n\n";
  for (int t = 1; t <= frame.max_type(); ++t) s += fmt::format("{} 1.0\n", t);
  s += "\nAtoms # atomic\n\n";
  for (std::size_t i = 0; i < frame.size(); ++i) {
    s += fmt::format("{} {} {:.17g} {:.17g} {:.17g}\n", frame.id[i], frame.type[i],
                     frame.pos[i].x(), frame.pos[i].y(), frame.pos[i].z());
  }
  test::write_text(path, s);
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Analytic cells

TEST_CASE("voronoi: FCC cells are rhombic dodecahedra of a^3/4 in orthogonal/rotated/tilted cells",
          "[voronoi]") {
  const double a = 3.615;
  const double v = a * a * a / 4.0;
  const std::array<int, 4> index{0, 12, 0, 0};
  const Atoms ortho = fcc(a, 4);
  SECTION("orthogonal") {
    const Tessellation t = tessellate(ortho);
    require_all_cells(t, v, index);
    require_volume_sum(t, ortho.box, 1e-12);
  }
  SECTION("rotated (general cell, not lower triangular)") {
    const Atoms r = rotated(ortho, some_rotation());
    REQUIRE_FALSE(r.box.is_lower_triangular());
    require_all_cells(tessellate(r), v, index);
  }
  SECTION("tilted supercell xy = Lx/2 describing the same lattice") {
    const double l = 4 * a;
    Mat3 h;
    h << l, l / 2, 0, 0, l, 0, 0, 0, l;
    const Atoms t = retiled(ortho, h);
    require_all_cells(tessellate(t), v, index);
  }
  SECTION("primitive rhombohedral cell replicated 4 x 4 x 4, as is and rotated to LAMMPS form") {
    Mat3 prim;
    prim << 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0;
    prim *= a;
    const int m = 4;
    Atoms rh{Box(prim * m, Vec3(0.1, 0.2, 0.3), {true, true, true}), {}, {}};
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        for (int k = 0; k < m; ++k) {
          rh.pos.push_back(rh.box.wrap(rh.box.origin() + prim * Vec3(i, j, k)));
          rh.type.push_back(1);
        }
    const Tessellation t = tessellate(rh);
    require_all_cells(t, v, index);
    require_volume_sum(t, rh.box, 1e-12);
    // QR: the rotation that brings a along x and b into the xy plane (LAMMPS restricted triclinic).
    Eigen::HouseholderQR<Mat3> qr(rh.box.cell());
    Mat3 q = qr.householderQ();
    Mat3 r = q.transpose() * rh.box.cell();
    for (int k = 0; k < 3; ++k) {
      if (r(k, k) < 0) q.col(k) *= -1.0;
    }
    const Atoms lammps = rotated(rh, q.transpose());
    CHECK(std::abs(lammps.box.cell()(1, 0)) < 1e-12);
    require_all_cells(tessellate(lammps), v, index);
  }
}

TEST_CASE("voronoi: BCC cells are truncated octahedra of a^3/2 in orthogonal/rotated/tilted cells",
          "[voronoi]") {
  const double a = 3.25;
  const double v = a * a * a / 2.0;
  const std::array<int, 4> index{0, 6, 0, 8};
  const Atoms ortho = bcc(a, 4);
  require_all_cells(tessellate(ortho), v, index);
  require_all_cells(tessellate(rotated(ortho, some_rotation())), v, index);
  const double l = 4 * a;
  Mat3 h;
  h << l, l / 2, 0, 0, l, 0, 0, 0, l;
  const Atoms tilted = retiled(ortho, h);
  require_all_cells(tessellate(tilted), v, index);
  require_all_cells(tessellate(rotated(tilted, some_rotation())), v, index);
  // A strongly tilted cell (b = (Lx, Ly, 0) + c tilted too) of the same lattice.
  h << l, l, -l / 2, 0, l, l / 2, 0, 0, l;
  require_all_cells(tessellate(retiled(ortho, h)), v, index);
}

TEST_CASE("voronoi: small periodic boxes where the search exceeds half the cell", "[voronoi]") {
  // 2x2x2 and 1x1x1 FCC (32 and 4 atoms) and 1x1x1 BCC (2 atoms): most neighbors are periodic
  // images, several of the same atom, and of the atom itself.
  const double a = 3.615;
  for (int n : {1, 2}) {
    INFO("FCC " << n << "x" << n << "x" << n);
    const Atoms f = fcc(a, n);
    VoronoiOptions o;
    o.store_faces = true;
    const Tessellation t = tessellate(f, o);
    require_all_cells(t, a * a * a / 4.0, {0, 12, 0, 0});
    require_reciprocal_faces(f, t);
    // Every face neighbor is a nearest neighbor at a/sqrt(2) through the recorded image.
    for (std::size_t i = 0; i < f.pos.size(); ++i) {
      for (std::size_t k = t.face_offsets[i]; k < t.face_offsets[i + 1]; ++k) {
        const VoronoiFace& face = t.faces[k];
        const Vec3 d = f.pos[face.neighbor] +
                       f.box.cell() * Vec3(face.image[0], face.image[1], face.image[2]) - f.pos[i];
        CHECK(d.norm() == Approx(a / std::sqrt(2.0)).epsilon(1e-12));
      }
    }
    require_all_cells(tessellate(rotated(f, some_rotation())), a * a * a / 4.0, {0, 12, 0, 0});
  }
  const Atoms b = bcc(3.3, 1);
  require_all_cells(tessellate(b), 3.3 * 3.3 * 3.3 / 2.0, {0, 6, 0, 8});
  require_all_cells(tessellate(rotated(b, some_rotation())), 3.3 * 3.3 * 3.3 / 2.0, {0, 6, 0, 8});
  // A single atom in a tilted cell: its cell is the Wigner-Seitz cell of the cell's lattice.
  Atoms one{
      Box::from_lammps(0, 4, 0, 5, 0, 6, 1.5, -1.0, 2.0, {true, true, true}), {Vec3(1, 1, 1)}, {1}};
  const Tessellation t1 = tessellate(one);
  CHECK(t1.volume[0] == Approx(one.box.volume()).epsilon(1e-12));
}

TEST_CASE("voronoi: atoms on or a rounding error outside the cell faces", "[voronoi]") {
  // Simple cubic lattice with its first plane at the lower cell face; the atoms of that plane
  // are moved a hair below it (as rounding in a reader's wrap can leave them), or exactly onto
  // the upper face. Cells must stay cubes. At -2e-17 the fractional coordinate + 1 rounds to 1:
  // Box::wrap keeps the atom where it is, and a cell list that bins it by the wrapped fraction
  // puts it into the last bin, a whole cell away from its position (its neighbors then miss it).
  const double a = 2.5;
  const int n = 5;
  for (double shift : {0.0, -2e-17, -1e-16, -4e-16, 1.0}) {
    INFO("first plane at fractional coordinate " << shift);
    Atoms sc{Box(Mat3::Identity() * (a * n), Vec3::Zero(), {true, true, true}), {}, {}};
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        for (int k = 0; k < n; ++k) {
          sc.pos.push_back(a * Vec3(i, j, k));
          if (i == 0) sc.pos.back().x() = shift * a * n;
          sc.type.push_back(1);
        }
    const Tessellation t = tessellate(sc);
    require_all_cells(t, a * a * a, {0, 6, 0, 0});
  }
}

TEST_CASE("voronoi: noisy FCC needs the edge threshold to keep its index", "[voronoi]") {
  Atoms f = fcc(3.615, 6);
  std::mt19937 rng(2024);
  std::normal_distribution<double> noise(0.0, 0.02);
  for (auto& p : f.pos) p = f.box.wrap(p + Vec3(noise(rng), noise(rng), noise(rng)));
  const auto fraction_fcc = [&](const Tessellation& t) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
      n += t.coordination[i] == 12 && t.count(i, 4) == 12;
    }
    return static_cast<double>(n) / static_cast<double>(t.size());
  };
  const Tessellation raw = tessellate(f);
  require_volume_sum(raw, f.box, 1e-12);
  VoronoiOptions faces_only;
  faces_only.relative_face_threshold = 0.01;
  VoronoiOptions edges;
  edges.edge_threshold = 0.1;
  const Tessellation filtered = tessellate(f, edges);
  const double f_raw = fraction_fcc(raw);
  const double f_faces = fraction_fcc(tessellate(f, faces_only));
  const double f_edges = fraction_fcc(filtered);
  INFO(
      fmt::format("<0,12,0,0> fraction: no filter {:.3f}, face filter 1 % {:.3f}, edge filter "
                  "0.1 A {:.3f}",
                  f_raw, f_faces, f_edges));
  CHECK(f_raw < 0.05);
  CHECK(f_faces < 0.2);
  CHECK(f_edges > 0.8);
  CHECK(filtered.dropped_edges > 0);
  CHECK(filtered.dropped_faces > 0);
  // Filters never change volumes.
  for (std::size_t i = 0; i < f.pos.size(); ++i) REQUIRE(filtered.volume[i] == raw.volume[i]);
}

TEST_CASE("voronoi: thresholds follow OVITO's semantics", "[voronoi]") {
  // BCC: 6 squares of area a^2/8 (edge a/(2 sqrt 2)) and 8 regular hexagons of the same edge.
  const double a = 3.0;
  const double edge = a / (2.0 * std::sqrt(2.0));
  const double square = edge * edge;
  const double hexagon = 1.5 * std::sqrt(3.0) * edge * edge;
  const Atoms b = bcc(a, 3);
  VoronoiOptions o;
  const Tessellation raw = tessellate(b);
  CHECK(raw.surface_area[0] == Approx(6 * square + 8 * hexagon).epsilon(1e-12));
  o.face_threshold = 0.5 * (square + hexagon);  // drops the squares only
  Tessellation t = tessellate(b, o);
  CHECK(t.coordination[0] == 8);
  CHECK(t.count(0, 6) == 8);
  CHECK(t.count(0, 4) == 0);
  CHECK(t.dropped_faces == 6 * static_cast<std::int64_t>(b.pos.size()));
  o.face_threshold = square * (1.0 + 1e-9);
  CHECK(tessellate(b, o).coordination[0] == 8);
  o.face_threshold = square * (1.0 - 1e-9);
  CHECK(tessellate(b, o).coordination[0] == 14);
  o.face_threshold = 0.0;
  o.relative_face_threshold = 0.5 * (square + hexagon) / (6 * square + 8 * hexagon);
  CHECK(tessellate(b, o).coordination[0] == 8);
  o.relative_face_threshold = 0.0;
  o.edge_threshold = 1.01 * edge;  // every edge too short: every face drops below 3 edges
  t = tessellate(b, o);
  CHECK(t.coordination[0] == 0);
  CHECK(t.dropped_edges == 36 * static_cast<std::int64_t>(b.pos.size()) * 2);
  o.edge_threshold = 0.99 * edge;
  require_all_cells(tessellate(b, o), a * a * a / 2, {0, 6, 0, 8});
}

TEST_CASE("voronoi: the center of an ideal icosahedron has 12 pentagons", "[voronoi]") {
  const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
  const double r = 2.7;  // center-vertex distance
  std::vector<Vec3> shell;
  for (double s1 : {-1.0, 1.0})
    for (double s2 : {-1.0, 1.0}) {
      shell.push_back(Vec3(0, s1, s2 * phi));
      shell.push_back(Vec3(s1, s2 * phi, 0));
      shell.push_back(Vec3(s2 * phi, 0, s1));
    }
  // Regular dodecahedron with inradius r/2: V = (15 + 7 sqrt5)/4 s^3, inradius = s/2 sqrt((25 +
  // 11 sqrt5)/10).
  const double inradius = r / 2.0;
  const double edge = 2.0 * inradius / std::sqrt((25.0 + 11.0 * std::sqrt(5.0)) / 10.0);
  const double volume = (15.0 + 7.0 * std::sqrt(5.0)) / 4.0 * edge * edge * edge;
  const Vec3 c(1.0, -2.0, 3.0);
  for (bool periodic : {false, true}) {
    INFO((periodic ? "periodic 20 A box" : "non-periodic 20 A box"));
    Atoms cluster{
        Box(Mat3::Identity() * 20.0, c - Vec3(10, 10, 10), {periodic, periodic, periodic}),
        {c},
        {2}};
    for (const Vec3& v : shell) {
      cluster.pos.push_back(c + r * v.normalized());
      cluster.type.push_back(1);
    }
    const Tessellation t = tessellate(cluster);
    CHECK(t.coordination[0] == 12);
    CHECK(t.count(0, 5) == 12);
    CHECK(t.max_face_order[0] == 5);
    CHECK(t.volume[0] == Approx(volume).epsilon(1e-12));
    // The walls of a non-periodic box close the outer cells; the volumes fill the box either way.
    require_volume_sum(t, cluster.box, 1e-12);
    // With a radius for the center smaller than the shell's, it stays an icosahedron but shrinks.
    VoronoiOptions o;
    o.radii = {0.0, 1.6, 1.3};
    const Tessellation rad = tessellate(cluster, o);
    CHECK(rad.count(0, 5) == 12);
    const double shifted = (r * r + 1.3 * 1.3 - 1.6 * 1.6) / (2.0 * r);  // plane distance
    CHECK(rad.volume[0] == Approx(volume * std::pow(shifted / inradius, 3)).epsilon(1e-12));
    require_volume_sum(rad, cluster.box, 1e-12);
  }
}

TEST_CASE("voronoi: radical tessellation", "[voronoi]") {
  SECTION("equal radii give the plain tessellation") {
    const Frame frame = first_frame(test::shared_data("cuzr2k_300K.dump"));
    const Atoms glass{frame.box, frame.pos, frame.type};
    const Tessellation plain = tessellate(glass);
    VoronoiOptions o;
    o.radii = {0.0, 1.45, 1.45};
    const Tessellation equal = tessellate(glass, o);
    for (std::size_t i = 0; i < glass.pos.size(); ++i) {
      REQUIRE(equal.volume[i] == Approx(plain.volume[i]).epsilon(1e-12));
      REQUIRE(equal.coordination[i] == plain.coordination[i]);
      REQUIRE(equal.order_counts[i] == plain.order_counts[i]);
    }
  }
  SECTION("two-type B2 (CsCl) crystal: analytic volumes of both cells") {
    // Type 1 at the cube corners, type 2 at the centers. Like neighbors at a cut at a/2 (cube
    // |x_k| <= c, c = a/2); unlike ones along <111> at the radical plane p, i.e. |x|+|y|+|z| <= s
    // with s = sqrt3 p. For c <= s <= 2c: V = 4/3 s^3 - 4 (s - c)^3.
    const double a = 3.0, c = a / 2.0, d = std::sqrt(3.0) * a / 2.0;
    const double r1 = 1.28, r2 = 1.60;
    Atoms b2 = bcc(a, 3);
    for (std::size_t i = 0; i < b2.pos.size(); ++i) b2.type[i] = 1 + static_cast<int>(i % 2);
    VoronoiOptions o;
    o.radii = {0.0, r1, r2};
    const Tessellation t = tessellate(b2, o);
    const auto expected = [&](double p) {
      const double s = std::sqrt(3.0) * p;
      REQUIRE(s > c);
      REQUIRE(s < 2 * c);
      return 4.0 / 3.0 * s * s * s - 4.0 * std::pow(s - c, 3);
    };
    const double p1 = (d * d + r1 * r1 - r2 * r2) / (2.0 * d);
    const double v1 = expected(p1), v2 = expected(d - p1);
    CHECK(v1 + v2 == Approx(a * a * a).epsilon(1e-12));
    for (std::size_t i = 0; i < b2.pos.size(); ++i) {
      INFO("atom " << i << " type " << b2.type[i]);
      REQUIRE(t.volume[i] == Approx(b2.type[i] == 1 ? v1 : v2).epsilon(1e-10));
      REQUIRE(t.coordination[i] == 14);
    }
    require_volume_sum(t, b2.box, 1e-12);
    // Only differences of squared radii matter.
    o.radii = {0.0, std::sqrt(r1 * r1 + 2.0), std::sqrt(r2 * r2 + 2.0)};
    const Tessellation shifted = tessellate(b2, o);
    for (std::size_t i = 0; i < b2.pos.size(); ++i) {
      REQUIRE(shifted.volume[i] == Approx(t.volume[i]).epsilon(1e-10));
    }
  }
  SECTION("a small atom can lose its whole cell: reported, not fatal") {
    Atoms b2 = bcc(3.0, 3);
    for (std::size_t i = 0; i < b2.pos.size(); ++i) b2.type[i] = 1 + static_cast<int>(i % 2);
    VoronoiOptions o;
    o.radii = {0.0, 0.0, 3.0};  // r2^2 - r1^2 = 9 > d^2 = 6.75: every type-1 cell is empty
    const Tessellation t = tessellate(b2, o);
    CHECK(t.empty_cells == static_cast<std::int64_t>(b2.pos.size() / 2));
    for (std::size_t i = 0; i < b2.pos.size(); ++i) {
      if (b2.type[i] == 1) {
        REQUIRE(t.volume[i] == 0.0);
        REQUIRE(t.coordination[i] == 0);
      } else {
        REQUIRE(t.volume[i] == Approx(27.0).epsilon(1e-12));  // the cube of like neighbors
      }
    }
    require_volume_sum(t, b2.box, 1e-12);
  }
  SECTION("Cu/Zr radii on the glass and the sheared triclinic glass fill the box") {
    for (const char* name : {"cuzr2k_IS.dump", "cuzr2k_aqs_final_tric.dump"}) {
      INFO(name);
      const Frame frame = first_frame(test::shared_data(name));
      const Atoms glass{frame.box, frame.pos, frame.type};
      for (const std::vector<double>& radii :
           {std::vector<double>{0.0, 1.28, 1.60}, std::vector<double>{0.0, 1.35, 1.55}}) {
        VoronoiOptions o;
        o.radii = radii;
        const Tessellation t = tessellate(glass, o);
        CHECK(t.empty_cells == 0);
        require_volume_sum(t, frame.box, 1e-11);
      }
    }
  }
  SECTION("a type without a radius is an error") {
    Atoms b2 = bcc(3.0, 2);
    b2.type[1] = 3;
    VoronoiOptions o;
    o.radii = {0.0, 1.0, 1.2};
    CHECK_THROWS_AS(tessellate(b2, o), ComputeError);
  }
}

TEST_CASE("voronoi: random gas in partly periodic boxes fills the box", "[voronoi]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Mat3 h;
  h << 14, 3, -2, 0, 12, 4, 0, 0, 13;
  for (std::array<bool, 3> periodic :
       {std::array<bool, 3>{true, true, true}, std::array<bool, 3>{true, true, false},
        std::array<bool, 3>{false, true, false}, std::array<bool, 3>{false, false, false}}) {
    INFO("periodic " << periodic[0] << periodic[1] << periodic[2]);
    Atoms gas{Box(h, Vec3(-3, 1, 2), periodic), {}, {}};
    for (int i = 0; i < 300; ++i) {
      gas.pos.push_back(gas.box.to_cartesian(Vec3(u(rng), u(rng), u(rng))));
      gas.type.push_back(1 + i % 2);
    }
    VoronoiOptions o;
    o.store_faces = true;
    const Tessellation t = tessellate(gas, o);
    require_volume_sum(t, gas.box, 1e-11);
    require_reciprocal_faces(gas, t);
    o.radii = {0.0, 0.5, 0.9};
    require_volume_sum(tessellate(gas, o), gas.box, 1e-11);
  }
}

TEST_CASE("voronoi: coincident atoms are an error", "[voronoi]") {
  Atoms f = fcc(3.6, 2);
  f.pos.push_back(f.pos[5]);
  f.type.push_back(1);
  CHECK_THROWS_AS(tessellate(f), ComputeError);
}

// ------------------------------------------------------------------------------------------
// Volume invariant on real data

TEST_CASE("voronoi: volumes sum to the box volume on every frame of every shared sample",
          "[voronoi]") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(test::shared_data(""))) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 5 && (name.ends_with(".dump") || name.ends_with(".dump.gz"))) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 12);
  std::size_t frames = 0, triclinic = 0;
  for (const auto& path : files) {
    io::InputSpec spec;
    spec.paths = {path.string()};
    auto source = io::open_trajectory(spec);
    while (auto raw = source->next()) {
      const Frame frame = source->parse(*raw);
      INFO(fmt::format("{} frame {} (timestep {})", path.filename().string(), raw->index,
                       frame.timestep));
      const Tessellation t = tessellate({frame.box, frame.pos, frame.type});
      CHECK(t.empty_cells == 0);
      CHECK(*std::min_element(t.volume.begin(), t.volume.end()) > 5.0);
      require_volume_sum(t, frame.box);
      ++frames;
      triclinic += frame.box.is_orthogonal() ? 0 : 1;
    }
  }
  CHECK(frames >= 9 + 2 * 100 + 25);  // both 100-frame NVT trajectories and the 25 AQS frames
  CHECK(triclinic >= 25);
}

TEST_CASE("voronoi: non-periodic experimental nanoparticle fills its box", "[voronoi]") {
  // 18,356 atoms measured by electron tomography in an `ff ff ff` box: the box faces close the
  // surface cells.
  const Frame frame =
      first_frame(test::shared_data("external/aet2021/aet2021_mg_coordinates.dump.gz"));
  REQUIRE_FALSE(frame.box.periodic(0));
  const Tessellation t = tessellate({frame.box, frame.pos, frame.type});
  CHECK(t.empty_cells == 0);
  require_volume_sum(t, frame.box);
}

// ------------------------------------------------------------------------------------------
// LAMMPS compute voronoi/atom

TEST_CASE("voronoi: per-atom volumes and face counts match LAMMPS compute voronoi/atom",
          "[voronoi][lammps]") {
  if (!lammps_available()) return;
  for (const char* name : {"cuzr2k_IS.data", "cuzr2k_aqs_final_tric.data"}) {
    INFO(name);
    const auto dir = test::temp_dir(std::string("voro_lmp_") + name);
    const LammpsVoronoi ref = run_lammps_voronoi(test::shared_data(name), dir, true);
    const io::DataFile data = io::read_lammps_data(test::shared_data(name).string());
    CHECK(data.frame.box.is_orthogonal() == (std::string(name) == "cuzr2k_IS.data"));
    compare_with_lammps(data.frame, ref, true);
    fs::remove_all(dir);
  }
}

TEST_CASE("voronoi: OVITO's 108k-atom glass matches LAMMPS on the same positions",
          "[voronoi][lammps]") {
  if (!lammps_available()) return;
  const Frame frame = first_frame(test::shared_data("external/ovito_CuZr64_36_108k.dump.gz"));
  REQUIRE(frame.size() == 108000);
  REQUIRE(frame.ids_generated);
  const auto dir = test::temp_dir("voro_lmp_ovito");
  write_data_file(frame, dir / "ovito.data");
  const LammpsVoronoi ref = run_lammps_voronoi(dir / "ovito.data", dir, false);
  compare_with_lammps(frame, ref, false);
  fs::remove_all(dir);
}

TEST_CASE("voronoi: a tessellation that keeps its faces also serves requests without them",
          "[voronoi]") {
  // compute_frame merges requests that differ only in store_faces into one tessellation with
  // faces; the lookup must hand that one to analyzers that did not ask for faces.
  const Frame frame = test::cubic_lattice("fcc", 3.6, 2);
  const CellList cells(frame.box, frame.pos, 3.0);
  VoronoiOptions plain, with_faces;
  with_faces.store_faces = true;
  const Tessellation faces = compute_tessellation(cells, frame.pos, frame.type, with_faces);
  const Tessellation none = compute_tessellation(cells, frame.pos, frame.type, plain);
  CHECK(faces.faces.size() == 12 * frame.size());
  CHECK(faces.coordination == none.coordination);
  const std::vector<TypeInfo> types;
  const std::vector<const Tessellation*> only_faces{&faces}, only_plain{&none};
  const FrameContext a(frame, types, &cells, nullptr, only_faces);
  CHECK(&a.voronoi(plain) == &faces);
  CHECK(&a.voronoi(with_faces) == &faces);
  const FrameContext b(frame, types, &cells, nullptr, only_plain);
  CHECK(&b.voronoi(plain) == &none);
  CHECK_THROWS_AS(b.voronoi(with_faces), std::logic_error);
  VoronoiOptions other = plain;
  other.edge_threshold = 0.1;
  CHECK_THROWS_AS(a.voronoi(other), std::logic_error);
}
