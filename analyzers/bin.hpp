#pragma once
// Binning of per-atom fields on grids aligned with the cell vectors (SCIENCE.md §7): any numeric
// per-atom field (an earlier analyzer's output column or an input column) reduced per bin
// (mean, sum, min, max, std, count, sum per volume), the volume-weighted mass density Σm/ΣV
// from Voronoi volumes, 2-D maps through a slab, and the time average over the run.
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/grid_autocorrelation.hpp"
#include "engine/grid_average.hpp"
#include "engine/grid_params.hpp"

namespace mgs::analyzers {

struct BinParams {
  GridRequest grid;
  std::vector<std::string> fields;  // output columns
  std::vector<Reduction> reductions{Reduction::Mean};
  bool count = true;                          // also the atom count per bin
  std::optional<std::string> density_volume;  // volume column for Σm/ΣV (g/cm³)
  std::vector<double> mass_by_type;           // g/mol, index = type (density only)
  bool time_average = false;
  std::optional<GridAutocorrelationRequest> autocorrelation;  // FFT C(r), S(q), lengths
};

class BinAnalyzer : public Analyzer {
 public:
  BinAnalyzer(std::string label, BinParams params);
  Needs needs() const override { return {}; }
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override;
  std::optional<FrameResult> finish() override;

 private:
  BinParams params_;
  GridAverage average_;
  GridAutocorrelationAverage correlation_average_;
};

}  // namespace mgs::analyzers
