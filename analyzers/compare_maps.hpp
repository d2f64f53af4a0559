#pragma once
// Statistics of a simulated map next to an experimental one (SCIENCE.md §7): atoms do not match
// pixels, so the maps are compared through statistics at a matched pixel size: value
// distributions (normalised histograms, Kolmogorov–Smirnov, Wasserstein-1, CV, skewness),
// autocorrelation lengths, radially averaged power spectra, and SSIM only for maps the user
// declares registered. The experimental map is read once (through the run context's map loader)
// and preprocessed as experimentalists do (polynomial background, relative contrast). The
// numerics are in engine/map_statistics.hpp.
#include <optional>
#include <string>

#include "engine/analyzer.hpp"
#include "engine/map2d.hpp"
#include "engine/map_statistics.hpp"

namespace mgs::analyzers {

struct CompareMapsParams {
  std::string map;     // "<label>_<grid>" of an earlier analyzer
  Map2D experimental;  // preprocessed
  nlohmann::json preprocessing = nlohmann::json::object();
  mapstats::Normalisation normalisation = mapstats::Normalisation::None;
  bool registered = false;
  int bins = 64;
};

class CompareMapsAnalyzer : public Analyzer {
 public:
  CompareMapsAnalyzer(std::string label, CompareMapsParams params);
  Needs needs() const override { return {}; }
  FrameResult compute(const FrameContext& context) const override;

 private:
  CompareMapsParams params_;
};

}  // namespace mgs::analyzers
