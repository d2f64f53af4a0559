// The `voronoi` analyzer: per-atom fields and summary on analytic structures, parameter
// handling, and per-atom volumes / face counts against LAMMPS `compute voronoi/atom`.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/errors.hpp"
#include "engine/params.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "io/lammps_data.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using nlohmann::json;

namespace {

using mgs::test::find_field;
using mgs::test::icosahedron_frame;
using mgs::test::make_frame;

std::vector<std::unique_ptr<Analyzer>> make_voronoi(const json& params,
                                                    const RunContext& run = {}) {
  const AnalyzerSpec* spec = Registry::instance().find("voronoi");
  REQUIRE(spec != nullptr);
  const json p = validate_params(params, spec->params, "analyzers[0]", {"type", "label"});
  std::vector<std::unique_ptr<Analyzer>> out;
  out.push_back(spec->make(p, "voronoi", run));
  return out;
}


Frame fcc_frame(double a, int n) {
  std::vector<Vec3> pos;
  const Vec3 basis[4] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        for (const Vec3& b : basis) pos.push_back(a * (Vec3(i, j, k) + b));
  return make_frame(Box(Mat3::Identity() * (a * n), Vec3::Zero(), {true, true, true}), pos,
                    std::vector<int>(pos.size(), 1));
}



bool has_field(const FrameResult& r, const std::string& name) {
  for (const auto& f : r.fields) {
    if (f.name == name) return true;
  }
  return false;
}

FrameResult run(const Frame& frame, const json& params, const RunContext& run = {}) {
  const auto analyzers = make_voronoi(params, run);
  auto results = compute_frame(frame, analyzers, run.types);
  REQUIRE(results.size() == 1);
  return std::move(results[0].result);
}

}  // namespace

TEST_CASE("voronoi analyzer: FCC fields and summary", "[voronoi][analyzers]") {
  const double a = 3.615;
  const Frame frame = fcc_frame(a, 3);
  const std::size_t n = frame.size();
  const FrameResult r = run(frame, json::object());
  std::vector<std::string> names;
  for (const auto& f : r.fields) names.push_back(f.name);
  CHECK(names == std::vector<std::string>{"volume", "coordination", "n3", "n4", "n5", "n6",
                                          "max_face_order"});
  for (std::size_t i = 0; i < n; ++i) {
    REQUIRE(find_field(r, "volume").as_double(i) == Approx(a * a * a / 4).epsilon(1e-12));
    REQUIRE(find_field(r, "coordination").as_double(i) == 12);
    REQUIRE(find_field(r, "n3").as_double(i) == 0);
    REQUIRE(find_field(r, "n4").as_double(i) == 12);
    REQUIRE(find_field(r, "n5").as_double(i) == 0);
    REQUIRE(find_field(r, "n6").as_double(i) == 0);
    REQUIRE(find_field(r, "max_face_order").as_double(i) == 4);
  }
  CHECK(find_field(r, "volume").unit == "Å^3");
  CHECK_FALSE(find_field(r, "volume").is_integer());
  CHECK(find_field(r, "coordination").is_integer());
  const json& s = r.summary;
  CHECK(s["volume_sum"].get<double>() == Approx(frame.box.volume()).epsilon(1e-12));
  CHECK(s["box_volume"].get<double>() == frame.box.volume());
  CHECK(std::abs(s["volume_sum_relative_error"].get<double>()) < 1e-12);
  CHECK(s["dropped_faces"] == 0);
  CHECK(s["dropped_edges"] == 0);
  CHECK(s["empty_cells"] == 0);
  CHECK(s["full_icosahedron_fraction"] == 0.0);
  REQUIRE(s["top_indices"].size() == 1);
  CHECK(s["top_indices"][0]["index"] == "<0,12,0,0>");
  CHECK(s["top_indices"][0]["count"] == n);
  CHECK(s["top_indices"][0]["fraction"] == 1.0);
  REQUIRE(s["types"].contains("1"));
  CHECK(s["types"]["1"]["atoms"] == n);
  CHECK(s["types"]["1"]["mean_volume"].get<double>() == Approx(a * a * a / 4).epsilon(1e-12));
}

TEST_CASE("voronoi analyzer: icosahedron statistics per center type", "[voronoi][analyzers]") {
  for (bool periodic : {true, false}) {
    INFO((periodic ? "periodic" : "non-periodic"));
    RunContext ctx;
    ctx.types.resize(3);
    ctx.types[1].element = "Cu";
    ctx.types[2].element = "Zr";
    const FrameResult r = run(icosahedron_frame(periodic), json::object(), ctx);
    CHECK(find_field(r, "n5").as_double(0) == 12);
    CHECK(find_field(r, "coordination").as_double(0) == 12);
    const json& s = r.summary;
    CHECK(s["full_icosahedron_fraction"].get<double>() == Approx(1.0 / 13.0));
    CHECK(s["types"]["2"]["element"] == "Zr");
    CHECK(s["types"]["1"]["element"] == "Cu");
    CHECK(s["types"]["2"]["full_icosahedron_fraction"] == 1.0);
    CHECK(s["types"]["1"]["full_icosahedron_fraction"] == 0.0);
    CHECK(s["types"]["2"]["top_indices"][0]["index"] == "<0,0,12,0>");
    CHECK(s["types"]["1"]["atoms"] == 12);
    CHECK(s["volume_sum"].get<double>() == Approx(8000.0).epsilon(1e-12));
    CHECK(s.contains("volume_sum_relative_error") == periodic);
  }
}

TEST_CASE("voronoi analyzer: parameters", "[voronoi][analyzers]") {
  const Frame ico = icosahedron_frame(true);
  RunContext ctx;
  ctx.types.resize(3);
  ctx.types[1].element = "Cu";
  ctx.types[2].element = "Zr";
  SECTION("radii by type number or element name are the same") {
    const FrameResult by_type = run(ico, {{"radii", {{"1", 1.6}, {"2", 1.3}}}}, ctx);
    const FrameResult by_name = run(ico, {{"radii", {{"Cu", 1.6}, {"Zr", 1.3}}}}, ctx);
    const FrameResult plain = run(ico, json::object(), ctx);
    for (std::size_t i = 0; i < ico.size(); ++i) {
      CHECK(find_field(by_type, "volume").as_double(i) == find_field(by_name, "volume").as_double(i));
    }
    // Smaller center radius: the center's cell shrinks as (plane distance / (r / 2))^3.
    const double plane = (2.7 * 2.7 + 1.3 * 1.3 - 1.6 * 1.6) / (2 * 2.7);
    CHECK(find_field(by_type, "volume").as_double(0) ==
          Approx(find_field(plain, "volume").as_double(0) * std::pow(plane / 1.35, 3)).epsilon(1e-12));
    CHECK(by_type.summary["volume_sum"].get<double>() == Approx(8000.0).epsilon(1e-12));
  }
  SECTION("errors") {
    CHECK_THROWS_AS(make_voronoi({{"radii", {{"Nb", 1.4}}}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_voronoi({{"radii", {{"1", -1.0}}}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_voronoi({{"radii", json::object()}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_voronoi({{"edge_treshold", 0.1}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_voronoi({{"max_order", 5}}, ctx), ConfigError);
    // Type 2 is present but has no radius.
    CHECK_THROWS_AS(run(ico, {{"radii", {{"1", 1.6}}}}, ctx), ComputeError);
  }
  SECTION("max_order adds columns; thresholds drop faces") {
    const FrameResult r = run(ico, {{"max_order", 8}}, ctx);
    CHECK(has_field(r, "n7"));
    CHECK(has_field(r, "n8"));
    CHECK_FALSE(has_field(r, "n9"));
    // Center dodecahedron: pentagons of edge 1.21 A and area 2.53 A^2.
    const FrameResult e = run(ico, {{"edge_threshold", 2.0}}, ctx);
    CHECK(find_field(e, "coordination").as_double(0) == 0);
    CHECK(e.summary["dropped_edges"].get<std::int64_t>() >= 60);
    const FrameResult f = run(ico, {{"face_threshold", 3.0}}, ctx);
    CHECK(find_field(f, "coordination").as_double(0) == 0);
    CHECK(find_field(f, "volume").as_double(0) == find_field(e, "volume").as_double(0));
  }
}

TEST_CASE("voronoi analyzer: volumes and face counts match LAMMPS on the glass",
          "[voronoi][analyzers][lammps]") {
  if (!test::lammps_available()) return;
  const auto data = test::shared_data("cuzr2k_aqs_final_tric.data");
  const auto dir = test::temp_dir("voro_analyzer_lmp");
  test::write_text(dir / "in.lmp", fmt::format(R"(units metal
boundary p p p
atom_style atomic
read_data {}
pair_style zero 8.0
pair_coeff * *
comm_modify cutoff 12.0
compute vor all voronoi/atom
dump d all custom 1 vor.dump id type c_vor[1] c_vor[2]
dump_modify d sort id format float %.17g
run 0
)",
                                               data.string()));
  std::string out;
  const int rc = test::run_command(
      fmt::format("cd '{}' && lmp -log none -screen none -in in.lmp", dir.string()), &out);
  INFO(out);
  REQUIRE(rc == 0);
  std::map<std::int64_t, std::pair<double, int>> ref;
  std::istringstream in(test::read_text(dir / "vor.dump"));
  std::string line;
  for (int k = 0; k < 9; ++k) std::getline(in, line);
  std::int64_t id;
  int type;
  double volume, faces;
  while (in >> id >> type >> volume >> faces) ref[id] = {volume, static_cast<int>(faces)};

  const Frame frame = io::read_lammps_data(data.string()).frame;
  REQUIRE(ref.size() == frame.size());
  const FrameResult r = run(frame, json::object());
  std::size_t bad = 0;
  std::map<int, double> mean_volume;
  std::map<int, int> count;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const auto [v, nf] = ref.at(frame.id[i]);
    if (std::abs(find_field(r, "volume").as_double(i) - v) > 1e-8 * v ||
        find_field(r, "coordination").as_double(i) != nf) {
      ++bad;
    }
    mean_volume[frame.type[i]] += v;
    ++count[frame.type[i]];
  }
  CHECK(bad == 0);
  for (const auto& [t, sum] : mean_volume) {
    CHECK(r.summary["types"][std::to_string(t)]["mean_volume"].get<double>() ==
          Approx(sum / count[t]).epsilon(1e-10));
  }
  CHECK(std::abs(r.summary["volume_sum_relative_error"].get<double>()) < 1e-12);
  std::filesystem::remove_all(dir);
}
