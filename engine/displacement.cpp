#include "engine/displacement.hpp"

#include <cmath>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs {

void check_displacement_inputs(const Frame& current, const Frame& reference, DisplacementMode mode,
                               const std::string& reference_file) {
  if (mode == DisplacementMode::Unwrapped && !(current.has_image && reference.has_image)) {
    throw InputError(reference_file, 0,
                     "displacements \"unwrapped\" need unwrapped coordinates (xu yu zu) or image "
                     "flags (ix iy iz) in both the current and the reference frame; expected "
                     "them, or use \"minimum_image\"");
  }
}

Vec3 reduced_displacement(const Frame& current, const Frame& reference, std::size_t i,
                          bool unwrapped) {
  const Box& bc = current.box;
  const Box& br = reference.box;
  if (unwrapped) {
    return bc.to_fractional(current.unwrapped(i)) - br.to_fractional(reference.unwrapped(i));
  }
  Vec3 d = bc.to_fractional(current.pos[i]) - br.to_fractional(reference.pos[i]);
  for (int k = 0; k < 3; ++k) {
    if (bc.periodic(k)) d[k] -= std::floor(d[k] + 0.5);
  }
  return d;
}

std::vector<Vec3> reduced_displacements(const Frame& current, const Frame& reference,
                                        DisplacementMode mode, const std::string& reference_file) {
  check_displacement_inputs(current, reference, mode, reference_file);
  const bool unwrapped = mode == DisplacementMode::Unwrapped;
  std::vector<Vec3> ds(current.size());
  parallel::for_each_index(current.size(), [&](std::size_t i) {
    ds[i] = reduced_displacement(current, reference, i, unwrapped);
  });
  return ds;
}

MappedCells mapped_cells(const Box& current, const Box& reference, AffineMapping mapping) {
  switch (mapping) {
    case AffineMapping::ToReference:
      return {reference.cell(), reference.cell(), reference.origin(), reference.origin()};
    case AffineMapping::ToCurrent:
      return {current.cell(), current.cell(), current.origin(), current.origin()};
    case AffineMapping::Off:
      break;
  }
  return {reference.cell(), current.cell(), reference.origin(), current.origin()};
}

}  // namespace mgs
