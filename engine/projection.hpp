#pragma once
// TEM-like projection of atoms through a slab onto a 2-D pixel grid (SCIENCE.md §7).
//
// The beam runs along a Cartesian axis e (x, y or z). The image plane has axes (u, v):
//   beam z: u = x, v = y;   beam x: u = y, v = z;   beam y: u = x, v = z.
// A projected map of a periodic cell is periodic in the plane only when two cell vectors are
// perpendicular to the beam: p1 along u (length L1) and p2 = (shear, L2). That always holds for
// the beam along z in a LAMMPS cell (a, b), along x when xy = xz = 0 (b, c) and along y when
// yz = 0 (a, c). The map covers the rectangle [0, L1) x [0, L2) of the plane, which tiles it
// under p1 and p2 (rows that wrap across v shift by `shear` along u), so the map has no seams
// whatever the tilt. An orthogonal cell that is not periodic in the image plane (a thin film seen
// from the side) gives a finite view of the whole cell instead, as oblique beams do (below).
//
// The slab is [center - t/2, center + t/2) along the beam, measured from the cell's origin face;
// every periodic image of an atom along the third cell vector whose beam coordinate falls in it
// is projected. A slab thicker than the cell's period projects some atoms more than once
// (`tiles` > 1): tiling repeats the same atoms and adds fake periodic correlations along the beam.
//
// Each projected atom image deposits its weight w over the pixels as a Gaussian probe of the
// given FWHM integrated over each pixel (erf differences, cut at 4σ and renormalised so that the
// image deposits exactly w); FWHM 0 deposits w into the pixel holding the point. Rows are
// computed in parallel, each from the images in order, so the result does not depend on the
// thread count.
#include <array>
#include <cstddef>
#include <optional>
#include <vector>

#include "engine/box.hpp"

namespace mgs {

struct ProjectionRequest {
  int beam = 2;  // Cartesian axis of the beam: 0 x, 1 y, 2 z
  // Any other beam direction (oblique projection, orthogonal cells only; see project()). When
  // set, `beam` and `center` are ignored.
  std::optional<Vec3> direction;
  // Oblique projections: the map's size (Å) along u and v; default the cell's shortest edge.
  std::optional<std::array<double, 2>> field_of_view;
  std::optional<double> thickness;  // Å; default: the cell's period along the beam
  double center = 0.5;              // slab centre, fraction of the cell's period along the beam
  double pixel_size = 1.0;          // Å, target; the pixels divide L1 and L2 exactly
  double probe_fwhm = 0.0;          // Å
};

// The plane, periods and slab of a projection through one cell.
struct ProjectionGeometry {
  // Unit vectors of the image axes and of the beam, and the corner of pixel (0, 0) on the plane
  // through the slab's centre, in Cartesian coordinates.
  Vec3 eu = Vec3::UnitX(), ev = Vec3::UnitY(), ebeam = Vec3::UnitZ(), corner = Vec3::Zero();
  bool periodic_plane = true;            // false: an oblique projection (a finite field of view)
  int beam = 2, u_axis = 0, v_axis = 1;  // -1 for an oblique beam
  double length_u = 0.0, length_v = 0.0, shear = 0.0;  // p1 = (length_u, 0), p2 = (shear, length_v)
  int p1 = 0, p2 = 1, along = 2;                       // which cell vectors
  double beam_period = 0.0;                            // beam component of cell vector `along`
  bool beam_periodic = true;
  double slab_lo = 0.0, slab_hi = 0.0;  // Å along the beam (from the origin face; oblique: from
                                        // the cell's centre)
  int nu = 1, nv = 1;
  double pixel_u = 0.0, pixel_v = 0.0;  // Å
};

// Throws std::invalid_argument when the cell has no two vectors perpendicular to the beam, a
// tilted cell is not periodic in the image plane, an oblique beam meets a tilted cell, or the
// request is out of range.
ProjectionGeometry projection_geometry(const Box& box, const ProjectionRequest& request);

struct ProjectedMap {
  ProjectionGeometry geometry;
  std::vector<double> weight;  // Σ w·g per pixel, index v * nu + u
  std::vector<double> value;   // Σ w·p·g per pixel (empty without values)
  std::size_t images = 0;      // atom images projected
  int max_tiles = 0;           // most images of one atom in the slab
};

// Projects atoms at `positions` (inside the cell) with weights w (and values p, optional).
//
// Oblique beams (request.direction not along x, y or z) need an orthogonal cell (images are
// taken along its periodic axes only):
// the image axes are u = ±(x without its beam component; y when the beam is within 25° of x)
// and v = beam × u, the sign chosen so that v points towards +z (or +y when v ⊥ z); the map is a
// field of view W_u × W_v centred on the cell's centre and is not periodic; the slab is [−t/2, t/2)
// about the centre along the beam (t default: the shortest edge). Every periodic image of every
// atom inside that prism (widened by the probe's reach) is projected, so a slab or a view larger
// than the cell tiles images; max_tiles then counts the images of one atom that fall in the slab
// over the view.
ProjectedMap project(const Box& box, const std::vector<Vec3>& positions,
                     const std::vector<double>& weights, const std::vector<double>* values,
                     const ProjectionRequest& request);

}  // namespace mgs
