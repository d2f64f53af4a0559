#pragma once
// Preparing maps for comparison (pure numerics, no files): contrast relative to the mean,
// removal of a slowly varying background (uneven illumination, thickness gradients of the
// specimen), resampling to another pixel size (experiment and simulation rarely share one),
// cropping. Each returns a new map; the input is not changed.
#include <vector>

#include "engine/map2d.hpp"

namespace mgs {

// (I − ⟨I⟩) / ⟨I⟩. Throws std::invalid_argument when |⟨I⟩| ≤ 1e-12 · max |I| (a map that
// averages to zero, e.g. one already background-subtracted, has no relative contrast).
Map2D relative_contrast(const Map2D& map);

// The least-squares polynomial of total degree `order` (0 to 3) in x and y fitted to the map:
// Σ c_ab P_a(x) P_b(y), a + b ≤ order, with x, y the pixel centres scaled to [−1, 1] and P the
// Legendre polynomials (the same space as the monomials x^a y^b, with normal equations close to
// diagonal on a uniform grid). Solved by LDLT of the normal equations. Throws
// std::invalid_argument for an order outside 0..3 or fewer than order + 1 pixels along x or y.
std::vector<double> polynomial_background(const Map2D& map, int order);

// The map minus polynomial_background(map, order).
Map2D subtract_polynomial_background(const Map2D& map, int order);

// The map resampled to `pixel_size` Å per pixel, covering the same top-left corner:
// floor(extent / pixel_size) pixels per axis (extent = n · map.pixel_size), so that the output
// lies inside the input. Coarsening (pixel_size ≥ map.pixel_size) averages the input pixels
// weighted by their overlap area with each output pixel: pixels are uniform squares, so the
// intensity is conserved (the mean exactly when an integer factor divides the size), and a linear
// ramp stays exactly linear for integer factors (for other factors the pixel-value average is
// off the ramp by at most half an input pixel of shift). Refining interpolates bilinearly
// between input pixel centres (extrapolating linearly over the outer half pixel, so a linear
// ramp stays linear).
// Throws std::invalid_argument when either pixel size is not positive or the output would have
// no pixel.
Map2D resample(const Map2D& map, double pixel_size);

// The nx × ny pixels from (x0, y0) (column, row from the top left). Throws std::invalid_argument
// for a window outside the map or empty.
Map2D crop(const Map2D& map, int x0, int y0, int nx, int ny);

}  // namespace mgs
