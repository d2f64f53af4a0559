#pragma once
// Local volume, density and free volume from the Voronoi tessellation (SCIENCE.md §2).
#include <optional>
#include <vector>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

// g/mol per Å^3 to g/cm^3 (1 amu/Å^3 = 1.66053907 g/cm^3).
inline constexpr double kAmuPerA3ToGramPerCm3 = 1.66053906660;

struct FreeVolumeParams {
  VoronoiOptions options;
  // Reference volume per type (index = type); empty = species mean of each frame (or of the
  // reference configuration when reference_species_mean).
  std::vector<double> reference_volumes;
  // A reference configuration: adds the local dilatation V_i / V_i(ref) - 1.
  std::optional<ReferenceSpec> reference;
  bool reference_species_mean = false;
};

// Mean cell volume per type (index = type, NaN where the type is absent), summed in atom order.
std::vector<double> species_mean_volumes(const std::vector<int>& types,
                                         const std::vector<double>& volumes);

class FreeVolumeAnalyzer : public Analyzer {
 public:
  FreeVolumeAnalyzer(std::string label, FreeVolumeParams params);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  FreeVolumeParams params_;
};

}  // namespace mgs::analyzers
