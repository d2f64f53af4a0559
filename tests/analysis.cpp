#include "analysis.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/pipeline.hpp"
#include "engine/registry.hpp"
#include "io/potential_files.hpp"

namespace mgs::test {

std::unique_ptr<Analyzer> make_analyzer(const std::string& type, const nlohmann::json& params,
                                        const RunContext& run) {
  const AnalyzerSpec* spec = Registry::instance().find(type);
  REQUIRE(spec);
  RunContext context = run;
  if (!context.load_potential) context.load_potential = io::potential_loader();
  return spec->make(validate_params(params, spec->params, "analyzers[0]", {"type", "label"}), type,
                    context);
}

std::vector<AnalyzerResult> compute_with_inputs(
    const Frame& current, std::size_t current_index, const std::vector<Frame>& inputs,
    const std::vector<std::unique_ptr<Analyzer>>& analyzers, const std::vector<TypeInfo>& types) {
  bool cells = false;
  double search_radius = 0.0;
  std::vector<VoronoiOptions> voronoi;
  for (const auto& a : analyzers) {
    cells = cells || a->needs().reference_cells;
    if (a->needs().reference_cells)
      search_radius = std::max(search_radius, a->needs().search_radius);
    if (a->needs().reference_voronoi) voronoi.push_back(*a->needs().reference_voronoi);
  }
  ReferenceService service(
      "memory", [&inputs](std::size_t k) { return inputs.at(k); },
      [](const std::string&, std::size_t) -> Frame { throw std::logic_error("no files"); }, voronoi,
      4, 4, cells, search_radius);
  return compute_frame(current, analyzers, types, &service, current_index);
}

FrameResult compute_against(const Frame& current, const Frame& reference, const std::string& type,
                            const nlohmann::json& params) {
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  analyzers.push_back(make_analyzer(type, params));
  auto results = compute_with_inputs(current, 1, {reference, current}, analyzers);
  return std::move(results.front().result);
}

Frame deformed(const Frame& f, const Mat3& A) {
  Frame out = f;
  const Box& b = f.box;
  out.box = Box(A * b.cell(), A * b.origin(), b.periodic());
  for (std::size_t i = 0; i < f.size(); ++i) {
    out.pos[i] = out.box.wrap(A * f.pos[i]);
  }
  return out;
}

const GridField& find_grid(const FrameResult& result, const std::string& name) {
  for (const auto& g : result.grids) {
    if (g.name == name) return g;
  }
  FAIL("no grid field " << name);
  throw std::logic_error("unreachable");
}

}  // namespace mgs::test
