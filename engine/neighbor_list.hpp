#pragma once
// Full neighbor list (every pair twice) within a cutoff, in compressed-row form. An entry stores
// the neighbor index and its periodic image, so cutoffs beyond half the cell are exact.
#include <cstdint>
#include <span>
#include <vector>

#include "engine/cell_list.hpp"

namespace mgs {

struct Neighbor {
  std::uint32_t index;
  Image image;
};

class NeighborList {
 public:
  // Builds the list in parallel; each atom's neighbors are sorted by (distance, index, image).
  NeighborList(const CellList& cells, const std::vector<Vec3>& positions, double cutoff);

  double cutoff() const { return cutoff_; }
  std::size_t size() const { return offsets_.size() - 1; }
  std::span<const Neighbor> of(std::size_t i) const {
    return {entries_.data() + offsets_[i], entries_.data() + offsets_[i + 1]};
  }
  // Separation vector from atom i to neighbor n.
  Vec3 delta(std::size_t i, const Neighbor& n) const {
    return pos_[n.index] - pos_[i] +
           cell_ * Vec3(static_cast<double>(n.image[0]), static_cast<double>(n.image[1]),
                        static_cast<double>(n.image[2]));
  }
  std::size_t total_entries() const { return entries_.size(); }

 private:
  double cutoff_;
  Mat3 cell_;
  std::vector<Vec3> pos_;  // wrapped positions the images refer to
  std::vector<std::size_t> offsets_;
  std::vector<Neighbor> entries_;
};

// The full list of `positions` in `box` within `cutoff`, on a cell list binned as the engine's
// services bin (neighbor_bin_size): for code that needs a list of a configuration it made itself
// (a minimiser's step, a displaced copy).
NeighborList build_neighbor_list(const Box& box, const std::vector<Vec3>& positions, double cutoff);

}  // namespace mgs
