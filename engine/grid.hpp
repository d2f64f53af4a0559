#pragma once
// Grids aligned with the cell vectors (any tilt) and the binned fields defined on them.
//
// A grid divides the cell into counts[0] x counts[1] x counts[2] parallelepipeds along the cell
// vectors a, b, c: bin (i, j, k) holds the points with fractional coordinates
// s = (s_a, s_b, s_c) in [i/na, (i+1)/na) x [j/nb, (j+1)/nb) x [k/nc, (k+1)/nc). Axes that are
// not binned have count 1. Values are stored with i (along a) fastest:
//   flat index = (k * nb + j) * na + i.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/box.hpp"

namespace mgs {

// Atoms with fractional coordinate along `axis` in [lo, hi) (after wrapping along periodic
// axes) are kept; the rest are ignored. Used for 2-D maps through a slab.
struct Slab {
  int axis = 2;
  double lo = 0.0;  // fractional
  double hi = 1.0;  // fractional
};

class Grid {
 public:
  Grid() = default;
  // `counts` per cell axis (1 for axes that are not binned). A slab's axis must not be binned.
  Grid(const Box& box, std::array<int, 3> counts, std::optional<Slab> slab = std::nullopt);

  // Bin counts for a target bin size (Å) along the binned axes: max(1, round(w / size)) with w
  // the cell's thickness along the axis (the spacing of the lattice planes the other two vectors
  // span, Box::perpendicular_width). Bins are slabs between such planes, so w / n is the bin's
  // thickness whatever the tilt; for an orthogonal cell w is the edge length.
  static std::array<int, 3> counts_for_size(const Box& box, double size,
                                            std::array<bool, 3> binned);

  const Box& box() const { return box_; }
  const std::array<int, 3>& counts() const { return counts_; }
  const std::optional<Slab>& slab() const { return slab_; }
  std::size_t size() const {
    return static_cast<std::size_t>(counts_[0]) * static_cast<std::size_t>(counts_[1]) *
           static_cast<std::size_t>(counts_[2]);
  }
  std::size_t flat(int i, int j, int k) const {
    return (static_cast<std::size_t>(k) * static_cast<std::size_t>(counts_[1]) +
            static_cast<std::size_t>(j)) *
               static_cast<std::size_t>(counts_[0]) +
           static_cast<std::size_t>(i);
  }
  // The bin holding the point r, or nullopt when the slab excludes it. Periodic axes wrap
  // (s - floor(s)); along non-periodic axes points beyond a wall go to the edge bin.
  std::optional<std::size_t> bin_of(const Vec3& r) const;
  // Volume of one bin (Å³): the cell volume / number of bins, times the slab's fraction.
  double bin_volume() const;
  // Thickness of one bin along cell axis k (Å): perpendicular_width(k) / counts[k], times the
  // slab fraction along the slab axis.
  double bin_thickness(int k) const;
  // Centre of bin (i, j, k): the middle of the slab along the slab axis.
  Vec3 center(int i, int j, int k) const;
  // Cartesian step from one bin centre to the next along cell axis k (the full slab or cell
  // vector along an axis with one bin).
  Vec3 step(int k) const;

 private:
  Box box_;
  std::array<int, 3> counts_{1, 1, 1};
  std::optional<Slab> slab_;
};

// A field on a grid, with the geometry writers need: point (i, j, k) is at
// origin + i * step.col(0) + j * step.col(1) + k * step.col(2). Values follow the grid's order
// (i fastest); NaN where the value is undefined (e.g. the mean of an empty bin).
struct GridField {
  std::string name;  // short name inside the analyzer; writers prefix the label
  std::string unit;
  std::string doc;
  std::array<int, 3> dims{1, 1, 1};
  std::array<bool, 3> binned{};  // the axes the grid was asked to resolve
  Vec3 origin = Vec3::Zero();
  Mat3 step = Mat3::Identity();  // columns: steps along a, b, c
  std::vector<double> values;
  // Names of the three axes in pictures when they are not the cell's a, b, c (a projection's
  // image axes "x", "y"); empty: a, b, c.
  std::array<std::string, 3> axis_names{};
};

// An empty field with the grid's geometry (values sized, zero).
GridField grid_field(const Grid& grid, std::array<bool, 3> binned, std::string name,
                     std::string unit, std::string doc);

enum class Reduction { Mean, Sum, Min, Max, Std, Count, SumPerVolume };

// "mean", "sum", "min", "max", "std", "count", "sum_per_volume".
const std::vector<std::string>& reduction_names();
Reduction reduction_from_name(const std::string& name);  // throws std::invalid_argument
const std::string& reduction_name(Reduction r);

// The bin of every atom (SIZE_MAX where the slab excludes it), computed in parallel.
inline constexpr std::size_t kNoBin = static_cast<std::size_t>(-1);
std::vector<std::size_t> assign_bins(const Grid& grid, const std::vector<Vec3>& positions);

// Per-bin reduction of `values` (one per atom) over the atoms of each bin, summed in atom index
// order (so the result does not depend on the thread count). Empty bins: 0 for sum, count and
// sum_per_volume, NaN otherwise. std is the population standard deviation (divisor n, so a bin
// of one atom has std 0), from a second pass about the bin mean. count ignores `values`.
std::vector<double> reduce_bins(const Grid& grid, const std::vector<std::size_t>& bins,
                                const std::vector<double>& values, Reduction reduction);

// Σ numerator / Σ denominator per bin (NaN where the denominator sums to 0), e.g. the
// volume-weighted density Σm / ΣV.
std::vector<double> ratio_of_sums(const Grid& grid, const std::vector<std::size_t>& bins,
                                  const std::vector<double>& numerator,
                                  const std::vector<double>& denominator);

}  // namespace mgs
