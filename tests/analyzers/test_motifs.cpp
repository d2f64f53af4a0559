// The `motifs` analyzer: the id encoding, analytic polyhedra (icosahedron, FCC, BCC), chains of
// interpenetrating and vertex-sharing icosahedra for the connectivity numbers, both GUM rules,
// parameter errors, and the sample glass against the `voronoi` analyzer and LAMMPS.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <Eigen/Geometry>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>

#include "analysis.hpp"
#include "analyzers/motifs.hpp"
#include "engine/errors.hpp"
#include "engine/params.hpp"
#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "io/lammps_data.hpp"
#include "io/trajectory.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using namespace mgs::analyzers;
using nlohmann::json;

namespace {

using mgs::test::find_field;

using mgs::test::make_analyzer;

FrameResult run(const Frame& frame, const json& params = json::object(),
                const RunContext& ctx = {}) {
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(make_analyzer("motifs", params, ctx));
  auto results = compute_frame(frame, analyzers, ctx.types);
  REQUIRE(results.size() == 1);
  return std::move(results[0].result);
}

const std::vector<std::string>& text_of(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<std::string>>(find_field(r, name).values);
}

std::int64_t int_of(const FrameResult& r, const std::string& name, std::size_t i) {
  return std::get<std::vector<std::int64_t>>(find_field(r, name).values)[i];
}

Motif motif(std::vector<int> n) {
  Motif m;
  for (std::size_t k = 0; k < n.size(); ++k) m.n[k] = n[k];
  return m;
}

// Icosahedra stacked along z, each center's axial neighbors being the next center (or an apex):
// centers 2h apart, rings of 5 between them at radius rho, successive rings turned by 36°, so
// every center has an axial atom, a ring, a staggered ring and an axial atom at 2.7 Å, the
// shell of a (slightly elongated) icosahedron. Consecutive centers interpenetrate: they are
// each other's neighbors and share the ring between them.
struct Built {
  std::vector<Vec3> pos;
  std::vector<std::size_t> centers;  // indices in pos
};

void add_chain(Built& b, int m, const Vec3& origin) {
  const double r = 2.7, h = r / 2, rho = std::sqrt(r * r - h * h), pi = std::acos(-1.0);
  b.pos.push_back(origin + Vec3(0, 0, -2 * h));
  b.pos.push_back(origin + Vec3(0, 0, 2 * h * m));
  for (int j = 0; j <= m; ++j) {
    for (int a = 0; a < 5; ++a) {
      const double phi = (72.0 * a + 36.0 * j) * pi / 180.0;
      b.pos.push_back(origin + Vec3(rho * std::cos(phi), rho * std::sin(phi), -h + 2 * h * j));
    }
  }
  // Centers last in each block, so a test can rely on their ids being the highest.
  for (int k = 0; k < m; ++k) {
    b.centers.push_back(b.pos.size());
    b.pos.push_back(origin + Vec3(0, 0, 2 * h * k));
  }
}

// The 12 unit vectors of a regular icosahedron.
std::vector<Vec3> icosahedron_directions() {
  const double phi = (1.0 + std::sqrt(5.0)) / 2.0;
  std::vector<Vec3> out;
  for (double s1 : {-1.0, 1.0})
    for (double s2 : {-1.0, 1.0})
      for (const Vec3& v : {Vec3(0, s1, s2 * phi), Vec3(s1, s2 * phi, 0), Vec3(s2 * phi, 0, s1)})
        out.push_back(v.normalized());
  return out;
}

Frame frame_of(const Built& b) {
  std::vector<int> type(b.pos.size(), 2);
  for (std::size_t c : b.centers) type[c] = 1;
  return test::make_frame(Box(Mat3::Identity() * 60.0, Vec3(-30, -30, -30), {false, false, false}),
                          b.pos, type);
}

Frame glass() {
  io::InputSpec in;
  in.paths = {test::example_data("cuzr2k_IS.dump").string()};
  return io::read_frame(in, 0);
}

RunContext cu_zr() {
  RunContext ctx;
  ctx.types.resize(3);
  ctx.types[1].element = "Cu";
  ctx.types[2].element = "Zr";
  return ctx;
}

}  // namespace

TEST_CASE("motifs: the id packs n3..n6 in two digits each", "[motifs][analyzers]") {
  CHECK(motif_id(motif({0, 2, 8, 2})) == 20802);
  CHECK(motif_id(motif({0, 0, 12, 0})) == 1200);
  CHECK(motif_id(motif({0, 12, 0, 0})) == 120000);
  CHECK(motif_id(motif({0, 6, 0, 8})) == 60008);
  CHECK(motif_id(motif({1, 3, 4, 4})) == 1030404);
  // Faces of 7..11 edges go above: one heptagon.
  CHECK(motif_id(motif({0, 3, 6, 4, 1})) == 100030604);
  CHECK(motif_label(motif({0, 3, 6, 4, 1})) == "<0,3,6,4,1>");
  CHECK(motif_label(motif({0, 2, 8, 2})) == "<0,2,8,2>");
  CHECK(motif_label(motif({0, 2, 8, 2, 0, 1})) == "<0,2,8,2,0,1>");
  // What two digits cannot hold.
  CHECK(motif_id(motif({0, 100, 0, 0})) == kUnencodedMotif);
  Motif big = motif({0, 2, 8, 2});
  big.beyond = 1;
  CHECK(motif_id(big) == kUnencodedMotif);
  CHECK(motif_label(big) == "<0,2,8,2>+1");
  for (const Motif& m :
       {motif({0, 2, 8, 2}), motif({0, 3, 6, 4, 1}), motif({3, 0, 1, 99, 0, 0, 2})}) {
    REQUIRE(decode_motif_id(motif_id(m)).has_value());
    CHECK(*decode_motif_id(motif_id(m)) == m);
  }
  CHECK_FALSE(decode_motif_id(-1).has_value());

  CHECK(parse_motif("<0,2,8,2>") == motif({0, 2, 8, 2}));
  CHECK(parse_motif(" < 0, 1,10, 2 > ") == motif({0, 1, 10, 2}));
  CHECK(parse_motif(json::array({0, 2, 8, 1})) == motif({0, 2, 8, 1}));
  CHECK(parse_motif(json::array({0, 0, 12, 0, 0})) == motif({0, 0, 12, 0}));
  CHECK(parse_motif("<0,3,6,4,1>") == motif({0, 3, 6, 4, 1}));
  for (const json& bad : {json("<0,2,8>"), json("0,2,8,2"), json("<0,2,x,2>"), json("<0,,8,2>"),
                          json("<0,2,8,100>"), json::array({0, 2, 8}), json::array({0, -1, 8, 2}),
                          json::array({0, 2.5, 8, 2}), json(20802)}) {
    INFO(bad.dump());
    CHECK_FALSE(parse_motif(bad).has_value());
  }
}

TEST_CASE("motifs: ideal icosahedron center", "[motifs][analyzers]") {
  for (bool periodic : {true, false}) {
    INFO((periodic ? "periodic" : "non-periodic"));
    const FrameResult r = run(test::icosahedron_frame(periodic), json::object(), cu_zr());
    CHECK(int_of(r, "motif_id", 0) == 1200);
    CHECK(text_of(r, "motif")[0] == "<0,0,12,0>");
    CHECK(int_of(r, "full_icosahedron", 0) == 1);
    CHECK(int_of(r, "icosahedral_like", 0) == 1);
    CHECK(find_field(r, "motif_id").is_integer());
    CHECK(find_field(r, "motif").is_text());
    CHECK_THROWS_AS(find_field(r, "motif").as_double(0), std::logic_error);
    const json& s = r.summary;
    CHECK(s["types"]["2"]["element"] == "Zr");
    CHECK(s["types"]["2"]["full_icosahedron_fraction"] == 1.0);
    CHECK(s["types"]["2"]["top_indices"][0]["index"] == "<0,0,12,0>");
    CHECK(s["types"]["2"]["top_indices"][0]["motif_id"] == 1200);
    CHECK(s["fi_connectivity"]["centers"] == 1);
    CHECK(s["fi_connectivity"]["clusters"] == 1);
    CHECK(s["fi_connectivity"]["largest_cluster"] == 1);
    CHECK(s["fi_connectivity"]["connected_fraction"] == 0.0);
  }
}

TEST_CASE("motifs: FCC and BCC crystals", "[motifs][analyzers]") {
  struct Case {
    const char* lattice;
    const char* label;
    std::int64_t id;
  };
  for (const Case& c : {Case{"fcc", "<0,12,0,0>", 120000}, Case{"bcc", "<0,6,0,8>", 60008}}) {
    INFO(c.lattice);
    const Frame frame =
        test::cubic_lattice(c.lattice, c.lattice == std::string("fcc") ? 3.6 : 2.9, 3);
    const FrameResult r = run(frame, {{"gum_rule", "not_favored"}});
    for (std::size_t i = 0; i < frame.size(); ++i) {
      REQUIRE(text_of(r, "motif")[i] == c.label);
      REQUIRE(int_of(r, "motif_id", i) == c.id);
      REQUIRE(int_of(r, "full_icosahedron", i) == 0);
      REQUIRE(int_of(r, "icosahedral_like", i) == 0);
      REQUIRE(int_of(r, "gum", i) == 1);  // not in the default favored (icosahedral-like) list
    }
    const json& s = r.summary;
    CHECK(s["top_indices"].size() == 1);
    CHECK(s["top_indices"][0]["index"] == c.label);
    CHECK(s["top_indices"][0]["fraction"] == 1.0);
    CHECK(s["full_icosahedron_fraction"] == 0.0);
    CHECK(s["fi_connectivity"]["centers"] == 0);
    CHECK(s["fi_connectivity"]["largest_cluster"] == 0);
    CHECK(s["gum"]["rule"] == "not_favored");
    CHECK(s["gum"]["favored"].size() == 4);
    // Favoring the crystal's own index leaves no GUM.
    const FrameResult f = run(frame, {{"gum_rule", "not_favored"}, {"favored", {c.label}}});
    CHECK(f.summary["gum"]["atoms"] == 0);
  }
}

TEST_CASE("motifs: interpenetrating and vertex-sharing icosahedra", "[motifs][analyzers]") {
  const auto check_centers = [](const Built& b, const FrameResult& r) {
    for (std::size_t c : b.centers) {
      INFO("center " << c);
      CHECK(text_of(r, "motif")[c] == "<0,0,12,0>");
      CHECK(int_of(r, "full_icosahedron", c) == 1);
    }
  };
  SECTION("two interpenetrating icosahedra: one cluster of 2") {
    Built b;
    add_chain(b, 2, Vec3::Zero());
    const FrameResult r = run(frame_of(b));
    check_centers(b, r);
    const json& c = r.summary["fi_connectivity"];
    CHECK(c["centers"] == 2);
    CHECK(c["connected_fraction"] == 1.0);
    CHECK(c["interpenetrating_fraction"] == 1.0);
    CHECK(c["clusters"] == 1);
    CHECK(c["largest_cluster"] == 2);
  }
  SECTION("a chain of three and a lone icosahedron: clusters of 3 and 1") {
    Built b;
    add_chain(b, 3, Vec3::Zero());
    add_chain(b, 1, Vec3(15, 0, 0));
    const FrameResult r = run(frame_of(b));
    check_centers(b, r);
    const json& c = r.summary["fi_connectivity"];
    CHECK(c["centers"] == 4);
    CHECK(c["connected_fraction"] == 0.75);
    CHECK(c["interpenetrating_fraction"] == 0.75);
    CHECK(c["clusters"] == 2);
    CHECK(c["largest_cluster"] == 3);
  }
  SECTION("two icosahedra sharing one vertex: connected, not interpenetrating") {
    // B's shell is A's inverted through the shared vertex S and turned by 36° about the A-S-B
    // axis: S then sits between two eclipsed rings (square faces), so S is no icosahedron
    // center, while without the turn S would be a third, interpenetrating one.
    Built b;
    const auto dirs = icosahedron_directions();
    const Vec3 u = 2.7 * dirs[0];
    const Eigen::AngleAxisd turn(std::acos(-1.0) / 5, dirs[0]);
    for (const Vec3& d : dirs) b.pos.push_back(2.7 * d);
    for (std::size_t k = 1; k < dirs.size(); ++k) b.pos.push_back(2.0 * u - turn * (2.7 * dirs[k]));
    b.centers = {b.pos.size(), b.pos.size() + 1};
    b.pos.push_back(Vec3::Zero());
    b.pos.push_back(2.0 * u);
    const FrameResult r = run(frame_of(b));
    check_centers(b, r);
    const json& c = r.summary["fi_connectivity"];
    CHECK(c["centers"] == 2);
    CHECK(c["connected_fraction"] == 1.0);
    CHECK(c["interpenetrating_fraction"] == 0.0);
    CHECK(c["clusters"] == 2);
    CHECK(c["largest_cluster"] == 1);
  }
}

TEST_CASE("motifs: GUM rules", "[motifs][analyzers]") {
  SECTION("lowest_w5 on ties: the lowest atom ids") {
    // FCC: W5 = 0 everywhere; 108 atoms, 25 % -> 27 GUMs, ids 1..27.
    const Frame frame = test::cubic_lattice("fcc", 3.6, 3);
    const FrameResult r = run(frame, {{"gum_fraction", 0.25}});
    for (std::size_t i = 0; i < frame.size(); ++i)
      REQUIRE(int_of(r, "gum", i) == (frame.id[i] <= 27));
    CHECK(r.summary["gum"]["atoms"] == 27);
    CHECK(r.summary["gum"]["rule"] == "lowest_w5");
    CHECK(r.summary["gum"]["w5_at_most"] == 0.0);
  }
  Built b;
  add_chain(b, 3, Vec3::Zero());
  const Frame frame = frame_of(b);
  const std::size_t n = frame.size();
  SECTION("lowest_w5: all but the three centers (W5 = 1, the highest, highest ids)") {
    const FrameResult r = run(frame, {{"gum_fraction", static_cast<double>(n - 3) / n}});
    std::set<std::size_t> centers(b.centers.begin(), b.centers.end());
    for (std::size_t i = 0; i < n; ++i) CHECK(int_of(r, "gum", i) == !centers.count(i));
    CHECK(run(frame, {{"gum_fraction", 0.0}}).summary["gum"]["atoms"] == 0);
    CHECK(run(frame, {{"gum_fraction", 1.0}}).summary["gum"]["atoms"] == n);
  }
  SECTION("not_favored: exactly the atoms whose label is not listed") {
    const std::set<std::string> favored{"<0,0,12,0>", "<0,1,10,2>", "<0,2,8,2>", "<0,2,8,1>"};
    for (const json& p :
         {json{{"gum_rule", "not_favored"}},
          json{{"gum_rule", "not_favored"},
               {"icosahedral_like", {"<0,0,12,0>"}},
               {"favored", {{0, 0, 12, 0}, "<0,2,8,2>", "<0,1,10,2>", "<0,2,8,1>"}}}}) {
      INFO(p.dump());
      const FrameResult r = run(frame, p);
      std::int64_t gums = 0;
      for (std::size_t i = 0; i < n; ++i) {
        CHECK(int_of(r, "gum", i) == !favored.count(text_of(r, "motif")[i]));
        gums += int_of(r, "gum", i);
      }
      for (std::size_t c : b.centers) CHECK(int_of(r, "gum", c) == 0);
      CHECK(r.summary["gum"]["atoms"] == gums);
    }
  }
}

TEST_CASE("motifs: parameters are validated", "[motifs][analyzers]") {
  const auto error_of = [](const json& p) -> std::string {
    try {
      make_analyzer("motifs", p);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  };
  CHECK_THAT(error_of({{"icosahedral_like", {"<0,0,12,0>", "<0,2,8>"}}}),
             Catch::Contains("icosahedral_like[1]") && Catch::Contains("expected a Voronoi index"));
  CHECK_THAT(error_of({{"favored", {"<0,0,12,0>"}}}), Catch::Contains("not_favored"));
  CHECK_THAT(error_of({{"gum_rule", "not_favored"}, {"gum_fraction", 0.1}}),
             Catch::Contains("lowest_w5"));
  CHECK_THAT(error_of({{"gum_rule", "not_favored"}, {"favored", {json::array({1, 2})}}}),
             Catch::Contains("favored[0]"));
  CHECK_THAT(error_of({{"gum_rule", "lowest"}}), Catch::Contains("must be one of"));
  CHECK_THAT(error_of({{"gum_fraction", 1.5}}), Catch::Contains("at most 1"));
  CHECK_THAT(error_of({{"top", -1}}), Catch::Contains("at least 0"));
  CHECK(error_of({{"gum_rule", "not_favored"}, {"favored", json::array()}}).empty());
}

TEST_CASE("motifs: the sample glass against the voronoi analyzer", "[motifs][analyzers]") {
  const Frame frame = glass();
  const RunContext ctx = cu_zr();
  const std::size_t n = frame.size();
  for (const json& filters : {json::object(), json{{"radii", {{"Cu", 1.28}, {"Zr", 1.60}}},
                                                   {"edge_threshold", 0.1},
                                                   {"relative_face_threshold", 0.01}}}) {
    INFO(filters.dump());
    json vp = filters, mp = filters;
    vp["max_order"] = 10;
    mp["top"] = 5;
    std::vector<std::unique_ptr<Analyzer>> analyzers;
    analyzers.push_back(make_analyzer("voronoi", vp, ctx));
    analyzers.push_back(make_analyzer("motifs", mp, ctx));
    analyzers.push_back(make_analyzer("five_fold", filters, ctx));
    const auto results = compute_frame(frame, analyzers, ctx.types);
    const FrameResult& v = results[0].result;
    const FrameResult& m = results[1].result;
    const FrameResult& w = results[2].result;
    std::map<int, std::int64_t> fi, atoms;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t id = int_of(m, "motif_id", i);
      REQUIRE(id >= 0);
      const auto decoded = decode_motif_id(id);
      REQUIRE(decoded.has_value());
      int faces = 0;
      for (int k = 3; k <= 10; ++k) {
        const auto vk = static_cast<int>(find_field(v, fmt::format("n{}", k)).as_double(i));
        REQUIRE(decoded->n[static_cast<std::size_t>(k - 3)] == vk);
        faces += vk;
      }
      REQUIRE(faces == find_field(v, "coordination").as_double(i));
      REQUIRE(motif_label(*decoded) == text_of(m, "motif")[i]);
      const bool v_fi = find_field(v, "coordination").as_double(i) == 12 &&
                        find_field(v, "n5").as_double(i) == 12;
      REQUIRE(int_of(m, "full_icosahedron", i) == v_fi);
      fi[frame.type[i]] += v_fi;
      ++atoms[frame.type[i]];
    }
    for (int t : {1, 2}) {
      const json& mt = m.summary["types"][std::to_string(t)];
      CHECK(mt["atoms"] == atoms[t]);
      CHECK(mt["full_icosahedron_fraction"].get<double>() ==
            Approx(static_cast<double>(fi[t]) / static_cast<double>(atoms[t])));
      CHECK(mt["full_icosahedron_fraction"] ==
            v.summary["types"][std::to_string(t)]["full_icosahedron_fraction"]);
      REQUIRE(mt["top_indices"].size() == 5);
      for (const auto& row : mt["top_indices"]) {
        CHECK(row["motif_id"] == motif_id(*parse_motif(row["index"])));
      }
    }
    // Default GUM rule: the 10 % lowest W5 of five_fold's W5 (same tessellation), ties by id.
    CHECK(m.summary["gum"]["atoms"] == 200);
    const double cut = m.summary["gum"]["w5_at_most"].get<double>();
    for (std::size_t i = 0; i < n; ++i) {
      const double wi = find_field(w, "w5").as_double(i);
      if (int_of(m, "gum", i))
        REQUIRE(wi <= cut);
      else
        REQUIRE(wi >= cut);
    }
    const json& c = m.summary["fi_connectivity"];
    CHECK(c["centers"] == fi[1] + fi[2]);
    WARN("glass " << (filters.empty() ? "plain" : "radical, filtered") << ": FI Cu "
                  << m.summary["types"]["1"]["full_icosahedron_fraction"].get<double>() << ", Zr "
                  << m.summary["types"]["2"]["full_icosahedron_fraction"].get<double>()
                  << "; connectivity " << c.dump()
                  << "\nCu top: " << m.summary["types"]["1"]["top_indices"].dump()
                  << "\nZr top: " << m.summary["types"]["2"]["top_indices"].dump());
    if (filters.empty()) {
      // The voronoi analyzer's plain tessellation of this glass: 15.0 % Cu-centred FI.
      CHECK(m.summary["types"]["1"]["full_icosahedron_fraction"].get<double>() ==
            Approx(0.150).margin(0.001));
    }
  }
}

TEST_CASE("motifs: coordination and FI clusters match LAMMPS voronoi/atom on the glass",
          "[motifs][analyzers][lammps]") {
  if (!test::lammps_available()) return;
  const auto data = test::shared_data("cuzr2k_IS.data");
  const auto dir = test::temp_dir("motifs_lmp");
  // Per atom the face count; per face (local array) the owner id, the neighbor id and the area.
  test::write_text(dir / "in.lmp", fmt::format(R"(units metal
boundary p p p
atom_style atomic
read_data {}
pair_style zero 8.0
pair_coeff * *
comm_modify cutoff 12.0
compute vor all voronoi/atom neighbors yes
dump d all custom 1 vor.dump id type c_vor[1] c_vor[2]
dump_modify d sort id format float %.17g
dump f all local 1 faces.dump c_vor[1] c_vor[2] c_vor[3]
run 0
)",
                                               data.string()));
  std::string out;
  const int rc = test::run_command(
      fmt::format("cd '{}' && lmp -log none -screen none -in in.lmp", dir.string()), &out);
  INFO(out);
  REQUIRE(rc == 0);
  std::map<std::int64_t, int> faces;
  {
    std::istringstream in(test::read_text(dir / "vor.dump"));
    std::string line;
    for (int k = 0; k < 9; ++k) std::getline(in, line);
    std::int64_t id;
    int type;
    double volume, nf;
    while (in >> id >> type >> volume >> nf) faces[id] = static_cast<int>(nf);
  }
  std::map<std::int64_t, std::set<std::int64_t>> neighbors;  // by atom id, symmetric
  {
    std::istringstream in(test::read_text(dir / "faces.dump"));
    std::string line;
    for (int k = 0; k < 9; ++k) std::getline(in, line);
    double a, b, area;
    while (in >> a >> b >> area) {
      if (b <= 0 || area <= 0) continue;
      neighbors[std::llround(a)].insert(std::llround(b));
      neighbors[std::llround(b)].insert(std::llround(a));
    }
  }
  const Frame frame = io::read_lammps_data(data.string()).frame;
  REQUIRE(faces.size() == frame.size());
  const FrameResult r = run(frame);
  std::set<std::int64_t> fi;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const Motif m = *decode_motif_id(int_of(r, "motif_id", i));
    REQUIRE(std::accumulate(m.n.begin(), m.n.end(), 0) == faces.at(frame.id[i]));
    if (int_of(r, "full_icosahedron", i)) fi.insert(frame.id[i]);
  }
  // Independent connectivity from LAMMPS's neighbor ids: flood fill over FI-FI neighbor pairs,
  // and shared atoms by set intersection of the closed shells.
  std::set<std::int64_t> seen;
  std::int64_t clusters = 0, largest = 0, connected = 0;
  for (std::int64_t c : fi) {
    std::set<std::int64_t> shell = neighbors[c];
    shell.insert(c);
    for (std::int64_t d : fi) {
      if (d == c) continue;
      std::set<std::int64_t> other = neighbors[d];
      other.insert(d);
      if (std::any_of(shell.begin(), shell.end(), [&](std::int64_t a) { return other.count(a); })) {
        ++connected;
        break;
      }
    }
    if (seen.count(c)) continue;
    ++clusters;
    std::vector<std::int64_t> stack{c};
    seen.insert(c);
    std::int64_t size = 0;
    while (!stack.empty()) {
      const std::int64_t a = stack.back();
      stack.pop_back();
      ++size;
      for (std::int64_t b : neighbors[a]) {
        if (fi.count(b) && seen.insert(b).second) stack.push_back(b);
      }
    }
    largest = std::max(largest, size);
  }
  const json& c = r.summary["fi_connectivity"];
  CHECK(c["centers"] == fi.size());
  CHECK(c["clusters"] == clusters);
  CHECK(c["largest_cluster"] == largest);
  CHECK(c["connected_fraction"].get<double>() ==
        Approx(static_cast<double>(connected) / static_cast<double>(fi.size())));
  std::filesystem::remove_all(dir);
}
