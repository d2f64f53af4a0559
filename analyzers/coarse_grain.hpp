#pragma once
// Gaussian coarse-graining of per-atom fields on a grid aligned with the cell vectors
// (SCIENCE.md §7): the field average Σ p_i w_i / Σ w_i (intensive fields: W5, D²min, ...) or the
// density-like Σ p_i G_σ (extensive fields), σ given, cut at 3σ, periodic distances.
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/coarse_grain.hpp"
#include "engine/coarse_grain_lines.hpp"
#include "engine/grid_autocorrelation.hpp"
#include "engine/grid_average.hpp"
#include "engine/grid_params.hpp"

namespace mgs::analyzers {

struct CoarseGrainParams {
  GridRequest grid;
  std::vector<std::string> fields;  // output columns
  double sigma = 0.0;               // Å
  CoarseGrainMode mode = CoarseGrainMode::Average;
  bool number_density = false;  // also Σ G_σ (atoms per Å³)
  bool time_average = false;
  std::optional<GridAutocorrelationRequest> autocorrelation;  // FFT C(r), S(q), lengths
};

class CoarseGrainAnalyzer : public Analyzer {
 public:
  CoarseGrainAnalyzer(std::string label, CoarseGrainParams params);
  Needs needs() const override { return {}; }
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override;
  std::optional<FrameResult> finish() override;

 private:
  CoarseGrainParams params_;
  GridAverage average_;
  GridAutocorrelationAverage correlation_average_;
};

}  // namespace mgs::analyzers
