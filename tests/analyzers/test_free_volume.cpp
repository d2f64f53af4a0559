#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "analyzers/free_volume.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "io/trajectory.hpp"
#include "analysis.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

FrameResult run(const Frame& frame, const nlohmann::json& given, const std::vector<TypeInfo>& types) {
  const auto* spec = Registry::instance().find("free_volume");
  REQUIRE(spec);
  nlohmann::json p = validate_params(given, spec->params, "test");
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(spec->make(p, "free_volume", RunContext{types, {}}));
  auto results = compute_frame(frame, analyzers, types);
  return std::move(results.front().result);
}

const std::vector<double>& field(const FrameResult& r, const std::string& name) {
  for (const auto& f : r.fields) {
    if (f.name == name) return std::get<std::vector<double>>(f.values);
  }
  FAIL("no field " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("free_volume: FCC crystal, analytic volumes, density and packing", "[free_volume]") {
  const double a = 3.615;  // Cu
  const Frame fcc = test::cubic_lattice("fcc", a, 3);
  std::vector<TypeInfo> types(2);
  types[1].element = "Cu";
  types[1].mass = 63.546;
  // Touching spheres: r = a / (2 sqrt 2), packing fraction pi / (3 sqrt 2).
  const double r = a / (2.0 * std::sqrt(2.0));
  const auto res = run(fcc, {{"radii", {{"1", r}}}}, types);
  const double v = a * a * a / 4.0;
  for (std::size_t i = 0; i < fcc.size(); ++i) {
    CHECK(field(res, "volume")[i] == Approx(v).epsilon(1e-12));
    CHECK(field(res, "value")[i] == Approx(0.0).margin(1e-10));
    CHECK(field(res, "packing_fraction")[i] == Approx(std::numbers::pi / (3.0 * std::sqrt(2.0))).epsilon(1e-12));
    CHECK(field(res, "geometric")[i] == Approx(v - 4.0 / 3.0 * std::numbers::pi * r * r * r).epsilon(1e-12));
  }
  // Copper's density from its lattice constant: 4 m / a^3 = 8.93 g/cm^3.
  CHECK(res.summary["density"].get<double>() == Approx(4 * 63.546 / (a * a * a) * 1.66053906660).epsilon(1e-12));
  CHECK(res.summary["density"].get<double>() == Approx(8.93).epsilon(0.003));

  // Given reference volumes.
  const auto given = run(fcc, {{"reference_volumes", {{"1", 10.0}}}}, types);
  CHECK(field(given, "value")[0] == Approx(v - 10.0));
  CHECK(field(given, "relative")[0] == Approx((v - 10.0) / 10.0));
}

TEST_CASE("free_volume: the shared glass, density as a partition of space", "[free_volume]") {
  io::InputSpec in;
  in.paths = {test::example_data("cuzr2k_IS.dump").string()};
  const Frame glass = io::read_frame(in, 0);
  std::vector<TypeInfo> types(3);
  types[1] = {"Cu", 63.546, std::nullopt};
  types[2] = {"Zr", 91.224, std::nullopt};
  const auto res = run(glass, nlohmann::json::object(), types);
  // Published with the data: 7.5414 g/cm^3 for the inherent structure.
  CHECK(res.summary["density"].get<double>() == Approx(7.5414).epsilon(2e-5));
  CHECK(res.summary["density"].get<double>() ==
        Approx(res.summary["density_from_box"].get<double>()).epsilon(1e-12));
  // Species-mean reference: free volumes of each species average to zero.
  double sum_cu = 0, sum_zr = 0;
  for (std::size_t i = 0; i < glass.size(); ++i) (glass.type[i] == 1 ? sum_cu : sum_zr) += field(res, "value")[i];
  CHECK(std::abs(sum_cu) < 1e-9);
  CHECK(std::abs(sum_zr) < 1e-9);
  // Zr atoms are larger than Cu atoms.
  CHECK(res.summary["types"]["2"]["volume"]["mean"].get<double>() >
        res.summary["types"]["1"]["volume"]["mean"].get<double>());
}

TEST_CASE("free_volume: dilatation and species means against a reference configuration",
          "[free_volume][reference]") {
  const double a = 3.615;
  const Frame ref = test::cubic_lattice("fcc", a, 3);
  // A homogeneous expansion by 1 %: every cell grows by 1.01³ (analytic).
  const Frame cur = test::deformed(ref, 1.01 * Mat3::Identity());
  const FrameResult r = test::compute_against(
      cur, ref, "free_volume", {{"reference", {{"frame", 0}}}, {"reference_volumes", "reference"}});
  const double expected = std::pow(1.01, 3) - 1.0;
  for (double d : field(r, "dilatation")) CHECK(d == Approx(expected).epsilon(1e-10));
  // The reference volume is the reference's species mean a³/4, so relative = dilatation here.
  for (double v : field(r, "relative")) CHECK(v == Approx(expected).epsilon(1e-10));
  CHECK(r.summary["types"]["1"]["reference_volume"].get<double>() ==
        Approx(a * a * a / 4).epsilon(1e-12));
  CHECK(r.summary["reference"] == "reference_species_mean");
  // Without a reference there is no dilatation column.
  const FrameResult plain = run(cur, nlohmann::json::object(), {});
  for (const auto& f : plain.fields) CHECK(f.name != "dilatation");
  CHECK_THROWS_WITH(test::make_analyzer("free_volume", {{"reference_volumes", "reference"}}),
                    Catch::Contains("needs a reference configuration"));
}
