// D²min and local strain: the analytic anchors of SCIENCE.md §4, and an independent brute-force
// implementation (its own neighbor search, periodic images and least-squares solver) on the
// shared AQS shear frames.
#include <catch2/catch.hpp>

#include <Eigen/Geometry>
#include <Eigen/QR>
#include <cmath>

#include "analysis.hpp"
#include "analyzers/d2min.hpp"
#include "io/trajectory.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

const std::vector<double>& values(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<double>>(test::find_field(r, name).values);
}
const std::vector<std::int64_t>& ints(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<std::int64_t>>(test::find_field(r, name).values);
}

Mat3 deformation_gradient(const FrameResult& r, std::size_t i) {
  Mat3 F;
  const char* axes = "xyz";
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) F(a, b) = values(r, std::string("F_") + axes[a] + axes[b])[i];
  }
  return F;
}

}  // namespace

TEST_CASE("d2min: one displaced atom in FCC gives 12|δ|², 0.75|δ|² on its shell, 0 beyond",
          "[d2min]") {
  const double a = 3.615;
  const Frame ref = test::cubic_lattice("fcc", a, 4);
  Frame cur = ref;
  const std::size_t moved = 37;
  const Vec3 delta(0.031, -0.017, 0.023);
  cur.pos[moved] = cur.box.wrap(cur.pos[moved] + delta);
  const double d2 = delta.squaredNorm();
  const double cutoff = 0.5 * (a / std::sqrt(2.0) + a);  // between the first and second shells

  for (const std::string norm : {"sum", "per_neighbor", "lammps"}) {
    const FrameResult r =
        test::compute_against(cur, ref, "d2min", {{"cutoff", cutoff}, {"normalization", norm}});
    const auto& v = values(r, "value");
    const auto& n = ints(r, "neighbors");
    const auto expect = [&](double sum) {
      if (norm == "sum") return sum;
      if (norm == "per_neighbor") return sum / 12.0;
      return std::sqrt(sum / 12.0);
    };
    int shell = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
      CHECK(n[i] == 12);
      const double r2 = ref.box.minimum_image(ref.pos[i] - ref.pos[moved]).squaredNorm();
      if (i == moved) {
        CHECK(v[i] == Approx(expect(12 * d2)).epsilon(1e-12));
      } else if (r2 < cutoff * cutoff) {
        ++shell;
        CHECK(v[i] == Approx(expect(0.75 * d2)).epsilon(1e-12));
      } else {
        CHECK(std::abs(v[i]) < 1e-12 * d2);  // round-off only
      }
    }
    CHECK(shell == 12);
    CHECK(ints(r, "degenerate")[moved] == 0);
  }
}

TEST_CASE("d2min: a homogeneous affine map gives F = A and D²min = 0 across periodic boundaries",
          "[d2min]") {
  Frame ref = test::cubic_lattice("fcc", 3.615, 4);
  // A tilted reference cell, so that both frames are triclinic.
  ref = test::deformed(ref, Mat3{{1.0, 0.12, -0.05}, {0.0, 1.0, 0.08}, {0.0, 0.0, 1.0}});
  const Mat3 shear{{1.0, 0.06, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}};  // tilt changes
  const Mat3 general{{1.03, 0.02, -0.01}, {0.015, 0.97, 0.025}, {-0.02, 0.01, 1.05}};
  for (const Mat3& A : {shear, general}) {
    const Frame cur = test::deformed(ref, A);
    const FrameResult r = test::compute_against(cur, ref, "d2min", {{"cutoff", 3.0}});
    const FrameResult r_mapped = test::compute_against(
        cur, ref, "d2min", {{"cutoff", 3.0}, {"affine_mapping", "to_reference"}});
    const FrameResult r_current =
        test::compute_against(cur, ref, "d2min", {{"cutoff", 3.0}, {"neighbors", "current"}});
    const Mat3 E = 0.5 * (A.transpose() * A - Mat3::Identity());
    for (std::size_t i = 0; i < ref.size(); ++i) {
      CHECK((deformation_gradient(r, i) - A).norm() < 1e-12);
      CHECK(std::abs(values(r, "value")[i]) < 1e-20);
      CHECK(values(r, "strain_xy")[i] == Approx(E(0, 1)).margin(1e-13));
      CHECK(values(r, "volumetric_strain")[i] == Approx(E.trace() / 3).margin(1e-13));
      // Mapped into the reference cell the homogeneous part disappears.
      CHECK((deformation_gradient(r_mapped, i) - Mat3::Identity()).norm() < 1e-12);
      CHECK(std::abs(values(r_mapped, "shear_strain")[i]) < 1e-12);
      // The current configuration's neighbors are the same 12 atoms here.
      CHECK((deformation_gradient(r_current, i) - A).norm() < 1e-12);
    }
  }
}

TEST_CASE("d2min: a cutoff beyond half the cell counts each atom's own periodic images",
          "[d2min]") {
  // One conventional FCC cell (4 atoms, 3.615 Å): within 5.2 Å every atom has 12 + 6 + 24 + 12 =
  // 54 neighbors, 18 of them images of itself. Positions are given unwrapped (whole cells away
  // from the box), so the searched point is never the stored one.
  const double a = 3.615;
  Frame ref = test::cubic_lattice("fcc", a, 1);
  const Mat3 A{{1.02, 0.03, -0.01}, {0.0, 0.98, 0.02}, {0.01, 0.0, 1.01}};
  Frame cur = test::deformed(ref, A);
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const Vec3 cells(static_cast<double>(i % 3) - 1.0, 2.0, -static_cast<double>(i % 2));
    ref.pos[i] += ref.box.cell() * cells;
    cur.pos[i] += cur.box.cell() * -cells;
  }
  for (const std::string neighbors : {"reference", "current"}) {
    const FrameResult r =
        test::compute_against(cur, ref, "d2min", {{"cutoff", 5.2}, {"neighbors", neighbors}});
    for (std::size_t i = 0; i < ref.size(); ++i) {
      CHECK(ints(r, "neighbors")[i] == 54);
      CHECK((deformation_gradient(r, i) - A).norm() < 1e-12);
      CHECK(std::abs(values(r, "value")[i]) < 1e-20);
    }
  }
}

TEST_CASE("d2min: a rigid rotation has zero strain and the rotation angle", "[d2min]") {
  const Frame ref = test::cubic_lattice("fcc", 3.615, 4);
  const double theta = 0.2;
  const Mat3 R = Eigen::AngleAxisd(theta, Vec3(1, 2, 2).normalized()).toRotationMatrix();
  const Frame cur = test::deformed(ref, R);
  const FrameResult r = test::compute_against(cur, ref, "d2min", {{"cutoff", 3.0}});
  for (std::size_t i = 0; i < ref.size(); ++i) {
    CHECK((deformation_gradient(r, i) - R).norm() < 1e-12);
    CHECK(std::abs(values(r, "shear_strain")[i]) < 1e-12);
    CHECK(std::abs(values(r, "volumetric_strain")[i]) < 1e-12);
    CHECK(values(r, "rotation_angle")[i] == Approx(theta).epsilon(1e-10));
  }
}

TEST_CASE("d2min: fields the run does not use are left out, the others are unchanged", "[d2min]") {
  Frame ref = test::cubic_lattice("fcc", 3.615, 3);
  for (std::size_t i = 0; i < ref.size(); ++i) {
    ref.pos[i] += 0.05 * Vec3(std::sin(1.0 * i), std::cos(2.0 * i), std::sin(3.0 * i + 1));
  }
  Frame cur = test::deformed(ref, Mat3{{1.02, 0.04, 0.0}, {0.0, 0.99, 0.01}, {0.0, 0.0, 1.0}});
  for (std::size_t i = 0; i < cur.size(); ++i) {
    cur.pos[i] += 0.03 * Vec3(std::cos(5.0 * i), std::sin(7.0 * i), std::cos(11.0 * i));
  }
  const nlohmann::json params = {{"cutoff", 3.2}};
  const FrameResult all = test::compute_against(cur, ref, "d2min", params);
  const auto run_with = [&](FieldUse use) {
    std::vector<std::unique_ptr<Analyzer>> analyzers;
    analyzers.push_back(test::make_analyzer("d2min", params));
    analyzers.front()->set_field_use(std::move(use));
    return std::move(test::compute_with_inputs(cur, 1, {ref, cur}, analyzers).front().result);
  };
  const auto names = [](const FrameResult& r) {
    std::vector<std::string> out;
    for (const auto& f : r.fields) out.push_back(f.name);
    return out;
  };
  const std::vector<std::string> always = {"value", "shear_strain", "volumetric_strain",
                                           "neighbors", "degenerate"};
  const FrameResult value_only = run_with(FieldUse::only({"d2min_value"}));
  CHECK(names(value_only) == always);
  const FrameResult with_F = run_with(FieldUse::only({"d2min_F_zx"}));
  CHECK(names(with_F).size() == always.size() + 9);
  const FrameResult with_rotation = run_with(FieldUse::only({"d2min_rotation_angle"}));
  CHECK(names(with_rotation).size() == always.size() + 1);
  for (const auto* r : {&value_only, &with_F, &with_rotation}) {
    for (const auto& f : r->fields) {
      INFO(f.name);
      CHECK(f.values == test::find_field(all, f.name).values);  // bit for bit
    }
  }
}

TEST_CASE("d2min: atoms with fewer than 3 neighbors or a flat neighborhood are flagged",
          "[d2min]") {
  // An isolated atom, a pair, and a planar square of 4 neighbors around a center.
  const Box box = Box::from_lammps(0, 40, 0, 40, 0, 40, 0, 0, 0, {true, true, true});
  std::vector<Vec3> pos = {{5, 5, 5},    {20, 5, 5},   {22, 5, 5},   {20, 20, 20},
                           {22, 20, 20}, {18, 20, 20}, {20, 22, 20}, {20, 18, 20}};
  const Frame ref = test::make_frame(box, pos, std::vector<int>(pos.size(), 1));
  Frame cur = ref;
  cur.pos[0] += Vec3(0.1, 0, 0);
  const FrameResult r = test::compute_against(cur, ref, "d2min", {{"cutoff", 2.5}});
  const auto& flag = ints(r, "degenerate");
  CHECK(flag == std::vector<std::int64_t>(pos.size(), 1));
  for (double v : values(r, "value")) CHECK(v == 0.0);
  CHECK(r.summary["degenerate"] == pos.size());
  REQUIRE(r.summary.contains("warnings"));
}

namespace {

// Reduced coordinates of atom i, computed here without the engine's Box helpers.
Vec3 reduced(const Frame& f, std::size_t i) {
  return f.box.cell().inverse() * (f.pos[i] - f.box.origin());
}

// Falk–Langer by brute force: every pair and all 27 images in the reference, the displacement
// by the nearest image of reduced coordinates, F from a QR least-squares solve of
// d0ᵀ Fᵀ = dᵀ, and D²min as the squared residual.
std::vector<double> brute_force_d2min(const Frame& cur, const Frame& ref, double cutoff) {
  const std::size_t n = ref.size();
  const Mat3 h0 = ref.box.cell(), h = cur.box.cell();
  std::vector<Vec3> s0(n), u(n);
  for (std::size_t i = 0; i < n; ++i) {
    s0[i] = reduced(ref, i);
    Vec3 ds = reduced(cur, i) - s0[i];
    for (int k = 0; k < 3; ++k) ds[k] -= std::round(ds[k]);
    u[i] = ds;
  }
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<Vec3> d0, d;
    for (std::size_t j = 0; j < n; ++j) {
      for (int a = -1; a <= 1; ++a)
        for (int b = -1; b <= 1; ++b)
          for (int c = -1; c <= 1; ++c) {
            const Vec3 s = s0[j] + Vec3(a, b, c) - s0[i];
            const Vec3 r = h0 * s;
            if ((j == i && a == 0 && b == 0 && c == 0) || r.norm() > cutoff) continue;
            d0.push_back(r);
            d.push_back(h * (s + u[j] - u[i]));
          }
    }
    Eigen::MatrixXd A(static_cast<long>(d0.size()), 3), B(static_cast<long>(d0.size()), 3);
    for (std::size_t k = 0; k < d0.size(); ++k) {
      A.row(static_cast<long>(k)) = d0[k].transpose();
      B.row(static_cast<long>(k)) = d[k].transpose();
    }
    const Eigen::MatrixXd Ft = A.colPivHouseholderQr().solve(B);
    out[i] = (B - A * Ft).squaredNorm();
  }
  return out;
}

}  // namespace

TEST_CASE("d2min: agrees with a brute-force implementation on the shared AQS shear frames",
          "[d2min][shared]") {
  io::InputSpec spec;
  spec.paths = {test::shared_data("cuzr2k_aqs_shear.dump.gz").string()};
  // A large fixed-reference window (γ 0 -> 0.08, across the biggest stress drop) and one
  // incremental window.
  for (const auto& [k0, k1] : {std::pair<std::size_t, std::size_t>{0, 16}, {15, 16}}) {
    const Frame ref = io::read_frame(spec, k0);
    const Frame cur = io::read_frame(spec, k1);
    const double cutoff = 5.0;
    const FrameResult r = test::compute_against(cur, ref, "d2min", {{"cutoff", cutoff}});
    const auto expected = brute_force_d2min(cur, ref, cutoff);
    const auto& got = values(r, "value");
    REQUIRE(got.size() == expected.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      worst = std::max(worst, std::abs(got[i] - expected[i]) / (std::abs(expected[i]) + 1e-12));
    }
    INFO("frames " << k0 << " -> " << k1 << ": worst relative difference " << worst);
    CHECK(worst < 1e-9);
    // Mapping the reference into the current cell multiplies every d0 by one invertible matrix,
    // which the fitted F absorbs: D²min is the same (this takes the fit with A != I).
    const FrameResult mapped = test::compute_against(
        cur, ref, "d2min", {{"cutoff", cutoff}, {"affine_mapping", "to_current"}});
    const auto& got_mapped = values(mapped, "value");
    double worst_mapped = 0.0;
    for (std::size_t i = 0; i < got_mapped.size(); ++i) {
      worst_mapped = std::max(
          worst_mapped, std::abs(got_mapped[i] - expected[i]) / (std::abs(expected[i]) + 1e-12));
    }
    INFO("to_current: worst relative difference " << worst_mapped);
    CHECK(worst_mapped < 1e-9);
  }
}

TEST_CASE("d2min: a nearly affine neighborhood keeps its digits (no cancellation)", "[d2min]") {
  // Positions moved by an affine map about the cell's centre inside an unchanged cell, plus a
  // tiny nonaffine jitter: around the centre each neighborhood moves by x -> A x + O(1e-6 Å),
  // so D²min (~1e-10 Å²) is some 1e-9 of Σ|d - d0|². A closed form from pair sums would keep
  // only a few digits of it there; the brute force sums the residual pair by pair.
  const Frame ref = test::cubic_lattice("fcc", 3.615, 6);
  Frame cur = ref;
  const Mat3 A{{1.02, 0.03, -0.01}, {-0.015, 0.99, 0.02}, {0.01, 0.025, 1.01}};
  const Vec3 centre = ref.box.origin() + 0.5 * ref.box.cell() * Vec3(1, 1, 1);
  for (std::size_t i = 0; i < cur.size(); ++i) {
    const double t = static_cast<double>(i);
    const Vec3 jitter(std::sin(1.3 * t), std::cos(2.1 * t), std::sin(0.7 * t + 1.0));
    cur.pos[i] = cur.box.wrap(centre + A * (ref.pos[i] - centre) + 1e-6 * jitter);
  }
  const double cutoff = 3.0;
  const FrameResult r = test::compute_against(cur, ref, "d2min", {{"cutoff", cutoff}});
  const auto expected = brute_force_d2min(cur, ref, cutoff);
  const auto& got = values(r, "value");
  std::size_t checked = 0;
  double worst = 0.0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const Vec3 s = ref.box.cell().inverse() * (ref.pos[i] - ref.box.origin());
    if (s.minCoeff() < 0.3 || s.maxCoeff() > 0.7) continue;  // neighborhood moved affinely
    ++checked;
    CHECK(expected[i] > 0.0);
    CHECK(expected[i] < 1e-9);
    worst = std::max(worst, std::abs(got[i] - expected[i]) / expected[i]);
  }
  INFO("worst relative difference over " << checked << " atoms: " << worst);
  CHECK(checked > 20);
  CHECK(worst < 1e-7);
}
