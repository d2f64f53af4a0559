#pragma once
// Cross-frame reductions of correlation curves (as GridAverage does for grids): the average of
// C(r) and S(q) over the frames of a run, each shell weighted by its pairs (or modes), so that
// the average is the pooled pair average of the per-frame normalised products.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/correlation.hpp"
#include "engine/grid_correlation.hpp"

namespace mgs::correlation {

class CurveAverage {
 public:
  // Throws ComputeError if the number of shells changed between frames.
  void add(const Curve& curve);
  std::size_t frames() const { return frames_; }
  // Σ_f C_f·pairs_f / Σ_f pairs_f per shell (NaN without pairs); r averaged over the frames;
  // pairs summed; dr and volume of the last frame.
  Curve result() const;

 private:
  std::size_t frames_ = 0;
  Curve last_;
  std::vector<double> sum_, r_sum_;
  std::vector<std::uint64_t> pairs_;
};

class SpectrumAverage {
 public:
  void add(const Spectrum& spectrum);  // throws ComputeError if the shells changed
  std::size_t frames() const { return frames_; }
  Spectrum result() const;  // S weighted by modes, q averaged, modes summed

 private:
  std::size_t frames_ = 0;
  double dq_ = 0.0;
  std::vector<double> sum_, q_sum_;
  std::vector<std::uint64_t> modes_;
};

}  // namespace mgs::correlation
