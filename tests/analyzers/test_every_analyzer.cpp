// Generic checks every registered analyzer must pass: it has a runnable example in configs/, and
// its per-atom fields and summary are identical for 1 and 4 threads.
#include <catch2/catch.hpp>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <filesystem>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "io/config.hpp"
#include "io/trajectory.hpp"
#include "support.hpp"

using namespace mgs;

namespace {

std::vector<AnalyzerResult> run_with_threads(const io::RunConfig& cfg, const Frame& frame, int threads) {
  const RunContext run{cfg.types};
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  for (const auto& a : cfg.analyzers) {
    analyzers.push_back(Registry::instance().find(a.type)->make(a.params, a.label, run));
  }
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  return arena.execute([&] { return compute_frame(frame, analyzers, cfg.types); });
}

}  // namespace

TEST_CASE("every analyzer: example config, same results for 1 and 4 threads", "[analyzers][determinism]") {
  for (const auto* spec : Registry::instance().all()) {
    INFO("analyzer " << spec->name);
    const auto config = test::source_dir() / "configs" / (spec->name + ".json");
    REQUIRE(std::filesystem::exists(config));
    const io::RunConfig cfg = io::load_run_config(config);
    const Frame frame = io::read_frame(cfg.input, 0);
    const auto one = run_with_threads(cfg, frame, 1);
    const auto four = run_with_threads(cfg, frame, 4);
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
