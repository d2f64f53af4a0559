#pragma once
// Per-frame Voronoi (or radical Voronoi) tessellation, computed atom by atom in parallel: each
// atom's cell is a private Voro++ cell cut by the bisector planes of its neighbors, in order of
// distance, until no farther neighbor can cut it. Works for any cell tilt and checks every cell.
#include <array>
#include <cstdint>
#include <vector>

#include "engine/cell_list.hpp"

namespace mgs {

struct VoronoiOptions {
  // Radius per type (index = type, 0 unused); empty for the plain tessellation.
  std::vector<double> radii;
  double edge_threshold = 0.0;           // Å: shorter edges do not count toward a face's order
  double face_threshold = 0.0;           // Å²: faces with area <= max(this, relative) are dropped
  double relative_face_threshold = 0.0;  // fraction of the cell's total face area
  bool store_faces = false;              // keep the per-face neighbor list (for other analyzers)
  bool operator==(const VoronoiOptions&) const = default;
};

struct VoronoiFace {
  std::uint32_t neighbor;
  Image image;
  std::uint8_t order;  // counted edges after the edge filter
  double area;
};

// Face-order counts are kept for orders below kMaxStoredOrder; higher orders are lumped into the
// last slot (max_face_order still records the exact largest order).
inline constexpr int kMaxStoredOrder = 16;

struct Tessellation {
  VoronoiOptions options;
  std::vector<double> volume;
  std::vector<double> surface_area;         // all faces, before filtering
  std::vector<std::uint16_t> coordination;  // faces kept by the filters
  std::vector<std::uint16_t> max_face_order;
  std::vector<std::array<std::uint16_t, kMaxStoredOrder>> order_counts;
  // Kept faces of atom i are faces[face_offsets[i] .. face_offsets[i+1]) when store_faces.
  std::vector<std::size_t> face_offsets;
  std::vector<VoronoiFace> faces;
  std::int64_t dropped_faces = 0;  // faces removed by the area thresholds or the edge filter
  std::int64_t dropped_edges = 0;  // edges not counted because of edge_threshold
  std::int64_t empty_cells = 0;    // radical cells cut away entirely (zero volume)

  std::size_t size() const { return volume.size(); }
  int count(std::size_t atom, int order) const {
    return order < kMaxStoredOrder ? order_counts[atom][order] : 0;
  }
};

// Computes the tessellation of `positions` (wrapped into the cell along periodic directions;
// `cells` must have been built from the same positions) with types `types` (used for radii).
// Non-periodic directions are closed by the cell faces. A face's neighbor sits at
// positions[neighbor] + h * image. Atoms are processed in parallel in the cell list's bin order;
// the result does not depend on the thread count.
// Throws ComputeError if two atoms coincide or a cell cannot be completed.
Tessellation compute_tessellation(const CellList& cells, const std::vector<Vec3>& positions,
                                  const std::vector<int>& types, const VoronoiOptions& options);

}  // namespace mgs
