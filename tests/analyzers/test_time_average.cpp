// Time averaging of grids over a run (a cross-frame reduction through consume() and finish()):
// through the CLI on the 25-frame AQS shear run (the cell tilts from frame to frame, the bins
// follow it), the final grids equal numpy's per-bin mean of the per-frame grids.
#include <catch2/catch.hpp>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "support.hpp"

using namespace mgs::test;

TEST_CASE(
    "time average: bin and coarse_grain grids averaged over a sheared run equal the mean "
    "of the per-frame grids",
    "[bin][coarse_grain][time_average]") {
  const auto dir = temp_dir("time_average");
  const auto input = example_data("cuzr2k_aqs_shear.dump.gz");
  write_text(dir / "run.json", R"({"input": {"path": ")" + input.string() + R"("},
    "analyzers": [{"type": "voronoi"},
      {"type": "bin", "label": "per", "bins": [5, 4, 3], "fields": ["voronoi_volume"],
       "reductions": ["mean", "min"]},
      {"type": "bin", "label": "avg", "bins": [5, 4, 3], "fields": ["voronoi_volume"],
       "reductions": ["mean", "min"], "time_average": true},
      {"type": "coarse_grain", "label": "cg", "axes": "ab", "bins": 6, "sigma": 2.0,
       "slab": {"axis": "c", "from": 0.2, "to": 0.4}, "fields": ["voronoi_volume"]},
      {"type": "coarse_grain", "label": "cg_avg", "axes": "ab", "bins": 6, "sigma": 2.0,
       "slab": {"axis": "c", "from": 0.2, "to": 0.4}, "fields": ["voronoi_volume"],
       "time_average": true}],
    "outputs": [{"format": "npy", "path": "npy", "fields": ["voronoi_volume"]},
                {"format": "vti", "path": "vti"}, {"format": "json", "path": "summary.json"}]})");
  std::string out;
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out) ==
          0);
  INFO(out);
  CHECK(run_command("/usr/bin/python3 " +
                        (source_dir() / "tests/io/check_time_average.py").string() + " " +
                        (dir / "npy").string() +
                        " 25 per_count:avg_count per_voronoi_volume_mean:avg_voronoi_volume_mean"
                        " per_voronoi_volume_min:avg_voronoi_volume_min"
                        " cg_voronoi_volume_average:cg_avg_voronoi_volume_average",
                    &out) == 0);
  INFO(out);
  CHECK_THAT(out, Catch::StartsWith("ok 4 averages over 25 frames"));
  const auto summary = nlohmann::json::parse(read_text(dir / "summary.json"));
  CHECK(summary["final"]["avg"]["time_average"]["frames"] == 25);
  CHECK(summary["final"]["cg_avg"]["time_average"]["frames"] == 25);
  CHECK(std::filesystem::exists(dir / "vti/avg_final.vti"));
  CHECK(std::filesystem::exists(dir / "vti/per_000024.vti"));
  CHECK_FALSE(std::filesystem::exists(dir / "vti/avg_000000.vti"));
}
