// The projection analyzer: the probe deposits each atom's weight exactly, maps of tilted cells
// have no seams, the slab selects and tiles atoms, Z^n weights, and the projection law of
// SCIENCE.md §7 on a synthetic Gaussian-correlated field: the column mean through the whole
// period of a field with C(r) = exp(−r²/2ξ²) has variance σ²·√(2π)·ξ/t.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>
#include <random>

#include "analysis.hpp"
#include "engine/fft.hpp"
#include "engine/pipeline.hpp"
#include "engine/projection.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

double sum(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

double variance(const std::vector<double>& v) {
  const double m = sum(v) / static_cast<double>(v.size());
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size());
}

Frame random_frame(const Box& box, std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Vec3> pos;
  std::vector<int> type;
  for (std::size_t i = 0; i < n; ++i) {
    pos.push_back(box.to_cartesian(Vec3(u(rng), u(rng), u(rng))));
    type.push_back(1 + static_cast<int>(i % 2));
  }
  return test::make_frame(box, pos, type);
}

}  // namespace

TEST_CASE("projection: each atom deposits its weight once; a probe keeps the centroid",
          "[projection]") {
  const Box box = Box::from_lammps(0, 20, 0, 16, 0, 10, 0, 0, 0, {true, true, true});
  const std::vector<Vec3> one{Vec3(7.3, 8.1, 4.0)};
  for (double fwhm : {0.0, 1.0, 3.0}) {
    ProjectionRequest req;
    req.pixel_size = 0.5;
    req.probe_fwhm = fwhm;
    const ProjectedMap m = project(box, one, {2.5}, nullptr, req);
    REQUIRE(m.geometry.nu == 40);
    REQUIRE(m.geometry.nv == 32);
    CHECK(sum(m.weight) == Approx(2.5).epsilon(1e-12));
    double cu = 0.0, cv = 0.0;
    for (int j = 0; j < 32; ++j) {
      for (int i = 0; i < 40; ++i) {
        cu += m.weight[j * 40 + i] * (i + 0.5) * 0.5;
        cv += m.weight[j * 40 + i] * (j + 0.5) * 0.5;
      }
    }
    if (fwhm == 0.0) {
      CHECK(m.weight[16 * 40 + 14] == 2.5);  // the pixel holding (7.3, 8.1)
    } else {
      // Pixel-integrated Gaussian: the centroid is the atom's position.
      CHECK(cu / 2.5 == Approx(7.3).epsilon(1e-6));
      CHECK(cv / 2.5 == Approx(8.1).epsilon(1e-6));
    }
  }
}

TEST_CASE("projection: a tilted cell's map has no seam (shifts roll the map)", "[projection]") {
  // xy = 3.7 Å: rows that wrap across y shift by 3.7 Å along x; xz, yz tilt the beam images.
  const Box box = Box::from_lammps(0, 24, 0, 18, 0, 12, 3.7, 2.1, -1.3, {true, true, true});
  Frame f = random_frame(box, 600, 7);
  ProjectionRequest req;
  req.pixel_size = 0.5;
  req.probe_fwhm = 2.0;
  std::vector<double> w(f.size(), 1.0);
  const ProjectedMap m = project(box, f.pos, w, nullptr, req);
  const auto& g = m.geometry;
  REQUIRE(g.nu == 48);
  REQUIRE(g.nv == 36);
  CHECK(g.shear == Approx(3.7));
  CHECK(sum(m.weight) == Approx(600.0).epsilon(1e-12));
  // Moving every atom by one pixel along x (and by the cell vector b, a symmetry) rolls the map
  // by one column.
  std::vector<Vec3> moved;
  for (const auto& p : f.pos) moved.push_back(box.wrap(p + Vec3(g.pixel_u, 0, 0) + box.edge(1)));
  const ProjectedMap r = project(box, moved, w, nullptr, req);
  double worst = 0.0;
  for (int j = 0; j < g.nv; ++j) {
    for (int i = 0; i < g.nu; ++i) {
      worst =
          std::max(worst, std::abs(r.weight[j * g.nu + (i + 1) % g.nu] - m.weight[j * g.nu + i]));
    }
  }
  CHECK(worst < 1e-10);
  // Moving by the tilted c vector changes nothing when the slab is the whole period.
  moved.clear();
  for (const auto& p : f.pos) moved.push_back(box.wrap(p + box.edge(2)));
  const ProjectedMap c = project(box, moved, w, nullptr, req);
  worst = 0.0;
  for (std::size_t k = 0; k < m.weight.size(); ++k)
    worst = std::max(worst, std::abs(c.weight[k] - m.weight[k]));
  CHECK(worst < 1e-10);
}

TEST_CASE("projection: the slab selects atoms and tiles images with a warning", "[projection]") {
  const Box box = Box::from_lammps(0, 10, 0, 10, 0, 10, 0, 0, 0, {true, true, true});
  const std::vector<Vec3> pos{{1, 1, 1}, {2, 2, 4.5}, {3, 3, 9}};
  ProjectionRequest req;
  req.probe_fwhm = 0.0;
  req.thickness = 4.0;  // z in [3, 7)
  CHECK(sum(project(box, pos, {1, 1, 1}, nullptr, req).weight) == 1.0);
  req.thickness = 25.0;  // z in [-7.5, 17.5): 2, 3 and 2 images
  const ProjectedMap m = project(box, pos, {1, 1, 1}, nullptr, req);
  CHECK(sum(m.weight) == 7.0);
  CHECK(m.max_tiles == 3);
  req.beam = 0;         // along x: image axes y, z
  req.thickness = 3.0;  // x in [3.5, 6.5): none
  CHECK(sum(project(box, pos, {1, 1, 1}, nullptr, req).weight) == 0.0);

  const Box tilted = Box::from_lammps(0, 10, 0, 10, 0, 10, 1.0, 0, 0, {true, true, true});
  req.thickness.reset();
  CHECK_THROWS_WITH(project(tilted, pos, {1, 1, 1}, nullptr, req),
                    Catch::Contains("along x only with xy = xz = 0"));

  Frame f = test::make_frame(box, pos, {1, 2, 2});
  f.type_names = {"", "Cu", "Zr"};
  std::vector<std::unique_ptr<Analyzer>> a;
  a.push_back(test::make_analyzer("projection", {{"thickness", 25.0}, {"probe_fwhm", 0.0}}));
  const FrameResult r = compute_frame(f, a, {})[0].result;
  // Z^1.7 weights (Cu 29, Zr 40); the Cu atom at z = 1 has 2 images in the slab, the Zr atoms
  // at z = 4.5 and 9 have 3 and 2.
  CHECK(sum(test::find_grid(r, "map").values) ==
        Approx(2 * std::pow(29.0, 1.7) + 5 * std::pow(40.0, 1.7)).epsilon(1e-12));
  CHECK(r.summary["max_tiles"] == 3);
  REQUIRE(r.summary.contains("warnings"));
  CHECK(r.summary["warnings"][0].get<std::string>().find("thicker than the cell") !=
        std::string::npos);
  CHECK(std::abs(sum(test::find_grid(r, "contrast").values)) < 1e-9);
}

TEST_CASE("projection: projected variance of a Gaussian-correlated field is σ²√(2π)ξ/t",
          "[projection]") {
  // A real field on an n³ grid (spacing 1 Å) with C(r) = exp(−r²/2ξ²): random phases on the
  // exact amplitudes √S(q), S(q) ∝ exp(−q²ξ²/2), Hermitian so that it is real. One atom sits at
  // each grid point's cell centre and carries the field as an input column; the projection along
  // z through the whole cell with 1 Å pixels and no probe is the column mean.
  const int n = 48;
  const double xi = 1.5;
  std::vector<fft::Complex> spec(static_cast<std::size_t>(n) * n * n);
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> phase(0.0, 2.0 * M_PI);
  const auto wrap = [n](int k) { return (k + n) % n; };
  const auto q = [n](int k) { return 2.0 * M_PI * (k <= n / 2 ? k : k - n) / n; };
  double total = 0.0, plane = 0.0;
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        const std::size_t at = (static_cast<std::size_t>(k) * n + j) * n + i;
        const std::size_t mirror =
            (static_cast<std::size_t>(wrap(-k)) * n + wrap(-j)) * n + wrap(-i);
        if (mirror == at || i == n / 2 || j == n / 2 || k == n / 2) continue;  // real modes: none
        if (mirror < at) {
          spec[at] = std::conj(spec[mirror]);
          continue;
        }
        const double q2 = q(i) * q(i) + q(j) * q(j) + q(k) * q(k);
        const double a = std::exp(-q2 * xi * xi / 4.0);
        spec[at] = std::polar(a, phase(rng));
        total += 2 * a * a;
        if (k == 0) plane += 2 * a * a;
      }
    }
  }
  fft::transform(spec, {n, n, n}, true);
  const Box box = Box::from_lammps(0, n, 0, n, 0, n, 0, 0, 0, {true, true, true});
  std::vector<Vec3> pos;
  std::vector<int> type;
  InputColumn col{"c_f", {}};
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < n; ++i) {
        pos.emplace_back(i + 0.5, j + 0.5, k + 0.5);
        type.push_back(1);
        col.values.push_back(spec[(static_cast<std::size_t>(k) * n + j) * n + i].real());
      }
    }
  }
  Frame f = test::make_frame(box, pos, type);
  f.columns.push_back(col);
  std::vector<std::unique_ptr<Analyzer>> a;
  a.push_back(test::make_analyzer("projection",
                                  {{"field", "c_f"}, {"pixel_size", 1.0}, {"probe_fwhm", 0.0}}));
  const FrameResult r = compute_frame(f, a, {})[0].result;
  const auto& map = test::find_grid(r, "map");
  REQUIRE(map.values.size() == static_cast<std::size_t>(n * n));
  const double ratio = variance(map.values) / variance(col.values);
  // Exactly the share of the power in the q_z = 0 plane (Parseval) ...
  CHECK(ratio == Approx(plane / total).epsilon(1e-9));
  // ... which is the continuum projection law within discretisation.
  CHECK(ratio == Approx(std::sqrt(2.0 * M_PI) * xi / n).epsilon(0.03));
}

TEST_CASE(
    "projection: HAADF maps of the glass equal an independent numpy projection "
    "(orthogonal and tilted cells, tiled slab), read from npy and csv_grids",
    "[projection][cli]") {
  for (const std::string name : {"cuzr2k_IS.dump", "cuzr2k_aqs_final_tric.dump"}) {
    const auto dir = test::temp_dir("projection_" + name);
    const auto input = test::example_data(name);
    test::write_text(dir / "run.json", R"({"input": {"path": ")" + input.string() + R"(",
        "types": {"1": {"element": "Cu"}, "2": {"element": "Zr"}}},
      "analyzers": [{"type": "projection", "label": "haadf", "thickness": 50.0,
                     "pixel_size": 0.5, "probe_fwhm": 2.0, "z_exponent": 1.7}],
      "outputs": [{"format": "npy", "path": "npy"}, {"format": "csv_grids", "path": "csv"},
                  {"format": "json", "path": "s.json"}]})");
    std::string out;
    REQUIRE(test::run_command(
                test::binary().string() + " run --quiet " + (dir / "run.json").string(), &out) ==
            0);
    INFO(out);
    CHECK_THAT(test::read_text(dir / "s.json"), Catch::Contains("thicker than the cell"));
    REQUIRE(test::run_command("/usr/bin/python3 " +
                                  (test::source_dir() / "tests/io/check_projection.py").string() +
                                  " " + input.string() + " " + dir.string() + " haadf 50 2 0.5 1.7",
                              &out) == 0);
    INFO(out);
    CHECK_THAT(out, Catch::StartsWith("ok"));
  }
}

TEST_CASE("projection: oblique beams in orthogonal cells", "[projection]") {
  const Box box = Box::from_lammps(0, 20, 0, 20, 0, 20, 0, 0, 0, {true, true, true});
  const Frame f = random_frame(box, 500, 3);
  const std::vector<double> w(f.size(), 1.0);
  ProjectionRequest axis;
  axis.pixel_size = 0.5;
  axis.probe_fwhm = 2.0;
  const ProjectedMap m = project(box, f.pos, w, nullptr, axis);
  // Nearly along z through the oblique route (field of view = the cell, slab = its period): the
  // images it enumerates must rebuild the periodic map, up to the 2e-4 Å drift of the tilt.
  ProjectionRequest tilted = axis;
  tilted.direction = Vec3(1e-5, 0, 1);
  tilted.field_of_view = std::array<double, 2>{20.0, 20.0};
  const ProjectedMap o = project(box, f.pos, w, nullptr, tilted);
  REQUIRE_FALSE(o.geometry.periodic_plane);
  REQUIRE(o.weight.size() == m.weight.size());
  double worst = 0.0, mean = sum(m.weight) / static_cast<double>(m.weight.size());
  for (std::size_t k = 0; k < m.weight.size(); ++k) {
    worst = std::max(worst, std::abs(o.weight[k] - m.weight[k]));
  }
  CHECK(worst < 1e-3 * mean);
  CHECK(sum(o.weight) == Approx(500.0).epsilon(1e-3));

  // One atom seen along (1, 2, 3): a single image at the projection of its offset from the
  // centre, on axes u = ±(x − (x·d)d) normalised and v = d × u pointing towards +z.
  const Box big = Box::from_lammps(0, 30, 0, 30, 0, 30, 0, 0, 0, {true, true, true});
  const Vec3 d = Vec3(1, 2, 3).normalized();
  Vec3 eu = (Vec3::UnitX() - d.x() * d).normalized();
  Vec3 ev = Vec3(d.y() * eu.z() - d.z() * eu.y(), d.z() * eu.x() - d.x() * eu.z(),
                 d.x() * eu.y() - d.y() * eu.x());
  if (ev.z() < 0) {  // upright: v towards +z
    eu = -eu;
    ev = -ev;
  }
  const Vec3 offset(1.3, -0.7, 2.2);
  ProjectionRequest req;
  req.direction = Vec3(1, 2, 3);
  req.field_of_view = std::array<double, 2>{12.0, 10.0};
  req.thickness = 10.0;
  req.pixel_size = 0.25;
  req.probe_fwhm = 1.5;
  const ProjectedMap one = project(big, {Vec3(15, 15, 15) + offset}, {3.0}, nullptr, req);
  CHECK(one.images == 1);
  CHECK(sum(one.weight) == Approx(3.0).epsilon(1e-12));
  const auto& g = one.geometry;
  double cu = 0.0, cv = 0.0;
  for (int j = 0; j < g.nv; ++j) {
    for (int i = 0; i < g.nu; ++i) {
      cu += one.weight[j * g.nu + i] * (i + 0.5) * g.pixel_u;
      cv += one.weight[j * g.nu + i] * (j + 0.5) * g.pixel_v;
    }
  }
  // (Pixel centres stand for the pixel-integrated mass: exact up to ~1e-7 Å for σ = 2.5 pixels.)
  CHECK(cu / 3.0 == Approx(6.0 + offset.dot(eu)).epsilon(1e-6));
  CHECK(cv / 3.0 == Approx(5.0 + offset.dot(ev)).epsilon(1e-6));

  const Box sheared = Box::from_lammps(0, 20, 0, 20, 0, 20, 2.0, 0, 0, {true, true, true});
  CHECK_THROWS_WITH(project(sheared, f.pos, w, nullptr, req), Catch::Contains("orthogonal cell"));
}

TEST_CASE("projection: a film with walls along z seen from the side", "[projection]") {
  // The same atoms in a periodic cell and in a film (walls along z): along x the film's view is
  // the cell's y-z face without wrapping across the walls. Without a probe both maps are the
  // same; with one they differ only within the probe's reach of the walls.
  const Box periodic = Box::from_lammps(0, 16, 0, 20, 0, 12, 0, 0, 0, {true, true, true});
  const Box film = Box::from_lammps(0, 16, 0, 20, 0, 12, 0, 0, 0, {true, true, false});
  const Frame f = random_frame(periodic, 400, 21);
  const std::vector<double> w(f.size(), 1.0);
  ProjectionRequest req;
  req.beam = 0;
  req.pixel_size = 0.5;
  const ProjectedMap a = project(periodic, f.pos, w, nullptr, req);
  const ProjectedMap b = project(film, f.pos, w, nullptr, req);
  REQUIRE(b.geometry.nu == a.geometry.nu);
  REQUIRE(b.geometry.nv == a.geometry.nv);
  CHECK(b.max_tiles == 1);
  for (std::size_t k = 0; k < a.weight.size(); ++k) CHECK(b.weight[k] == a.weight[k]);
  req.probe_fwhm = 2.0;  // σ = 0.85 Å: reach 3.4 Å = 7 rows of 0.5 Å
  const ProjectedMap c = project(periodic, f.pos, w, nullptr, req);
  const ProjectedMap d = project(film, f.pos, w, nullptr, req);
  const int nu = c.geometry.nu, nv = c.geometry.nv;
  double inner = 0.0, edge = 0.0;
  for (int j = 0; j < nv; ++j) {
    for (int i = 0; i < nu; ++i) {
      const double diff = std::abs(c.weight[j * nu + i] - d.weight[j * nu + i]);
      (j >= 7 && j < nv - 7 ? inner : edge) = std::max(j >= 7 && j < nv - 7 ? inner : edge, diff);
    }
  }
  CHECK(inner < 1e-12);
  CHECK(edge > 1e-3);  // the periodic map wraps the walls' neighbourhood; the film does not
}
