// The per-atom outputs open in the field's tools: ASE (python3-ase), Python's csv module and our
// own reader; text fields reach csv and json only.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

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

TEST_CASE("writers: text fields go to csv (quoted) and json, not to dumps", "[writers][motifs]") {
  const auto dir = temp_dir("writers_text");
  const auto input = example_data("cuzr2k_IS.dump");
  write_text(dir / "run.json", R"({"input": {"path": ")" + input.string() + R"("},
    "analyzers": [{"type": "motifs"}],
    "outputs": [{"format": "csv", "path": "atoms.csv"}, {"format": "lammps_dump", "path": "atoms.dump"},
                {"format": "json", "path": "summary.json", "fields": ["motifs_motif", "motifs_motif_id"]},
                {"format": "json", "path": "plain.json"}]})");
  std::string out;
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out) ==
          0);
  INFO(out);

  // CSV read back by Python's csv module: the quoted label is one field.
  const std::string script = R"(
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 2000, len(rows)
for r in rows:
    n = [int(x) for x in r["motifs_motif"].strip("<>").split(",")]
    i = int(r["motifs_motif_id"])
    assert i == n[0]*10**6 + n[1]*10**4 + n[2]*10**2 + n[3] + sum(c * 100**(k + 4) for k, c in enumerate(n[4:])), (r, i)
print(sum(r["motifs_motif"] == "<0,0,12,0>" for r in rows))
)";
  write_text(dir / "check.py", script);
  REQUIRE(run_command("/usr/bin/python3 " + (dir / "check.py").string() + " " +
                          (dir / "atoms.csv").string(),
                      &out) == 0);
  const int fi_csv = std::stoi(out);

  // JSON: the requested per-atom columns, labels as strings, in the frame's id order.
  const auto doc = nlohmann::json::parse(read_text(dir / "summary.json"));
  REQUIRE(doc["atoms"].size() == 1);
  const auto& atoms = doc["atoms"][0];
  REQUIRE(atoms["id"].size() == 2000);
  REQUIRE(atoms["motifs_motif"].size() == 2000);
  CHECK(atoms["motifs_motif"][0].is_string());
  CHECK(atoms["motifs_motif_id"][0].is_number_integer());
  int fi_json = 0;
  for (const auto& m : atoms["motifs_motif"]) fi_json += m == "<0,0,12,0>";
  CHECK(fi_json == fi_csv);
  CHECK(fi_json == doc["frames"][0]["analyzers"]["motifs"]["fi_connectivity"]["centers"]);
  CHECK_FALSE(nlohmann::json::parse(read_text(dir / "plain.json")).contains("atoms"));

  // The dump keeps the numeric id only, and reads back.
  const auto dump = mgs::io::parse_dump_frame(read_text(dir / "atoms.dump"), "atoms.dump", 1);
  CHECK(dump.column("motifs_motif_id"));
  CHECK_FALSE(dump.column("motifs_motif"));
  // Asking a dump for a text field by name is an error.
  write_text(dir / "bad.json", R"({"input": {"path": ")" + input.string() + R"("},
    "analyzers": [{"type": "motifs"}],
    "outputs": [{"format": "lammps_dump", "path": "bad.dump", "fields": ["motifs_motif"]}]})");
  CHECK(run_command(binary().string() + " run --quiet " + (dir / "bad.json").string(), &out) != 0);
  CHECK_THAT(out, Catch::Contains("text field"));
}

TEST_CASE("writers: csv_tables writes the rdf curves that numpy reads back as the summary has "
          "them",
          "[writers][rdf]") {
  const auto dir = temp_dir("writers_tables");
  const nlohmann::json run = {
      {"input",
       {{"path", shared_data("cuzr2k_IS.dump").string()},
        {"types", {{"1", {{"element", "Cu"}}}, {"2", {{"element", "Zr"}}}}}}},
      {"analyzers", {{{"type", "rdf"}, {"r_max", 8.0}, {"bins", 80}}}},
      {"outputs",
       {{{"format", "json"}, {"path", "summary.json"}},
        {{"format", "csv_tables"}, {"path", "tables"}}}}};
  write_text(dir / "run.json", run.dump());
  std::string out;
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(),
                            &out) == 0);
  REQUIRE(std::filesystem::exists(dir / "tables/rdf_g.csv"));
  REQUIRE(std::filesystem::exists(dir / "tables/rdf_S.csv"));
  // numpy reads the header and the columns; they equal the summary's curves.
  write_text(dir / "check.py", R"(import json, sys, numpy as np
d = sys.argv[1]
s = json.load(open(d + "/summary.json"))["final"]["rdf"]
g = np.genfromtxt(d + "/tables/rdf_g.csv", delimiter=",", names=True, deletechars="")
assert len(g) == 80, len(g)
assert np.allclose(g["r"], s["r"], rtol=1e-15)
for pair, curve in s["g"].items():
    assert np.allclose(g["g_" + pair], curve, rtol=1e-15), pair
for pair, curve in s["cn"].items():
    assert np.allclose(g["cn_" + pair], curve, rtol=1e-15), pair
S = np.genfromtxt(d + "/tables/rdf_S.csv", delimiter=",", names=True, deletechars="")
assert np.allclose(S["q"], s["q"]) and np.allclose(S["S_total"], s["S"]["total"], rtol=1e-15)
print("ok", sorted(g.dtype.names))
)");
  CHECK(run_command("/usr/bin/python3 " + (dir / "check.py").string() + " " + dir.string(),
                          &out) == 0);
  INFO(out);
  CHECK_THAT(out, Catch::Contains("g_Cu-Zr") && Catch::Contains("cn_Zr-Cu"));
}
