#pragma once
// Flexibility volume (Ding et al., Nat. Commun. 7, 13733, 2016; SCIENCE.md §6):
// v_flex,i = <Δr_i²> · a_i, with the MSD from a thermal trajectory (cross-frame) or from the
// harmonic modes (a per-atom field of an earlier soft_spots analyzer), and the spacing a chosen
// explicitly.
#include <optional>
#include <string>
#include <vector>

#include "analyzers/vibrational_msd.hpp"
#include "engine/analyzer.hpp"

namespace mgs::analyzers {

enum class SpacingMode { Global, Voronoi, Fixed };

struct FlexibilityParams {
  std::string msd = "trajectory";  // "trajectory", or the column of a per-atom MSD field
  SpacingMode spacing = SpacingMode::Global;
  double fixed_spacing = 0.0;  // Å, SpacingMode::Fixed
  double temperature = 300.0;  // K, for k_B T / <v_flex>
  UnwrapMode unwrap = UnwrapMode::Auto;
};

// Mean distance from each atom to its Voronoi neighbors (faces kept by the tessellation).
std::vector<double> voronoi_spacing(const Frame& frame, const Tessellation& tessellation);

class FlexibilityVolumeAnalyzer : public Analyzer {
 public:
  FlexibilityVolumeAnalyzer(std::string label, FlexibilityParams params,
                            std::vector<TypeInfo> types);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override;
  std::optional<FrameResult> finish() override;

 private:
  bool from_trajectory() const { return params_.msd == "trajectory"; }
  // v_flex from MSD and spacing, with the summary.
  FrameResult result(const std::vector<double>& msd, const std::vector<double>& spacing,
                     const std::vector<int>& types) const;

  FlexibilityParams params_;
  TrajectoryMsd trajectory_;
  std::vector<double> spacing_sum_;  // per atom, summed over frames (trajectory mode)
  std::size_t spacing_frames_ = 0;
};

}  // namespace mgs::analyzers
