#pragma once
// The per-format decoders behind read_map. Each takes the whole file in memory (maps are at most
// a few hundred MB, and bounds checks against the true size are then simple) and returns the
// map with pixel_size as the file states it (0 when it does not).
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/map2d.hpp"

namespace mgs::io::maps {

// Limits that no real map reaches; beyond them a header is damaged or hostile (it would ask for
// terabytes). 2^28 pixels are 2 GiB of doubles.
inline constexpr std::uint64_t kMaxSide = 1u << 20;
inline constexpr std::uint64_t kMaxPixels = 1u << 28;

// Throws InputError for sides < 1 or beyond the limits; what names the format's fields.
void check_size(const std::string& path, std::uint64_t nx, std::uint64_t ny);

// A map of nx x ny zeros to fill (after check_size).
Map2D blank_map(const std::string& path, std::uint64_t nx, std::uint64_t ny);

// Throws InputError naming the first pixel (row, column) that is NaN or infinite.
void check_finite(const Map2D& map);

// Leaves the resolution tags alone when options.pixel_size is given (it wins anyway), so that a
// file with non-square pixels can still be read by stating the size.
Map2D decode_tiff(const std::string& path, std::string_view bytes, const MapReadOptions& options);
Map2D decode_png(const std::string& path, std::string_view bytes);
Map2D decode_pgm(const std::string& path, std::string_view bytes);
Map2D decode_npy(const std::string& path, std::string_view bytes);
Map2D decode_csv(const std::string& path, std::string_view bytes);

}  // namespace mgs::io::maps
