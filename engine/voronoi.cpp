#include "engine/voronoi.hpp"

#include <fmt/format.h>

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <voro++/voro++.hh>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs {

namespace {

struct Candidate {
  double r2;
  std::uint32_t index;
  Image image;
  Vec3 delta;
};

// Candidates are sorted through small keys: by distance, ties broken by (atom, image) so that the
// order does not depend on the order in which the cell list visits its bins.
struct SortKey {
  double r2;
  std::uint32_t slot;  // position in Workspace::gathered
};

struct FaceInfo {
  int id;     // plane id: candidate rank (>= 0) or a wall (< 0)
  int edges;  // all edges
  int order;  // edges longer than the edge threshold
  double area;
};

// Scratch space that one worker thread reuses for all its atoms.
struct Workspace {
  voro::voronoicell_neighbor cell;
  std::vector<Candidate> gathered;  // in cell-list order
  std::vector<SortKey> sorted;      // by distance; the plane id of a cut is its rank here
  std::vector<FaceInfo> faces;
  const Candidate& candidate(std::size_t rank) const { return gathered[sorted[rank].slot]; }
};

struct CellResult {
  double volume = 0.0;
  double surface = 0.0;
  std::uint16_t coordination = 0;
  std::uint16_t max_order = 0;
  std::array<std::uint16_t, kMaxStoredOrder> counts{};
  std::int64_t dropped_faces = 0;
  std::int64_t dropped_edges = 0;
  bool empty = false;
};

class CellBuilder {
 public:
  // `max_radius2`: the largest squared radius of any type present (0 for the plain tessellation).
  CellBuilder(const CellList& cells, const std::vector<Vec3>& positions,
              const std::vector<int>& types, const VoronoiOptions& options, double max_radius2)
      : cells_(cells),
        positions_(positions),
        types_(types),
        options_(options),
        max_radius2_(max_radius2) {
    const Box& box = cells.box();
    spacing_ = std::cbrt(box.volume() / std::max<std::size_t>(1, positions.size()));
    // Search radius: no cell fits inside a sphere smaller than the box's longest diagonal.
    max_radius_ = 4.0 * (box.edge(0).norm() + box.edge(1).norm() + box.edge(2).norm()) + spacing_;
    const double width = std::min(
        {box.perpendicular_width(0), box.perpendicular_width(1), box.perpendicular_width(2)});
    self_r2_ = 0.25 * width * width;
  }

  CellResult build(std::size_t i, Workspace& ws, std::vector<VoronoiFace>* faces_out) const {
    const double ri2 = radius2(i);
    // A neighbor at distance d puts its plane no closer than (d^2 - delta)/(2d) to the center,
    // a bound that grows with d (delta >= 0): once it reaches the cell's farthest vertex, neither
    // this neighbor nor any farther one can cut the cell.
    const double delta = max_radius2_ - ri2;
    const auto plane_bound = [delta](double d) { return (d * d - delta) / (2.0 * d); };
    // Distance of the cell's farthest vertex (Voro++ stores vertices at twice their coordinates).
    const auto farthest = [&ws] { return 0.5 * std::sqrt(ws.cell.max_radius_squared()); };

    double search = 2.0 * spacing_;
    while (true) {
      gather(i, search, ws);
      const double half = search;
      ws.cell.init(-half, half, -half, half, -half, half);
      bool alive = cut_walls(i, ws.cell);
      // Cuts only shrink the cell, so an old rv is an upper bound and the test below stays safe
      // with it. Refreshing it from time to time once the cell has closed (about a dozen cuts)
      // stops the cutting early instead of trying every gathered candidate.
      double rv = alive ? farthest() : 0.0;
      bool complete = !alive;
      const std::size_t count = ws.sorted.size();
      for (std::size_t k = 0; alive && k < count; ++k) {
        const double r2 = ws.sorted[k].r2;
        const double d = std::sqrt(r2);
        if (k >= kFirstRefresh && (k - kFirstRefresh) % kRefreshEvery == 0) rv = farthest();
        if (plane_bound(d) >= rv) {
          rv = farthest();
          if (plane_bound(d) >= rv) {
            complete = true;
            break;
          }
        }
        const Candidate& c = ws.candidate(k);
        const double rsq = r2 + ri2 - radius2(c.index);
        alive = ws.cell.nplane(c.delta.x(), c.delta.y(), c.delta.z(), rsq, static_cast<int>(k));
      }
      if (!alive) {
        CellResult empty;
        empty.empty = true;
        return empty;
      }
      if (!complete) {
        rv = farthest();
        complete = plane_bound(search) >= rv && rv < half;
      }
      if (complete) return measure(ws, faces_out);
      if (search >= max_radius_) {
        throw ComputeError(fmt::format(
            "Voronoi cell of atom index {} could not be closed within {:.4g} Å", i, search));
      }
      search = std::min(search * 1.5, max_radius_);
    }
  }

 private:
  double radius2(std::size_t i) const {
    if (options_.radii.empty()) return 0.0;
    const double r = options_.radii[static_cast<std::size_t>(types_[i])];
    return r * r;
  }

  void gather(std::size_t i, double radius, Workspace& ws) const {
    auto& out = ws.gathered;
    out.clear();
    cells_.for_each_within(positions_[i], radius,
                           [&](std::uint32_t j, Image img, const Vec3& d, double r2) {
                             // The atom itself: at image 0, or (if the caller's position was
                             // outside the cell and the cell list wrapped it) at a zero
                             // separation through another image. A true periodic copy of the
                             // atom is at least the cell's thinnest width away.
                             if (j == i && (img == Image{0, 0, 0} || r2 < self_r2_)) return;
                             out.push_back({r2, j, img, d});
                           });
    auto& keys = ws.sorted;
    keys.resize(out.size());
    for (std::size_t k = 0; k < out.size(); ++k) {
      keys[k] = {out[k].r2, static_cast<std::uint32_t>(k)};
    }
    std::sort(keys.begin(), keys.end(), [&out](const SortKey& a, const SortKey& b) {
      if (a.r2 != b.r2) return a.r2 < b.r2;
      const Candidate& ca = out[a.slot];
      const Candidate& cb = out[b.slot];
      return std::tie(ca.index, ca.image) < std::tie(cb.index, cb.image);
    });
    if (!keys.empty() && keys.front().r2 < 1e-20) {
      const Vec3& p = positions_[i];
      throw ComputeError(fmt::format("two atoms sit at the same position ({:.10g}, {:.10g}, "
                                     "{:.10g}), so their Voronoi cells are undefined; expected "
                                     "distinct positions",
                                     p.x(), p.y(), p.z()),
                         {std::min<std::size_t>(i, ws.candidate(0).index),
                          std::max<std::size_t>(i, ws.candidate(0).index)});
    }
  }

  // Closes the cell with the faces of the simulation cell along non-periodic directions.
  bool cut_walls(std::size_t i, voro::voronoicell_neighbor& cell) const {
    const Box& box = cells_.box();
    const Vec3 s = box.to_fractional(positions_[i]);
    for (int k = 0; k < 3; ++k) {
      if (box.periodic(k)) continue;
      const Vec3 normal = box.inverse().row(k).transpose().normalized();
      const double width = box.perpendicular_width(k);
      const double floor_gap = std::max(s[k] * width, 1e-9 * spacing_);
      const double ceil_gap = std::max((1.0 - s[k]) * width, 1e-9 * spacing_);
      const Vec3 lo = -2.0 * floor_gap * normal;
      const Vec3 hi = 2.0 * ceil_gap * normal;
      if (!cell.nplane(lo.x(), lo.y(), lo.z(), 4.0 * floor_gap * floor_gap, -7 - 2 * k)) {
        return false;
      }
      if (!cell.nplane(hi.x(), hi.y(), hi.z(), 4.0 * ceil_gap * ceil_gap, -8 - 2 * k)) {
        return false;
      }
    }
    return true;
  }

  // Volume, face areas, face orders and neighbors in one walk over the cell's faces (the walk of
  // Voro++'s own volume() / face_areas() / neighbors(), which would each walk the cell again).
  CellResult measure(Workspace& ws, std::vector<VoronoiFace>* faces_out) const {
    CellResult r;
    voro::voronoicell_neighbor& cell = ws.cell;
    const double* pts = cell.pts;  // vertex v at pts[3v..3v+2], twice its coordinates
    const double edge2 = 4.0 * options_.edge_threshold * options_.edge_threshold;
    const auto long_edge = [pts, edge2](int a, int b) {
      const double dx = pts[3 * a] - pts[3 * b];
      const double dy = pts[3 * a + 1] - pts[3 * b + 1];
      const double dz = pts[3 * a + 2] - pts[3 * b + 2];
      return dx * dx + dy * dy + dz * dz > edge2 ? 1 : 0;
    };
    ws.faces.clear();
    double volume = 0.0;
    for (int i = 1; i < cell.p; ++i) {
      // Tetrahedra from vertex 0 (as Voro++'s volume()); faces through vertex 0 add nothing.
      const double ux = pts[0] - pts[3 * i], uy = pts[1] - pts[3 * i + 1],
                   uz = pts[2] - pts[3 * i + 2];
      for (int j = 0; j < cell.nu[i]; ++j) {
        int k = cell.ed[i][j];
        if (k < 0) continue;  // this directed edge's face was walked already
        FaceInfo face{cell.ne[i][j], 1, long_edge(i, k), 0.0};
        cell.ed[i][j] = -1 - k;
        int l = cell.cycle_up(cell.ed[i][cell.nu[i] + j], k);
        double area = 0.0;
        while (true) {
          const int m = cell.ed[k][l];
          cell.ed[k][l] = -1 - m;
          ++face.edges;
          face.order += long_edge(k, m);
          if (m == i) break;
          const int n = cell.cycle_up(cell.ed[k][cell.nu[k] + l], m);
          // Triangle (i, k, m) of the face's fan.
          const double ax = pts[3 * k] - pts[3 * i], ay = pts[3 * k + 1] - pts[3 * i + 1],
                       az = pts[3 * k + 2] - pts[3 * i + 2];
          const double bx = pts[3 * m] - pts[3 * i], by = pts[3 * m + 1] - pts[3 * i + 1],
                       bz = pts[3 * m + 2] - pts[3 * i + 2];
          const double cx = ay * bz - az * by, cy = az * bx - ax * bz, cz = ax * by - ay * bx;
          area += std::sqrt(cx * cx + cy * cy + cz * cz);
          const double vx = pts[3 * k] - pts[0], vy = pts[3 * k + 1] - pts[1],
                       vz = pts[3 * k + 2] - pts[2];
          const double wx = pts[3 * m] - pts[0], wy = pts[3 * m + 1] - pts[1],
                       wz = pts[3 * m + 2] - pts[2];
          volume += ux * (vy * wz - vz * wy) + uy * (vz * wx - vx * wz) + uz * (vx * wy - vy * wx);
          k = m;
          l = n;
        }
        face.area = 0.125 * area;  // half the cross products, in doubled coordinates
        ws.faces.push_back(face);
      }
    }
    // Unmark the edges (what Voro++'s protected reset_edges() does).
    for (int i = 0; i < cell.p; ++i) {
      for (int j = 0; j < cell.nu[i]; ++j) {
        if (cell.ed[i][j] < 0) cell.ed[i][j] = -1 - cell.ed[i][j];
      }
    }
    r.volume = volume / 48.0;  // 1/6 per tetrahedron, 1/8 for the doubled coordinates
    for (const FaceInfo& f : ws.faces) r.surface += f.area;

    const double area_cut =
        std::max(options_.face_threshold, options_.relative_face_threshold * r.surface);
    for (const FaceInfo& f : ws.faces) {
      if (f.id < 0) continue;  // a wall of a non-periodic direction, not a neighbor
      r.dropped_edges += f.edges - f.order;
      if (!(f.area > area_cut) || f.order < 3) {
        ++r.dropped_faces;
        continue;
      }
      ++r.coordination;
      r.max_order = std::max<std::uint16_t>(r.max_order, static_cast<std::uint16_t>(f.order));
      ++r.counts[static_cast<std::size_t>(std::min(f.order, kMaxStoredOrder - 1))];
      if (faces_out) {
        const Candidate& c = ws.candidate(static_cast<std::size_t>(f.id));
        faces_out->push_back(
            {c.index, c.image, static_cast<std::uint8_t>(std::min(f.order, 255)), f.area});
      }
    }
    return r;
  }

  // Refresh schedule of the farthest-vertex distance during the cuts (see build()).
  static constexpr std::size_t kFirstRefresh = 10;
  static constexpr std::size_t kRefreshEvery = 2;

  const CellList& cells_;
  const std::vector<Vec3>& positions_;
  const std::vector<int>& types_;
  const VoronoiOptions& options_;
  double spacing_ = 1.0;
  double max_radius_ = 0.0;
  double max_radius2_ = 0.0;
  double self_r2_ = 0.0;
};

// Walls close the cells along non-periodic directions; a cell cannot be closed by a wall its
// atom lies beyond (the cut would keep the wrong side), so such an atom is an error rather than
// a silently wrong volume. LAMMPS loses atoms that leave an `f` boundary and shrink-wraps `s` and
// `m` boundaries around the atoms.
void check_inside_walls(const Box& box, const std::vector<Vec3>& positions) {
  if (box.fully_periodic()) return;
  constexpr double kTolerance = 1e-9;  // fractional: rounding of coordinates at the wall
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const Vec3 s = box.to_fractional(positions[i]);
    for (int k = 0; k < 3; ++k) {
      if (box.periodic(k) || (s[k] >= -kTolerance && s[k] <= 1.0 + kTolerance)) continue;
      throw ComputeError(
          fmt::format("an atom at ({:.10g}, {:.10g}, {:.10g}) lies outside the non-periodic {} "
                      "boundary of the box (fractional coordinate {:.6g}); expected every atom "
                      "between the walls of non-periodic directions, where its Voronoi cell is "
                      "defined",
                      positions[i].x(), positions[i].y(), positions[i].z(), "xyz"[k], s[k]),
          {i});
    }
  }
}

}  // namespace

Tessellation compute_tessellation(const CellList& cells, const std::vector<Vec3>& positions,
                                  const std::vector<int>& types, const VoronoiOptions& options) {
  const std::size_t n = positions.size();
  if (cells.size() != n || types.size() != n) {
    throw ComputeError(fmt::format(
        "Voronoi tessellation: {} positions, {} types, but the cell list holds {} atoms", n,
        types.size(), cells.size()));
  }
  double max_radius2 = 0.0;
  if (!options.radii.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto t = static_cast<std::size_t>(types[i]);
      if (types[i] < 0 || t >= options.radii.size() || !(options.radii[t] >= 0.0)) {
        throw ComputeError(fmt::format("expected a Voronoi radius for every atom type in radii, "
                                       "but atom type {} has none",
                                       types[i]),
                           {i});
      }
      max_radius2 = std::max(max_radius2, options.radii[t] * options.radii[t]);
    }
  }
  check_inside_walls(cells.box(), positions);
  Tessellation tess;
  tess.options = options;
  tess.volume.assign(n, 0.0);
  tess.surface_area.assign(n, 0.0);
  tess.coordination.assign(n, 0);
  tess.max_face_order.assign(n, 0);
  tess.order_counts.assign(n, {});
  const CellBuilder builder(cells, positions, types, options, max_radius2);

  // Atoms are visited in the cell list's bin order, so that consecutive atoms search the same,
  // cache-hot bins. Blocks are fixed ranges of that order: counters and faces are reduced per
  // block, in block order, so the result does not depend on the thread count.
  const std::vector<std::uint32_t>& order = cells.atoms_in_bin_order();
  constexpr std::size_t kBlock = 256;
  const std::size_t nblocks = (n + kBlock - 1) / kBlock;
  std::vector<std::vector<VoronoiFace>> block_faces(options.store_faces ? nblocks : 0);
  std::vector<std::uint32_t> face_count(options.store_faces ? n : 0, 0);
  struct Counters {
    std::int64_t faces = 0, edges = 0, empty = 0;
  };
  std::vector<Counters> block_counters(nblocks);
  tbb::enumerable_thread_specific<Workspace> workspaces;
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        Workspace& ws = workspaces.local();
        Counters counters;
        std::vector<VoronoiFace>* faces = options.store_faces ? &block_faces[b / kBlock] : nullptr;
        for (std::size_t slot = b; slot < e; ++slot) {
          const std::size_t i = order[slot];
          const std::size_t before = faces ? faces->size() : 0;
          const CellResult r = builder.build(i, ws, faces);
          tess.volume[i] = r.volume;
          tess.surface_area[i] = r.surface;
          tess.coordination[i] = r.coordination;
          tess.max_face_order[i] = r.max_order;
          tess.order_counts[i] = r.counts;
          counters.faces += r.dropped_faces;
          counters.edges += r.dropped_edges;
          counters.empty += r.empty ? 1 : 0;
          if (faces) face_count[i] = static_cast<std::uint32_t>(faces->size() - before);
        }
        block_counters[b / kBlock] = counters;
      },
      kBlock);
  for (const auto& c : block_counters) {
    tess.dropped_faces += c.faces;
    tess.dropped_edges += c.edges;
    tess.empty_cells += c.empty;
  }
  if (options.store_faces) {
    // Blocks hold their atoms' faces in bin order; place each atom's run at its offset.
    tess.face_offsets.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
      tess.face_offsets[i + 1] = tess.face_offsets[i] + face_count[i];
    }
    tess.faces.resize(tess.face_offsets[n]);
    for (std::size_t b = 0; b < nblocks; ++b) {
      auto next = block_faces[b].begin();
      for (std::size_t slot = b * kBlock; slot < std::min(n, (b + 1) * kBlock); ++slot) {
        const std::size_t i = order[slot];
        std::copy(next, next + face_count[i],
                  tess.faces.begin() + static_cast<std::ptrdiff_t>(tess.face_offsets[i]));
        next += face_count[i];
      }
      std::vector<VoronoiFace>().swap(block_faces[b]);
    }
  }
  return tess;
}

}  // namespace mgs
