// The reference-frame service: run-file forms, loading once, offsets, id matching, and the
// run-level behaviour (files relative to the run file, unwrapped displacements).
#include <catch2/catch.hpp>

#include <tbb/parallel_for.h>

#include <atomic>
#include <fstream>

#include "analysis.hpp"
#include "engine/displacement.hpp"
#include "engine/errors.hpp"
#include "engine/reference.hpp"
#include "io/trajectory.hpp"
#include "lattice.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

ReferenceSpec parse(const nlohmann::json& reference) {
  nlohmann::json p = {{"reference", reference}};
  return reference_spec_from(p, "analyzers[0]");
}

std::string config_error(const nlohmann::json& reference) {
  try {
    parse(reference);
  } catch (const ConfigError& e) {
    return e.json_path() + ": " + e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("reference: run-file forms and their errors", "[reference]") {
  CHECK(parse({{"frame", 3}}).frame == 3);
  CHECK(parse({{"offset", -2}}).kind == ReferenceSpec::Kind::Offset);
  CHECK(parse({{"offset", -2}}).offset == -2);
  const ReferenceSpec ext = parse({{"path", "ref.dump"}, {"frame", 1}});
  CHECK(ext.path == "ref.dump");
  CHECK(ext.frame == 1);
  CHECK_THAT(config_error({{"offset", 1}}),
             Catch::Contains("analyzers[0].reference.offset") && Catch::Contains("negative"));
  CHECK_THAT(config_error({{"frame", -1}}), Catch::Contains("analyzers[0].reference.frame"));
  CHECK_THAT(config_error({{"frame", 1.5}}), Catch::Contains("expected an integer"));
  CHECK_THAT(config_error({{"offest", -1}}), Catch::Contains("did you mean offset"));
  CHECK_THAT(config_error({{"offset", -1}, {"frame", 0}}), Catch::Contains("either offset"));
  CHECK_THAT(config_error({{"path", ""}}), Catch::Contains("expected a file name"));
}

TEST_CASE("reference: a fixed reference is loaded once however many frames ask at once",
          "[reference]") {
  std::atomic<int> loads{0};
  const Frame f = test::cubic_lattice("fcc", 3.6, 3);
  ReferenceService service(
      "in",
      [&](std::size_t) {
        ++loads;
        return f;
      },
      [](const std::string&, std::size_t) -> Frame { throw std::logic_error("no files"); }, {}, 4,
      0, true);
  std::vector<std::shared_ptr<const ReferenceFrame>> got(64);
  tbb::parallel_for(std::size_t{0}, got.size(),
                    [&](std::size_t k) { got[k] = service.get(ReferenceSpec{}, k + 1); });
  CHECK(loads == 1);
  for (const auto& g : got) CHECK(g.get() == got.front().get());
  REQUIRE(got.front()->cells);  // built once, with the frame
  int found = 0;
  got.front()->cells->for_each_within(
      f.pos[0], 3.0,
      [&](std::uint32_t, Image, const Vec3&, double r2) { found += r2 > 0.0 ? 1 : 0; });
  CHECK(found == 12);
}

TEST_CASE("reference: offsets use frames the pipeline offered and refuse to reach before 0",
          "[reference]") {
  std::vector<std::size_t> loaded;
  std::mutex m;
  const Frame f = test::cubic_lattice("sc", 3.0, 2);
  ReferenceService service(
      "in.dump",
      [&](std::size_t k) {
        const std::lock_guard lock(m);
        loaded.push_back(k);
        return f;
      },
      [](const std::string&, std::size_t) -> Frame { throw std::logic_error("no files"); }, {}, 4,
      4);
  ReferenceSpec back2;
  back2.kind = ReferenceSpec::Kind::Offset;
  back2.offset = -2;
  service.offer(3, std::make_shared<const Frame>(f));
  CHECK(service.get(back2, 5)->input_index == 3);
  CHECK(loaded.empty());
  CHECK(service.get(back2, 6)->input_index == 4);  // not offered: read
  CHECK(loaded == std::vector<std::size_t>{4});
  CHECK(service.get(back2, 6)->input_index == 4);  // cached
  CHECK(loaded.size() == 1);
  try {
    service.get(back2, 1);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.file() == "in.dump");
    CHECK_THAT(e.what(), Catch::Contains("offset -2") && Catch::Contains("input.frames.start"));
  }
}

TEST_CASE("reference: atoms are matched by id and differing sets are named", "[reference]") {
  const Frame a = test::cubic_lattice("sc", 3.0, 2);
  Frame b = a;
  b.id[2] = 100;  // atom 3 replaced by atom 100 (still sorted)
  std::sort(b.id.begin(), b.id.end());
  ReferenceFrame ref{"ref.dump", 0, std::make_shared<const Frame>(b), {}, nullptr};
  try {
    check_same_atoms(a, ref);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.file() == "ref.dump");
    CHECK_THAT(e.what(), Catch::Contains("1 ids missing from the reference (3)") &&
                             Catch::Contains("1 ids missing from the current frame (100)"));
  }
  ReferenceFrame same{"ref.dump", 0, std::make_shared<const Frame>(a), {}, nullptr};
  CHECK_NOTHROW(check_same_atoms(a, same));
}

TEST_CASE(
    "reference: displacements by minimum image and from unwrapped coordinates agree on a "
    "thermal trajectory",
    "[reference][shared]") {
  io::InputSpec spec;
  spec.paths = {test::shared_data("cuzr2k_nvt300.dump.gz").string()};
  const Frame ref = io::read_frame(spec, 0);
  const Frame cur = io::read_frame(spec, 60);
  REQUIRE(cur.has_image);
  const auto a = reduced_displacements(cur, ref, DisplacementMode::MinimumImage, "ref");
  const auto b = reduced_displacements(cur, ref, DisplacementMode::Unwrapped, "ref");
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).norm());
  CHECK(worst < 1e-9);
  // Unwrapped displacements on a wrapped-only input are refused with the reason.
  io::InputSpec wrapped;
  wrapped.paths = {test::shared_data("cuzr2k_nvt300_wrapped.dump.gz").string()};
  const Frame w = io::read_frame(wrapped, 1);
  CHECK_THROWS_WITH(reduced_displacements(w, ref, DisplacementMode::Unwrapped, "ref.dump"),
                    Catch::Contains("xu yu zu") && Catch::Contains("image flags"));
}

TEST_CASE(
    "reference: a run against an external reference file, and against one with other "
    "atoms",
    "[reference][cli]") {
  const auto dir = test::temp_dir("reference_cli");
  // The external reference: the sheared final state's own frame, by a path relative to the run.
  std::filesystem::copy_file(test::shared_data("cuzr2k_aqs_final_tric.dump"), dir / "ref.dump");
  nlohmann::json run = {
      {"input", {{"path", test::shared_data("cuzr2k_aqs_final_tric.dump").string()}}},
      {"analyzers", {{{"type", "d2min"}, {"cutoff", 4.0}, {"reference", {{"path", "ref.dump"}}}}}},
      {"outputs", {{{"format", "json"}, {"path", "out.json"}}}}};
  test::write_text(dir / "run.json", run.dump());
  std::string out;
  REQUIRE(test::run_command(test::binary().string() + " run --quiet " + (dir / "run.json").string(),
                            &out) == 0);
  const auto summary = nlohmann::json::parse(test::read_text(dir / "out.json"));
  const auto& d = summary["frames"][0]["analyzers"]["d2min"];
  CHECK(d["max"].get<double>() < 1e-20);  // the same configuration
  CHECK_THAT(d["reference"]["file"].get<std::string>(), Catch::EndsWith("ref.dump"));

  // Drop the last atom line from the reference (and fix the count): the run must name the id.
  std::ifstream in(dir / "ref.dump");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  lines.pop_back();
  for (std::size_t k = 0; k + 1 < lines.size(); ++k) {
    if (lines[k] == "ITEM: NUMBER OF ATOMS") lines[k + 1] = "1999";
  }
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  test::write_text(dir / "ref.dump", text);
  std::filesystem::remove(dir / "out.json");
  CHECK(test::run_command(test::binary().string() + " run --quiet " + (dir / "run.json").string(),
                          &out) != 0);
  CHECK_THAT(out, Catch::Contains("ref.dump") && Catch::Contains("ids missing from the reference"));
  CHECK(!std::filesystem::exists(dir / "out.json"));
}
