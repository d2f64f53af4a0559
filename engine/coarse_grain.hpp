#pragma once
// Coarse-graining of per-atom fields (SCIENCE.md §7): a Gaussian kernel of width σ cut at 3σ,
// evaluated on grid points with periodic distances, in two conventions, and the neighbor average.
#include <vector>

#include "engine/cell_list.hpp"
#include "engine/grid.hpp"
#include "engine/neighbor_list.hpp"

namespace mgs {

enum class CoarseGrainMode {
  // Σ_i p_i G_σ(x − x_i), G_σ(r) = exp(−r²/2σ²) / ((2π)^{3/2} σ³) for r ≤ 3σ, 0 beyond
  // (extensive fields; with p = 1 the number density, Å⁻³). The cut kernel holds 97.07 % of
  // the full Gaussian's weight, so Σ over the grid of value × bin volume ≈ 0.9707 Σ p_i
  // (not renormalised: a lone atom's peak is exactly 1 / ((2π)^{3/2} σ³)).
  Density,
  // Σ_i p_i w_i / Σ_i w_i, w_i = exp(−|x − x_i|²/2σ²) for |x − x_i| ≤ 3σ (intensive fields such
  // as W5, D²min); NaN where no atom is within 3σ.
  Average,
};

inline constexpr double kGaussianCutInSigma = 3.0;

// Values at the grid's bin centres (Grid::center). Distances are to every periodic image within
// the cut (the minimum image as long as 3σ is at most half the cell's thinnest width; beyond
// that the images' contributions add up, as for a periodic field). Only atoms with
// include[i] != 0 count (all when `include` is empty), e.g. those of a slab. Each grid point
// sums its own atoms in the cell list's fixed order, so the result does not depend on the
// thread count. Average: the weighted sum is taken relative to the first included atom's value,
// so a constant field comes back exactly constant.
std::vector<double> coarse_grain(const Grid& grid, const CellList& cells,
                                 const std::vector<double>& values, double sigma,
                                 CoarseGrainMode mode, const std::vector<char>& include = {});

// Per atom (p_i + Σ_j p_j) / (1 + N_i) over the neighbors j within `cutoff` (periodic images
// included; cutoff at most the list's cutoff), computed as p_i + Σ_j (p_j − p_i) / (1 + N_i)
// so that a constant field comes back exactly. `count` receives N_i when not null.
std::vector<double> neighbor_average(const NeighborList& neighbors,
                                     const std::vector<double>& values, double cutoff,
                                     std::vector<std::int64_t>* count = nullptr);

}  // namespace mgs
