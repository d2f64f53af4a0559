#pragma once
// Simulated electron correlation microscopy (SCIENCE.md §7, temporal heterogeneity), a
// cross-frame analyzer with two modes:
//   map: the intensity autocorrelation g₂(τ) of every pixel of a 2-D grid that an earlier
//        analyzer writes for each frame (a projection's map, a 2-D bin), fitted per pixel with
//        1 + A exp[−2(τ/τ_c)^β];
//   q:   the self-intermediate scattering F_s(q, τ) of the atoms of each bin of a grid (atoms
//        assigned by their position in the first frame), fitted per bin with A exp[−(τ/τ)^β].
// Maps of τ_c, β, A and R² go out as grids at the end of the run; the fit window is reported.
// The numerics are in engine/ecm.hpp. Memory: every frame's map (or positions) is kept.
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/grid_params.hpp"

namespace mgs::analyzers {

struct EcmParams {
  std::optional<std::string> map;  // map mode: "<label>_<grid>"
  double q = 0.0;                  // q mode (Å⁻¹)
  GridRequest grid;                // q mode: the bins
  int lag_from = 1;
  int lag_to = 0;         // 0: a quarter of the run
  double timestep = 0.0;  // ps per MD step (0: times in timesteps or frames)
};

class EcmAnalyzer : public Analyzer {
 public:
  EcmAnalyzer(std::string label, EcmParams params);
  Needs needs() const override { return {}; }
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override;
  std::optional<FrameResult> finish() override;

 private:
  // The two modes, with the last lag of the fit window that finish() checked.
  std::optional<FrameResult> finish_map(int lag_to);
  std::optional<FrameResult> finish_q(int lag_to);
  // The time of one frame and its unit: uniform timestep spacing gives timesteps (or ps).
  std::pair<double, std::string> frame_time() const;

  EcmParams params_;
  std::vector<std::int64_t> timesteps_;
  // map mode
  std::optional<GridField> geometry_;  // the first frame's grid, without values
  std::vector<double> stack_;          // frame-major
  // q mode
  std::vector<std::int64_t> ids_;
  std::vector<std::vector<Vec3>> positions_;  // unwrapped, per frame
  std::vector<std::size_t> bins_;             // per atom, from the first frame
  std::optional<GridField> bin_geometry_;
  Mat3 cell_ = Mat3::Identity();
  bool images_ = false;
};

}  // namespace mgs::analyzers
