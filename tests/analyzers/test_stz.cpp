// STZ clusters: hand-built clusters across periodic boundaries with analytic centroids and radii
// of gyration, the three selection rules, and the plastic events of the shared AQS shear run
// located independently by the stress drops in its stress-strain file.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "analysis.hpp"
#include "analyzers/stz.hpp"
#include "engine/pipeline.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

// Simple cubic 6x6x6 (a = 3 Å, L = 18 Å) with a field `c_val` that is 10 on a 2x2x2 block
// straddling the corner of the cell and 5 on a row of three atoms inside it.
Frame blocks_frame() {
  Frame f = test::cubic_lattice("sc", 3.0, 6);
  InputColumn c{"c_val", std::vector<double>(f.size(), 0.0)};
  for (std::size_t i = 0; i < f.size(); ++i) {
    const Vec3 g = f.pos[i] / 3.0;
    const auto in_corner = [](double x) { return std::lround(x) == 0 || std::lround(x) == 5; };
    if (in_corner(g.x()) && in_corner(g.y()) && in_corner(g.z())) c.values[i] = 10.0;
    if (std::lround(g.y()) == 2 && std::lround(g.z()) == 2 && g.x() > 1.5 && g.x() < 4.5) {
      c.values[i] = 5.0;
    }
  }
  f.columns.push_back(std::move(c));
  return f;
}

FrameResult run_stz(const Frame& f, const nlohmann::json& params) {
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(test::make_analyzer("stz", params));
  return std::move(compute_frame(f, analyzers, {}).front().result);
}

const std::vector<std::int64_t>& ints(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<std::int64_t>>(test::find_field(r, name).values);
}

}  // namespace

TEST_CASE("stz: clusters across periodic boundaries, centroids and radii of gyration", "[stz]") {
  const Frame f = blocks_frame();
  const auto& val = f.columns[0].values;
  const FrameResult all =
      run_stz(f, {{"field", "c_val"}, {"absolute", 1.0}, {"cutoff", 3.1}, {"min_size", 1}});
  CHECK(all.summary["selected"] == 11);
  REQUIRE(all.summary["clusters"] == 2);
  const auto& list = all.summary["cluster_list"];
  CHECK(list[0]["size"] == 8);
  CHECK(list[1]["size"] == 3);
  // The corner block unwraps to x, y, z in {15, 18}: centroid 16.5, Rg = sqrt(3)·1.5.
  for (int k = 0; k < 3; ++k) CHECK(list[0]["centroid"][k].get<double>() == Approx(16.5));
  CHECK(list[0]["radius_of_gyration"].get<double>() == Approx(std::sqrt(3.0) * 1.5));
  CHECK(list[0]["mean_value"].get<double>() == Approx(10.0));
  CHECK(list[0]["percolating"] == false);
  // The row at x = 6, 9, 12: centroid (9, 6, 6), Rg = sqrt(6).
  CHECK(list[1]["centroid"][0].get<double>() == Approx(9.0));
  CHECK(list[1]["centroid"][1].get<double>() == Approx(6.0));
  CHECK(list[1]["radius_of_gyration"].get<double>() == Approx(std::sqrt(6.0)));
  CHECK(all.summary["size_distribution"] == nlohmann::json{{"3", 1}, {"8", 1}});
  const auto& id = ints(all, "cluster");
  for (std::size_t i = 0; i < f.size(); ++i) {
    CHECK(id[i] == (val[i] == 10.0 ? 1 : val[i] == 5.0 ? 2 : 0));
  }
  // min_size drops the row; its atoms stay selected but carry no cluster id.
  const FrameResult big =
      run_stz(f, {{"field", "c_val"}, {"absolute", 1.0}, {"cutoff", 3.1}, {"min_size", 4}});
  CHECK(big.summary["clusters"] == 1);
  CHECK(big.summary["atoms_in_clusters"] == 8);
  for (std::size_t i = 0; i < f.size(); ++i) {
    CHECK(ints(big, "cluster")[i] == (val[i] == 10.0 ? 1 : 0));
    CHECK(ints(big, "selected")[i] == (val[i] > 1.0 ? 1 : 0));
  }
}

TEST_CASE("stz: selection by top fraction, mean + k std and absolute threshold", "[stz]") {
  Frame f = blocks_frame();
  const auto& val = f.columns[0].values;
  const double n = static_cast<double>(f.size());
  // top 8 of 216 = the corner block exactly.
  const FrameResult top =
      run_stz(f, {{"field", "c_val"}, {"top_fraction", 8.0 / n}, {"cutoff", 3.1}});
  CHECK(top.summary["selected"] == 8);
  CHECK(top.summary["threshold"] == 10.0);
  // Ties go to the lower atom index: the top 9 are the block and the first atom of the row.
  const FrameResult tie =
      run_stz(f, {{"field", "c_val"}, {"top_fraction", 9.0 / n}, {"cutoff", 3.1}});
  std::size_t first_row = 0;
  while (val[first_row] != 5.0) ++first_row;
  CHECK(ints(tie, "selected")[first_row] == 1);
  CHECK(tie.summary["selected"] == 9);
  // mean + k·std computed here: mean = 95/216, sample std from the definition.
  double mean = 0, ss = 0;
  for (double v : val) mean += v / n;
  for (double v : val) ss += (v - mean) * (v - mean);
  const double k = 2.0, threshold = mean + k * std::sqrt(ss / (n - 1));
  const FrameResult sig = run_stz(f, {{"field", "c_val"}, {"sigma", k}, {"cutoff", 3.1}});
  CHECK(sig.summary["threshold"].get<double>() == Approx(threshold).epsilon(1e-12));
  std::size_t above = 0;
  for (double v : val) above += v > threshold ? 1 : 0;
  CHECK(sig.summary["selected"] == above);
  CHECK_THROWS_WITH(
      test::make_analyzer("stz",
                          {{"field", "c_val"}, {"sigma", 1.0}, {"absolute", 2.0}, {"cutoff", 3.0}}),
      Catch::Contains("expected one selection"));
  // A field nobody produced is named with the ones that exist.
  CHECK_THROWS_WITH(run_stz(f, {{"field", "d2min_value"}, {"cutoff", 3.1}}),
                    Catch::Contains("d2min_value") && Catch::Contains("c_val"));
}

TEST_CASE("stz: a cluster that wraps around the cell is marked percolating", "[stz]") {
  Frame f = test::cubic_lattice("sc", 3.0, 6);
  InputColumn c{"c_val", std::vector<double>(f.size(), 0.0)};
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f.pos[i].y() < 1 && f.pos[i].z() < 1) c.values[i] = 1.0;  // a full line along x
  }
  f.columns.push_back(std::move(c));
  const FrameResult r = run_stz(f, {{"field", "c_val"}, {"absolute", 0.5}, {"cutoff", 3.1}});
  REQUIRE(r.summary["clusters"] == 1);
  CHECK(r.summary["cluster_list"][0]["size"] == 6);
  CHECK(r.summary["cluster_list"][0]["percolating"] == true);
}

TEST_CASE("stz: finds the plastic events of the AQS shear run where the stress drops",
          "[stz][shared]") {
  // Independent reference: the stress-strain curve LAMMPS wrote at every AQS step. Frame k of the
  // dump is step 20k, so window k covers steps 20(k-1)..20k.
  std::ifstream stress(test::shared_data("cuzr2k_aqs_stress.txt"));
  std::vector<double> tau;
  for (std::string line; std::getline(stress, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    double step, gamma, t;
    in >> step >> gamma >> t;
    tau.push_back(t);
  }
  REQUIRE(tau.size() == 481);

  const auto dir = test::temp_dir("stz_aqs");
  nlohmann::json run = {{"input",
                         {{"path", test::shared_data("cuzr2k_aqs_shear.dump.gz").string()},
                          {"frames", {{"start", 1}}}}},
                        {"analyzers",
                         {{{"type", "d2min"}, {"cutoff", 5.0}, {"reference", {{"offset", -1}}}},
                          {{"type", "stz"}, {"absolute", 1.0}, {"cutoff", 3.7}, {"min_size", 5}}}},
                        {"outputs", {{{"format", "json"}, {"path", "out.json"}}}}};
  test::write_text(dir / "run.json", run.dump());
  REQUIRE(test::run_command(test::binary().string() + " run --quiet " +
                            (dir / "run.json").string()) == 0);
  const auto summary = nlohmann::json::parse(test::read_text(dir / "out.json"));
  REQUIRE(summary["frames"].size() == 24);
  int events = 0;
  for (const auto& f : summary["frames"]) {
    const std::size_t k = f["input_frame"];
    double drop = 0.0;
    for (std::size_t s = 20 * (k - 1); s < 20 * k; ++s) drop = std::max(drop, tau[s] - tau[s + 1]);
    const auto& stz = f["analyzers"]["stz"];
    INFO("window " << k << ": largest stress drop " << drop << " GPa");
    if (drop == 0.0) {
      CHECK(stz["clusters"] == 0);  // purely elastic window: nothing moved non-affinely
    } else if (drop >= 0.01) {
      ++events;
      CHECK(stz["largest"].get<int>() >= 10);
      if (drop >= 0.1) CHECK(stz["atoms_in_clusters"].get<int>() >= 150);
    }
  }
  CHECK(events >= 12);  // 14 windows have a drop of at least 0.01 GPa
}
