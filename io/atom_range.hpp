#pragma once
// A check both atom readers (dump and data files) make before wrapping positions into the cell.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "engine/box.hpp"
#include "engine/errors.hpp"

namespace mgs::io {

// Wrapping counts the periods an atom lies away from the box in an int, as image flags do; an
// atom farther away than their range (far beyond any real displacement) would overflow it.
inline void check_within_image_range(const Box& box, const Vec3& r, const std::string& file,
                                     std::int64_t line_no) {
  constexpr double kMaxPeriods = 1 << 29;
  const Vec3 s = box.to_fractional(r);
  for (int k = 0; k < 3; ++k) {
    if (std::abs(s[k]) < kMaxPeriods) continue;  // also false for inf and nan
    throw InputError(file, line_no,
                     fmt::format("expected an atom within 2^29 box lengths of the box (the range "
                                 "of image flags), got one at ({:.6g}, {:.6g}, {:.6g}), {:.3g} "
                                 "cell vectors {} away",
                                 r.x(), r.y(), r.z(), s[k], "abc"[k]));
  }
}

}  // namespace mgs::io
