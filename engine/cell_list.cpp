#include "engine/cell_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs {

namespace {

double mean_spacing(const Box& box, std::size_t atoms) {
  return std::cbrt(box.volume() / static_cast<double>(std::max<std::size_t>(1, atoms)));
}

}  // namespace

double neighbor_bin_size(const Box& box, std::size_t atoms, double cutoff) {
  return std::max(1.5 * mean_spacing(box, atoms), 0.5 * cutoff);
}

double search_bin_size(const Box& box, std::size_t atoms, double radius) {
  const double spacing = mean_spacing(box, atoms);
  return std::clamp(radius, 1.5 * spacing, 2.0 * spacing);
}

CellList::CellList(const Box& box, const std::vector<Vec3>& positions, double bin_size)
    : box_(box) {
  if (positions.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw ComputeError(
        fmt::format("{} atoms exceed the neighbor search's limit of 2^32 - 1", positions.size()));
  }
  if (!(bin_size > 0.0)) throw ComputeError("neighbor bin size must be positive");
  // Cap the number of bins so that memory stays proportional to the atom count.
  const double max_bins = std::max<double>(1.0, 2.0 * static_cast<double>(positions.size()));
  for (int k = 0; k < 3; ++k) {
    nbins_[k] = std::max(1, static_cast<int>(std::floor(box.perpendicular_width(k) / bin_size)));
    nbins_[k] = static_cast<int>(std::min<double>(nbins_[k], std::cbrt(max_bins) + 1));
  }
  const std::size_t nb = static_cast<std::size_t>(nbins_[0]) * nbins_[1] * nbins_[2];
  std::vector<std::uint32_t> bin_of(positions.size());
  std::vector<std::uint32_t> count(nb + 1, 0);
  binned_pos_.resize(positions.size());
  // An atom inside the cell (up to rounding) keeps its coordinates exactly, so that a caller's
  // position and the binned one agree bit for bit (an atom finds itself at image 0). Only atoms
  // clearly outside along a periodic direction are wrapped. The bin always comes from the stored
  // coordinates: a fractional coordinate a rounding error below 0 goes to the first bin, never
  // to the last one (where it would be a whole cell away from its neighbors).
  constexpr double kInsideTolerance = 1e-10;
  parallel::for_each_index(positions.size(), [&](std::size_t i) {
    Vec3 r = positions[i];
    Vec3 s = box.to_fractional(r);
    for (int k = 0; k < 3; ++k) {
      if (box.periodic(k) && (s[k] < -kInsideTolerance || s[k] > 1.0 + kInsideTolerance)) {
        r = box.wrap(r);
        s = box.to_fractional(r);
        break;
      }
    }
    std::array<int, 3> b{};
    for (int k = 0; k < 3; ++k) {
      // Clamped rather than wrapped: atoms beyond a non-periodic face live in the edge bins.
      const double f = std::floor(s[k] * nbins_[k]);
      b[k] = static_cast<int>(std::clamp(f, 0.0, static_cast<double>(nbins_[k] - 1)));
    }
    bin_of[i] = static_cast<std::uint32_t>(
        (static_cast<std::size_t>(b[2]) * nbins_[1] + b[1]) * nbins_[0] + b[0]);
    binned_pos_[i] = r;
  });
  // A counting sort by bin, atoms in index order within a bin.
  for (const std::uint32_t b : bin_of) ++count[b + 1];
  for (std::size_t b = 0; b < nb; ++b) count[b + 1] += count[b];
  bin_start_ = count;
  atoms_.resize(positions.size());
  std::vector<Vec3> by_atom = std::move(binned_pos_);
  binned_pos_.resize(positions.size());
  for (std::uint32_t& b : bin_of) b = count[b]++;  // bin -> the atom's slot
  parallel::for_each_index(positions.size(), [&](std::size_t i) {
    atoms_[bin_of[i]] = static_cast<std::uint32_t>(i);
    binned_pos_[bin_of[i]] = by_atom[i];
  });
}

}  // namespace mgs
