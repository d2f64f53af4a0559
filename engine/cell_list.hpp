#pragma once
// Spatial binning of atoms in fractional coordinates, valid for any cell tilt. Answers "all atoms
// (with their periodic image) within R of a point" for any R, including R beyond half the cell,
// by visiting a bin once per periodic image that can hold a neighbor.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/box.hpp"
#include "engine/errors.hpp"

namespace mgs {

using Image = std::array<std::int8_t, 3>;

// The bin thickness the engine's services use for `atoms` atoms in `box` and a search radius
// `cutoff`: about one and a half mean atomic spacings, or half the cutoff when that is larger.
double neighbor_bin_size(const Box& box, std::size_t atoms, double cutoff);
// The bin thickness for searches of radius up to `radius` straight in the cell list: about the
// radius, between one and a half and two mean atomic spacings. Thicker bins make fewer, longer
// runs of contiguous bins; beyond two spacings the extra candidates cost more (D²min on a 1M-atom
// CuZr glass: 5-7 % faster at 5 Å than bins of 1.5 spacings, no gain at 8 Å).
double search_bin_size(const Box& box, std::size_t atoms, double radius);

class CellList {
 public:
  // `bin_size` is the target bin thickness (Å); bins are at least this thick.
  CellList(const Box& box, const std::vector<Vec3>& positions, double bin_size);

  const Box& box() const { return box_; }
  std::size_t size() const { return atoms_.size(); }
  // Atom indices bin by bin: a traversal in this order visits neighbors one after another (good
  // cache locality for per-atom neighbor searches).
  const std::vector<std::uint32_t>& atoms_in_bin_order() const { return atoms_; }
  // Their positions as binned (wrapped into the cell along periodic directions), same order.
  const std::vector<Vec3>& positions_in_bin_order() const { return binned_pos_; }

  // Calls f(j, image, delta, r2) for every atom j and periodic image with
  // |pos[j] + h*image - p| <= radius. Visiting order is deterministic (bin by bin, index order).
  template <class F>
  void for_each_within(const Vec3& p, double radius, F&& f) const {
    for_each_slot_within(p, radius, [&](std::uint32_t slot, Image image, const Vec3& d, double r2) {
      f(atoms_[slot], image, d, r2);
    });
  }
  // The same search reporting slots (positions in atoms_in_bin_order()) instead of atoms: data
  // kept in bin order is then read in the order it is stored.
  template <class F>
  void for_each_slot_within(const Vec3& p, double radius, F&& f) const;

  // Bins, for traversals bin by bin: bin b holds the slots [bin_begin(b), bin_begin(b + 1)).
  std::size_t bin_count() const { return bin_start_.size() - 1; }
  std::uint32_t bin_begin(std::size_t b) const { return bin_start_[b]; }
  // Calls f(first, end, image, shift) for every run of slots [first, end) and periodic image
  // (shift = h * image) that for_each_slot_within(p, radius) scans for some atom p of bin b:
  // the candidates of all of the bin's atoms at once, in the same order (a superset of each
  // atom's own). A search that tests them per atom finds the neighbors for_each_slot_within
  // finds, in the same order (the distance to an image may round differently in the last bit).
  template <class F>
  void for_each_run_near_bin(std::size_t bin, double radius, F&& f) const;

 private:
  // The bins (unfolded: bin b along an axis of n is bin b mod n of image floor(b / n)) a search
  // scans: per axis [lo, hi], the union over the points added.
  struct BinRange {
    static constexpr int kNone = std::numeric_limits<int>::max();
    std::array<int, 3> lo{kNone, kNone, kNone};
    std::array<int, 3> hi{-kNone, -kNone, -kNone};
    bool empty() const { return lo[0] > hi[0]; }
    // Adds the bins within `radius` of the point at fractional coordinates s.
    void add(const Vec3& s, double radius, const CellList& cells);
  };
  template <class F>
  void for_each_run(const BinRange& range, F&& f) const;

  Box box_;
  std::array<int, 3> nbins_{};
  std::vector<std::uint32_t> bin_start_;  // CSR over bins
  std::vector<std::uint32_t> atoms_;      // atom indices in bin order
  std::vector<Vec3> binned_pos_;          // positions in bin order (cache friendly)
};

inline void CellList::BinRange::add(const Vec3& s, double radius, const CellList& cells) {
  for (int k = 0; k < 3; ++k) {
    const double reach = radius / cells.box_.perpendicular_width(k);
    const double n = cells.nbins_[k];
    double first = std::floor((s[k] - reach) * n);
    double last = std::floor((s[k] + reach) * n);
    if (!cells.box_.periodic(k)) {
      // Atoms beyond a non-periodic face live in the edge bins, so clamp rather than clip.
      first = std::clamp(first, 0.0, n - 1);
      last = std::clamp(last, 0.0, n - 1);
    } else if (!(first >= -127 * n && last < 128 * n)) {
      // Images are stored in 8 bits.
      throw ComputeError("neighbor search radius spans more than 127 periodic images of the cell");
    }
    lo[k] = std::min(lo[k], static_cast<int>(first));
    hi[k] = std::max(hi[k], static_cast<int>(last));
  }
}

template <class F>
void CellList::for_each_slot_within(const Vec3& p, double radius, F&& f) const {
  BinRange range;
  range.add(box_.to_fractional(p), radius, *this);
  const double r2max = radius * radius;
  for_each_run(range, [&](std::uint32_t first, std::uint32_t end, const Image& image,
                          const Vec3& image_shift) {
    const Vec3 shift = image_shift - p;
    // Candidates are tested without a branch (about one in five is a hit, so a branch per
    // candidate would be mispredicted often) and the hits reported afterwards, in order.
    std::uint32_t k = first;
    while (k < end) {
      constexpr std::uint32_t kChunk = 32;
      std::array<std::uint32_t, kChunk> hit;
      std::uint32_t m = 0;
      const std::uint32_t stop = std::min(end, k + kChunk);
      for (; k < stop; ++k) {
        const double r2 = (binned_pos_[k] + shift).squaredNorm();
        hit[m] = k;
        m += r2 <= r2max ? 1u : 0u;
      }
      for (std::uint32_t q = 0; q < m; ++q) {
        const Vec3 d = binned_pos_[hit[q]] + shift;
        f(hit[q], image, d, d.squaredNorm());
      }
    }
  });
}

template <class F>
void CellList::for_each_run_near_bin(std::size_t bin, double radius, F&& f) const {
  BinRange range;
  for (std::uint32_t k = bin_start_[bin]; k < bin_start_[bin + 1]; ++k) {
    range.add(box_.to_fractional(binned_pos_[k]), radius, *this);
  }
  if (range.empty()) return;
  for_each_run(range, f);
}

template <class F>
void CellList::for_each_run(const BinRange& range, F&& f) const {
  const Mat3& h = box_.cell();
  const int n0 = nbins_[0];
  // Bin b along an axis of n bins is bin ((b mod n) + n) mod n of image floor(b / n); found by
  // stepping, not by integer division (two divisions per row of bins cost as much as its atoms).
  const auto fold = [](int b, int n, int& image) {
    image = 0;
    for (; b < 0; --image) b += n;
    for (; b >= n; ++image) b -= n;
    return b;
  };
  for (int bz = range.lo[2]; bz <= range.hi[2]; ++bz) {
    int nz = 0;
    const int iz = fold(bz, nbins_[2], nz);
    for (int by = range.lo[1]; by <= range.hi[1]; ++by) {
      int ny = 0;
      const int iy = fold(by, nbins_[1], ny);
      const std::size_t row = (static_cast<std::size_t>(iz) * nbins_[1] + iy) * n0;
      // Consecutive bins of a row that share one periodic image are contiguous in bin order:
      // they are scanned as one run (the per-bin bookkeeping would cost more than the atoms).
      for (int bx = range.lo[0]; bx <= range.hi[0];) {
        int nx = 0;
        const int ix = fold(bx, n0, nx);
        const int last = std::min(range.hi[0], bx + (n0 - 1 - ix));
        const Image image{static_cast<std::int8_t>(nx), static_cast<std::int8_t>(ny),
                          static_cast<std::int8_t>(nz)};
        const std::uint32_t first = bin_start_[row + static_cast<std::size_t>(ix)];
        const std::uint32_t end = bin_start_[row + static_cast<std::size_t>(ix + last - bx) + 1];
        if (end > first) f(first, end, image, Vec3(h * Vec3(nx, ny, nz)));
        bx = last + 1;
      }
    }
  }
}

}  // namespace mgs
