// The per-atom outputs open in the field's tools: ASE (python3-ase) and our own reader.
#include <catch2/catch.hpp>

#include "io/lammps_dump.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace mgs::test;

namespace {

fs::path run_voronoi(const std::string& tag, const fs::path& input) {
  const auto dir = temp_dir(tag);
  write_text(dir / "run.json", R"({"input": {"path": ")" + input.string() + R"("},
    "analyzers": [{"type": "voronoi"}],
    "outputs": [{"format": "lammps_dump", "path": "atoms.dump"}, {"format": "csv", "path": "atoms.csv"},
                {"format": "lammps_dump", "path": "ase.dump", "column_prefix": "c_"}]})");
  std::string out;
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out) == 0);
  return dir;
}

}  // namespace

TEST_CASE("writers: ASE reads the per-atom dump of orthogonal and triclinic frames", "[writers][ase]") {
  for (const char* name : {"cuzr2k_IS.dump", "cuzr2k_aqs_final_tric.dump"}) {
    const auto dir = run_voronoi("writers_ase", example_data(name));
    const std::string script = "/usr/bin/python3 " + (source_dir() / "tests/io/check_ase.py").string() +
                               " " + example_data(name).string() + " ";
    std::string out;
    // Plain column names: ASE reads cell, positions and species (it drops other columns).
    CHECK(run_command(script + (dir / "atoms.dump").string(), &out) == 0);
    INFO(out);
    // With the c_ prefix ASE imports the fields as per-atom arrays.
    CHECK(run_command(script + (dir / "ase.dump").string() +
                          " c_voronoi_volume c_voronoi_n5 c_voronoi_max_face_order",
                      &out) == 0);
    INFO(out);
  }
}

TEST_CASE("writers: the dump reads back with the same box, positions and fields", "[writers]") {
  const auto input = example_data("cuzr2k_aqs_final_tric.dump");
  const auto dir = run_voronoi("writers_roundtrip", input);
  const std::string original = read_text(input);
  const std::string written = read_text(dir / "atoms.dump");
  const auto a = mgs::io::parse_dump_frame(original, input.string(), 1);
  const auto b = mgs::io::parse_dump_frame(written, "atoms.dump", 1);
  CHECK((a.box.cell() - b.box.cell()).norm() < 1e-12);
  CHECK((a.box.origin() - b.box.origin()).norm() < 1e-12);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a.id[i] == b.id[i]);
    CHECK((a.pos[i] - b.pos[i]).norm() < 1e-12);
  }
  REQUIRE(b.column("voronoi_volume"));
  double sum = 0;
  for (double v : b.column("voronoi_volume")->values) sum += v;
  CHECK(sum == Approx(a.box.volume()).epsilon(1e-12));
  // CSV: header plus one row per atom.
  const std::string csv = read_text(dir / "atoms.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 2001);
  CHECK_THAT(csv, Catch::StartsWith("frame,timestep,id,type,x,y,z,voronoi_volume,"));
}
