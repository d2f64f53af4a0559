#pragma once
// Spatial statistics of gridded fields (SCIENCE.md §7) by FFT: the autocorrelation C(r) of a
// periodic GridField (Wiener–Khinchin) radially averaged over the true Cartesian separations of
// grid offsets, and the field's structure factor S(q) (radially averaged power spectrum) with an
// Ornstein–Zernike fit S(q) = S0 / (1 + q²ξ²). The curves feed the correlation-length fits of
// engine/correlation.hpp. Results are bit-identical for any thread count.
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/correlation.hpp"
#include "engine/grid.hpp"

namespace mgs::correlation {

// C(r) of a grid field, periodic along its binned axes (axes with more than one point):
//   C(d) = Σ_x m(x) m(x+d) δf(x) δf(x+d) / (σ² Σ_x m(x) m(x+d)),
// δf = f − mean, mean and population σ over the finite values, m(x) = 1 where f is finite and
// 0 where it is NaN (empty bins are left out, not counted as the mean). Both sums are circular
// correlations computed by FFT. Offset d = (di, dj, dk) is the Cartesian vector
// di·step(0) + dj·step(1) + dk·step(2), taken at its shortest periodic image over the grid's
// period (n_k·step(k) along each binned axis, any tilt); every offset except d = 0 (the self
// term, C = 1) goes to the shell of width r_max / bins that holds its length.
// In the returned Curve, shells without any grid offset are dropped; r is the mean length of
// the offsets in each shell (the grid's separations are discrete), `pairs` the number of
// grid-point pairs with both values finite (Σ over the shell's offsets of Σ_x m m), c is NaN
// where that is 0. `volume` is the grid's period volume for a 3-D grid (all three axes binned),
// 0 otherwise (no finite-volume offset in the length fits).
// Throws std::invalid_argument for r_max <= 0, bins < 1, fewer than two finite values, a
// constant field or a binned axis that is not periodic in the field's cell.
Curve grid_autocorrelation(const GridField& field, const std::array<bool, 3>& periodic,
                           double r_max, int bins);

// The radially averaged structure factor of a grid field,
//   S(q) = |Σ_x m(x) δf(x) e^{−iq·x}|² / (σ² Σ_x m(x)),
// over the wave vectors q of the grid's period except q = 0, averaged in shells of width dq from
// 0 (so that the mean of S over all q ≠ 0 modes is ≈ 1; S(q) is the Fourier transform of C on
// the grid). dq defaults to the smallest nonzero |q| (2π / the widest period thickness); shells
// go up to the largest |q| of the grid. Empty shells are dropped; q is the mean |q| of the
// shell's modes.
struct Spectrum {
  std::vector<double> q;             // Å⁻¹
  std::vector<double> s;             // S(q)
  std::vector<std::uint64_t> modes;  // wave vectors in each shell
  double dq = 0.0;
};
Spectrum grid_structure_factor(const GridField& field, const std::array<bool, 3>& periodic,
                               double dq = 0.0);

// Ornstein–Zernike fit S(q) = S0 / (1 + q²ξ²): weighted least squares of 1/S = 1/S0 + (ξ²/S0) q²
// (weights modes·S², the inverse variance of 1/S when S scatters as S/√modes) over the shells
// with q ≤ q_max. Without q_max the window is found by iteration: the 5 smallest q, then
// q ≤ 2/ξ from the previous fit (S down to S0/5), until it no longer changes. LengthFit's r_from
// and r_to hold the q range (Å⁻¹), amplitude S0. nullopt with fewer than 3 shells or a
// non-positive ξ².
std::optional<LengthFit> structure_factor_oz_fit(const Spectrum& spectrum,
                                                 std::optional<double> q_max = std::nullopt);

}  // namespace mgs::correlation
