#pragma once
// The `autocorrelation` option of the analyzers that produce grids (bin, coarse_grain): the FFT
// autocorrelation C(r), the structure factor S(q) and the correlation lengths of every grid
// field the analyzer writes (engine/grid_correlation.hpp), as tables and summary entries, and
// their average over the frames of a run.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/correlation_average.hpp"
#include "engine/field.hpp"
#include "engine/params.hpp"

namespace mgs {

struct GridAutocorrelationRequest {
  double r_max = 20.0;              // Å
  double dr = 0.5;                  // Å, shell width
  std::optional<double> fit_from;   // Å; default: the analyzer's (see add_grid_autocorrelations)
  std::optional<double> q_fit_max;  // Å⁻¹; default: iterated (structure_factor_oz_fit)
  bool structure_factor = true;
  bool frame_average = false;
};

// The "autocorrelation" object parameter; `fit_from_default` documents the analyzer's default.
ParamSpec grid_autocorrelation_spec(const std::string& fit_from_default);
// The request from the validated analyzer parameters (nullopt when the key is absent or null);
// checks the object's own keys, naming `label`.autocorrelation.<key> in errors.
std::optional<GridAutocorrelationRequest> grid_autocorrelation_from(const nlohmann::json& params,
                                                                    const std::string& label);

// For every grid in out.grids: the tables "<grid>_autocorrelation" (r, C, pairs) and, with
// structure_factor, "<grid>_structure_factor" (q, S, modes), and out.summary["autocorrelation"]
// with the shells, the fit start and per grid the lengths (exponential, Ornstein–Zernike and
// integral from C(r), Ornstein–Zernike from S(q)) with their fit ranges; warnings go to
// out.summary["warnings"], which the run reports.
// `fit_from` is used when the request gives none (`rule` says where it comes from). A grid
// that cannot be correlated (constant, fewer than two finite values) is skipped with a warning;
// a binned axis that is not periodic is a ComputeError naming `label`.
void add_grid_autocorrelations(const GridAutocorrelationRequest& request, const Box& box,
                               double fit_from, const std::string& rule, const std::string& label,
                               FrameResult& out);

// The frame average of the curves add_grid_autocorrelations put into each frame's result
// (read back from its tables and summary in consume order), per grid by name over the frames
// where the grid was correlated.
class GridAutocorrelationAverage {
 public:
  void fold(const FrameResult& result);
  // Adds "<grid>_autocorrelation_frame_average" (and _structure_factor_frame_average) tables and
  // summary["autocorrelation_frame_average"] with the lengths of the averaged curves; nothing
  // before any frame.
  void finish(FrameResult& out) const;
  std::size_t frames() const { return frames_; }

 private:
  struct Entry {
    std::string grid;
    correlation::CurveAverage curve;
    std::optional<correlation::SpectrumAverage> spectrum;
  };
  std::size_t frames_ = 0;
  std::vector<Entry> entries_;
  nlohmann::json last_;  // the last frame's summary["autocorrelation"]
};

}  // namespace mgs
