// Generic checks every registered analyzer must pass: it has a runnable example in configs/, and
// every output file it writes is byte-identical for 1, 2 and 4 threads.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "io/config.hpp"
#include "io/trajectory.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

// The first selected frame of the config's input, with the references the run would serve;
// `extra` analyzers run after the config's own.
std::vector<AnalyzerResult> run_with_threads(
    const io::RunConfig& cfg, int threads, const nlohmann::json& extra = nlohmann::json::array()) {
  const RunContext run = io::run_context(cfg.types);
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  for (const auto& a : cfg.analyzers) {
    analyzers.push_back(Registry::instance().find(a.type)->make(a.params, a.label, run));
  }
  for (const auto& e : extra) {
    const AnalyzerSpec* spec = Registry::instance().find(e["type"].get<std::string>());
    const auto params = validate_params(e, spec->params, "extra", {"type", "label"});
    analyzers.push_back(spec->make(params, e["label"].get<std::string>(), run));
  }
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  return arena.execute([&] {
    auto source = io::open_trajectory(cfg.input);
    const auto raw = source->next();
    REQUIRE(raw);
    const Frame frame = source->parse(*raw);
    io::FrameFiles files(cfg.input.type_elements);
    const auto references = make_reference_service(
        *source, analyzers,
        [&files](const std::string& path, std::size_t k) { return files.read(path, k); }, 2);
    return compute_frame(frame, analyzers, cfg.types, references.get(), raw->input_index);
  });
}

// Every output file of a run, by name relative to `dir`, with its bytes.
std::map<std::string, std::string> files_under(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      files[std::filesystem::relative(e.path(), dir).string()] = test::read_text(e.path());
    }
  }
  return files;
}

}  // namespace

TEST_CASE(
    "every analyzer: its example config writes byte-identical outputs with 1, 2 and 4 threads",
    "[analyzers][determinism][slow]") {
  // The configs read ../examples/... and write ../out/... relative to themselves: each runs from
  // a copy in <tmp>/configs, with <tmp>/examples linked to the repository's, so that the same
  // run file (hence the same summary text) is used for every thread count.
  const auto dir = test::temp_dir("every_analyzer_threads");
  std::filesystem::create_directories(dir / "configs");
  std::filesystem::create_directory_symlink(test::source_dir() / "examples", dir / "examples");
  for (const auto* spec : Registry::instance().all()) {
    INFO("analyzer " << spec->name);
    const auto config = dir / "configs" / (spec->name + ".json");
    std::filesystem::copy_file(test::source_dir() / "configs" / (spec->name + ".json"), config);
    std::map<int, std::map<std::string, std::string>> outputs;
    for (int threads : {1, 2, 4}) {
      std::filesystem::remove_all(dir / "out");
      std::string log;
      INFO(log);
      REQUIRE(test::run_command(fmt::format("{} run --quiet --threads {} {}",
                                            test::binary().string(), threads, config.string()),
                                &log) == 0);
      outputs[threads] = files_under(dir / "out");
    }
    REQUIRE_FALSE(outputs[1].empty());
    for (int threads : {2, 4}) {
      INFO(threads << " threads");
      REQUIRE(outputs[threads].size() == outputs[1].size());
      for (const auto& [name, bytes] : outputs[1]) {
        INFO("output " << name);
        CHECK(outputs[threads][name] == bytes);
      }
    }
  }
}

TEST_CASE(
    "every analyzer: each numeric per-atom field can be binned, coarse-grained and "
    "neighbor-averaged by its column name",
    "[analyzers][bin][coarse_grain][neighbor_average]") {
  for (const auto* spec : Registry::instance().all()) {
    INFO("analyzer " << spec->name);
    const io::RunConfig cfg =
        io::load_run_config(test::source_dir() / "configs" / (spec->name + ".json"));
    std::vector<std::string> columns;
    for (const auto& r : run_with_threads(cfg, 2)) {
      for (const auto& f : r.result.fields) {
        if (!f.is_text() && !f.is_private()) columns.push_back(r.label + "_" + f.name);
      }
    }
    if (columns.empty()) continue;
    const nlohmann::json extra = {
        {{"type", "bin"}, {"label", "x_bin"}, {"bins", 2}, {"fields", columns}},
        {{"type", "coarse_grain"},
         {"label", "x_cg"},
         {"bins", 2},
         {"sigma", 2.0},
         {"fields", columns}},
        {{"type", "neighbor_average"}, {"label", "x_na"}, {"cutoff", 3.0}, {"fields", columns}}};
    const auto results = run_with_threads(cfg, 2, extra);
    const auto& bin = results[results.size() - 3].result;
    const auto& cg = results[results.size() - 2].result;
    const auto& na = results[results.size() - 1].result;
    for (const auto& c : columns) {
      INFO("field " << c);
      CHECK(bin.summary["totals"].contains(c));
    }
    CHECK(bin.grids.size() == columns.size() + 1);  // means and the count
    CHECK(cg.grids.size() == columns.size());
    CHECK(na.fields.size() == columns.size() + 1);  // averages and the neighbor count
  }
}
