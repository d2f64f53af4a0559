#include "engine/voronoi.hpp"

#include <fmt/format.h>

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
  bool operator<(const Candidate& o) const {
    return std::tie(r2, index, image) < std::tie(o.r2, o.index, o.image);
  }
};

// Scratch space that one worker reuses for many atoms.
struct Workspace {
  voro::voronoicell_neighbor cell;
  std::vector<Candidate> candidates;
  std::vector<int> neighbors;
  std::vector<int> face_vertices;
  std::vector<double> vertices;
  std::vector<double> areas;
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
  CellBuilder(const CellList& cells, const std::vector<Vec3>& positions,
              const std::vector<int>& types, const VoronoiOptions& options)
      : cells_(cells), positions_(positions), types_(types), options_(options) {
    const Box& box = cells.box();
    spacing_ = std::cbrt(box.volume() / std::max<std::size_t>(1, positions.size()));
    // Search radius: no cell fits inside a sphere smaller than the box's longest diagonal.
    max_radius_ = 4.0 * (box.edge(0).norm() + box.edge(1).norm() + box.edge(2).norm()) + spacing_;
    const double width = std::min({box.perpendicular_width(0), box.perpendicular_width(1),
                                   box.perpendicular_width(2)});
    self_r2_ = 0.25 * width * width;
    if (!options.radii.empty()) {
      for (double r : options.radii) max_radius2_ = std::max(max_radius2_, r * r);
    }
  }

  CellResult build(std::size_t i, Workspace& ws, std::vector<VoronoiFace>* faces_out) const {
    const double ri2 = radius2(i);
    // Beyond distance d no plane can cut closer than (d^2 - delta)/(2d) to the center.
    const double delta = options_.radii.empty() ? 0.0 : max_radius2_ - ri2;
    const auto plane_bound = [delta](double d) { return (d * d - delta) / (2.0 * d); };

    double search = 2.0 * spacing_;
    while (true) {
      gather(i, search, ws.candidates);
      const double half = search;
      ws.cell.init(-half, half, -half, half, -half, half);
      bool alive = cut_walls(i, ws.cell);
      double rv = alive ? 0.5 * std::sqrt(ws.cell.max_radius_squared()) : 0.0;
      bool complete = !alive;
      for (std::size_t k = 0; alive && k < ws.candidates.size(); ++k) {
        const Candidate& c = ws.candidates[k];
        const double d = std::sqrt(c.r2);
        if (plane_bound(d) >= rv) {
          rv = 0.5 * std::sqrt(ws.cell.max_radius_squared());
          if (plane_bound(d) >= rv) {
            complete = true;
            break;
          }
        }
        const double rsq = c.r2 + ri2 - radius2(c.index);
        alive = ws.cell.nplane(c.delta.x(), c.delta.y(), c.delta.z(), rsq, static_cast<int>(k));
      }
      if (!alive) {
        CellResult empty;
        empty.empty = true;
        return empty;
      }
      if (!complete) {
        rv = 0.5 * std::sqrt(ws.cell.max_radius_squared());
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

  void gather(std::size_t i, double radius, std::vector<Candidate>& out) const {
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
    std::sort(out.begin(), out.end());
    if (!out.empty() && out.front().r2 < 1e-20) {
      throw ComputeError(fmt::format(
          "atoms with indices {} and {} sit at the same position: their Voronoi cells are "
          "undefined",
          i, out.front().index));
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

  CellResult measure(Workspace& ws, std::vector<VoronoiFace>* faces_out) const {
    CellResult r;
    auto& cell = ws.cell;
    r.volume = cell.volume();
    cell.neighbors(ws.neighbors);
    cell.face_areas(ws.areas);
    cell.face_vertices(ws.face_vertices);
    cell.vertices(ws.vertices);
    for (double a : ws.areas) r.surface += a;
    const double area_cut =
        std::max(options_.face_threshold, options_.relative_face_threshold * r.surface);
    const double edge2 = options_.edge_threshold * options_.edge_threshold;
    std::size_t p = 0;
    for (std::size_t f = 0; f < ws.neighbors.size(); ++f) {
      const int n = ws.face_vertices[p];
      const int* v = &ws.face_vertices[p + 1];
      p += static_cast<std::size_t>(n) + 1;
      const int id = ws.neighbors[f];
      if (id < 0) continue;  // a wall of a non-periodic direction, not a neighbor
      int order = 0;
      for (int e = 0; e < n; ++e) {
        const double* a = &ws.vertices[3 * static_cast<std::size_t>(v[e])];
        const double* b = &ws.vertices[3 * static_cast<std::size_t>(v[(e + 1) % n])];
        const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
        if (dx * dx + dy * dy + dz * dz > edge2) ++order;
      }
      r.dropped_edges += n - order;
      if (!(ws.areas[f] > area_cut) || order < 3) {
        ++r.dropped_faces;
        continue;
      }
      ++r.coordination;
      r.max_order = std::max<std::uint16_t>(r.max_order, static_cast<std::uint16_t>(order));
      ++r.counts[static_cast<std::size_t>(std::min(order, kMaxStoredOrder - 1))];
      if (faces_out) {
        const Candidate& c = ws.candidates[static_cast<std::size_t>(id)];
        faces_out->push_back({c.index, c.image,
                              static_cast<std::uint8_t>(std::min(order, 255)), ws.areas[f]});
      }
    }
    return r;
  }

  const CellList& cells_;
  const std::vector<Vec3>& positions_;
  const std::vector<int>& types_;
  const VoronoiOptions& options_;
  double spacing_ = 1.0;
  double max_radius_ = 0.0;
  double max_radius2_ = 0.0;
  double self_r2_ = 0.0;
};

}  // namespace

Tessellation compute_tessellation(const CellList& cells, const std::vector<Vec3>& positions,
                                  const std::vector<int>& types, const VoronoiOptions& options) {
  const std::size_t n = positions.size();
  if (!options.radii.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto t = static_cast<std::size_t>(types[i]);
      if (t >= options.radii.size() || !(options.radii[t] >= 0.0)) {
        throw ComputeError(fmt::format("no Voronoi radius given for atom type {}", types[i]));
      }
    }
  }
  Tessellation tess;
  tess.options = options;
  tess.volume.assign(n, 0.0);
  tess.surface_area.assign(n, 0.0);
  tess.coordination.assign(n, 0);
  tess.max_face_order.assign(n, 0);
  tess.order_counts.assign(n, {});
  const CellBuilder builder(cells, positions, types, options);

  constexpr std::size_t kBlock = 256;
  const std::size_t nblocks = (n + kBlock - 1) / kBlock;
  std::vector<std::vector<VoronoiFace>> block_faces(options.store_faces ? nblocks : 0);
  std::vector<std::uint32_t> face_count(options.store_faces ? n : 0, 0);
  struct Counters {
    std::int64_t faces = 0, edges = 0, empty = 0;
  };
  std::vector<Counters> block_counters(nblocks);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        Workspace ws;
        Counters counters;
        std::vector<VoronoiFace>* faces = options.store_faces ? &block_faces[b / kBlock] : nullptr;
        for (std::size_t i = b; i < e; ++i) {
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
    tess.face_offsets.assign(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) tess.face_offsets[i + 1] = tess.face_offsets[i] + face_count[i];
    tess.faces.reserve(tess.face_offsets[n]);
    for (auto& bf : block_faces) tess.faces.insert(tess.faces.end(), bf.begin(), bf.end());
  }
  return tess;
}

}  // namespace mgs
