#include "engine/projection.hpp"

#include <fmt/format.h>

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs {

namespace {

constexpr char kAxis[] = "xyz";
// FWHM = 2 sqrt(2 ln 2) σ.
constexpr double kFwhmPerSigma = 2.3548200450309493;
constexpr double kCutSigmas = 4.0;

// The image axes (u, v) for a beam axis; see the header.
std::array<int, 2> plane_axes(int beam) {
  switch (beam) {
    case 0:
      return {1, 2};
    case 1:
      return {0, 2};
    default:
      return {0, 1};
  }
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// One projected atom image: u, v on the map (Å from the corner; inside the rectangle on a
// periodic plane), its weight and weighted value.
struct Image {
  double u, v, w, wp;
};

// Probability mass of a unit Gaussian of width sigma centred at c in [lo, hi) ∩ [c − cut, c + cut].
double clipped_mass(double lo, double hi, double c, double sigma, double cut) {
  lo = std::max(lo, c - cut);
  hi = std::min(hi, c + cut);
  if (hi <= lo) return 0.0;
  const double s = std::sqrt(2.0) * sigma;
  return 0.5 * (std::erf((hi - c) / s) - std::erf((lo - c) / s));
}

// Pixels across `length` for a target size: they divide it exactly.
int pixels(double length, double size) {
  const double n = std::max(1.0, std::round(length / size));
  if (n > 1e5) {
    throw std::invalid_argument(
        fmt::format("pixel_size {:.6g} Å gives {:.0f} pixels across {:.6g} Å (at most 100000)",
                    size, n, length));
  }
  return static_cast<int>(n);
}

// A finite field of view centred on an orthogonal cell: for an oblique beam `d`, or for a beam
// along axis `beam` (>= 0) when the cell is not periodic in the image plane (a thin film seen
// from the side), where the view defaults to the cell's extent and the axes are those of the
// periodic case. Images are taken along the periodic axes only.
// Two maps of doubles (and the pixels' bookkeeping) must fit in memory: at most 2^26 pixels.
void check_map_size(const ProjectionGeometry& g, double size) {
  const double total = static_cast<double>(g.nu) * static_cast<double>(g.nv);
  if (total > static_cast<double>(1 << 26)) {
    throw std::invalid_argument(
        fmt::format("pixel_size {:.6g} Å gives {} x {} pixels (at most 2^26 = 67,108,864 in all)",
                    size, g.nu, g.nv));
  }
}

ProjectionGeometry finite_view_geometry(const Box& box, const ProjectionRequest& request,
                                        const Vec3& d, int beam) {
  if (!box.is_orthogonal()) {
    throw std::invalid_argument(
        beam >= 0 ? fmt::format("a projection along {} of a cell that is not periodic along {} "
                                "and {} needs an orthogonal cell",
                                kAxis[beam], kAxis[plane_axes(beam)[0]], kAxis[plane_axes(beam)[1]])
                  : std::string("a beam direction other than x, y or z needs an orthogonal cell"));
  }
  ProjectionGeometry g;
  g.periodic_plane = false;
  g.beam = g.u_axis = g.v_axis = -1;
  g.ebeam = d;
  const Vec3 edges = box.cell().diagonal();
  const double shortest = edges.minCoeff();
  std::array<double, 2> view{shortest, shortest};
  double t = shortest;
  if (beam >= 0) {
    const auto [ua, va] = plane_axes(beam);
    g.beam = beam;
    g.u_axis = ua;
    g.v_axis = va;
    g.eu = Vec3::Unit(ua);
    g.ev = Vec3::Unit(va);
    view = {edges[ua], edges[va]};
    t = edges[beam];
    g.beam_period = edges[beam];
  } else {
    // u: x without its beam component (y when the beam is within 25° of x), v = beam × u.
    const Vec3 ref = std::abs(d[0]) > std::cos(25.0 * M_PI / 180.0) ? Vec3::UnitY() : Vec3::UnitX();
    g.eu = (ref - ref.dot(d) * d).normalized();
    g.ev = d.cross(g.eu);
    // Keep the picture upright: v towards +z where it has a z component, else towards +y (the
    // flip of both keeps u × v = beam).
    if (g.ev.z() < -1e-12 || (std::abs(g.ev.z()) <= 1e-12 && g.ev.y() < 0.0)) {
      g.eu = -g.eu;
      g.ev = -g.ev;
    }
  }
  view = request.field_of_view.value_or(view);
  if (!(view[0] > 0.0) || !(view[1] > 0.0)) {
    throw std::invalid_argument("field_of_view must be positive");
  }
  g.length_u = view[0];
  g.length_v = view[1];
  t = request.thickness.value_or(t);
  g.slab_lo = -0.5 * t;
  g.slab_hi = 0.5 * t;
  g.beam_periodic = false;
  g.nu = pixels(g.length_u, request.pixel_size);
  g.nv = pixels(g.length_v, request.pixel_size);
  check_map_size(g, request.pixel_size);
  g.pixel_u = g.length_u / g.nu;
  g.pixel_v = g.length_v / g.nv;
  const Vec3 center = box.origin() + 0.5 * edges;
  g.corner = center - 0.5 * g.length_u * g.eu - 0.5 * g.length_v * g.ev;
  return g;
}

}  // namespace

ProjectionGeometry projection_geometry(const Box& box, const ProjectionRequest& request) {
  if (request.beam < 0 || request.beam > 2)
    throw std::invalid_argument("beam axis must be x, y or z");
  if (!(request.pixel_size > 0.0)) throw std::invalid_argument("pixel_size must be positive");
  if (!(request.probe_fwhm >= 0.0)) throw std::invalid_argument("probe_fwhm must be >= 0");
  if (request.thickness && !(*request.thickness > 0.0)) {
    throw std::invalid_argument("thickness must be positive");
  }
  ProjectionGeometry g;
  if (request.direction) {
    const Vec3 d = request.direction->normalized();
    if (!(request.direction->norm() > 0.0) || !d.allFinite()) {
      throw std::invalid_argument("the beam direction must be a nonzero vector");
    }
    for (int k = 0; k < 3; ++k) {
      if (std::abs(d[k]) > 1.0 - 1e-12) {
        ProjectionRequest along_axis = request;
        along_axis.direction.reset();
        along_axis.beam = k;
        return projection_geometry(box, along_axis);
      }
    }
    return finite_view_geometry(box, request, d, -1);
  }
  g.beam = request.beam;
  const auto [ua, va] = plane_axes(request.beam);
  g.u_axis = ua;
  g.v_axis = va;
  const Mat3& h = box.cell();
  std::vector<int> flat;  // cell vectors perpendicular to the beam
  for (int k = 0; k < 3; ++k) {
    if (std::abs(h(request.beam, k)) <= 1e-9 * h.col(k).norm()) flat.push_back(k);
  }
  if (flat.size() != 2) {
    throw std::invalid_argument(fmt::format(
        "a projection along {} needs two cell vectors perpendicular to it (cell vectors a, b, c "
        "= ({:.6g} {:.6g} {:.6g}), ({:.6g} {:.6g} {:.6g}), ({:.6g} {:.6g} {:.6g})): along z any "
        "LAMMPS cell works, along x only with xy = xz = 0, along y only with yz = 0",
        kAxis[request.beam], h(0, 0), h(1, 0), h(2, 0), h(0, 1), h(1, 1), h(2, 1), h(0, 2), h(1, 2),
        h(2, 2)));
  }
  // p1 is the one without a v component.
  int p1 = flat[0], p2 = flat[1];
  if (std::abs(h(va, p1)) > 1e-9 * h.col(p1).norm()) std::swap(p1, p2);
  if (std::abs(h(va, p1)) > 1e-9 * h.col(p1).norm()) {
    throw std::invalid_argument(
        fmt::format("a projection along {} needs a cell vector along {} (a LAMMPS cell has one)",
                    kAxis[request.beam], kAxis[ua]));
  }
  g.p1 = p1;
  g.p2 = p2;
  g.along = 3 - p1 - p2;
  if ((!box.periodic(p1) || !box.periodic(p2)) && box.is_orthogonal()) {
    return finite_view_geometry(box, request, Vec3::Unit(request.beam), request.beam);
  }
  if (!box.periodic(p1) || !box.periodic(p2)) {
    throw std::invalid_argument(
        fmt::format("a projection along {} needs a cell periodic along {} and {}",
                    kAxis[request.beam], kAxis[ua], kAxis[va]));
  }
  g.length_u = std::abs(h(ua, p1));
  const double sign2 = h(va, p2) < 0.0 ? -1.0 : 1.0;
  g.length_v = sign2 * h(va, p2);
  g.shear = sign2 * h(ua, p2);
  // Reduce the shear into [0, L1): p2 - m·p1 is an equally good period.
  g.shear -= std::floor(g.shear / g.length_u) * g.length_u;
  g.beam_period = std::abs(h(request.beam, g.along));
  g.beam_periodic = box.periodic(g.along);
  const double t = request.thickness.value_or(g.beam_period);
  const double center = request.center * g.beam_period;
  g.slab_lo = center - 0.5 * t;
  g.slab_hi = center + 0.5 * t;

  g.nu = pixels(g.length_u, request.pixel_size);
  g.nv = pixels(g.length_v, request.pixel_size);
  check_map_size(g, request.pixel_size);
  g.pixel_u = g.length_u / g.nu;
  g.pixel_v = g.length_v / g.nv;
  g.eu = Vec3::Unit(ua);
  g.ev = Vec3::Unit(va);
  g.ebeam = Vec3::Unit(request.beam);
  g.corner = box.origin() + 0.5 * (g.slab_lo + g.slab_hi) * g.ebeam;
  return g;
}

namespace {

// Atom images in the slab, wrapped into the map's rectangle (periodic plane), in atom order, with
// the row of each.
void collect_periodic(const Box& box, const ProjectionGeometry& g,
                      const std::vector<Vec3>& positions, const std::vector<double>& weights,
                      const std::vector<double>* values, std::vector<Image>& images,
                      std::vector<std::int64_t>& rows, int& max_tiles) {
  const Mat3& h = box.cell();
  const Vec3 along = h.col(g.along);
  const double along_beam = h(g.beam, g.along);
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const Vec3 r = positions[i] - box.origin();
    // Beam coordinate from the origin face: only `along` has a beam component.
    const double s = box.inverse().row(g.along).dot(r);
    const double w0 = s * along_beam;
    std::int64_t k_lo = 0, k_hi = 0;  // images k in [k_lo, k_hi)
    if (g.beam_periodic) {
      k_lo = static_cast<std::int64_t>(std::ceil((g.slab_lo - w0) / along_beam));
      k_hi = static_cast<std::int64_t>(std::ceil((g.slab_hi - w0) / along_beam));
    } else {
      k_hi = (w0 >= g.slab_lo && w0 < g.slab_hi) ? 1 : 0;
    }
    max_tiles = std::max(max_tiles, static_cast<int>(std::max<std::int64_t>(0, k_hi - k_lo)));
    for (std::int64_t k = k_lo; k < k_hi; ++k) {
      const Vec3 p = r + static_cast<double>(k) * along;
      double u = p[g.u_axis], v = p[g.v_axis];
      const double jv = std::floor(v / g.length_v);
      v -= jv * g.length_v;
      u -= jv * g.shear;
      u -= std::floor(u / g.length_u) * g.length_u;
      // Round-off can leave u == L1 or v == L2.
      if (u >= g.length_u) u = 0.0;
      if (v >= g.length_v) v = 0.0;
      const double w = weights[i];
      images.push_back({u, v, w, values ? w * (*values)[i] : 0.0});
      rows.push_back(std::min<std::int64_t>(g.nv - 1, static_cast<std::int64_t>(v / g.pixel_v)));
    }
  }
}

// Every periodic image (along the periodic axes) of every atom in the slab and within `reach` of
// the field of view (finite view, orthogonal cell), in atom order; u, v from the map's corner.
void collect_oblique(const Box& box, const ProjectionGeometry& g, double reach,
                     const std::vector<Vec3>& positions, const std::vector<double>& weights,
                     const std::vector<double>* values, std::vector<Image>& images,
                     std::vector<std::int64_t>& rows, int& max_tiles) {
  const Vec3 edges = box.cell().diagonal();
  const double hu = 0.5 * g.length_u + reach, hv = 0.5 * g.length_v + reach;
  const Vec3 center = g.corner + 0.5 * g.length_u * g.eu + 0.5 * g.length_v * g.ev;
  // Half-extents of the prism's axis-aligned bounding box.
  Vec3 half;
  for (int k = 0; k < 3; ++k) {
    half[k] = std::abs(g.eu[k]) * hu + std::abs(g.ev[k]) * hv +
              std::abs(g.ebeam[k]) * 0.5 * (g.slab_hi - g.slab_lo);
  }
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const Vec3& r = positions[i];
    std::array<std::int64_t, 3> lo{}, hi{};
    for (int k = 0; k < 3; ++k) {
      if (!box.periodic(k)) continue;  // no images across a wall
      lo[k] = static_cast<std::int64_t>(std::ceil((center[k] - half[k] - r[k]) / edges[k]));
      hi[k] = static_cast<std::int64_t>(std::floor((center[k] + half[k] - r[k]) / edges[k]));
    }
    int tiles = 0;
    for (std::int64_t a = lo[0]; a <= hi[0]; ++a) {
      for (std::int64_t b = lo[1]; b <= hi[1]; ++b) {
        for (std::int64_t c = lo[2]; c <= hi[2]; ++c) {
          const Vec3 q = r +
                         Vec3(static_cast<double>(a) * edges[0], static_cast<double>(b) * edges[1],
                              static_cast<double>(c) * edges[2]) -
                         center;
          const double w = q.dot(g.ebeam);
          if (w < g.slab_lo || w >= g.slab_hi) continue;
          const double u = q.dot(g.eu) + 0.5 * g.length_u;
          const double v = q.dot(g.ev) + 0.5 * g.length_v;
          if (u < -reach || u > g.length_u + reach || v < -reach || v > g.length_v + reach) {
            continue;
          }
          // Tiling: more than one image of the atom inside the view proper (images in the
          // probe's margin only complete the edge pixels).
          if (u >= 0.0 && u < g.length_u && v >= 0.0 && v < g.length_v) ++tiles;
          images.push_back({u, v, weights[i], values ? weights[i] * (*values)[i] : 0.0});
          rows.push_back(static_cast<std::int64_t>(std::floor(v / g.pixel_v)));
        }
      }
    }
    max_tiles = std::max(max_tiles, tiles);
  }
}

}  // namespace

ProjectedMap project(const Box& box, const std::vector<Vec3>& positions,
                     const std::vector<double>& weights, const std::vector<double>* values,
                     const ProjectionRequest& request) {
  ProjectedMap out;
  const ProjectionGeometry g = projection_geometry(box, request);
  out.geometry = g;
  const double sigma = request.probe_fwhm / kFwhmPerSigma;
  const double cut = kCutSigmas * sigma;
  const double full = std::erf(kCutSigmas / std::sqrt(2.0));  // mass within ±cut
  // Rows src − reach .. src + reach hold the cut footprint of an image in row src.
  const int reach_v = sigma > 0.0 ? static_cast<int>(std::ceil(cut / g.pixel_v)) : 0;
  // A probe far wider than the map blurs it to a constant and costs (reach / pixel)² per atom.
  if (cut > 2.0 * std::max(g.length_u, g.length_v)) {
    throw std::invalid_argument(fmt::format(
        "probe_fwhm {:.6g} Å is wider than the map ({:.6g} x {:.6g} Å): the map would be flat",
        request.probe_fwhm, g.length_u, g.length_v));
  }

  std::vector<Image> images;
  std::vector<std::int64_t> row_of;
  images.reserve(positions.size());
  // Rows of the images: 0 .. nv − 1 on a periodic plane; an oblique view also has images up to
  // reach_v + 1 rows beyond its edges, kept in buckets shifted by `offset`.
  std::int64_t offset = 0;
  if (g.periodic_plane) {
    collect_periodic(box, g, positions, weights, values, images, row_of, out.max_tiles);
  } else {
    collect_oblique(box, g, cut, positions, weights, values, images, row_of, out.max_tiles);
    offset = reach_v + 1;
    for (auto& r : row_of) r = std::clamp<std::int64_t>(r, -offset, g.nv - 1 + offset);
  }
  out.images = images.size();

  // Images bucketed by row, keeping atom order within a row (counting sort).
  const auto buckets = static_cast<std::size_t>(g.nv + 2 * offset);
  std::vector<std::size_t> start(buckets + 1, 0);
  for (std::int64_t r : row_of) ++start[static_cast<std::size_t>(r + offset) + 1];
  for (std::size_t r = 0; r < buckets; ++r) start[r + 1] += start[r];
  std::vector<std::size_t> order(images.size());
  {
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::size_t k = 0; k < images.size(); ++k) {
      order[fill[static_cast<std::size_t>(row_of[k] + offset)]++] = k;
    }
  }

  const std::size_t npix = static_cast<std::size_t>(g.nu) * static_cast<std::size_t>(g.nv);
  out.weight.assign(npix, 0.0);
  if (values) out.value.assign(npix, 0.0);
  // Output rows in fixed blocks. Each block visits the source rows whose images reach it once,
  // computes an image's column weights once and adds them to every row of the block the image
  // reaches (a wide probe touches many rows: per row visit this would repeat the erf calls of its
  // columns). Every pixel sums its images in the same order (source row ascending, then atom
  // order) whatever the thread count.
  constexpr std::int64_t kBlockRows = 16;
  parallel::for_blocks(
      static_cast<std::size_t>(g.nv),
      [&](std::size_t row_begin, std::size_t row_end) {
        std::vector<double> wu;
        const auto l0 = static_cast<std::int64_t>(row_begin);
        const auto l1 = static_cast<std::int64_t>(row_end);
        const auto nu = static_cast<std::size_t>(g.nu);
        for (std::int64_t src = l0 - reach_v; src < l1 + reach_v; ++src) {  // unwrapped
          // On a periodic plane, row src is row src − n·nv seen n periods p2 away; a finite view
          // has no periods, only its margin of rows beyond the edges.
          std::int64_t n = 0;
          std::size_t bucket = 0;
          if (g.periodic_plane) {
            n = floor_div(src, g.nv);
            bucket = static_cast<std::size_t>(src - n * g.nv);
          } else {
            if (src < -offset || src > g.nv - 1 + offset) continue;
            bucket = static_cast<std::size_t>(src + offset);
          }
          // The output rows of this block that images in row src reach.
          const std::int64_t r0 = std::max(l0, src - reach_v);
          const std::int64_t r1 = std::min(l1, src + reach_v + 1);
          for (std::size_t o = start[bucket]; o < start[bucket + 1]; ++o) {
            const Image& im = images[order[o]];
            if (sigma == 0.0) {
              // Only the image's own row, inside the map.
              if (src < l0 || src >= l1) continue;
              auto col = static_cast<std::int64_t>(std::floor(im.u / g.pixel_u));
              if (g.periodic_plane) {
                col = std::min<std::int64_t>(g.nu - 1, col);
              } else if (col < 0 || col >= g.nu) {
                continue;
              }
              const std::size_t at =
                  static_cast<std::size_t>(src) * nu + static_cast<std::size_t>(col);
              out.weight[at] += im.w;
              if (values) out.value[at] += im.wp;
              continue;
            }
            // The image as seen from these rows (shifted by n periods p2). Its probe is cut at
            // `cut` from the centre in u and in v (symmetric, so the centroid stays exact) and
            // renormalised to deposit exactly w.
            const double uc = im.u + static_cast<double>(n) * g.shear;
            const double vc = im.v + static_cast<double>(n) * g.length_v;
            const auto first = static_cast<std::int64_t>(std::floor((uc - cut) / g.pixel_u));
            const auto last = static_cast<std::int64_t>(std::floor((uc + cut) / g.pixel_u));
            const auto ncols = static_cast<std::size_t>(last - first + 1);
            wu.resize(ncols);
            for (std::size_t c = 0; c < ncols; ++c) {
              const double x0 =
                  static_cast<double>(first + static_cast<std::int64_t>(c)) * g.pixel_u;
              wu[c] = clipped_mass(x0, x0 + g.pixel_u, uc, sigma, cut);
            }
            for (std::int64_t l = r0; l < r1; ++l) {
              const double y0 = static_cast<double>(l) * g.pixel_v;
              const double fv = clipped_mass(y0, y0 + g.pixel_v, vc, sigma, cut) / full;
              if (fv == 0.0) continue;
              const double fw = im.w * fv / full;
              const double fp = im.wp * fv / full;
              double* wrow = out.weight.data() + static_cast<std::size_t>(l) * nu;
              double* vrow = values ? out.value.data() + static_cast<std::size_t>(l) * nu : nullptr;
              for (std::size_t c = 0; c < ncols; ++c) {
                if (wu[c] == 0.0) continue;
                std::int64_t col = first + static_cast<std::int64_t>(c);
                if (g.periodic_plane) {
                  col %= g.nu;
                  if (col < 0) col += g.nu;
                } else if (col < 0 || col >= g.nu) {
                  continue;
                }
                wrow[col] += fw * wu[c];
                if (vrow) vrow[col] += fp * wu[c];
              }
            }
          }
        }
      },
      static_cast<std::size_t>(kBlockRows));
  return out;
}

}  // namespace mgs
