#pragma once
// Vibrational mean-square displacement from a thermal trajectory (SCIENCE.md §6a): each atom's
// time-averaged position and the mean of |r(t) − r̄|² over the frames, on unwrapped coordinates
// with the mass-weighted centre-of-mass drift removed frame by frame. A cross-frame analyzer:
// compute() hands each frame's positions to consume(), which folds them in frame order with a
// running (Welford) accumulation, so memory does not grow with the number of frames. Atoms whose
// mean position moves between the first and second half of the run by more than a threshold
// have hopped (they left their cage): flagged and left out of the plateau statistics and MSD(t).
#include <array>
#include <cstdint>
#include <deque>
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

// MSD(t): per atom and lag τ = 1..lags frames, the sum over time origins of |r(t0+τ) − r(t0)|²,
// from a ring of the last `lags` frames (memory: lags × atoms × 32 bytes).
class LagMsd {
 public:
  explicit LagMsd(std::size_t lags) : lags_(lags) {}
  std::size_t lags() const { return lags_; }
  void add(const std::vector<Vec3>& r, std::int64_t timestep);
  // Lags with at least one origin: τ, the mean timestep difference, and per group (atoms with
  // group[i] = g, g = 0 .. groups - 1; -1 leaves an atom out) the mean over origins and atoms.
  struct Curve {
    std::vector<double> lag_frames, lag_timesteps;
    std::vector<std::vector<double>> msd;  // [group][lag]
  };
  Curve curve(const std::vector<int>& group, int groups) const;
  // A new run starts: lags never span two runs (the sums are kept).
  void restart() {
    recent_.clear();
    steps_.clear();
  }

 private:
  std::size_t lags_;
  std::deque<std::vector<Vec3>> recent_;
  std::deque<std::int64_t> steps_;
  std::vector<double> sums_;          // [lag][atom]
  std::vector<std::size_t> origins_;  // per lag
  std::vector<double> dt_;            // per lag: Σ timestep differences
};

// The trajectory MSD as a cross-frame computation any analyzer can hold: carry() (concurrent,
// in compute()) puts the frame's positions into the result as hidden fields, fold() (serial, in
// consume()) unwraps them, removes the centre of mass, accumulates and removes the hidden data.
class TrajectoryMsd {
 public:
  // `isoconfigurational`: every input file is one run of an ensemble started from the same
  // configuration; each run has its own mean positions and MSD, and the MSD is averaged per
  // atom over the runs (hops per run, MSD(t) within runs).
  TrajectoryMsd(UnwrapMode mode, std::vector<TypeInfo> types, std::size_t lags = 0,
                bool isoconfigurational = false)
      : mode_(mode), types_(std::move(types)), iso_(isoconfigurational), lag_(lags) {}
  // The frames of the run(s), so that each run can be split into halves for hop detection.
  void begin(const RunShape& shape) { shape_ = shape; }
  void carry(const Frame& frame, FrameResult& out) const;
  void fold(const FrameInfo& info, FrameResult& result);
  // |r̄(first half) − r̄(second half)| per atom (the largest over the runs), when the run lengths
  // were given and every run's halves hold frames; empty otherwise.
  std::vector<double> hop_distances() const;
  const LagMsd& lag_msd() const { return lag_; }

  std::size_t frames() const { return frames_; }  // over all runs
  std::size_t runs() const { return closed_.runs + (accumulator_.frames() > 0 ? 1 : 0); }
  // Per atom, averaged over the runs.
  std::vector<double> msd() const;
  std::vector<Vec3> mean() const;
  const std::vector<int>& atom_types() const { return types_of_atoms_; }
  const std::string& unwrap_used() const { return unwrap_used_; }

 private:
  // What finished runs leave: sums over runs of the per-atom MSD and mean, the largest hop.
  struct Closed {
    std::size_t runs = 0;
    std::vector<double> msd_sum;
    std::vector<Vec3> mean_sum;
    std::vector<double> hop_max;
    bool hops_known = true;
  };
  void close_run();
  std::vector<double> run_hops() const;  // the current run's; empty when unknown

  UnwrapMode mode_;
  std::vector<TypeInfo> types_;
  bool iso_;
  RunShape shape_;
  std::size_t frames_ = 0;
  std::size_t run_file_ = 0;  // the input file of the current run (isoconfigurational)
  PositionAccumulator accumulator_;
  std::array<std::vector<Vec3>, 2> half_sum_;  // Σ r over the first and the second half
  std::array<std::size_t, 2> half_frames_{};
  LagMsd lag_;
  Closed closed_;
  std::vector<Vec3> previous_;  // unwrapped positions of the previous frame (stepping)
  std::vector<std::int64_t> ids_;
  std::vector<int> types_of_atoms_;
  std::string unwrap_used_;
};

// Per-species statistics of a per-atom quantity (index = type as a string), for summaries.
nlohmann::json describe_by_type(const std::vector<double>& values, const std::vector<int>& types);

class VibrationalMsdAnalyzer : public Analyzer {
 public:
  VibrationalMsdAnalyzer(std::string label, UnwrapMode mode, std::vector<TypeInfo> types,
                         double hop_threshold, std::size_t lags, bool isoconfigurational);
  Needs needs() const override { return {}; }
  void begin(const RunShape& shape) override { msd_.begin(shape); }
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override { msd_.fold(info, result); }
  std::optional<FrameResult> finish() override;

 private:
  TrajectoryMsd msd_;
  double hop_threshold_;  // Å
};

// The run-file key "unwrap" (auto, images, stepping).
ParamSpec unwrap_param_spec();
UnwrapMode unwrap_mode_from(const nlohmann::json& params);

}  // namespace mgs::analyzers
