#pragma once
// Reading 2-D maps (experimental microscope images) from the formats microscopists export:
// TIFF (libtiff), PNG (libpng), PGM (P2 / P5), NumPy .npy and CSV.
#include <string>

#include "engine/map2d.hpp"

namespace mgs::io {

// Reads the map in `path`. The format comes from the file's first bytes (TIFF, PNG, PGM and npy
// signatures), so a file whose extension lies is still read; files without a signature are
// CSV when named .csv, .txt or .dat. Pixel values become doubles unchanged (no scaling by the
// bit depth, no inversion of min-is-white TIFFs). The pixel size is options.pixel_size when
// given, else the file's own (TIFF resolution tags, ImageJ's unit, PNG pHYs), else 0.
// Every value must be finite: NaN and Inf are rejected (no masked pixels for now).
// Throws InputError naming the file and what was expected; never reads beyond the data.
Map2D read_map(const std::string& path, const MapReadOptions& options = {});

// Whether the name is that of an image map (.tif, .tiff, .png, .pgm, .npy, any case): for the CLI
// to tell a map from a trajectory. CSV and text names are not counted (dumps may be .txt).
bool has_image_map_extension(const std::string& path);

// The MapLoader analyzers get through the RunContext.
MapLoader map_loader();

}  // namespace mgs::io
