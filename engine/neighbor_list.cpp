#include "engine/neighbor_list.hpp"

#include <algorithm>
#include <tuple>

#include "engine/parallel.hpp"

namespace mgs {

NeighborList::NeighborList(const CellList& cells, const std::vector<Vec3>& positions,
                           double cutoff)
    : cutoff_(cutoff), cell_(cells.box().cell()) {
  const std::size_t n = positions.size();
  pos_.resize(n);
  for (std::size_t i = 0; i < n; ++i) pos_[i] = cells.box().wrap(positions[i]);

  // Each fixed block of atoms fills its own buffer; buffers are concatenated in block order so
  // the result does not depend on how blocks were scheduled.
  constexpr std::size_t kBlock = 512;
  const std::size_t nblocks = (n + kBlock - 1) / kBlock;
  std::vector<std::vector<Neighbor>> block_entries(nblocks);
  std::vector<std::uint32_t> counts(n, 0);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        auto& out = block_entries[b / kBlock];
        std::vector<std::tuple<double, std::uint32_t, Image>> found;
        for (std::size_t i = b; i < e; ++i) {
          found.clear();
          cells.for_each_within(pos_[i], cutoff, [&](std::uint32_t j, Image img, const Vec3&,
                                                     double r2) {
            if (j == i && img == Image{0, 0, 0}) return;
            found.emplace_back(r2, j, img);
          });
          std::sort(found.begin(), found.end());
          counts[i] = static_cast<std::uint32_t>(found.size());
          for (const auto& [r2, j, img] : found) out.push_back({j, img});
        }
      },
      kBlock);
  offsets_.assign(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) offsets_[i + 1] = offsets_[i] + counts[i];
  entries_.reserve(offsets_[n]);
  for (auto& block : block_entries) {
    entries_.insert(entries_.end(), block.begin(), block.end());
    std::vector<Neighbor>().swap(block);
  }
}

}  // namespace mgs
