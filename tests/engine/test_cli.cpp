// End-to-end tests of the mgscope binary: run files, outputs, errors, determinism.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "support.hpp"

namespace fs = std::filesystem;
using namespace mgs::test;

namespace {

int mgscope(const std::string& args, std::string* out = nullptr) {
  return run_command(binary().string() + " " + args, out);
}

}  // namespace

TEST_CASE("cli: the minimal run file works exactly as written", "[cli]") {
  const auto dir = temp_dir("cli_minimal");
  fs::create_directories(dir / "examples" / "data");
  fs::copy_file(example_data("cuzr2k_IS.dump"), dir / "examples/data/cuzr2k_IS.dump");
  write_text(dir / "run.json", R"({"input": {"path": "examples/data/cuzr2k_IS.dump"},
 "analyzers": [{"type": "voronoi"}],
 "outputs": [{"format": "lammps_dump", "path": "out/atoms.dump"},
             {"format": "json", "path": "out/summary.json"}]}
)");
  std::string out;
  REQUIRE(mgscope("run --quiet " + (dir / "run.json").string(), &out) == 0);
  INFO(out);
  const std::string dump = read_text(dir / "out/atoms.dump");
  CHECK_THAT(dump, Catch::Contains("ITEM: ATOMS id type x y z voronoi_volume voronoi_coordination "
                                   "voronoi_n3 voronoi_n4 voronoi_n5 voronoi_n6 "
                                   "voronoi_max_face_order\n"));
  const auto summary = nlohmann::json::parse(read_text(dir / "out/summary.json"));
  const auto& v = summary["frames"][0]["analyzers"]["voronoi"];
  CHECK(v["volume_sum"].get<double>() == Approx(v["box_volume"].get<double>()).epsilon(1e-12));
  CHECK(summary["analyzers"][0]["params"]["edge_threshold"] == 0.0);
  CHECK_FALSE(fs::exists(dir / "out/atoms.dump.tmp"));
  // --timings: one line per stage, each analyzer by its label, apart from the shared services.
  REQUIRE(mgscope("run --quiet --timings " + (dir / "run.json").string(), &out) == 0);
  CHECK_THAT(out, Catch::Contains("service: voronoi") && Catch::Contains("analyzer: voronoi") &&
                      Catch::Contains("parse input") && Catch::Contains("write final outputs"));
}

TEST_CASE("cli: --version, --help, analyzers, info", "[cli]") {
  std::string out;
  REQUIRE(mgscope("--version", &out) == 0);
  CHECK_THAT(out, Catch::StartsWith("mgscope "));
  REQUIRE(mgscope("--help", &out) == 0);
  CHECK_THAT(out,
             Catch::Contains("run") && Catch::Contains("info") && Catch::Contains("analyzers"));
  REQUIRE(mgscope("analyzers", &out) == 0);
  CHECK_THAT(out, Catch::Contains("voronoi") && Catch::Contains("edge_threshold") &&
                      Catch::Contains("radii"));
  REQUIRE(mgscope("info " + shared_data("cuzr2k_aqs_shear.dump.gz").string(), &out) == 0);
  CHECK_THAT(out, Catch::Contains("frames:     25") && Catch::Contains("atoms:      2000") &&
                      Catch::Contains("0 .. 480 (every 20)") && Catch::Contains("c_pe"));
  REQUIRE(mgscope("info " + example_data("cuzr2k_IS.data").string(), &out) == 0);
  CHECK_THAT(out, Catch::Contains("LAMMPS data file") && Catch::Contains("atoms:      2000") &&
                      Catch::Contains("1: 1280 2: 720"));
  CHECK(mgscope("info /nonexistent/file.dump", &out) != 0);
  CHECK_THAT(out, Catch::Contains("/nonexistent/file.dump"));
  CHECK(mgscope("frobnicate", &out) != 0);
  // A map file: size, pixel size (none in a PGM) and value statistics of 1..6.
  const auto dir = temp_dir("cli_info_map");
  write_text(dir / "m.pgm", "P2\n3 2\n255\n1 2 3\n4 5 6\n");
  REQUIRE(mgscope("info " + (dir / "m.pgm").string(), &out) == 0);
  CHECK_THAT(out, Catch::Contains("pixels:     3 x 2") && Catch::Contains("not in the file") &&
                      Catch::Contains("min 1, max 6, mean 3.5"));
}

TEST_CASE("cli: bad input fails with file and line, leaves no output, keeps older output",
          "[cli]") {
  const auto dir = temp_dir("cli_bad");
  // A dump whose second frame is cut in the middle of an atom line.
  std::string text = read_text(example_data("cuzr2k_IS.dump"));
  std::string second = text;
  second.resize(second.size() / 2);
  write_text(dir / "broken.dump", text + second);
  write_text(dir / "run.json", R"({"input": {"path": "broken.dump"},
    "analyzers": [{"type": "voronoi"}],
    "outputs": [{"format": "lammps_dump", "path": "atoms.dump"}, {"format": "csv", "path": "atoms.csv"}]})");
  write_text(dir / "atoms.dump", "earlier result\n");
  std::string out;
  const int rc = mgscope("run --quiet " + (dir / "run.json").string(), &out);
  CHECK(rc != 0);
  CHECK_THAT(out, Catch::Contains("broken.dump:") && Catch::Contains("expected"));
  CHECK(read_text(dir / "atoms.dump") == "earlier result\n");
  CHECK_FALSE(fs::exists(dir / "atoms.csv"));
  CHECK_FALSE(fs::exists(dir / "atoms.csv.tmp"));
  CHECK_FALSE(fs::exists(dir / "atoms.dump.tmp"));

  // A run-file mistake names the JSON path.
  write_text(dir / "typo.json", R"({"input": {"path": "broken.dump"},
    "analyzers": [{"type": "voronoi", "edge_treshold": 0.1}]})");
  CHECK(mgscope("run " + (dir / "typo.json").string(), &out) != 0);
  CHECK_THAT(out, Catch::Contains("typo.json") && Catch::Contains("analyzers[0].edge_treshold") &&
                      Catch::Contains("edge_threshold"));
}

TEST_CASE("cli: outputs are byte-identical for 1, 2 and 4 threads", "[cli][determinism]") {
  const auto dir = temp_dir("cli_threads");
  std::map<int, std::vector<std::string>> results;
  for (int threads : {1, 2, 4}) {
    const auto sub = dir / std::to_string(threads);
    fs::create_directories(sub);
    write_text(sub / "run.json",
               fmt::format(R"({{"input": {{"path": "{}", "frames": {{"step": 6}}}},
      "analyzers": [{{"type": "voronoi", "edge_threshold": 0.05, "relative_face_threshold": 0.01}}],
      "outputs": [{{"format": "lammps_dump", "path": "a.dump"}}, {{"format": "csv", "path": "a.csv"}},
                  {{"format": "json", "path": "s.json"}}]}})",
                           shared_data("cuzr2k_aqs_shear.dump.gz").string()));
    std::string out;
    REQUIRE(
        mgscope(fmt::format("run --quiet --threads {} {}", threads, (sub / "run.json").string()),
                &out) == 0);
    auto summary = nlohmann::json::parse(read_text(sub / "s.json"));
    summary.erase("run_file");
    results[threads] = {read_text(sub / "a.dump"), read_text(sub / "a.csv"), summary.dump()};
  }
  CHECK(results[1] == results[2]);
  CHECK(results[1] == results[4]);
}

TEST_CASE("cli: every run file in configs/ runs", "[cli][configs]") {
  for (const auto& entry : fs::directory_iterator(source_dir() / "configs")) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "run.schema.json")
      continue;
    INFO(entry.path());
    std::string out;
    CHECK(mgscope("run --quiet " + entry.path().string(), &out) == 0);
    INFO(out);
  }
}

TEST_CASE("cli: a LAMMPS data file is a one-frame input equal to the dump of the same state",
          "[cli][data]") {
  const auto dir = temp_dir("cli_data");
  for (const char* name : {"cuzr2k_IS.data", "cuzr2k_IS.dump"}) {
    write_text(dir / (std::string(name) + ".json"),
               fmt::format(R"({{"input": {{"path": "{}"}}, "analyzers": [{{"type": "voronoi"}}],
                  "outputs": [{{"format": "json", "path": "{}.summary.json"}}]}})",
                           example_data(name).string(), name));
    std::string out;
    REQUIRE(mgscope("run --quiet " + (dir / (std::string(name) + ".json")).string(), &out) == 0);
  }
  const auto a = nlohmann::json::parse(read_text(dir / "cuzr2k_IS.data.summary.json"));
  const auto b = nlohmann::json::parse(read_text(dir / "cuzr2k_IS.dump.summary.json"));
  const auto& va = a["frames"][0]["analyzers"]["voronoi"];
  const auto& vb = b["frames"][0]["analyzers"]["voronoi"];
  // Same configuration (the dump has 10 significant digits): same index statistics.
  CHECK(va["top_indices"] == vb["top_indices"]);
  CHECK(va["box_volume"].get<double>() == Approx(vb["box_volume"].get<double>()).epsilon(1e-9));
}

namespace {

// Runs `dir`/run.json (whose outputs are a.dump and s.json), sends `signal` after `delay` and
// checks the stop: message, status 130 within a second of the signal, no output or temporary
// file, the earlier s.json intact.
void check_stops_on_signal(const fs::path& dir, const std::string& delay,
                           const std::string& signal) {
  write_text(dir / "s.json", "{}\n");  // an earlier result that must survive
  std::string out;
  const std::string cmd = fmt::format(
      "cd {} && ({} run --quiet run.json & pid=$!; sleep {}; kill -{} $pid; "
      "start=$(date +%s%N); wait $pid; rc=$?; end=$(date +%s%N); "
      "echo rc=$rc ms=$(( (end - start) / 1000000 )))",
      dir.string(), binary().string(), delay, signal);
  run_command(cmd, &out);
  INFO(out);
  CHECK_THAT(out, Catch::Contains("interrupted") && Catch::Contains("rc=130"));
  const auto ms = std::stol(out.substr(out.find("ms=") + 3));
  CHECK(ms < 1000);
  CHECK_FALSE(fs::exists(dir / "a.dump"));
  CHECK_FALSE(fs::exists(dir / "a.dump.tmp"));
  CHECK_FALSE(fs::exists(dir / "s.json.tmp"));
  CHECK(read_text(dir / "s.json") == "{}\n");
}

}  // namespace

TEST_CASE("cli: SIGINT stops a run quickly, removes temporary files, exits non-zero",
          "[cli][signal]") {
  const auto dir = temp_dir("cli_signal");
  // 200 frames take seconds; interrupt after half a second and time the stop.
  write_text(dir / "run.json", fmt::format(R"({{"input": {{"path": ["{0}", "{0}"]}},
      "analyzers": [{{"type": "voronoi"}}],
      "outputs": [{{"format": "lammps_dump", "path": "a.dump"}}, {{"format": "json", "path": "s.json"}}]}})",
                                           shared_data("cuzr2k_nvt300.dump.gz").string()));
  check_stops_on_signal(dir, "0.5", "INT");
}

TEST_CASE("cli: SIGTERM during a computation that cannot be cancelled still stops within a second",
          "[cli][signal]") {
  // soft_spots on the 2000-atom glass spends tens of seconds in dense factorisations and
  // eigensolvers that have no cancellation points; the run must not wait for them.
  const auto dir = temp_dir("cli_signal_stuck");
  write_text(dir / "run.json", fmt::format(R"({{"input": {{"path": "{}"}},
      "analyzers": [{{"type": "soft_spots", "style": "eam/fs", "elements": ["Cu", "Zr"],
                     "file": "/usr/share/lammps/potentials/CuZr_mm.eam.fs", "vdos": true}}],
      "outputs": [{{"format": "lammps_dump", "path": "a.dump"}}, {{"format": "json", "path": "s.json"}}]}})",
                                           example_data("cuzr2k_IS.dump").string()));
  check_stops_on_signal(dir, "2", "TERM");
}
