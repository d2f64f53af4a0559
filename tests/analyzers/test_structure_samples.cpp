// Issue 3's acceptance run: the structural analyzers (voronoi, free_volume, five_fold with CNA,
// motifs) and rdf together from one run file on every frame of every shared sample (each dump
// flavour, gzip trajectories, sheared triclinic frames, data files), through the CLI, with the
// invariants that hold on any frame: Voronoi volumes fill the box, Σm/ΣV equals the box density,
// motifs sees the same tessellation as voronoi, W5 and the 1551 fraction in the glass's range.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support.hpp"

namespace fs = std::filesystem;

TEST_CASE("structure analyzers: one run file on every frame of every shared sample",
          "[analyzers][voronoi][free_volume][five_fold][motifs][rdf][slow]") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(mgs::test::shared_data(""))) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".dump") || name.ends_with(".dump.gz") || name.ends_with(".data")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 15);
  const auto dir = mgs::test::temp_dir("structure_samples");
  std::size_t frames = 0;
  for (const auto& path : files) {
    INFO(path.filename().string());
    mgs::test::write_text(dir / "run.json", fmt::format(R"({{
  "input": {{"path": "{}",
             "types": {{"1": {{"element": "Cu", "mass": 63.546}}, "2": {{"element": "Zr", "mass": 91.224}}}}}},
  "analyzers": [{{"type": "voronoi"}}, {{"type": "free_volume"}},
                {{"type": "five_fold", "cna_cutoff": 3.7}}, {{"type": "motifs"}}, {{"type": "rdf"}}],
  "outputs": [{{"format": "json", "path": "summary.json"}}]}})",
                                                        path.string()));
    std::string log;
    REQUIRE(mgs::test::run_command(fmt::format("{} run --quiet {}", mgs::test::binary().string(),
                                               (dir / "run.json").string()),
                                   &log) == 0);
    const auto s = nlohmann::json::parse(mgs::test::read_text(dir / "summary.json"));
    for (const auto& frame : s["frames"]) {
      INFO("frame " << frame["index"] << " timestep " << frame["timestep"]);
      const auto& a = frame["analyzers"];
      CHECK(a["voronoi"]["volume_sum"].get<double>() ==
            Approx(a["voronoi"]["box_volume"].get<double>()).epsilon(1e-9));
      CHECK(a["free_volume"]["density"].get<double>() ==
            Approx(a["free_volume"]["density_from_box"].get<double>()).epsilon(1e-9));
      CHECK(a["motifs"]["full_icosahedron_fraction"] == a["voronoi"]["full_icosahedron_fraction"]);
      const double w5 = a["five_fold"]["mean_w5"].get<double>();
      CHECK(w5 > 0.45);
      CHECK(w5 < 0.7);
      const double f1551 = a["five_fold"]["cna"]["fractions"]["1551"].get<double>();
      CHECK(f1551 > 0.25);
      CHECK(f1551 < 0.5);
      ++frames;
    }
    // The Cu–Zr first peak of every sample (300 K, inherent structure, sheared) near 2.8 Å.
    const double peak = s["final"]["rdf"]["first_peak"]["Cu-Zr"]["r"].get<double>();
    CHECK(peak > 2.7);
    CHECK(peak < 2.95);
  }
  CHECK(frames >= 12 + 2 * 100 + 25);  // single frames, both NVT trajectories, the AQS frames
}
