// Checks every map decoder shares.
#include <fmt/format.h>

#include <cmath>

#include "engine/errors.hpp"
#include "io/maps/map_formats.hpp"

namespace mgs::io::maps {

void check_size(const std::string& path, std::uint64_t nx, std::uint64_t ny) {
  if (nx < 1 || ny < 1) {
    throw InputError(path, 0, fmt::format("{} x {} pixels; expected at least one pixel", nx, ny));
  }
  if (nx > kMaxSide || ny > kMaxSide || nx * ny > kMaxPixels) {
    throw InputError(path, 0,
                     fmt::format("{} x {} pixels; expected at most {} per side and {} in all "
                                 "(damaged header?)",
                                 nx, ny, kMaxSide, kMaxPixels));
  }
}

Map2D blank_map(const std::string& path, std::uint64_t nx, std::uint64_t ny) {
  check_size(path, nx, ny);
  Map2D m;
  m.nx = static_cast<int>(nx);
  m.ny = static_cast<int>(ny);
  m.values.assign(nx * ny, 0.0);
  m.source = path;
  return m;
}

void check_finite(const Map2D& map) {
  for (std::size_t k = 0; k < map.values.size(); ++k) {
    const double v = map.values[k];
    if (std::isfinite(v)) continue;
    const std::size_t nx = static_cast<std::size_t>(map.nx);
    throw InputError(map.source, 0,
                     fmt::format("pixel at row {}, column {} (0-based, from the top left) is {}; "
                                 "expected finite values (masked pixels are not supported)",
                                 k / nx, k % nx, v));
  }
}

}  // namespace mgs::io::maps
