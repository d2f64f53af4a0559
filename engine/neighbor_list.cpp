#include "engine/neighbor_list.hpp"

#include <algorithm>

#include "engine/parallel.hpp"

namespace mgs {

namespace {

struct Found {
  double r2;
  std::uint32_t j;
  Image image;
};

// Distance first; index and image make the order total, so it never depends on visiting order.
bool closer(const Found& a, const Found& b) {
  if (a.r2 != b.r2) return a.r2 < b.r2;
  if (a.j != b.j) return a.j < b.j;
  return a.image < b.image;
}

}  // namespace

NeighborList::NeighborList(const CellList& cells, const std::vector<Vec3>& positions, double cutoff)
    : cutoff_(cutoff), cell_(cells.box().cell()) {
  const std::size_t n = positions.size();
  pos_.resize(n);
  parallel::for_each_index(n, [&](std::size_t i) { pos_[i] = cells.box().wrap(positions[i]); });

  // Atoms are visited in the cell list's bin order (neighbors of consecutive atoms are close in
  // memory). Each fixed block of that order fills its own buffer; the buffers are then copied
  // to each atom's place in parallel, so the result does not depend on scheduling.
  const auto& order = cells.atoms_in_bin_order();
  constexpr std::size_t kBlock = 512;
  const std::size_t nblocks = (n + kBlock - 1) / kBlock;
  std::vector<std::vector<Neighbor>> block_entries(nblocks);
  std::vector<std::uint32_t> counts(n, 0);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        auto& out = block_entries[b / kBlock];
        std::vector<Found> found;
        found.reserve(128);
        for (std::size_t k = b; k < e; ++k) {
          const std::uint32_t i = order[k];
          found.clear();
          cells.for_each_within(pos_[i], cutoff,
                                [&](std::uint32_t j, Image img, const Vec3&, double r2) {
                                  if (j == i && img == Image{0, 0, 0}) return;
                                  found.push_back({r2, j, img});
                                });
          std::sort(found.begin(), found.end(), closer);
          // One guess from the first atom avoids most regrowth of the block's buffer.
          if (out.capacity() == 0) out.reserve((found.size() + 4) * (e - b) * 5 / 4);
          counts[i] = static_cast<std::uint32_t>(found.size());
          for (const Found& f : found) out.push_back({f.j, f.image});
        }
      },
      kBlock);
  offsets_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + counts[i];
  entries_.resize(offsets_[n]);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        std::vector<Neighbor>& block = block_entries[b / kBlock];
        std::size_t at = 0;
        for (std::size_t k = b; k < e; ++k) {
          const std::uint32_t i = order[k];
          std::copy_n(block.begin() + static_cast<long>(at), counts[i],
                      entries_.begin() + static_cast<long>(offsets_[i]));
          at += counts[i];
        }
        std::vector<Neighbor>().swap(block);
      },
      kBlock);
}

NeighborList build_neighbor_list(const Box& box, const std::vector<Vec3>& positions,
                                 double cutoff) {
  const CellList cells(box, positions, neighbor_bin_size(box, positions.size(), cutoff));
  return NeighborList(cells, positions, cutoff);
}

}  // namespace mgs
