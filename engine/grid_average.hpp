#pragma once
// The time average of grid fields over the frames of a run (a cross-frame reduction that
// analyzers fold in consume() and return from finish()).
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/field.hpp"
#include "engine/grid.hpp"

namespace mgs {

// Frame-by-frame running mean of grid fields of the same shape: each value is averaged over the
// frames where it is finite (an empty bin's NaN mean does not count as 0).
class GridAverage {
 public:
  // Adds one frame's fields; throws ComputeError if the grid shape changed.
  void add(const std::vector<GridField>& grids);
  std::size_t frames() const { return frames_; }
  // The averages, with the geometry of the last frame added; NaN where no frame had a value.
  std::vector<GridField> result() const;

  // The Analyzer::consume / finish pair of an analyzer whose grids are time-averaged: folds the
  // frame's grids and drops them from the frame (only the average is written); the average as
  // the run's final result, nullopt before any frame.
  void fold(FrameResult& result);
  std::optional<FrameResult> final_result() const;

 private:
  std::size_t frames_ = 0;
  std::vector<GridField> last_;
  std::vector<std::vector<double>> sum_;
  std::vector<std::vector<std::uint32_t>> n_;
};

}  // namespace mgs
