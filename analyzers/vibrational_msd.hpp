#pragma once
// Vibrational mean-square displacement from a thermal trajectory (SCIENCE.md §6a): each atom's
// time-averaged position and the mean of |r(t) − r̄|² over the frames, on unwrapped coordinates
// with the mass-weighted centre-of-mass drift removed frame by frame. A cross-frame analyzer:
// compute() hands each frame's positions to consume(), which folds them in frame order with a
// running (Welford) accumulation, so memory does not grow with the number of frames.
#include <array>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/params.hpp"

namespace mgs::analyzers {

enum class UnwrapMode { Auto, Images, Stepping };

// Running mean and sum of squared deviations per atom and axis (Welford), in frame order.
class PositionAccumulator {
 public:
  void add(const std::vector<Vec3>& positions);
  std::size_t frames() const { return frames_; }
  const std::vector<Vec3>& mean() const { return mean_; }
  // (1/frames) Σ_t |r_i(t) − r̄_i|²
  std::vector<double> msd() const;

 private:
  std::size_t frames_ = 0;
  std::vector<Vec3> mean_;
  std::vector<Vec3> m2_;
};

// The trajectory MSD as a cross-frame computation any analyzer can hold: carry() (concurrent,
// in compute()) puts the frame's positions into the result as hidden fields, fold() (serial, in
// consume()) unwraps them, removes the centre of mass, accumulates and removes the hidden data.
class TrajectoryMsd {
 public:
  TrajectoryMsd(UnwrapMode mode, std::vector<TypeInfo> types)
      : mode_(mode), types_(std::move(types)) {}
  void carry(const Frame& frame, FrameResult& out) const;
  void fold(const FrameInfo& info, FrameResult& result);

  std::size_t frames() const { return accumulator_.frames(); }
  std::vector<double> msd() const { return accumulator_.msd(); }
  const std::vector<Vec3>& mean() const { return accumulator_.mean(); }
  const std::vector<int>& atom_types() const { return types_of_atoms_; }
  const std::string& unwrap_used() const { return unwrap_used_; }

 private:
  UnwrapMode mode_;
  std::vector<TypeInfo> types_;
  PositionAccumulator accumulator_;
  std::vector<Vec3> previous_;  // unwrapped positions of the previous frame (stepping)
  std::vector<std::int64_t> ids_;
  std::vector<int> types_of_atoms_;
  std::string unwrap_used_;
};

// Per-species statistics of a per-atom quantity (index = type as a string), for summaries.
nlohmann::json describe_by_type(const std::vector<double>& values, const std::vector<int>& types);

class VibrationalMsdAnalyzer : public Analyzer {
 public:
  VibrationalMsdAnalyzer(std::string label, UnwrapMode mode, std::vector<TypeInfo> types);
  Needs needs() const override { return {}; }
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override { msd_.fold(info, result); }
  std::optional<FrameResult> finish() override;

 private:
  TrajectoryMsd msd_;
};

// The run-file key "unwrap" (auto, images, stepping).
ParamSpec unwrap_param_spec();
UnwrapMode unwrap_mode_from(const nlohmann::json& params);

}  // namespace mgs::analyzers
