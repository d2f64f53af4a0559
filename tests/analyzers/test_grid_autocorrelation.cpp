// The autocorrelation option of bin and coarse_grain (FFT C(r), S(q), lengths, frame average)
// and correlate's frame average: layout of tables and summaries, a cosine profile, skipped
// constant grids, configuration errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis.hpp"
#include "engine/errors.hpp"
#include "engine/pipeline.hpp"
#include "lattice.hpp"

using namespace mgs;

namespace {

// fcc 4x4x4 (a = 3.6 Å, L = 14.4 Å) moved up by 0.9 Å, so that each of 8 bins along c holds
// one (001) plane at its centre, with c_w = cos(2π z / L).
Frame wave() {
  Frame f = test::cubic_lattice("fcc", 3.6, 4);
  InputColumn c{"c_w", {}};
  for (std::size_t i = 0; i < f.size(); ++i) {
    f.pos[i].z() += 0.9;
    c.values.push_back(std::cos(2 * M_PI * f.pos[i].z() / 14.4));
  }
  f.columns.push_back(c);
  return f;
}

const Table& table(const FrameResult& r, const std::string& name) {
  for (const Table& t : r.tables) {
    if (t.name == name) return t;
  }
  FAIL("no table " << name);
  return r.tables.front();
}

}  // namespace

TEST_CASE("bin autocorrelation: a cosine profile along c, frame average, constant grid skipped",
          "[grid_autocorrelation]") {
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer(
      "bin", {{"axes", "c"},
              {"bins", 8},
              {"fields", {"c_w"}},
              {"autocorrelation", {{"r_max", 7.3}, {"dr", 0.25}, {"frame_average", true}}}}));
  FrameResult first;
  for (std::size_t k = 0; k < 2; ++k) {
    auto r = compute_frame(wave(), list, {});
    if (k == 0) first = r[0].result;
    list[0]->consume({k, 0, 0}, r[0].result);
  }
  const auto& s = first.summary["autocorrelation"];
  CHECK(s["fit_from"] == 0.0);
  CHECK(s["dr"].get<double>() == Approx(7.3 / 29));
  // Every bin holds one (001) plane of 32 atoms: the count grid is constant and skipped.
  REQUIRE(first.summary.contains("warnings"));
  CHECK(first.summary["warnings"][0].get<std::string>().find(
            "autocorrelation: count: no autocorrelation") == 0);
  CHECK_FALSE(s["fields"].contains("count"));
  REQUIRE(s["fields"].contains("c_w_mean"));
  const auto& f = s["fields"]["c_w_mean"];
  CHECK(f["volume"] == 0.0);  // a 1-D profile: no finite-volume offset
  CHECK(f["lengths"]["integral"]["zero_found"] == true);
  CHECK(f["structure_factor"]["dq"].get<double>() == Approx(2 * M_PI / 14.4));
  const Table& c = table(first, "c_w_mean_autocorrelation");
  CHECK(c.columns == std::vector<std::string>{"r", "C", "pairs"});
  REQUIRE(c.data[0].size() == 4);  // 1.8, 3.6, 5.4, 7.2 Å
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(c.data[0][k] == Approx(1.8 * (k + 1)));
    CHECK(c.data[1][k] == Approx(std::cos(2 * M_PI * c.data[0][k] / 14.4)).margin(1e-12));
  }
  const Table& sq = table(first, "c_w_mean_structure_factor");
  CHECK(sq.columns == std::vector<std::string>{"q", "S", "modes"});
  CHECK(sq.data[1][0] == Approx(4.0));  // all the power at q = ±2π/L: S = N/2 there
  const auto fin = list[0]->finish();
  REQUIRE(fin);
  const Table& avg = table(*fin, "c_w_mean_autocorrelation_frame_average");
  for (std::size_t k = 0; k < 4; ++k) {
    CHECK(avg.data[1][k] == Approx(c.data[1][k]).epsilon(1e-14));
    CHECK(avg.data[2][k] == 2 * c.data[2][k]);
  }
  CHECK(fin->summary["autocorrelation_frame_average"]["frames"] == 2);
  CHECK(fin->summary["autocorrelation_frame_average"]["fields"].contains("c_w_mean"));
}

TEST_CASE("coarse_grain autocorrelation: fit from 2σ by default; configuration errors",
          "[grid_autocorrelation]") {
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(
      test::make_analyzer("coarse_grain", {{"bin_size", 1.8},
                                           {"sigma", 1.0},
                                           {"fields", {"c_w"}},
                                           {"autocorrelation", nlohmann::json::object()}}));
  const auto r = compute_frame(wave(), list, {}).front().result;
  const auto& s = r.summary["autocorrelation"];
  CHECK(s["fit_from"] == 2.0);
  CHECK(s["r_max"] == 20.0);
  REQUIRE(s["fields"].contains("c_w_average"));
  CHECK(s["fields"]["c_w_average"]["volume"].get<double>() == Approx(14.4 * 14.4 * 14.4));
  CHECK(r.tables.size() == 2);
  CHECK_FALSE(list[0]->finish());

  CHECK_THROWS_AS(test::make_analyzer("coarse_grain", {{"bin_size", 1.8},
                                                       {"sigma", 1.0},
                                                       {"fields", {"c_w"}},
                                                       {"autocorrelation", {{"rmax", 5.0}}}}),
                  ConfigError);
  CHECK_THROWS_AS(test::make_analyzer("bin", {{"bin_size", 1.8},
                                              {"fields", {"c_w"}},
                                              {"autocorrelation", {{"r_max", 1.0}, {"dr", 2.0}}}}),
                  ConfigError);
}

TEST_CASE("correlate: frame average of C(r)", "[grid_autocorrelation]") {
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer(
      "correlate", {{"fields", {"c_w"}}, {"r_max", 7.0}, {"bins", 28}, {"frame_average", true}}));
  FrameResult first;
  for (std::size_t k = 0; k < 3; ++k) {
    auto r = compute_frame(wave(), list, {});
    if (k == 0) first = r[0].result;
    list[0]->consume({k, 0, 0}, r[0].result);
  }
  const auto fin = list[0]->finish();
  REQUIRE(fin);
  const Table& avg = table(*fin, "autocorrelation_frame_average");
  CHECK(avg.columns == std::vector<std::string>{"r", "pairs", "c_w"});
  const Table& one = table(first, "autocorrelation");
  for (std::size_t k = 0; k < 28; ++k) {
    if (std::isnan(one.data[3][k])) {
      CHECK(std::isnan(avg.data[2][k]));
    } else {
      CHECK(avg.data[2][k] == Approx(one.data[3][k]).epsilon(1e-14));
    }
    CHECK(avg.data[1][k] == 3 * one.data[2][k]);
  }
  const auto& fa = fin->summary["frame_average"];
  CHECK(fa["frames"] == 3);
  CHECK(fa["fields"]["c_w"]["lengths"]["integral"]["xi"].get<double>() ==
        Approx(first.summary["fields"]["c_w"]["lengths"]["integral"]["xi"].get<double>()));
}

TEST_CASE("bin autocorrelation: a grid skipped in some frames averages over the others",
          "[grid_autocorrelation]") {
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer(
      "bin", {{"axes", "c"},
              {"bins", 8},
              {"fields", {"c_w"}},
              {"autocorrelation", {{"r_max", 7.3}, {"dr", 0.25}, {"frame_average", true}}}}));
  Frame moved = wave();
  moved.pos[0].z() += 1.8;  // one atom to the next plane: the count is no longer constant
  std::size_t k = 0;
  for (const Frame& f : {wave(), moved, wave()}) {
    auto r = compute_frame(f, list, {});
    CHECK(r[0].result.summary["autocorrelation"]["fields"].contains("count") == (k == 1));
    list[0]->consume({k++, 0, 0}, r[0].result);
  }
  const auto fin = list[0]->finish();
  REQUIRE(fin);
  const auto& avg = fin->summary["autocorrelation_frame_average"];
  CHECK(avg["frames"] == 3);
  CHECK(avg["fields"]["c_w_mean"]["frames"] == 3);
  CHECK(avg["fields"]["count"]["frames"] == 1);
}
