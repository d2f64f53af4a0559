#include "engine/neighbor_list.hpp"

#include "engine/parallel.hpp"

namespace mgs {

NeighborList::NeighborList(const CellList& cells, const std::vector<Vec3>& positions, double cutoff)
    : cutoff_(cutoff), cell_(cells.box().cell()) {
  const std::size_t n = positions.size();
  pos_.resize(n);
  parallel::for_each_index(n, [&](std::size_t i) { pos_[i] = cells.box().wrap(positions[i]); });

  // Each fixed block of atoms fills its own buffer, which the list keeps: the result does not
  // depend on scheduling, 8 bytes per entry are never copied, and a consumer walking the atoms
  // in order reads the entries in sequence.
  constexpr std::size_t kBlock = 512;
  blocks_.resize((n + kBlock - 1) / kBlock);
  slots_.resize(n);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        const auto block = static_cast<std::uint32_t>(b / kBlock);
        std::vector<Neighbor>& out = blocks_[block];
        for (auto i = static_cast<std::uint32_t>(b); i < e; ++i) {
          const std::size_t before = out.size();
          cells.for_each_within(pos_[i], cutoff,
                                [&](std::uint32_t j, Image img, const Vec3&, double) {
                                  if (j != i || img != Image{0, 0, 0}) out.push_back({j, img});
                                });
          slots_[i] = {block, static_cast<std::uint32_t>(before),
                       static_cast<std::uint32_t>(out.size() - before)};
          // One guess from the first atom avoids most regrowth of the block's buffer.
          if (i == b) out.reserve((out.size() + 4) * (e - b) * 5 / 4);
        }
      },
      kBlock);
  for (const auto& block : blocks_) total_ += block.size();
}

NeighborList build_neighbor_list(const Box& box, const std::vector<Vec3>& positions,
                                 double cutoff) {
  const CellList cells(box, positions, neighbor_bin_size(box, positions.size(), cutoff));
  return NeighborList(cells, positions, cutoff);
}

}  // namespace mgs
