#pragma once
// Neighbor average of per-atom fields (SCIENCE.md §7): (p_i + Σ_j p_j) / (1 + N_i) over the
// neighbors within a cutoff, from the engine's neighbor list.
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

struct NeighborAverageParams {
  std::vector<std::string> fields;  // output columns
  double cutoff = 0.0;              // Å
};

class NeighborAverageAnalyzer : public Analyzer {
 public:
  NeighborAverageAnalyzer(std::string label, NeighborAverageParams params);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  NeighborAverageParams params_;
};

}  // namespace mgs::analyzers
