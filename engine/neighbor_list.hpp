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
  // Builds the list in parallel. Each atom's neighbors come in the cell list's visiting order
  // (bin by bin): fixed by the box, the positions and the cutoff, never by the thread count, but
  // not by distance, so a consumer with a smaller cutoff skips entries rather than stopping.
  NeighborList(const CellList& cells, const std::vector<Vec3>& positions, double cutoff);

  double cutoff() const { return cutoff_; }
  std::size_t size() const { return slots_.size(); }
  std::span<const Neighbor> of(std::size_t i) const {
    const Slot& s = slots_[i];
    return {blocks_[s.block].data() + s.offset, s.count};
  }
  // Separation vector from atom i to neighbor n.
  Vec3 delta(std::size_t i, const Neighbor& n) const {
    return pos_[n.index] - pos_[i] +
           cell_ * Vec3(static_cast<double>(n.image[0]), static_cast<double>(n.image[1]),
                        static_cast<double>(n.image[2]));
  }
  std::size_t total_entries() const { return total_; }

 private:
  // Where an atom's neighbors are: the entries are kept in the buffers that the parallel search
  // filled (one per fixed block of atoms), never concatenated.
  struct Slot {
    std::uint32_t block;
    std::uint32_t offset;
    std::uint32_t count;
  };
  double cutoff_;
  Mat3 cell_;
  std::vector<Vec3> pos_;  // wrapped positions the images refer to
  std::vector<Slot> slots_;
  std::vector<std::vector<Neighbor>> blocks_;
  std::size_t total_ = 0;
};

// The full list of `positions` in `box` within `cutoff`, on a cell list binned as the engine's
// services bin (neighbor_bin_size): for code that needs a list of a configuration it made itself
// (a minimiser's step, a displaced copy).
NeighborList build_neighbor_list(const Box& box, const std::vector<Vec3>& positions, double cutoff);

}  // namespace mgs
