#include "engine/displacement.hpp"

#include <cmath>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs {

std::vector<Vec3> reduced_displacements(const Frame& current, const Frame& reference,
                                        DisplacementMode mode, const std::string& reference_file) {
  const bool unwrapped = mode == DisplacementMode::Unwrapped;
  if (unwrapped && !(current.has_image && reference.has_image)) {
    throw InputError(reference_file, 0,
                     "displacements \"unwrapped\" need unwrapped coordinates (xu yu zu) or image "
                     "flags (ix iy iz) in both the current and the reference frame; expected "
                     "them, or use \"minimum_image\"");
  }
  const Box& bc = current.box;
  const Box& br = reference.box;
  std::vector<Vec3> ds(current.size());
  parallel::for_each_index(current.size(), [&](std::size_t i) {
    Vec3 d;
    if (unwrapped) {
      d = bc.to_fractional(current.unwrapped(i)) - br.to_fractional(reference.unwrapped(i));
    } else {
      d = bc.to_fractional(current.pos[i]) - br.to_fractional(reference.pos[i]);
      for (int k = 0; k < 3; ++k) {
        if (bc.periodic(k)) d[k] -= std::floor(d[k] + 0.5);
      }
    }
    ds[i] = d;
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
