// The correlate analyzer: fields by name, summary layout, tables, the default fit range beyond
// the first shell, and configuration errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "analysis.hpp"
#include "engine/errors.hpp"
#include "engine/pipeline.hpp"
#include "lattice.hpp"

using namespace mgs;

namespace {

// fcc 4x4x4 (a = 3.6 Å, L = 14.4 Å): c_a = sin(2π z / 7.2 Å) + 1e-4 i (distinct values),
// c_b = 2 c_a + 1, c_flag = (c_a > 0).
Frame waves() {
  Frame f = test::cubic_lattice("fcc", 3.6, 4);
  InputColumn a{"c_a", {}}, b{"c_b", {}}, flag{"c_flag", {}};
  for (std::size_t i = 0; i < f.size(); ++i) {
    const double v = std::sin(2 * M_PI * f.pos[i].z() / 7.2) + 1e-4 * static_cast<double>(i);
    a.values.push_back(v);
    b.values.push_back(2 * v + 1);
    flag.values.push_back(v > 0 ? 1.0 : 0.0);
  }
  f.columns = {a, b, flag};
  return f;
}

// [[a, b]] (a braced list of two strings would be read as an object).
nlohmann::json pairs_of(const std::string& a, const std::string& b) {
  return nlohmann::json::array({nlohmann::json::array({a, b})});
}

FrameResult run(const nlohmann::json& params) {
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(test::make_analyzer("correlate", params));
  return compute_frame(waves(), list, {}).front().result;
}

}  // namespace

TEST_CASE("correlate: summary, tables and statistics of fields by name", "[correlate]") {
  const FrameResult r = run({{"fields", {"c_a"}},
                             {"pairs", pairs_of("c_a", "c_b")},
                             {"flags", pairs_of("c_a", "c_flag")},
                             {"r_max", 7.0},
                             {"bins", 28},
                             {"top_fraction", 0.25}});
  const auto& s = r.summary;
  CHECK(s["bins"] == 28);
  CHECK(s["dr"] == Approx(0.25));
  REQUIRE(s["r"].size() == 28);
  // fcc shells at 2.55 and 3.6 Å: the first minimum of g(r) lies between them.
  CHECK(s["fit_from_rule"] == "first minimum of g(r) after its main peak");
  CHECK(s["fit_from"].get<double>() > 2.55);
  CHECK(s["fit_from"].get<double>() < 3.6);
  const auto& field = s["fields"]["c_a"];
  CHECK(field["C"][0].is_null());  // no pairs below the nearest-neighbour distance
  CHECK(field["lengths"].contains("exponential"));
  CHECK(field["lengths"].contains("ornstein_zernike"));
  CHECK(field["lengths"]["integral"]["zero_found"] == true);
  // Half a wavelength (3.6 Å) anticorrelates along z: C has a zero within r_max.
  CHECK(field["lengths"]["integral"]["r0"].get<double>() < 7.0);
  REQUIRE(s["pairs"].size() == 1);
  const auto& pair = s["pairs"][0];
  CHECK(pair["pearson"].get<double>() == Approx(1.0));
  CHECK(pair["spearman"].get<double>() == Approx(1.0));
  CHECK(pair["top"]["jaccard"] == 1.0);
  CHECK(pair["top"]["size_a"] == 64);
  CHECK(pair["top"]["enrichment"].get<double>() == Approx(256.0 / 64.0));
  // b is an affine function of a: C_ab(r) = C_aa(r).
  for (std::size_t k = 0; k < 28; ++k) {
    if (field["C"][k].is_null()) {
      CHECK(pair["C"][k].is_null());
    } else {
      CHECK(pair["C"][k].get<double>() == Approx(field["C"][k].get<double>()).margin(1e-12));
    }
  }
  REQUIRE(s["flags"].size() == 1);
  CHECK(s["flags"][0]["roc_auc"] == 1.0);
  CHECK(s["flags"][0]["positives"].get<int>() + s["flags"][0]["negatives"].get<int>() == 256);
  REQUIRE(r.tables.size() == 2);
  CHECK(r.tables[0].name == "autocorrelation");
  CHECK(r.tables[0].columns == std::vector<std::string>{"r", "g", "pairs", "c_a"});
  CHECK(r.tables[1].name == "cross_correlation");
  CHECK(r.tables[1].columns == std::vector<std::string>{"r", "g", "pairs", "c_a*c_b"});
  CHECK(r.tables[1].data[0].size() == 28);
}

TEST_CASE("correlate: fit range given; warnings; configuration errors", "[correlate]") {
  const FrameResult r = run({{"fields", {"c_a"}}, {"r_max", 9.0}, {"fit_from", 1.0}});
  CHECK(r.summary["fit_from"] == 1.0);
  CHECK(r.summary["fit_from_rule"] == "given");
  CHECK(r.summary.contains("warnings"));  // r_max beyond half the cell
  CHECK(r.tables.size() == 1);
  CHECK_THROWS_AS(test::make_analyzer("correlate", nlohmann::json::object()), ConfigError);
  CHECK_THROWS_AS(test::make_analyzer("correlate", {{"pairs", {{"c_a"}}}}), ConfigError);
  CHECK_THROWS_AS(test::make_analyzer("correlate", {{"fields", {1}}}), ConfigError);
  CHECK_THROWS_WITH(run({{"fields", {"c_nope"}}}), Catch::Contains("c_nope"));
}
