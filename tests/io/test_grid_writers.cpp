// The npy, vti and vtu outputs open in the field's tools: numpy and VTK (python3-vtk9) read them
// back with the run's values (tests/io/check_grids.py), on a strongly tilted cell.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>

#include "io/writers/binary.hpp"
#include "support.hpp"

using namespace mgs::test;

TEST_CASE("grid writers: numpy and VTK read npy, vti and vtu back (tilted cell)",
          "[writers][grid]") {
  const auto dir = temp_dir("grid_writers");
  const auto input = example_data("cuzr2k_aqs_final_tric.dump");
  write_text(dir / "run.json", R"({"input": {"path": ")" + input.string() + R"("},
    "analyzers": [{"type": "voronoi"},
                  {"type": "bin", "bins": [4, 3, 5], "fields": ["voronoi_volume"],
                   "reductions": ["mean", "sum"]},
                  {"type": "bin", "label": "map", "axes": "ab", "bins": [5, 4],
                   "slab": {"axis": "c", "from": 0, "to": 0.5}, "fields": ["voronoi_volume"]}],
    "outputs": [{"format": "csv", "path": "atoms.csv"}, {"format": "npy", "path": "npy"},
                {"format": "vti", "path": "vti"}, {"format": "vtu", "path": "vtu"}]})");
  std::string out;
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out) ==
          0);
  INFO(out);
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    CHECK(e.path().extension() != ".tmp");
  }
  CHECK(std::filesystem::exists(dir / "vti/bin.pvd"));
  CHECK(std::filesystem::exists(dir / "vtu/atoms.pvd"));
  CHECK(run_command("/usr/bin/python3 " + (source_dir() / "tests/io/check_grids.py").string() +
                        " " + dir.string(),
                    &out) == 0);
  INFO(out);
  CHECK_THAT(out, Catch::StartsWith("ok 2000 atoms"));
}

TEST_CASE("grid writers: npy headers", "[writers][grid]") {
  const std::string f = mgs::io::npy_file("<f8", {3}, false, std::string(24, '\0'));
  CHECK(f.size() % 64 == 24);  // header padded to 64 bytes
  CHECK(f.substr(0, 6) == "\x93NUMPY");
  CHECK_THAT(f, Catch::Contains("'shape': (3,)"));
  CHECK_THAT(mgs::io::npy_file("<f8", {2, 3}, true, ""), Catch::Contains("'shape': (2, 3)"));
}

TEST_CASE(
    "grid writers: a run that fails on its second frame leaves the earlier npy, vti and "
    "vtu files and no temporary file",
    "[writers][grid]") {
  const auto dir = temp_dir("grid_writers_fail");
  const auto run = [&](const std::filesystem::path& input) {
    write_text(dir / "run.json", R"({"input": {"path": ")" + input.string() + R"("},
      "analyzers": [{"type": "bin", "bins": 2}],
      "outputs": [{"format": "npy", "path": "npy"}, {"format": "vti", "path": "vti"},
                  {"format": "vtu", "path": "vtu"}]})");
    std::string out;
    return run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out);
  };
  REQUIRE(run(source_dir() / "tests/bad_inputs/good/bcc128.dump") == 0);
  const auto before = read_text(dir / "vti/bin_000000.vti");
  CHECK(run(source_dir() / "tests/bad_inputs/dumps/second_frame_truncated.dump") != 0);
  CHECK(read_text(dir / "vti/bin_000000.vti") == before);
  CHECK_FALSE(std::filesystem::exists(dir / "vti/bin_000001.vti"));
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    CHECK(e.path().extension() != ".tmp");
    files += e.is_regular_file();
  }
  // run.json; id, type, position and bin_count npy; vti and pvd; vtu and pvd.
  CHECK(files == 1 + 4 + 2 + 2);
}

TEST_CASE("npy output: atom_arrays false writes only the fields", "[writers][grid]") {
  const auto dir = temp_dir("npy_atom_arrays");
  write_text(dir / "run.json", R"({"input": {"path": ")" +
                                   (source_dir() / "tests/bad_inputs/good/bcc128.dump").string() +
                                   R"("},
    "analyzers": [{"type": "voronoi"}],
    "outputs": [{"format": "npy", "path": "all", "fields": ["voronoi_volume"]},
                {"format": "npy", "path": "fields", "fields": ["voronoi_volume"],
                 "atom_arrays": false}]})");
  std::string out;
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out) ==
          0);
  INFO(out);
  const auto names = [&](const std::string& folder) {
    std::set<std::string> found;
    for (const auto& e : std::filesystem::directory_iterator(dir / folder)) {
      found.insert(e.path().filename().string());
    }
    return found;
  };
  CHECK(names("all") == std::set<std::string>{"id_000000.npy", "type_000000.npy",
                                              "position_000000.npy", "voronoi_volume_000000.npy"});
  CHECK(names("fields") == std::set<std::string>{"voronoi_volume_000000.npy"});
  CHECK(read_text(dir / "all/voronoi_volume_000000.npy") ==
        read_text(dir / "fields/voronoi_volume_000000.npy"));
}
