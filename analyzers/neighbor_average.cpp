#include "analyzers/neighbor_average.hpp"

#include <fmt/format.h>

#include "engine/coarse_grain.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

NeighborAverageAnalyzer::NeighborAverageAnalyzer(std::string label, NeighborAverageParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

Needs NeighborAverageAnalyzer::needs() const {
  Needs n;
  n.neighbor_cutoff = params_.cutoff;
  return n;
}

FrameResult NeighborAverageAnalyzer::compute(const FrameContext& context) const {
  FrameResult out;
  std::vector<std::int64_t> count;
  for (std::size_t k = 0; k < params_.fields.size(); ++k) {
    const std::string& column = params_.fields[k];
    const std::vector<double> values =
        require_field(context, column, fmt::format("{}.fields[{}]", label(), k));
    out.fields.push_back(
        {column, context.field_unit(column).value_or(""),
         fmt::format("(p_i + Σ_j p_j) / (1 + N_i) of {} over the neighbors "
                     "within {} Å",
                     column, params_.cutoff),
         neighbor_average(context.neighbors(), values, params_.cutoff, k == 0 ? &count : nullptr)});
  }
  std::vector<double> n(count.begin(), count.end());
  out.summary = {{"cutoff", params_.cutoff}, {"neighbors", stats::describe(n)}};
  out.fields.push_back({"neighbors", "", "N_i: neighbors within the cutoff", std::move(count)});
  return out;
}

namespace {

const bool registered = register_analyzer({
    "neighbor_average",
    "Neighbor average of per-atom fields: (p_i + Σ_j p_j) / (1 + N_i) over the neighbors "
    "within a cutoff (periodic images included), per atom, named after the field.",
    {
        ParamSpec("fields", ParamKind::Array, nullptr, "",
                  "per-atom fields to average: output columns of analyzers listed before this "
                  "one (e.g. five_fold_w5) or input columns (e.g. c_pe)"),
        ParamSpec("cutoff", ParamKind::Number, nullptr, "Å",
                  "neighbors closer than this (CuZr: ~3.7 Å, the first g(r) minimum)")
            .at_least(1e-6),
    },
    [](const nlohmann::json& p, const std::string& label, const RunContext&) {
      NeighborAverageParams params;
      for (std::size_t k = 0; k < p["fields"].size(); ++k) {
        const auto& f = p["fields"][k];
        if (!f.is_string()) {
          throw ConfigError(fmt::format("{}.fields[{}]", label, k), "expected a column name");
        }
        params.fields.push_back(f.get<std::string>());
      }
      if (params.fields.empty()) throw ConfigError(label + ".fields", "expected column names");
      if (std::find(params.fields.begin(), params.fields.end(), "neighbors") !=
          params.fields.end()) {
        throw ConfigError(label + ".fields", "\"neighbors\" names this analyzer's own count");
      }
      params.cutoff = p["cutoff"].get<double>();
      return std::make_unique<NeighborAverageAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
