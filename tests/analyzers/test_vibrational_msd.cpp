// The `vibrational_msd` analyzer: synthetic Gaussian jitter about fixed sites (with a uniform
// drift that the centre-of-mass correction must remove) gives the jitter's variance back; on the
// shared 300 K NVT trajectory the unwrapped (xu) and the wrapped (minimum-image stepping) files
// agree with an independent two-pass computation over all frames held in memory.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "analysis.hpp"
#include "engine/errors.hpp"
#include "io/trajectory.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;
using nlohmann::json;

namespace {

// Runs the analyzer over the frames in order (compute, consume) and returns finish().
// `file_of` gives each frame's input file (isoconfigurational runs); empty: one file.
FrameResult run_frames(const std::vector<Frame>& frames, const json& params,
                       const std::vector<TypeInfo>& types = {},
                       const std::vector<std::size_t>& file_of = {}) {
  RunContext ctx;
  ctx.types = types;
  auto a = test::make_analyzer("vibrational_msd", params, ctx);
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(std::move(a));
  RunShape shape{frames.size(), {frames.size()}};
  if (!file_of.empty()) {
    shape.frames_per_file.assign(file_of.back() + 1, 0);
    for (const std::size_t f : file_of) ++shape.frames_per_file[f];
  }
  list[0]->begin(shape);
  for (std::size_t k = 0; k < frames.size(); ++k) {
    auto r = test::compute_with_inputs(frames[k], k, {frames[k]}, list, types);
    FrameInfo info;
    info.index = k;
    info.timestep = frames[k].timestep;
    info.input_file = file_of.empty() ? 0 : file_of[k];
    list[0]->consume(info, r[0].result);
  }
  auto out = list[0]->finish();
  REQUIRE(out);
  return *out;
}

const std::vector<double>& values(const FrameResult& r, const std::string& name) {
  return std::get<std::vector<double>>(test::find_field(r, name).values);
}

std::vector<Frame> read_all(const std::string& path) {
  io::InputSpec spec;
  spec.paths = {path};
  auto source = io::open_trajectory(spec);
  std::vector<Frame> frames;
  while (auto raw = source->next()) frames.push_back(source->parse(*raw));
  return frames;
}

}  // namespace

TEST_CASE("vibrational_msd: Gaussian jitter about fixed sites gives its variance back",
          "[vibrational_msd][analyzers]") {
  const Frame sites = test::cubic_lattice("fcc", 3.6, 4);  // 256 atoms
  const double sigma = 0.12;                               // Å per component
  const int frames = 400;
  std::mt19937 rng(11);
  std::normal_distribution<double> g(0.0, sigma);
  std::vector<Frame> traj;
  for (int k = 0; k < frames; ++k) {
    Frame f = sites;
    const Vec3 drift(0.01 * k, -0.02 * k, 0.005 * k);  // the whole system drifts
    for (std::size_t i = 0; i < f.size(); ++i)
      f.pos[i] = f.box.wrap(sites.pos[i] + drift + Vec3(g(rng), g(rng), g(rng)));
    traj.push_back(std::move(f));
  }
  const FrameResult r = run_frames(traj, {{"unwrap", "stepping"}});
  const auto& msd = values(r, "value");
  double mean = 0.0;
  for (double x : msd) mean += x / static_cast<double>(msd.size());
  // E[(1/K) Σ |r − r̄|²] = 3σ² (1 − 1/K) per atom, minus the tiny share of the removed centre
  // of mass; the average over 256 atoms has a relative spread of ~√(2/(3·256·400)) ≈ 0.3 %.
  const double expected =
      3 * sigma * sigma * (1.0 - 1.0 / frames) * (1.0 - 1.0 / static_cast<double>(msd.size()));
  CHECK(mean == Approx(expected).epsilon(0.015));
  CHECK(r.summary["frames"].get<int>() == frames);
}

TEST_CASE(
    "vibrational_msd: the NVT trajectory, unwrapped and wrapped, against a two-pass reference",
    "[vibrational_msd][analyzers]") {
  const auto frames = read_all(test::shared_data("cuzr2k_nvt300.dump.gz").string());
  REQUIRE(frames.size() == 100);
  std::vector<TypeInfo> types(3);
  types[1].mass = 63.546;
  types[2].mass = 91.224;
  // Reference: all frames in memory, unwrapped coordinates, centre of mass removed per frame.
  const std::size_t n = frames[0].size();
  std::vector<std::vector<Vec3>> r(frames.size(), std::vector<Vec3>(n));
  for (std::size_t k = 0; k < frames.size(); ++k) {
    Vec3 com = Vec3::Zero();
    double m = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double mi = frames[k].type[i] == 1 ? 63.546 : 91.224;
      com += mi * frames[k].unwrapped(i);
      m += mi;
    }
    for (std::size_t i = 0; i < n; ++i) r[k][i] = frames[k].unwrapped(i) - com / m;
  }
  std::vector<double> reference(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    Vec3 mean = Vec3::Zero();
    for (const auto& rk : r) mean += rk[i] / static_cast<double>(frames.size());
    for (const auto& rk : r)
      reference[i] += (rk[i] - mean).squaredNorm() / static_cast<double>(frames.size());
  }
  const FrameResult unwrapped = run_frames(frames, json::object(), types);
  const auto wrapped_frames = read_all(test::shared_data("cuzr2k_nvt300_wrapped.dump.gz").string());
  const FrameResult wrapped = run_frames(wrapped_frames, {{"unwrap", "stepping"}}, types);
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(values(unwrapped, "value")[i] == Approx(reference[i]).epsilon(1e-9));
    // The wrapped file has 10 significant digits like the unwrapped one, but around other values.
    CHECK(values(wrapped, "value")[i] == Approx(reference[i]).epsilon(1e-6));
  }
  // ~0.02-0.03 Å² at 300 K (SCIENCE.md §6).
  CHECK(unwrapped.summary["all"]["mean"].get<double>() > 0.02);
  CHECK(unwrapped.summary["all"]["mean"].get<double>() < 0.05);
}

TEST_CASE("vibrational_msd: an atom that hops between the halves is flagged and left out",
          "[vibrational_msd][analyzers]") {
  const Frame sites = test::cubic_lattice("fcc", 3.6, 4);  // 256 atoms
  const double sigma = 0.1;
  const int frames = 200;
  const std::size_t hopper = 37;
  const Vec3 jump(1.5, 0.0, 0.8);  // |jump| = 1.7 Å, at the middle of the run
  std::mt19937 rng(5);
  std::normal_distribution<double> g(0.0, sigma);
  std::vector<Frame> traj;
  for (int k = 0; k < frames; ++k) {
    Frame f = sites;
    f.timestep = 100 * k;
    for (std::size_t i = 0; i < f.size(); ++i) {
      const Vec3 site = sites.pos[i] + (i == hopper && k >= frames / 2 ? jump : Vec3::Zero());
      f.pos[i] = f.box.wrap(site + Vec3(g(rng), g(rng), g(rng)));
    }
    traj.push_back(std::move(f));
  }
  const FrameResult r = run_frames(traj, {{"unwrap", "stepping"}});
  const auto& hopped = std::get<std::vector<std::int64_t>>(test::find_field(r, "hopped").values);
  const auto& distance = values(r, "hop_distance");
  for (std::size_t i = 0; i < hopped.size(); ++i) {
    INFO("atom " << i);
    CHECK(hopped[i] == (i == hopper ? 1 : 0));
  }
  // The jump less the centre-of-mass shift it causes (1/256 of it).
  CHECK(distance[hopper] == Approx(jump.norm() * (1.0 - 1.0 / 256)).epsilon(0.02));
  CHECK(r.summary["hopped_atoms"].get<int>() == 1);
  // The hopper's MSD is dominated by the jump, (|jump|/2)² ≈ 0.72 Å²; the plateau is 3σ².
  CHECK(values(r, "value")[hopper] > 0.5);
  CHECK(r.summary["plateau"]["all"]["mean"].get<double>() ==
        Approx(3 * sigma * sigma).epsilon(0.03));
  CHECK(r.summary["all"]["mean"].get<double>() > 1.05 * 3 * sigma * sigma);
}

TEST_CASE("vibrational_msd: an isoconfigurational ensemble averages the MSD of each run",
          "[vibrational_msd][analyzers]") {
  // Three runs of jitter σ about the same sites, except that the atoms' cages sit at +s, 0 and −s
  // in the three runs (the sign alternating between atoms, so the centre of mass stays): each
  // run alone gives 3σ²; one mean over all runs adds the spread of the cages, (2/3)|s|².
  const Frame sites = test::cubic_lattice("fcc", 3.6, 4);  // 256 atoms
  const double sigma = 0.1;
  const Vec3 s(0.12, -0.09, 0.05);
  std::mt19937 rng(17);
  std::normal_distribution<double> g(0.0, sigma);
  std::vector<Frame> traj;
  std::vector<std::size_t> file_of;
  for (std::size_t run = 0; run < 3; ++run) {
    for (int k = 0; k < 150; ++k) {
      Frame f = sites;
      for (std::size_t i = 0; i < f.size(); ++i) {
        const double run_sign = run == 0 ? 1.0 : run == 2 ? -1.0 : 0.0;
        const double sign = run_sign * (i % 2 ? 1.0 : -1.0);
        f.pos[i] = f.box.wrap(sites.pos[i] + sign * s + Vec3(g(rng), g(rng), g(rng)));
      }
      traj.push_back(std::move(f));
      file_of.push_back(run);
    }
  }
  const double run_msd = 3 * sigma * sigma * (1.0 - 1.0 / 150);
  const FrameResult iso =
      run_frames(traj, {{"unwrap", "stepping"}, {"isoconfigurational", true}}, {}, file_of);
  CHECK(iso.summary["runs"].get<int>() == 3);
  CHECK(iso.summary["frames"].get<int>() == 450);
  CHECK(iso.summary["hopped_atoms"].get<int>() == 0);
  CHECK(iso.summary["all"]["mean"].get<double>() == Approx(run_msd).epsilon(0.03));
  // As one run: the cage offsets (two runs at ±s, one at 0) add (2/3)|s|².
  const FrameResult one = run_frames(traj, {{"unwrap", "stepping"}}, {}, file_of);
  CHECK(one.summary["runs"].get<int>() == 1);
  CHECK(one.summary["all"]["mean"].get<double>() ==
        Approx(3 * sigma * sigma + 2.0 / 3.0 * s.squaredNorm()).epsilon(0.03));
}

TEST_CASE("vibrational_msd: MSD(t) over time origins, per species",
          "[vibrational_msd][analyzers]") {
  // Atoms of type 1 alternate between two positions ±d frame by frame, type 2 alternate with the
  // opposite sign (the centre of mass stays put): |Δr|² = |2d|² at odd lags, 0 at even lags.
  Frame sites = test::cubic_lattice("fcc", 3.6, 3);  // 108 atoms
  for (std::size_t i = 0; i < sites.size(); ++i) sites.type[i] = i % 2 ? 2 : 1;
  const Vec3 d(0.1, 0.2, -0.05);
  std::vector<Frame> traj;
  for (int k = 0; k < 12; ++k) {
    Frame f = sites;
    f.timestep = 1000 + 20 * k;
    for (std::size_t i = 0; i < f.size(); ++i) {
      const double sign = (k % 2 ? 1.0 : -1.0) * (f.type[i] == 1 ? 1.0 : -1.0);
      f.pos[i] = f.box.wrap(sites.pos[i] + sign * d);
    }
    traj.push_back(std::move(f));
  }
  const FrameResult r = run_frames(traj, {{"unwrap", "stepping"}, {"msd_lags", 5}});
  REQUIRE(r.tables.size() == 1);
  const Table& t = r.tables.front();
  CHECK(t.name == "msd_t");
  REQUIRE(t.columns == std::vector<std::string>{"lag_frames", "lag_timesteps", "msd_all",
                                                "msd_type_1", "msd_type_2"});
  REQUIRE(t.data[0].size() == 5);
  for (std::size_t l = 0; l < 5; ++l) {
    const double expected = (l % 2 == 0) ? (2.0 * d).squaredNorm() : 0.0;
    CHECK(t.data[0][l] == static_cast<double>(l + 1));
    CHECK(t.data[1][l] == Approx(20.0 * static_cast<double>(l + 1)));
    for (int c = 2; c < 5; ++c)
      CHECK(t.data[static_cast<std::size_t>(c)][l] == Approx(expected).margin(1e-12));
  }
}

TEST_CASE("vibrational_msd: frames with other atoms are refused", "[vibrational_msd][analyzers]") {
  Frame a = test::cubic_lattice("fcc", 3.6, 2), b = a;
  b.id[3] = 1000;
  CHECK_THROWS_WITH(run_frames({a, b}, json::object()),
                    Catch::Contains("other atoms than the first frame"));
}

TEST_CASE("vibrational_msd: outputs hold the final columns, never the data carried between frames",
          "[vibrational_msd][analyzers][cli]") {
  const auto dir = test::temp_dir("vmsd_cli");
  test::write_text(dir / "run.json",
                   fmt::format(R"({{"input": {{"path": "{}", "frames": {{"stop": 5}}}},
 "analyzers": [{{"type": "vibrational_msd"}}, {{"type": "flexibility_volume"}}],
 "outputs": [{{"format": "csv", "path": "out.csv"}}, {{"format": "lammps_dump", "path": "out.dump"}}]}})",
                               test::example_data("cuzr2k_nvt300.dump.gz").string()));
  std::string out;
  REQUIRE(test::run_command(
              fmt::format("cd '{}' && '{}' run run.json -q", dir.string(), test::binary().string()),
              &out) == 0);
  for (const char* file : {"out.csv", "out.dump"}) {
    const std::string text = test::read_text(dir / file);
    INFO(file);
    CHECK(text.find("carry") == std::string::npos);
    CHECK(text.find("vibrational_msd_value") != std::string::npos);
    CHECK(text.find("flexibility_volume_value") != std::string::npos);
  }
}
