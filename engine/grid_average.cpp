#include "engine/grid_average.hpp"

#include <cmath>
#include <limits>

#include "engine/errors.hpp"

namespace mgs {

void GridAverage::add(const std::vector<GridField>& grids) {
  if (frames_ == 0) {
    sum_.assign(grids.size(), {});
    n_.assign(grids.size(), {});
    for (std::size_t g = 0; g < grids.size(); ++g) {
      sum_[g].assign(grids[g].values.size(), 0.0);
      n_[g].assign(grids[g].values.size(), 0);
    }
  } else if (grids.size() != last_.size()) {
    throw ComputeError("time average: the number of grid fields changed between frames");
  }
  for (std::size_t g = 0; g < grids.size(); ++g) {
    if (grids[g].dims != (frames_ ? last_[g].dims : grids[g].dims)) {
      throw ComputeError(
          "time average: the grid's bin counts changed between frames (the cell changed and "
          "bin_size gave other counts): give bins instead");
    }
    const auto& v = grids[g].values;
    for (std::size_t b = 0; b < v.size(); ++b) {
      if (std::isfinite(v[b])) {
        sum_[g][b] += v[b];
        ++n_[g][b];
      }
    }
  }
  last_.clear();
  for (const auto& f : grids) {
    GridField shape = f;
    shape.values.clear();
    shape.values.shrink_to_fit();
    last_.push_back(std::move(shape));
  }
  ++frames_;
}

std::vector<GridField> GridAverage::result() const {
  std::vector<GridField> out = last_;
  for (std::size_t g = 0; g < out.size(); ++g) {
    out[g].values.resize(sum_[g].size());
    for (std::size_t b = 0; b < sum_[g].size(); ++b) {
      out[g].values[b] =
          n_[g][b] ? sum_[g][b] / n_[g][b] : std::numeric_limits<double>::quiet_NaN();
    }
    out[g].doc = "time average over the frames of the run: " + out[g].doc;
  }
  return out;
}

void GridAverage::fold(FrameResult& result) {
  add(result.grids);
  result.grids.clear();
}

std::optional<FrameResult> GridAverage::final_result() const {
  if (frames_ == 0) return std::nullopt;
  FrameResult out;
  out.grids = result();
  out.summary = {{"time_average", {{"frames", frames_}}}};
  return out;
}

}  // namespace mgs
