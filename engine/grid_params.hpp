#pragma once
// The grid parameters (axes, bins or bin_size, slab) as declared once for every analyzer that
// puts values on a grid, and the grid they describe for a given cell.
#include <nlohmann/json.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/grid.hpp"
#include "engine/params.hpp"

namespace mgs {

// A grid request as given in a run file, resolved against each frame's cell.
struct GridRequest {
  std::array<bool, 3> binned{true, true, true};  // cell axes a, b, c
  std::optional<std::array<int, 3>> counts;      // given bins (1 on axes not binned)
  double bin_size = 0.0;                         // Å, when counts are not given
  // Slab along one axis, either fractional or in Å from the cell's origin face (measured along
  // the plane normal, i.e. s_axis * perpendicular_width).
  std::optional<int> slab_axis;
  double slab_from = 0.0, slab_to = 1.0;
  bool slab_in_angstrom = false;

  Grid make(const Box& box) const;
  // The request as it goes into a summary.
  nlohmann::json describe() const;
};

// axes, bins, bin_size, slab.
std::vector<ParamSpec> grid_param_specs();

// Builds the request from validated parameters; `label` names the analyzer in errors.
GridRequest grid_request_from(const nlohmann::json& params, const std::string& label);

// The grid actually used for one frame, for a summary: counts, bin thickness per axis (Å),
// bin volume (Å³), slab (fractional).
nlohmann::json describe_grid(const Grid& grid);

}  // namespace mgs
