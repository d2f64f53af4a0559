// Generic checks every registered analyzer must pass: it has a runnable example in configs/, and
// its per-atom fields and summary are identical for 1 and 4 threads.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <catch2/catch.hpp>

#include <filesystem>

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

}  // namespace

TEST_CASE("every analyzer: example config, same results for 1 and 4 threads",
          "[analyzers][determinism]") {
  for (const auto* spec : Registry::instance().all()) {
    INFO("analyzer " << spec->name);
    const auto config = test::source_dir() / "configs" / (spec->name + ".json");
    REQUIRE(std::filesystem::exists(config));
    const io::RunConfig cfg = io::load_run_config(config);
    const auto one = run_with_threads(cfg, 1);
    const auto four = run_with_threads(cfg, 4);
    REQUIRE(one.size() == four.size());
    for (std::size_t a = 0; a < one.size(); ++a) {
      CHECK(one[a].result.summary == four[a].result.summary);
      REQUIRE(one[a].result.fields.size() == four[a].result.fields.size());
      for (std::size_t f = 0; f < one[a].result.fields.size(); ++f) {
        INFO("field " << one[a].result.fields[f].name);
        CHECK(one[a].result.fields[f].values == four[a].result.fields[f].values);
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
