#include <catch2/catch.hpp>

#include "engine/errors.hpp"
#include "io/config.hpp"
#include "support.hpp"

using nlohmann::json;

namespace {

mgs::io::RunConfig parse(const std::string& text) {
  return mgs::io::parse_run_config(json::parse(text), "/base");
}

std::string config_error(const std::string& text) {
  try {
    parse(text);
  } catch (const mgs::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("config: the minimal run file, with relative paths against its folder", "[config]") {
  const auto cfg = parse(R"({"input": {"path": "examples/data/cuzr2k_IS.dump"},
     "analyzers": [{"type": "voronoi"}],
     "outputs": [{"format": "lammps_dump", "path": "out/atoms.dump"},
                 {"format": "json", "path": "out/summary.json"}]})");
  REQUIRE(cfg.input.paths.size() == 1);
  CHECK(cfg.input.paths[0] == "/base/examples/data/cuzr2k_IS.dump");
  REQUIRE(cfg.analyzers.size() == 1);
  CHECK(cfg.analyzers[0].label == "voronoi");
  CHECK(cfg.analyzers[0].params["edge_threshold"] == 0.0);  // defaults filled
  REQUIRE(cfg.outputs.size() == 2);
  CHECK(cfg.outputs[0].path == "/base/out/atoms.dump");
  CHECK(cfg.input.frames.start == 0);
  CHECK(cfg.input.frames.step == 1);
  CHECK_FALSE(cfg.input.frames.stop.has_value());
}

TEST_CASE("config: frames, types and lists of inputs", "[config]") {
  const auto cfg = parse(R"({"input": {"path": ["a.dump", "/abs/b*.dump"],
       "frames": {"start": 2, "stop": 10, "step": 3},
       "types": {"1": {"element": "Cu", "mass": 63.546, "radius": 1.28}, "2": {"element": "Zr"}}},
     "analyzers": [{"type": "voronoi", "label": "vor", "radii": {"Cu": 1.28, "2": 1.6}}]})");
  CHECK(cfg.input.paths == std::vector<std::string>{"/base/a.dump", "/abs/b*.dump"});
  CHECK(cfg.input.frames.start == 2);
  CHECK(*cfg.input.frames.stop == 10);
  CHECK(cfg.input.frames.step == 3);
  REQUIRE(cfg.types.size() == 3);
  CHECK(cfg.types[1].element == "Cu");
  CHECK(*cfg.types[1].mass == 63.546);
  CHECK(cfg.types[2].element == "Zr");
  CHECK(cfg.analyzers[0].label == "vor");
}

TEST_CASE("config: errors name the JSON path and the closest valid key", "[config]") {
  const std::string head = R"({"input": {"path": "a.dump"}, "analyzers": [{"type": "voronoi"}, )";
  CHECK_THAT(config_error(head + R"({"type": "voronoi", "label": "v2", "edge_treshold": 0.1}]})"),
             Catch::Contains("analyzers[1].edge_treshold") && Catch::Contains("edge_threshold"));
  CHECK_THAT(config_error(head + R"({"type": "voronoi", "label": "v2", "edge_threshold": "big"}]})"),
             Catch::Contains("analyzers[1].edge_threshold") && Catch::Contains("expected number"));
  CHECK_THAT(config_error(head + R"({"type": "voronoi", "label": "v2", "edge_threshold": -1}]})"),
             Catch::Contains("analyzers[1].edge_threshold") && Catch::Contains("at least 0"));
  CHECK_THAT(config_error(head + R"({"type": "voronio"}]})"),
             Catch::Contains("analyzers[1].type") && Catch::Contains("\"voronoi\""));
  CHECK_THAT(config_error(head + R"({"type": "voronoi"}]})"),
             Catch::Contains("analyzers[1].label") && Catch::Contains("twice"));
  CHECK_THAT(config_error(R"({"inptu": {"path": "a"}, "analyzers": []})"),
             Catch::Contains("inptu") && Catch::Contains("\"input\""));
  CHECK_THAT(config_error(R"({"input": {"path": "a", "frames": {"step": 0}}, "analyzers": []})"),
             Catch::Contains("input.frames.step"));
  CHECK_THAT(config_error(R"({"input": {"path": "a"}, "analyzers": [],
                              "outputs": [{"format": "lammps_dmp", "path": "x"}]})"),
             Catch::Contains("outputs[0].format") && Catch::Contains("lammps_dump"));
  CHECK_THAT(config_error(R"({"input": {"path": "a"}, "analyzers": [],
                              "outputs": [{"format": "csv"}]})"),
             Catch::Contains("outputs[0].path") && Catch::Contains("missing"));
  CHECK_THAT(config_error(R"({"input": {}, "analyzers": []})"), Catch::Contains("input.path"));
  CHECK_THAT(config_error(R"({"input": {"path": "a"}, "analyzers": [{"type": "voronoi",
                              "radii": {"7x": 1}}]})"),
             Catch::Contains("radii.7x"));
  CHECK_THAT(config_error(R"({"input": {"path": "a.dump"}, "analyzers": [],
                              "outputs": [{"format": "csv", "path": "a.dump"}]})"),
             Catch::Contains("outputs[0].path") && Catch::Contains("input"));
}

TEST_CASE("config: a file that is not JSON gives its line", "[config]") {
  const auto dir = mgs::test::temp_dir("config_json");
  mgs::test::write_text(dir / "bad.json", "{\n  \"input\": {\"path\": \"a\"},\n  \"analyzers\": [,]\n}\n");
  try {
    mgs::io::load_run_config(dir / "bad.json");
    FAIL("no error");
  } catch (const mgs::InputError& e) {
    CHECK(e.line() == 3);
    CHECK_THAT(std::string(e.what()), Catch::Contains("bad.json:3"));
  }
}
