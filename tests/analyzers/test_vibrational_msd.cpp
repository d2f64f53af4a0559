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
FrameResult run_frames(const std::vector<Frame>& frames, const json& params,
                       const std::vector<TypeInfo>& types = {}) {
  RunContext ctx;
  ctx.types = types;
  auto a = test::make_analyzer("vibrational_msd", params, ctx);
  std::vector<std::unique_ptr<Analyzer>> list;
  list.push_back(std::move(a));
  for (std::size_t k = 0; k < frames.size(); ++k) {
    auto r = test::compute_with_inputs(frames[k], k, {frames[k]}, list, types);
    FrameInfo info;
    info.index = k;
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

TEST_CASE("vibrational_msd: frames with other atoms are refused", "[vibrational_msd][analyzers]") {
  Frame a = test::cubic_lattice("fcc", 3.6, 2), b = a;
  b.id[3] = 1000;
  CHECK_THROWS_WITH(run_frames({a, b}, json::object()),
                    Catch::Contains("other atoms than the first frame"));
}

TEST_CASE("vibrational_msd: outputs hold the final columns, never the data carried between frames",
          "[vibrational_msd][analyzers][cli]") {
  const auto dir = test::temp_dir("vmsd_cli");
  test::write_text(dir / "run.json", fmt::format(R"({{"input": {{"path": "{}", "frames": {{"stop": 5}}}},
 "analyzers": [{{"type": "vibrational_msd"}}, {{"type": "flexibility_volume"}}],
 "outputs": [{{"format": "csv", "path": "out.csv"}}, {{"format": "lammps_dump", "path": "out.dump"}}]}})",
                                                 test::example_data("cuzr2k_nvt300.dump.gz").string()));
  std::string out;
  REQUIRE(test::run_command(fmt::format("cd '{}' && '{}' run run.json -q", dir.string(), test::binary().string()),
                            &out) == 0);
  for (const char* file : {"out.csv", "out.dump"}) {
    const std::string text = test::read_text(dir / file);
    INFO(file);
    CHECK(text.find("carry") == std::string::npos);
    CHECK(text.find("vibrational_msd_value") != std::string::npos);
    CHECK(text.find("flexibility_volume_value") != std::string::npos);
  }
}
