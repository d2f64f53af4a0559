// The `five_fold` analyzer: W5 and common-neighbor analysis on analytic structures (icosahedron,
// FCC, HCP, BCC, tiny periodic cells where bonds reach periodic images of the same atom),
// parameters, and the sample glass against the `voronoi` analyzer's fields and an independent
// brute-force CNA.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "analysis.hpp"
#include "analyzers/five_fold.hpp"
#include "engine/errors.hpp"
#include "engine/params.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "io/trajectory.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using namespace mgs::analyzers;
using nlohmann::json;

namespace {

using mgs::test::find_field;
using mgs::test::icosahedron_frame;
using mgs::test::make_frame;

using mgs::test::make_analyzer;

// A periodic lattice: `basis` in Cartesian Å inside an orthogonal cell `cell`, repeated n times.
Frame lattice(const Vec3& cell, const std::vector<Vec3>& basis, std::array<int, 3> n) {
  std::vector<Vec3> pos;
  for (int i = 0; i < n[0]; ++i)
    for (int j = 0; j < n[1]; ++j)
      for (int k = 0; k < n[2]; ++k)
        for (const Vec3& b : basis) pos.push_back(b + cell.cwiseProduct(Vec3(i, j, k)));
  const Vec3 l = cell.cwiseProduct(Vec3(n[0], n[1], n[2]));
  return make_frame(Box(l.asDiagonal(), Vec3::Zero(), {true, true, true}), pos,
                    std::vector<int>(pos.size(), 1));
}

Frame fcc(double a, int n) {
  return lattice(
      Vec3(a, a, a),
      {a * Vec3(0, 0, 0), a * Vec3(0.5, 0.5, 0), a * Vec3(0.5, 0, 0.5), a * Vec3(0, 0.5, 0.5)},
      {n, n, n});
}

Frame bcc(double a, int n) {
  return lattice(Vec3(a, a, a), {a * Vec3(0, 0, 0), a * Vec3(0.5, 0.5, 0.5)}, {n, n, n});
}

// Ideal HCP (c/a = sqrt(8/3)) in its orthorhombic 4-atom cell a x a*sqrt(3) x c.
Frame hcp(double a, std::array<int, 3> n) {
  const double c = a * std::sqrt(8.0 / 3.0), s3 = std::sqrt(3.0);
  return lattice(Vec3(a, a * s3, c),
                 {Vec3(0, 0, 0), Vec3(a / 2, a * s3 / 2, 0), Vec3(0, a * s3 / 3, c / 2),
                  Vec3(a / 2, 5 * a * s3 / 6, c / 2)},
                 n);
}



FrameResult run(const Frame& frame, const json& params, const RunContext& ctx = {}) {
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(make_analyzer("five_fold", params, ctx));
  auto results = compute_frame(frame, analyzers, ctx.types);
  REQUIRE(results.size() == 1);
  return std::move(results[0].result);
}

// Bond count of one HA signature in the summary's full table (0 when absent).
std::int64_t signature_count(const json& summary, const std::string& ha) {
  for (const auto& row : summary["cna"]["signatures"]) {
    if (row["ha"] == ha) return row["count"].get<std::int64_t>();
  }
  return 0;
}

}  // namespace

TEST_CASE("five_fold: HA names map to OVITO's (common, bonds, chain) triples",
          "[five_fold][analyzers]") {
  CHECK(ha_name({5, 5, 5}) == "1551");
  CHECK(ha_name({5, 4, 4}) == "1541");
  CHECK(ha_name({4, 3, 3}) == "1431");
  CHECK(ha_name({6, 6, 6}) == "1661");
  CHECK(ha_name({4, 4, 4}) == "1441");
  CHECK(ha_name({4, 2, 1}) == "1421");
  CHECK(ha_name({4, 2, 2}) == "1422");
  CHECK(ha_name({3, 2, 2}) == "1321");
  CHECK(ha_name({7, 3, 2}).empty());
  for (const std::string& name : named_signatures()) {
    const auto sig = signature_of_ha(name);
    REQUIRE(sig.has_value());
    CHECK(ha_name(*sig) == name);
    CHECK(unpack_signature(pack_signature(*sig)) == *sig);
  }
  CHECK_FALSE(signature_of_ha("1999").has_value());
}

TEST_CASE("five_fold: largest bond cluster (OVITO's longest chain)", "[five_fold][analyzers]") {
  const auto graph = [](std::size_t m, std::vector<std::pair<int, int>> edges) {
    std::vector<std::uint64_t> adj(m, 0);
    for (auto [a, b] : edges) {
      adj[static_cast<std::size_t>(a)] |= std::uint64_t{1} << b;
      adj[static_cast<std::size_t>(b)] |= std::uint64_t{1} << a;
    }
    return adj;
  };
  CHECK(largest_bond_cluster(graph(4, {})) == 0);
  CHECK(largest_bond_cluster(graph(4, {{0, 1}, {2, 3}})) == 1);                          // 1421
  CHECK(largest_bond_cluster(graph(4, {{0, 1}, {1, 2}})) == 2);                          // 1422
  CHECK(largest_bond_cluster(graph(5, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 0}})) == 5);  // 1551
  CHECK(largest_bond_cluster(graph(5, {{0, 1}, {1, 2}, {2, 3}, {3, 4}})) == 4);          // 1541
  CHECK(largest_bond_cluster(graph(6, {{0, 1}, {2, 3}, {3, 4}, {4, 5}})) == 3);
  CHECK(largest_bond_cluster(graph(4, {{0, 1}, {0, 2}, {0, 3}})) ==
        3);  // a star counts as one cluster
}

TEST_CASE("five_fold: ideal icosahedron", "[five_fold][analyzers]") {
  for (bool periodic : {true, false}) {
    INFO((periodic ? "periodic" : "non-periodic"));
    RunContext ctx;
    ctx.types.resize(3);
    ctx.types[1].element = "Cu";
    ctx.types[2].element = "Zr";
    // Center-vertex 2.7 Å, vertex-vertex 2.84 Å, next vertex-vertex 4.59 Å.
    const FrameResult r = run(icosahedron_frame(periodic), {{"cna_cutoff", 3.0}, {"w5_cut", 0.9}}, ctx);
    CHECK(find_field(r, "w5").as_double(0) == 1.0);
    CHECK(find_field(r, "n1551").as_double(0) == 12);
    CHECK(find_field(r, "cna_coordination").as_double(0) == 12);
    CHECK(find_field(r, "f5").as_double(0) == 1.0);
    CHECK(find_field(r, "n1551").is_integer());
    CHECK_FALSE(find_field(r, "w5").is_integer());
    for (std::size_t v = 1; v < 13; ++v) {
      // A vertex: the bond to the center is 1551; its 5 edges see (center + 2 apexes, 2 bonds
      // through the center) = (3,2,2) = 1321.
      CHECK(find_field(r, "n1551").as_double(v) == 1);
      CHECK(find_field(r, "cna_coordination").as_double(v) == 6);
    }
    const json& s = r.summary;
    CHECK(s["types"]["2"]["element"] == "Zr");
    CHECK(s["types"]["2"]["mean_w5"] == 1.0);
    CHECK(s["types"]["2"]["fraction_w5_at_least_cut"] == 1.0);
    CHECK(s["w5_cut"] == 0.9);
    CHECK(s["cna"]["cutoff"] == 3.0);
    CHECK(s["cna"]["bonds"] == 42);
    CHECK(signature_count(s, "1551") == 12);
    CHECK(signature_count(s, "1321") == 30);
    CHECK(s["cna"]["fractions"]["1551"].get<double>() == Approx(12.0 / 42.0));
    CHECK(s["cna"]["signatures"][0]["ha"] == "1321");  // sorted by count
    CHECK(s["cna"]["signatures"][0]["signature"] == json::array({3, 2, 2}));
    CHECK(s["cna"]["types"]["2"]["mean_f5"] == 1.0);
  }
}

TEST_CASE("five_fold: FCC is all 1421 and W5 = 0", "[five_fold][analyzers]") {
  const double a = 3.615;
  const double rc = 0.5 * (1 + std::sqrt(2.0)) * a / std::sqrt(2.0);  // between 1st and 2nd shell
  const Frame frame = fcc(a, 3);
  const FrameResult r = run(frame, {{"cna_cutoff", rc}, {"w5_cut", 0.5}});
  for (std::size_t i = 0; i < frame.size(); ++i) {
    REQUIRE(find_field(r, "w5").as_double(i) == 0.0);
    REQUIRE(find_field(r, "cna_coordination").as_double(i) == 12);
    REQUIRE(find_field(r, "n1551").as_double(i) == 0);
  }
  const json& s = r.summary;
  CHECK(s["mean_w5"] == 0.0);
  CHECK(s["fraction_w5_at_least_cut"] == 0.0);
  CHECK(s["cna"]["bonds"] == 6 * frame.size());
  CHECK(s["cna"]["signatures"].size() == 1);
  CHECK(s["cna"]["fractions"]["1421"] == 1.0);
  for (const std::string& name : named_signatures()) {
    CHECK(s["cna"]["fractions"].contains(name));
    if (name != "1421") CHECK(s["cna"]["fractions"][name] == 0.0);
  }
  CHECK(s["voronoi"]["radical"] == false);
}

TEST_CASE("five_fold: HCP is half 1421, half 1422", "[five_fold][analyzers]") {
  const double a = 2.5;
  const Frame frame = hcp(a, {4, 3, 3});
  const FrameResult r = run(frame, {{"cna_cutoff", 0.5 * (1 + std::sqrt(2.0)) * a}});
  for (std::size_t i = 0; i < frame.size(); ++i) {
    REQUIRE(find_field(r, "w5").as_double(i) == Approx(0.0).margin(1e-15));
    REQUIRE(find_field(r, "cna_coordination").as_double(i) == 12);
  }
  const json& s = r.summary;
  CHECK(s["cna"]["bonds"] == 6 * frame.size());
  CHECK(s["cna"]["signatures"].size() == 2);
  CHECK(signature_count(s, "1421") == 3 * static_cast<std::int64_t>(frame.size()));
  CHECK(signature_count(s, "1422") == 3 * static_cast<std::int64_t>(frame.size()));
  CHECK(s["cna"]["fractions"]["1421"] == 0.5);
  CHECK(s["cna"]["fractions"]["1422"] == 0.5);
}

TEST_CASE("five_fold: BCC with the second shell is 1661 and 1441 (8:6 per atom)",
          "[five_fold][analyzers]") {
  const double a = 3.0;  // shells at 2.60, 3.00, 4.24 Å
  const Frame frame = bcc(a, 4);
  const FrameResult r = run(frame, {{"cna_cutoff", 3.6}});
  for (std::size_t i = 0; i < frame.size(); ++i) {
    REQUIRE(find_field(r, "w5").as_double(i) == 0.0);
    REQUIRE(find_field(r, "cna_coordination").as_double(i) == 14);
    REQUIRE(find_field(r, "f5").as_double(i) == 0.0);
  }
  const json& s = r.summary;
  const auto n = static_cast<std::int64_t>(frame.size());
  CHECK(s["cna"]["bonds"] == 7 * n);
  CHECK(signature_count(s, "1661") == 4 * n);  // 8 per atom, each bond shared by 2 atoms
  CHECK(signature_count(s, "1441") == 3 * n);  // 6 per atom
  CHECK(s["cna"]["fractions"]["1661"].get<double>() == Approx(4.0 / 7.0));
  CHECK(s["cna"]["fractions"]["1441"].get<double>() == Approx(3.0 / 7.0));
  CHECK(s["cna"]["signatures"].size() == 2);
}

TEST_CASE("five_fold: bonds to periodic images of the same atom in tiny cells",
          "[five_fold][analyzers]") {
  SECTION("one-atom primitive FCC cell (general triclinic): 12 bonds to its own images, all 1421") {
    const double a = 3.615;
    Mat3 h;
    h.col(0) = 0.5 * a * Vec3(0, 1, 1);
    h.col(1) = 0.5 * a * Vec3(1, 0, 1);
    h.col(2) = 0.5 * a * Vec3(1, 1, 0);
    const Frame frame =
        make_frame(Box(h, Vec3::Zero(), {true, true, true}), {Vec3(0.1, 0.2, 0.3)}, {1});
    const FrameResult r =
        run(frame, {{"cna_cutoff", 0.5 * (1 + std::sqrt(2.0)) * a / std::sqrt(2.0)}});
    CHECK(find_field(r, "cna_coordination").as_double(0) == 12);
    CHECK(find_field(r, "w5").as_double(0) == 0.0);
    CHECK(r.summary["cna"]["bonds"] == 6);
    CHECK(r.summary["cna"]["fractions"]["1421"] == 1.0);
  }
  SECTION("a 4-atom FCC cube (cutoff beyond half the cell) equals the large crystal") {
    const double a = 3.615;
    const FrameResult r = run(fcc(a, 1), {{"cna_cutoff", 3.0}});
    for (std::size_t i = 0; i < 4; ++i) CHECK(find_field(r, "cna_coordination").as_double(i) == 12);
    CHECK(r.summary["cna"]["bonds"] == 24);
    CHECK(r.summary["cna"]["fractions"]["1421"] == 1.0);
  }
  SECTION("one-atom simple cubic cell: 6 bonds to itself, 3 unordered bonds, no common neighbors") {
    const Frame frame = make_frame(Box(Mat3::Identity() * 2.5, Vec3::Zero(), {true, true, true}),
                                   {Vec3(1, 1, 1)}, {1});
    const FrameResult r = run(frame, {{"cna_cutoff", 2.6}});
    CHECK(find_field(r, "cna_coordination").as_double(0) == 6);
    CHECK(r.summary["cna"]["bonds"] == 3);
    REQUIRE(r.summary["cna"]["signatures"].size() == 1);
    CHECK(r.summary["cna"]["signatures"][0]["signature"] == json::array({0, 0, 0}));
    CHECK(r.summary["cna"]["signatures"][0]["ha"].is_null());
  }
}

TEST_CASE("five_fold: parameters", "[five_fold][analyzers]") {
  RunContext ctx;
  ctx.types.resize(3);
  ctx.types[1].element = "Cu";
  ctx.types[2].element = "Zr";
  SECTION("the Voronoi keys are the voronoi analyzer's, so equal values share one tessellation") {
    const json p = {{"radii", {{"Cu", 1.28}, {"Zr", 1.60}}},
                    {"edge_threshold", 0.1},
                    {"relative_face_threshold", 0.01}};
    const auto v = make_analyzer("voronoi", p, ctx);
    json q = p;
    q["cna_cutoff"] = 3.7;
    q["w5_cut"] = 0.6;
    const auto f = make_analyzer("five_fold", q, ctx);
    REQUIRE(f->needs().voronoi.has_value());
    CHECK(*f->needs().voronoi == *v->needs().voronoi);
    CHECK(f->needs().neighbor_cutoff >= 3.7);
    CHECK(f->needs().neighbor_cutoff < 3.7 + 1e-5);
    CHECK(make_analyzer("five_fold", json::object(), ctx)->needs().neighbor_cutoff == 0.0);
  }
  SECTION("without cna_cutoff only W5 is computed") {
    const FrameResult r = run(icosahedron_frame(false), json::object(), ctx);
    REQUIRE(r.fields.size() == 1);
    CHECK(r.fields[0].name == "w5");
    CHECK_FALSE(r.summary.contains("cna"));
    CHECK_FALSE(r.summary.contains("w5_cut"));
    CHECK_FALSE(r.summary["types"]["1"].contains("fraction_w5_at_least_cut"));
  }
  SECTION("field order and units") {
    const FrameResult r = run(icosahedron_frame(false), {{"cna_cutoff", 3.0}}, ctx);
    std::vector<std::string> names;
    for (const auto& fl : r.fields) names.push_back(fl.name);
    CHECK(names == std::vector<std::string>{"w5", "n1551", "cna_coordination", "f5"});
  }
  SECTION("errors") {
    CHECK_THROWS_AS(make_analyzer("five_fold", {{"cna_cutoff", 0.0}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_analyzer("five_fold", {{"cna_cutoff", -1.0}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_analyzer("five_fold", {{"cna_cutoff", "3.7"}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_analyzer("five_fold", {{"w5_cut", 1.5}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_analyzer("five_fold", {{"cna_cutof", 3.7}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_analyzer("five_fold", {{"radii", {{"Nb", 1.4}}}}, ctx), ConfigError);
    CHECK_THROWS_AS(make_analyzer("five_fold", {{"max_order", 7}}, ctx),
                    ConfigError);  // a voronoi-only key
  }
}

namespace {

Frame glass() {
  io::InputSpec in;
  in.paths = {test::example_data("cuzr2k_IS.dump").string()};
  return io::read_frame(in, 0);
}

// Brute-force CNA with minimum-image distances (valid while the cutoff is below half the cell):
// adjacency sets by index, common neighbors by set intersection, the largest bond cluster by
// union-find over the bonds. Returns per-atom 1551 counts and CN, and signature counts.
struct Reference {
  std::vector<int> n1551, cn;
  std::map<std::array<int, 3>, std::int64_t> counts;
};

Reference brute_force_cna(const Frame& f, double rc) {
  const std::size_t n = f.size();
  const Mat3 h = f.box.cell();
  const Mat3 hinv = f.box.inverse();
  std::vector<std::set<std::size_t>> adj(n);
  const auto bonded = [&](std::size_t i, std::size_t j) {
    Vec3 s = hinv * (f.pos[j] - f.pos[i]);
    for (int k = 0; k < 3; ++k) s[k] -= std::round(s[k]);
    return (h * s).norm() <= rc;
  };
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      if (bonded(i, j)) {
        adj[i].insert(j);
        adj[j].insert(i);
      }
  Reference ref;
  ref.n1551.assign(n, 0);
  ref.cn.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    ref.cn[i] = static_cast<int>(adj[i].size());
    for (std::size_t j : adj[i]) {
      if (j < i) continue;
      std::vector<std::size_t> common;
      std::set_intersection(adj[i].begin(), adj[i].end(), adj[j].begin(), adj[j].end(),
                            std::back_inserter(common));
      std::vector<std::pair<std::size_t, std::size_t>> bonds;
      for (std::size_t p = 0; p < common.size(); ++p)
        for (std::size_t q = p + 1; q < common.size(); ++q)
          if (adj[common[p]].count(common[q])) bonds.emplace_back(p, q);
      std::vector<std::size_t> parent(common.size());
      std::iota(parent.begin(), parent.end(), 0);
      const auto root = [&](std::size_t x) {
        while (parent[x] != x) x = parent[x];
        return x;
      };
      for (auto [p, q] : bonds) parent[root(p)] = root(q);
      std::map<std::size_t, int> cluster_bonds;
      for (auto [p, q] : bonds) ++cluster_bonds[root(p)];
      int chain = 0;
      for (auto [r, c] : cluster_bonds) chain = std::max(chain, c);
      const std::array<int, 3> sig{static_cast<int>(common.size()), static_cast<int>(bonds.size()),
                                   chain};
      ++ref.counts[sig];
      if (sig == std::array<int, 3>{5, 5, 5}) {
        ++ref.n1551[i];
        ++ref.n1551[j];
      }
    }
  }
  return ref;
}

}  // namespace

TEST_CASE("five_fold: the sample glass against voronoi fields and a brute-force CNA",
          "[five_fold][analyzers]") {
  const Frame frame = glass();
  RunContext ctx;
  ctx.types.resize(3);
  ctx.types[1].element = "Cu";
  ctx.types[2].element = "Zr";
  const std::size_t n = frame.size();

  SECTION("W5 equals n5 / coordination of the voronoi analyzer, plain and radical with filters") {
    for (const json& p : {json::object(), json{{"radii", {{"Cu", 1.28}, {"Zr", 1.60}}},
                                               {"edge_threshold", 0.1},
                                               {"relative_face_threshold", 0.01}}}) {
      INFO(p.dump());
      std::vector<std::unique_ptr<Analyzer>> analyzers;
      analyzers.push_back(make_analyzer("voronoi", p, ctx));
      analyzers.push_back(make_analyzer("five_fold", p, ctx));
      const auto results = compute_frame(frame, analyzers, ctx.types);
      const FrameResult& v = results[0].result;
      const FrameResult& f = results[1].result;
      std::map<int, double> sum;
      std::map<int, int> count;
      for (std::size_t i = 0; i < n; ++i) {
        const double cn = find_field(v, "coordination").as_double(i);
        const double w5 = cn > 0 ? find_field(v, "n5").as_double(i) / cn : 0.0;
        REQUIRE(find_field(f, "w5").as_double(i) == w5);
        sum[frame.type[i]] += w5;
        ++count[frame.type[i]];
      }
      for (int t : {1, 2}) {
        CHECK(f.summary["types"][std::to_string(t)]["mean_w5"].get<double>() ==
              Approx(sum[t] / count[t]).epsilon(1e-12));
        CHECK(f.summary["types"][std::to_string(t)]["atoms"] == count[t]);
      }
      CHECK(f.summary["types"]["1"]["element"] == "Cu");
      CHECK(f.summary["types"]["2"]["element"] == "Zr");
      // Cu-centred clusters are the more icosahedral ones in CuZr glasses.
      CHECK(f.summary["types"]["1"]["mean_w5"].get<double>() >
            f.summary["types"]["2"]["mean_w5"].get<double>());
      CHECK(f.summary["voronoi"]["radical"] == p.contains("radii"));
      WARN("glass " << (p.contains("radii") ? "radical, filtered" : "plain")
                    << ": <W5> = " << f.summary["mean_w5"].get<double>() << ", Cu "
                    << f.summary["types"]["1"]["mean_w5"].get<double>() << ", Zr "
                    << f.summary["types"]["2"]["mean_w5"].get<double>());
    }
  }

  SECTION("CNA at the first minimum of g(r) agrees with a brute-force CNA") {
    const double rc =
        3.7;  // total g(r) of this glass is flat at its minimum (~0.25) over 3.6-3.8 Å
    const FrameResult r = run(frame, {{"cna_cutoff", rc}}, ctx);
    const Reference ref = brute_force_cna(frame, rc);
    std::int64_t bonds = 0;
    for (const auto& [sig, c] : ref.counts) bonds += c;
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE(find_field(r, "cna_coordination").as_double(i) == ref.cn[i]);
      REQUIRE(find_field(r, "n1551").as_double(i) == ref.n1551[i]);
      REQUIRE(find_field(r, "f5").as_double(i) ==
              (ref.cn[i] ? static_cast<double>(ref.n1551[i]) / ref.cn[i] : 0.0));
    }
    const json& cna = r.summary["cna"];
    CHECK(cna["bonds"] == bonds);
    REQUIRE(cna["signatures"].size() == ref.counts.size());
    for (const auto& row : cna["signatures"]) {
      const std::array<int, 3> sig{row["signature"][0].get<int>(), row["signature"][1].get<int>(),
                                   row["signature"][2].get<int>()};
      CHECK(row["count"] == ref.counts.at(sig));
    }
    for (std::size_t k = 1; k < cna["signatures"].size(); ++k) {
      CHECK(cna["signatures"][k - 1]["count"].get<std::int64_t>() >=
            cna["signatures"][k]["count"].get<std::int64_t>());
    }
    const double f1551 = cna["fractions"]["1551"].get<double>();
    CHECK(f1551 ==
          Approx(static_cast<double>(ref.counts.at({5, 5, 5})) / static_cast<double>(bonds)));
    CHECK(f1551 > 0.1);
    CHECK(f1551 < 0.6);
    WARN("glass CNA at " << rc << " Å: " << bonds << " bonds, 1551 fraction " << f1551 << ", 1541 "
                         << cna["fractions"]["1541"].get<double>() << ", 1431 "
                         << cna["fractions"]["1431"].get<double>() << ", mean f5 Cu "
                         << cna["types"]["1"]["mean_f5"].get<double>() << ", Zr "
                         << cna["types"]["2"]["mean_f5"].get<double>());
  }
}
