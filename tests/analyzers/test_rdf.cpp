// The `rdf` analyzer: an ideal gas (g = 1 within Poisson statistics), FCC and L1_2 shells against
// a lattice sum, the Faber–Ziman transform of a step, parameters and elements, LAMMPS
// `compute rdf` on the glass, and frame averaging on the NVT trajectory with 1 and 4 threads.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <random>
#include <sstream>
#include <tuple>

#include "analyzers/rdf.hpp"
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
using mgs::test::icosahedron_frame;
using mgs::test::make_frame;

std::unique_ptr<Analyzer> make_rdf(const json& params, const RunContext& run = {}) {
  const AnalyzerSpec* spec = Registry::instance().find("rdf");
  REQUIRE(spec != nullptr);
  const json p = validate_params(params, spec->params, "analyzers[0]", {"type", "label"});
  return spec->make(p, "rdf", run);
}

RunContext elements(std::vector<std::string> names) {
  RunContext run;
  run.types.resize(names.size() + 1);
  for (std::size_t t = 0; t < names.size(); ++t) run.types[t + 1].element = names[t];
  return run;
}


// Cubic crystal of n^3 cells with the given basis (fractional) and types.
Frame crystal(double a, int n, const std::vector<std::pair<Vec3, int>>& basis) {
  std::vector<Vec3> pos;
  std::vector<int> type;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        for (const auto& [b, t] : basis) {
          pos.push_back(a * (Vec3(i, j, k) + b));
          type.push_back(t);
        }
  return make_frame(Box(Mat3::Identity() * (a * n), Vec3::Zero(), {true, true, true}), pos, type);
}

Frame fcc(double a, int n) {
  return crystal(a, n,
                 {{{0, 0, 0}, 1}, {{0.5, 0.5, 0}, 1}, {{0.5, 0, 0.5}, 1}, {{0, 0.5, 0.5}, 1}});
}

// Per-atom neighbor counts of the FCC lattice per bin, by a direct lattice sum.
std::vector<double> fcc_shell_counts(double a, double r_max, int bins) {
  std::vector<double> out(static_cast<std::size_t>(bins), 0.0);
  const int m = static_cast<int>(std::ceil(r_max / a)) + 1;
  const Vec3 basis[4] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  for (int i = -m; i <= m; ++i)
    for (int j = -m; j <= m; ++j)
      for (int k = -m; k <= m; ++k)
        for (const Vec3& b : basis) {
          const double r = (a * (Vec3(i, j, k) + b)).norm();
          if (r == 0.0) continue;
          const auto bin = static_cast<std::size_t>(r * (1.0 / (r_max / bins)));
          if (bin < out.size()) out[bin] += 1.0;
        }
  return out;
}

// compute() + consume() on every frame, then finish().
json run_frames(const std::vector<Frame>& frames, const json& params, const RunContext& run = {}) {
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(make_rdf(params, run));
  for (std::size_t f = 0; f < frames.size(); ++f) {
    auto results = compute_frame(frames[f], list, run.types);
    REQUIRE(results.size() == 1);
    CHECK(results[0].result.fields.empty());
    CHECK(results[0].result.summary.contains("_histogram"));
    list[0]->consume({f, frames[f].timestep}, results[0].result);
    CHECK_FALSE(results[0].result.summary.contains("_histogram"));
  }
  auto final = list[0]->finish();
  REQUIRE(final);
  CHECK(final->fields.empty());
  return final->summary;
}

std::vector<double> vec(const json& j) {
  return j.get<std::vector<double>>();
}

// Per-bin differences of a running coordination number: neighbors per central atom per bin.
std::vector<double> per_bin(const std::vector<double>& running) {
  std::vector<double> out(running.size());
  for (std::size_t k = 0; k < running.size(); ++k) out[k] = running[k] - (k ? running[k - 1] : 0.0);
  return out;
}

}  // namespace

TEST_CASE("rdf: ideal gas gives g(r) = 1 within Poisson statistics", "[rdf][analyzers]") {
  const double length = 60.0;
  const std::size_t n = 20000, n1 = 12000;
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> u(0.0, length);
  std::vector<Vec3> pos;
  std::vector<int> type;
  for (std::size_t i = 0; i < n; ++i) {
    pos.emplace_back(u(rng), u(rng), u(rng));
    type.push_back(i < n1 ? 1 : 2);
  }
  const Frame frame =
      make_frame(Box(Mat3::Identity() * length, Vec3::Zero(), {true, true, true}), pos, type);
  const double r_max = 10.0;
  const int bins = 100;
  const json s = run_frames({frame}, {{"r_max", r_max}, {"bins", bins}, {"q_bins", 0}});
  const double volume = length * length * length;
  const auto shells = shell_volumes(r_max, bins);
  const std::map<std::string, std::pair<double, double>> expected{
      // curve: {pairs per shell volume, variance factor of the ordered count}
      {"total", {n * (n - 1.0) / volume, 2.0}},
      {"1-1", {n1 * (n1 - 1.0) / volume, 2.0}},
      {"1-2", {n1 * double(n - n1) / volume, 1.0}},
      {"2-2", {double(n - n1) * (n - n1 - 1.0) / volume, 2.0}}};
  for (const auto& [name, e] : expected) {
    INFO("curve " << name);
    const auto g = vec(s["g"][name]);
    REQUIRE(g.size() == static_cast<std::size_t>(bins));
    std::size_t used = 0, within3 = 0;
    double chi2 = 0.0, worst = 0.0;
    for (std::size_t k = 10; k < g.size(); ++k) {  // r >= 1 Å: at least ~40 expected pairs
      const double mean_count = e.first * shells[k];
      const double sigma = std::sqrt(e.second / mean_count);
      const double z = (g[k] - 1.0) / sigma;
      ++used;
      if (std::abs(z) < 3.0) ++within3;
      chi2 += z * z;
      worst = std::max(worst, std::abs(z));
    }
    CHECK(worst < 5.0);
    CHECK(static_cast<double>(within3) / static_cast<double>(used) >= 0.98);
    CHECK(chi2 / static_cast<double>(used) == Approx(1.0).margin(0.3));
  }
  // Running coordination at r_max: the mean number of other atoms within r_max.
  const double cn = vec(s["cn"]["total"]).back();
  const double cn_expected =
      (n - 1.0) / volume * 4.0 / 3.0 * std::numbers::pi * r_max * r_max * r_max;
  CHECK(cn == Approx(cn_expected).epsilon(0.01));
  CHECK(s["number_density"].get<double>() == Approx(n / volume).epsilon(1e-14));
  CHECK(s["types"]["1"]["concentration"].get<double>() == Approx(0.6).epsilon(1e-14));
  CHECK_FALSE(s.contains("S"));
}

TEST_CASE("rdf: FCC shells at the right radii with the right counts", "[rdf][analyzers]") {
  const double a = 3.615;  // Cu; no shell radius falls on a bin edge of 0.05 Å bins
  const Frame frame = fcc(a, 6);
  const json s = run_frames({frame}, json::object(), elements({"Cu"}));
  const auto ref = fcc_shell_counts(a, 10.0, 200);
  const auto got = per_bin(vec(s["cn"]["total"]));
  REQUIRE(got.size() == ref.size());
  for (std::size_t k = 0; k < ref.size(); ++k) {
    INFO("bin " << k);
    CHECK(got[k] == Approx(ref[k]).margin(1e-9));
  }
  const auto count_at = [&](double r) { return got[static_cast<std::size_t>(r / 0.05)]; };
  CHECK(count_at(a / std::sqrt(2.0)) == Approx(12).epsilon(1e-12));
  CHECK(count_at(a) == Approx(6).epsilon(1e-12));
  CHECK(count_at(a * std::sqrt(1.5)) == Approx(24).epsilon(1e-12));
  CHECK(count_at(a * std::sqrt(2.0)) == Approx(12).epsilon(1e-12));
  CHECK(count_at(a * std::sqrt(2.5)) == Approx(24).epsilon(1e-12));
  // One atom type: the partial is the total.
  CHECK(s["g"]["Cu-Cu"] == s["g"]["total"]);
  CHECK(s["cn"]["Cu-Cu"] == s["cn"]["total"]);
  const double peak = s["first_peak"]["total"]["r"].get<double>();
  CHECK(std::abs(peak - a / std::sqrt(2.0)) < 0.025);
  const double minimum = s["first_minimum"]["total"]["r"].get<double>();
  CHECK(minimum > a / std::sqrt(2.0) + 0.1);
  CHECK(minimum < a - 0.1);
  CHECK(s["coordination"]["total"].get<double>() == Approx(12).epsilon(1e-12));
  CHECK(s["coordination"]["Cu"]["Cu"].get<double>() == Approx(12).epsilon(1e-12));
  CHECK(s["coordination"]["Cu"]["sum"].get<double>() == Approx(12).epsilon(1e-12));
  // S(q): the first Bragg peak of FCC, (111), at q = 2π√3 / a dominates the X-ray S(q).
  const auto q = vec(s["q"]);
  const auto sq = vec(s["S"]["total"]);
  REQUIRE(q.size() == 240);
  CHECK(q.back() == Approx(12.0).epsilon(1e-15));
  const auto top = static_cast<std::size_t>(std::max_element(sq.begin(), sq.end()) - sq.begin());
  CHECK(std::abs(q[top] - 2 * std::numbers::pi * std::sqrt(3.0) / a) < 0.1);
  CHECK(s["weights"]["Cu"] == 29);
}

TEST_CASE("rdf: r_max beyond half the box counts periodic images", "[rdf][analyzers]") {
  const double a = 3.615;
  const Frame frame = fcc(a, 2);  // 7.23 Å box
  const json s = run_frames({frame}, {{"r_max", 9.0}, {"bins", 180}, {"q_bins", 0}});
  const auto ref = fcc_shell_counts(a, 9.0, 180);
  const auto got = per_bin(vec(s["cn"]["total"]));
  for (std::size_t k = 0; k < ref.size(); ++k) {
    INFO("bin " << k);
    CHECK(got[k] == Approx(ref[k]).margin(1e-9));
  }
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(make_rdf({{"r_max", 9.0}, {"q_bins", 0}}));
  const auto r = compute_frame(frame, list, {});
  REQUIRE(r[0].result.summary.contains("warnings"));
  CHECK(r[0].result.summary["warnings"][0].get<std::string>().find("half the smallest box width") !=
        std::string::npos);
}

TEST_CASE("rdf: L1_2 partials and ordered-pair coordination numbers", "[rdf][analyzers]") {
  // Cu3Au: Au (type 2) on the cube corners, Cu (type 1) on the face centres.
  const double a = 3.74;
  const Frame frame =
      crystal(a, 5, {{{0, 0, 0}, 2}, {{0.5, 0.5, 0}, 1}, {{0.5, 0, 0.5}, 1}, {{0, 0.5, 0.5}, 1}});
  const json s = run_frames({frame}, json::object(), elements({"Cu", "Au"}));
  const json& cn = s["coordination"];
  CHECK(cn["Cu"]["Cu"].get<double>() == Approx(8).epsilon(1e-12));
  CHECK(cn["Cu"]["Au"].get<double>() == Approx(4).epsilon(1e-12));
  CHECK(cn["Au"]["Cu"].get<double>() == Approx(12).epsilon(1e-12));
  CHECK(cn["Au"]["Au"].get<double>() == Approx(6).epsilon(1e-12));  // first Au shell at a
  CHECK(cn["Cu"]["sum"].get<double>() == Approx(12).epsilon(1e-12));
  CHECK(cn["total"].get<double>() == Approx(12).epsilon(1e-12));
  CHECK(std::abs(s["first_peak"]["Cu-Au"]["r"].get<double>() - a / std::sqrt(2.0)) < 0.025);
  CHECK(std::abs(s["first_peak"]["Cu-Cu"]["r"].get<double>() - a / std::sqrt(2.0)) < 0.025);
  CHECK(std::abs(s["first_peak"]["Au-Au"]["r"].get<double>() - a) < 0.025);
  // The pair curves are symmetric (g_ab = g_ba) and only a <= b is listed; cn is per order.
  CHECK_FALSE(s["g"].contains("Au-Cu"));
  CHECK(s["cn"].contains("Au-Cu"));
  CHECK(s["types"]["Au"]["concentration"].get<double>() == Approx(0.25).epsilon(1e-14));
  // Total = Σ N_a (N_b - δ_ab) g_ab / (N (N - 1)) (per ordered pair).
  const double n = static_cast<double>(frame.size()), ncu = 0.75 * n, nau = 0.25 * n;
  const auto g = vec(s["g"]["total"]);
  const auto gcc = vec(s["g"]["Cu-Cu"]), gca = vec(s["g"]["Cu-Au"]), gaa = vec(s["g"]["Au-Au"]);
  for (std::size_t k = 0; k < g.size(); ++k) {
    const double mix =
        (ncu * (ncu - 1) * gcc[k] + 2 * ncu * nau * gca[k] + nau * (nau - 1) * gaa[k]) /
        (n * (n - 1));
    CHECK(g[k] == Approx(mix).epsilon(1e-12).margin(1e-12));
  }
  // Total S(q) = Σ c_a c_b f_a f_b S_ab / (Σ c_a f_a)^2 with f = Z (Cu 29, Au 79).
  const auto scc = vec(s["S"]["Cu-Cu"]), sca = vec(s["S"]["Cu-Au"]), saa = vec(s["S"]["Au-Au"]);
  const auto st = vec(s["S"]["total"]);
  const double fm = 0.75 * 29 + 0.25 * 79;
  for (std::size_t i = 0; i < st.size(); ++i) {
    const double mix = (0.75 * 0.75 * 29 * 29 * scc[i] + 2 * 0.75 * 0.25 * 29 * 79 * sca[i] +
                        0.25 * 0.25 * 79 * 79 * saa[i]) /
                       (fm * fm);
    CHECK(st[i] == Approx(mix).epsilon(1e-12).margin(1e-12));
  }
}

TEST_CASE("rdf: kernels", "[rdf][analyzers]") {
  SECTION("Faber-Ziman transform of a step g(r) is exact") {
    // g = 0 below sigma, 1 above: S(q) = 1 - 4πρ (sin qσ - qσ cos qσ) / q³.
    const double r_max = 10.0, rho = 0.06, sigma = 2.5;
    const int bins = 200;
    std::vector<double> g(bins, 1.0);
    for (int k = 0; k < 50; ++k) g[static_cast<std::size_t>(k)] = 0.0;
    std::vector<double> q{0.0, 0.01, 0.3, 1.0, 2.5, 7.0, 12.0};
    const auto sq = faber_ziman(g, r_max, rho, q, Window::None);
    for (std::size_t i = 0; i < q.size(); ++i) {
      INFO("q = " << q[i]);
      const double x = q[i] * sigma;
      const double expected =
          q[i] == 0.0 ? 1.0 - 4.0 * std::numbers::pi * rho * sigma * sigma * sigma / 3.0
                      : 1.0 - 4.0 * std::numbers::pi * rho * (std::sin(x) - x * std::cos(x)) /
                                  (q[i] * q[i] * q[i]);
      CHECK(sq[i] == Approx(expected).epsilon(1e-10).margin(1e-12));
    }
    // g = 1 everywhere: S = 1 with and without the window.
    const auto flat = faber_ziman(std::vector<double>(bins, 1.0), r_max, rho, q, Window::Lorch);
    for (double v : flat) CHECK(v == 1.0);
  }
  SECTION("shells and running coordination") {
    const auto v = shell_volumes(10.0, 200);
    double sum = 0.0;
    for (double x : v) sum += x;
    CHECK(sum == Approx(4.0 / 3.0 * std::numbers::pi * 1000.0).epsilon(1e-12));
    const std::vector<std::int64_t> counts{0, 4, 0, 8};
    const auto run = running_coordination(counts, 2);
    CHECK(run == std::vector<double>{0, 2, 2, 6});
    // Inside bin 1 ([1, 2) Å of r_max = 4): by shell volume.
    CHECK(coordination_at(run, 4.0, 1.5) == Approx(2.0 * (1.5 * 1.5 * 1.5 - 1) / 7).epsilon(1e-14));
    CHECK(coordination_at(run, 4.0, 2.5) == 2.0);
    CHECK(coordination_at(run, 4.0, 4.0) == 6.0);
  }
  SECTION("first shell of a smooth curve") {
    // Peak at 2.5 Å, minimum at 3.4 Å, second peak at 4.5 Å (analytic, 0.01 Å bins).
    const double dr = 0.01;
    std::vector<double> g(800);
    for (std::size_t k = 0; k < g.size(); ++k) {
      const double r = (static_cast<double>(k) + 0.5) * dr;
      g[k] = r < 2.0 ? 0.0
                     : 1.0 + 2.0 * std::exp(-(r - 2.5) * (r - 2.5) / 0.02) -
                           0.6 * std::exp(-(r - 3.4) * (r - 3.4) / 0.05) +
                           0.4 * std::exp(-(r - 4.5) * (r - 4.5) / 0.1);
    }
    const FirstShell shell = first_shell(g, dr, 0.0);
    REQUIRE(shell.peak);
    REQUIRE(shell.minimum);
    CHECK(shell.peak->r == Approx(2.5).margin(0.002));
    CHECK(shell.minimum->r == Approx(3.4).margin(0.01));
    // A curve that never rises above 1 again has no first minimum.
    std::vector<double> h(g.begin(), g.begin() + 300);
    CHECK(first_shell(h, dr, 0.0).peak);
    CHECK_FALSE(first_shell(h, dr, 0.0).minimum);
    CHECK_FALSE(first_shell(std::vector<double>(10, 0.5), dr, 0.1).peak);
  }
  SECTION("elements and scattering factors") {
    CHECK(atomic_number("H") == 1);
    CHECK(atomic_number("Cu") == 29);
    CHECK(atomic_number("Zr") == 40);
    CHECK(atomic_number("cu") == 29);
    CHECK(atomic_number("CO") == 27);
    CHECK(atomic_number("U") == 92);
    CHECK(atomic_number("Xx") == 0);
    CHECK(atomic_number("") == 0);
    CHECK(atomic_number("Cuu") == 0);
    // Screened Coulomb: Z^(1/3) scaling at q = 0, Z at large q.
    CHECK(electron_form_factor(40, 0.0) / electron_form_factor(29, 0.0) ==
          Approx(std::cbrt(40.0 / 29.0)).epsilon(1e-12));
    CHECK(electron_form_factor(40, 1e3) / electron_form_factor(29, 1e3) ==
          Approx(40.0 / 29.0).epsilon(1e-4));
  }
}

TEST_CASE("rdf: parameters and elements", "[rdf][analyzers]") {
  const Frame frame = fcc(3.615, 3);
  CHECK_THROWS_AS(make_rdf({{"r_max", 0.0}}), ConfigError);
  CHECK_THROWS_AS(make_rdf({{"rmax", 5.0}}), ConfigError);
  CHECK_THROWS_AS(make_rdf({{"bins", 0}}), ConfigError);
  CHECK_THROWS_AS(make_rdf({{"weighting", "neutron"}}), ConfigError);
  CHECK_THROWS_AS(make_rdf({{"window", "hann"}}), ConfigError);
  CHECK_THROWS_AS(make_rdf({{"q_max", 0.0}}), ConfigError);
  CHECK_THROWS_AS(make_rdf(json::object(), elements({"Xx"})), ConfigError);
  CHECK_NOTHROW(make_rdf({{"q_bins", 0}}, elements({"Xx"})));
  SECTION("S(q) needs elements") {
    std::vector<std::unique_ptr<Analyzer>> list;
    list.push_back(make_rdf(json::object()));
    CHECK_THROWS_AS(compute_frame(frame, list, {}), ComputeError);
  }
  SECTION("without S(q), no elements are needed and types are named by number") {
    const json s = run_frames({frame}, {{"r_max", 5.0}, {"q_bins", 0}});
    CHECK(s["g"].contains("1-1"));
    CHECK_FALSE(s.contains("q"));
    CHECK_FALSE(s.contains("S"));
  }
  SECTION("elements from the frame (element column) work without input.types") {
    Frame named = frame;
    named.type_names = {"", "Ni"};
    const json s = run_frames({named}, {{"r_max", 5.0}, {"q_bins", 24}});
    CHECK(s["g"].contains("Ni-Ni"));
    CHECK(s["weights"]["Ni"] == 28);
  }
  SECTION("electron weighting") {
    const json s =
        run_frames({frame}, {{"r_max", 5.0}, {"weighting", "electron"}}, elements({"Cu"}));
    CHECK(s["weighting"] == "electron");
    // One element: the weights cancel and the total is the partial.
    const auto st = vec(s["S"]["total"]), sp = vec(s["S"]["Cu-Cu"]);
    for (std::size_t i = 0; i < st.size(); ++i) CHECK(st[i] == Approx(sp[i]).epsilon(1e-12));
    CHECK(s["weights"]["Cu"].size() == 240);
  }
}

namespace {

// Rows of a `fix ave/time ... mode vector` file (the block of the first timestep).
std::vector<std::vector<double>> read_ave_time(const std::filesystem::path& path) {
  std::istringstream in(test::read_text(path));
  std::string line;
  std::vector<std::vector<double>> rows;
  std::size_t expected = 0;
  bool header = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::vector<double> v;
    double x;
    while (ls >> x) v.push_back(x);
    if (!header) {
      REQUIRE(v.size() == 2);
      expected = static_cast<std::size_t>(v[1]);
      header = true;
      continue;
    }
    rows.push_back(v);
    if (rows.size() == expected) break;
  }
  REQUIRE(rows.size() == expected);
  return rows;
}

}  // namespace

TEST_CASE("rdf: g(r) and running coordination match LAMMPS compute rdf on the glass",
          "[rdf][analyzers][lammps]") {
  if (!test::lammps_available()) return;
  // The inherent structure (orthogonal box) and the sheared glass (triclinic, xy = 3.8 Å).
  for (const auto& data :
       {test::example_data("cuzr2k_IS.data"), test::shared_data("cuzr2k_aqs_final_tric.data")}) {
    INFO(data.string());
    const auto dir = test::temp_dir("rdf_lmp");
    // Two binnings: 100 bins to 7 Å (inside the force cutoff) and the maintainers' 200 bins to
    // 10 Å.
    test::write_text(dir / "in.lmp", fmt::format(R"(units metal
boundary p p p
atom_style atomic
read_data {}
pair_style zero 7.5
pair_coeff * *
neighbor 2.0 bin
comm_modify cutoff 12.5
compute r7 all rdf 100 * * 1 1 1 2 2 2 cutoff 7.0
compute r10 all rdf 200 * * 1 1 1 2 2 2 cutoff 10.0
fix f7 all ave/time 1 1 1 c_r7[*] mode vector file rdf7.txt format " %.17g"
fix f10 all ave/time 1 1 1 c_r10[*] mode vector file rdf10.txt format " %.17g"
run 0
)",
                                                 data.string()));
    std::string out;
    const int rc = test::run_command(
        fmt::format("cd '{}' && lmp -log none -screen none -in in.lmp", dir.string()), &out);
    INFO(out);
    REQUIRE(rc == 0);
    const Frame frame = io::read_lammps_data(data.string()).frame;
    for (const auto& [r_max, bins, file] :
         {std::tuple{7.0, 100, "rdf7.txt"}, std::tuple{10.0, 200, "rdf10.txt"}}) {
      INFO("r_max " << r_max << ", " << bins << " bins");
      const auto ref = read_ave_time(dir / file);
      REQUIRE(ref.size() == static_cast<std::size_t>(bins));
      const json s =
          run_frames({frame}, {{"r_max", r_max}, {"bins", bins}}, elements({"Cu", "Zr"}));
      const auto r = vec(s["r"]);
      // LAMMPS columns: row, r, then g and running cn for (* *), (1 1), (1 2), (2 2); its
      // (1 2) cn counts Zr around Cu, our "Cu-Zr".
      const std::vector<std::string> curves{"total", "Cu-Cu", "Cu-Zr", "Zr-Zr"};
      double worst_g = 0.0, worst_cn = 0.0;
      for (std::size_t m = 0; m < curves.size(); ++m) {
        const auto g = vec(s["g"][curves[m]]);
        const auto cn = vec(s["cn"][curves[m]]);
        for (std::size_t k = 0; k < ref.size(); ++k) {
          REQUIRE(ref[k].size() == 10);
          CHECK(r[k] == Approx(ref[k][1]).epsilon(1e-14));
          worst_g = std::max(worst_g, std::abs(g[k] - ref[k][2 + 2 * m]));
          worst_cn = std::max(worst_cn, std::abs(cn[k] - ref[k][3 + 2 * m]));
        }
      }
      CHECK(worst_g < 1e-6);
      CHECK(worst_cn < 1e-6);
    }
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("rdf: averaged over NVT frames, same for 1 and 4 threads", "[rdf][analyzers]") {
  io::InputSpec input;
  input.paths = {test::shared_data("cuzr2k_nvt300.dump.gz").string()};
  if (!std::filesystem::exists(input.paths[0])) {
    WARN("shared trajectory missing: test skipped");
    return;
  }
  input.frames.step = 10;  // frames 0, 10, ..., 90
  const RunContext run = elements({"Cu", "Zr"});
  const auto summary = [&](int threads) {
    auto source = io::open_trajectory(input);
    std::vector<std::unique_ptr<Analyzer>> analyzers;
    analyzers.push_back(make_rdf(json::object(), run));
    std::vector<std::unique_ptr<FrameSink>> sinks;
    PipelineOptions options;
    options.threads = threads;
    options.types = run.types;
    return run_pipeline(*source, analyzers, sinks, options);
  };
  const json one = summary(1);
  const json four = summary(4);
  CHECK(one == four);
  REQUIRE(one["frames"].size() == 10);
  for (const auto& f : one["frames"]) {
    CHECK_FALSE(f["analyzers"]["rdf"].contains("_histogram"));
    CHECK(f["analyzers"]["rdf"]["atoms"]["Cu"] == 1280);
  }
  const json& s = one["final"]["rdf"];
  CHECK(s["frames"] == 10);
  const auto peak = [&](const std::string& pair) {
    return s["first_peak"][pair]["r"].get<double>();
  };
  CHECK(peak("Cu-Cu") > 2.45);
  CHECK(peak("Cu-Cu") < 2.65);
  CHECK(peak("Cu-Zr") > 2.65);
  CHECK(peak("Cu-Zr") < 2.85);
  CHECK(peak("Zr-Zr") > 3.05);
  CHECK(peak("Zr-Zr") < 3.25);
  // N_Cu CN(Cu<-Zr) = N_Zr CN(Zr<-Cu) (same first minimum of g_CuZr).
  const json& cn = s["coordination"];
  CHECK(1280 * cn["Cu"]["Zr"].get<double>() == Approx(720 * cn["Zr"]["Cu"].get<double>()));
  CHECK(cn["total"].get<double>() > 11.0);
  CHECK(cn["total"].get<double>() < 15.0);
  // X-ray S(q): main peak of the glass near 2.8 Å^-1, S -> 1 at large q.
  const auto q = vec(s["q"]);
  const auto sq = vec(s["S"]["total"]);
  const auto top = static_cast<std::size_t>(std::max_element(sq.begin(), sq.end()) - sq.begin());
  CHECK(q[top] > 2.5);
  CHECK(q[top] < 3.1);
  CHECK(std::abs(sq.back() - 1.0) < 0.1);
}
