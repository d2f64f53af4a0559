#include "engine/cell_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "engine/errors.hpp"

namespace mgs {

CellList::CellList(const Box& box, const std::vector<Vec3>& positions, double bin_size)
    : box_(box) {
  if (positions.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw ComputeError(fmt::format("{} atoms exceed the neighbor search's limit of 2^32 - 1",
                                   positions.size()));
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
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const Vec3 s = box.to_fractional(positions[i]);
    std::array<int, 3> b{};
    for (int k = 0; k < 3; ++k) {
      double f = s[k];
      if (box.periodic(k)) f -= std::floor(f);
      b[k] = std::clamp(static_cast<int>(std::floor(f * nbins_[k])), 0, nbins_[k] - 1);
    }
    bin_of[i] = static_cast<std::uint32_t>((static_cast<std::size_t>(b[2]) * nbins_[1] + b[1]) *
                                               nbins_[0] +
                                           b[0]);
    ++count[bin_of[i] + 1];
  }
  for (std::size_t b = 0; b < nb; ++b) count[b + 1] += count[b];
  bin_start_ = count;
  atoms_.resize(positions.size());
  binned_pos_.resize(positions.size());
  // Positions are stored as given; if an atom sits outside the cell along a periodic direction,
  // its binned position is wrapped so that bin and coordinates agree.
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const std::uint32_t slot = count[bin_of[i]]++;
    atoms_[slot] = static_cast<std::uint32_t>(i);
    binned_pos_[slot] = box.wrap(positions[i]);
  }
}

}  // namespace mgs
