#pragma once
// Per-atom displacements between a reference and the current frame, and the cell matrices that
// turn reduced (fractional) separations into Cartesian ones under each affine mapping.
#include <Eigen/LU>

#include <cmath>
#include <vector>

#include "engine/frame.hpp"
#include "engine/reference.hpp"

namespace mgs {

// Minimum-image stepping along a trajectory: each r[i] (wrapped) becomes previous[i] plus the
// shortest periodic step to it in the cell h (columns a, b, c), so a sequence of frames follows
// atoms continuously while they move less than half a cell between frames.
inline void step_unwrap(const Mat3& h, const std::vector<Vec3>& previous, std::vector<Vec3>& r) {
  const Mat3 hinv = h.inverse();
  for (std::size_t i = 0; i < r.size(); ++i) {
    Vec3 s = hinv * (r[i] - previous[i]);
    for (int a = 0; a < 3; ++a) s[a] -= std::round(s[a]);
    r[i] = previous[i] + h * s;
  }
}

// ds_i = s_i(current) - s_i(reference) in reduced coordinates of each frame's own cell. With
// MinimumImage, each periodic component is brought into [-0.5, 0.5) (an affine cell deformation
// leaves reduced coordinates unchanged, so this is right at any strain as long as the
// non-affine part stays below half a cell). With Unwrapped, both frames must carry image flags
// or unwrapped coordinates (InputError naming `reference_file` otherwise). Same atoms in the
// same order are assumed (check_same_atoms).
std::vector<Vec3> reduced_displacements(const Frame& current, const Frame& reference,
                                        DisplacementMode mode, const std::string& reference_file);
// The same for one atom, in any order: check_displacement_inputs() first, then
// reduced_displacement(..., unwrapped = mode == Unwrapped) per atom (no n-sized array).
void check_displacement_inputs(const Frame& current, const Frame& reference, DisplacementMode mode,
                               const std::string& reference_file);
Vec3 reduced_displacement(const Frame& current, const Frame& reference, std::size_t i,
                          bool unwrapped);

// The cells in which reduced separations are measured: a separation ds in the reference is
// `reference * ds`, in the current configuration `current * ds`.
struct MappedCells {
  Mat3 reference;
  Mat3 current;
  Vec3 reference_origin;
  Vec3 current_origin;
};
MappedCells mapped_cells(const Box& current, const Box& reference, AffineMapping mapping);

// Cartesian displacement of an atom with reference reduced position s_ref and reduced
// displacement ds: current position minus reference position, both in the mapped cells.
inline Vec3 cartesian_displacement(const MappedCells& cells, const Vec3& s_ref, const Vec3& ds) {
  return cells.current_origin + cells.current * (s_ref + ds) - cells.reference_origin -
         cells.reference * s_ref;
}

}  // namespace mgs
