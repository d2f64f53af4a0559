#pragma once
// Maps as TIFF files that ImageJ, Fiji, Gatan and Python (tifffile, PIL) open: one 32-bit float
// channel, with the pixel size as resolution in pixels per centimetre.
#include <string>

#include "engine/map2d.hpp"

namespace mgs::io {

// The TIFF file's bytes: 32-bit float samples (SampleFormat IEEEFP, uncompressed strips), row 0
// at the top. When pixel_size > 0: XResolution = YResolution = 1e8 / pixel_size pixels per
// centimetre (ResolutionUnit CENTIMETER), and the exact size in the ImageDescription (the tags
// are rationals read through a float). Throws std::invalid_argument for an empty map, values
// that are not finite or beyond the float range, and a pixel size below 0.025 Å (more pixels
// per cm than the 32-bit rational holds).
std::string encode_tiff_map(const Map2D& map);

// encode_tiff_map written to `path` through AtomicFile (path.tmp, renamed when complete).
// Throws InputError naming the path when it cannot be written.
void write_tiff_map(const Map2D& map, const std::string& path);

}  // namespace mgs::io
