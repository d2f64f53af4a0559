#include "engine/projection.hpp"

#include <fmt/format.h>

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

// One projected atom image, inside the map's rectangle.
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
  const auto pixels = [&](double length) {
    const double n = std::max(1.0, std::round(length / request.pixel_size));
    if (n > 1e5) {
      throw std::invalid_argument(
          fmt::format("pixel_size {:.6g} Å gives {:.0f} pixels across {:.6g} Å (at most 100000)",
                      request.pixel_size, n, length));
    }
    return static_cast<int>(n);
  };
  g.nu = pixels(g.length_u);
  g.nv = pixels(g.length_v);
  g.pixel_u = g.length_u / g.nu;
  g.pixel_v = g.length_v / g.nv;
  return g;
}

ProjectedMap project(const Box& box, const std::vector<Vec3>& positions,
                     const std::vector<double>& weights, const std::vector<double>* values,
                     const ProjectionRequest& request) {
  ProjectedMap out;
  const ProjectionGeometry g = projection_geometry(box, request);
  out.geometry = g;
  const Mat3& h = box.cell();
  const Vec3 along = h.col(g.along);
  const double along_beam = h(g.beam, g.along);
  const double sigma = request.probe_fwhm / kFwhmPerSigma;

  // Atom images in the slab, wrapped into the map's rectangle, in atom order.
  std::vector<Image> images;
  std::vector<int> row_of;
  images.reserve(positions.size());
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
    out.max_tiles =
        std::max(out.max_tiles, static_cast<int>(std::max<std::int64_t>(0, k_hi - k_lo)));
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
      row_of.push_back(std::min(g.nv - 1, static_cast<int>(v / g.pixel_v)));
    }
  }
  out.images = images.size();

  // Images bucketed by row, keeping atom order within a row (counting sort).
  std::vector<std::size_t> start(static_cast<std::size_t>(g.nv) + 1, 0);
  for (int r : row_of) ++start[static_cast<std::size_t>(r) + 1];
  for (int r = 0; r < g.nv; ++r) start[r + 1] += start[r];
  std::vector<std::size_t> order(images.size());
  {
    std::vector<std::size_t> fill(start.begin(), start.end() - 1);
    for (std::size_t k = 0; k < images.size(); ++k) order[fill[row_of[k]]++] = k;
  }

  const std::size_t npix = static_cast<std::size_t>(g.nu) * static_cast<std::size_t>(g.nv);
  out.weight.assign(npix, 0.0);
  if (values) out.value.assign(npix, 0.0);
  const double cut = kCutSigmas * sigma;
  const double full = std::erf(kCutSigmas / std::sqrt(2.0));  // mass within ±cut
  // Rows src − reach .. src + reach hold the cut footprint of an image in row src.
  const int reach_v = sigma > 0.0 ? static_cast<int>(std::ceil(cut / g.pixel_v)) : 0;

  parallel::for_blocks(
      static_cast<std::size_t>(g.nv),
      [&](std::size_t row_begin, std::size_t row_end) {
        std::vector<double> wu;
        for (std::size_t row = row_begin; row < row_end; ++row) {
          const auto l = static_cast<std::int64_t>(row);
          double* wrow = out.weight.data() + row * static_cast<std::size_t>(g.nu);
          double* vrow = values ? out.value.data() + row * static_cast<std::size_t>(g.nu) : nullptr;
          for (std::int64_t dl = -reach_v; dl <= reach_v; ++dl) {
            const std::int64_t src = l - dl;  // unwrapped source row
            const std::int64_t n = floor_div(src, g.nv);
            const auto src_row = static_cast<std::size_t>(src - n * g.nv);
            for (std::size_t o = start[src_row]; o < start[src_row + 1]; ++o) {
              const Image& im = images[order[o]];
              if (sigma == 0.0) {
                const int col = std::min(g.nu - 1, static_cast<int>(im.u / g.pixel_u));
                wrow[col] += im.w;
                if (vrow) vrow[col] += im.wp;
                continue;
              }
              // The image as seen from this row: shifted by n periods p2. Its probe is cut at
              // `cut` from the centre in u and in v (symmetric, so the centroid stays exact) and
              // renormalised to deposit exactly w.
              const double uc = im.u + static_cast<double>(n) * g.shear;
              const double vc = im.v + static_cast<double>(n) * g.length_v;
              const double y0 = static_cast<double>(l) * g.pixel_v;
              const double fv = clipped_mass(y0, y0 + g.pixel_v, vc, sigma, cut) / full;
              if (fv == 0.0) continue;
              const auto first = static_cast<std::int64_t>(std::floor((uc - cut) / g.pixel_u));
              const auto last = static_cast<std::int64_t>(std::floor((uc + cut) / g.pixel_u));
              const auto ncols = static_cast<std::size_t>(last - first + 1);
              wu.resize(ncols);
              for (std::size_t c = 0; c < ncols; ++c) {
                const double x0 =
                    static_cast<double>(first + static_cast<std::int64_t>(c)) * g.pixel_u;
                wu[c] = clipped_mass(x0, x0 + g.pixel_u, uc, sigma, cut);
              }
              const double fw = im.w * fv / full;
              const double fp = im.wp * fv / full;
              for (std::size_t c = 0; c < ncols; ++c) {
                if (wu[c] == 0.0) continue;
                std::int64_t col = (first + static_cast<std::int64_t>(c)) % g.nu;
                if (col < 0) col += g.nu;
                wrow[col] += fw * wu[c];
                if (vrow) vrow[col] += fp * wu[c];
              }
            }
          }
        }
      },
      4);
  return out;
}

}  // namespace mgs
