#pragma once
// 2-D maps (experimental microscope images, simulated projections) as plain values, and their
// conversion to the GridField the FFT correlation code and the grid writers already take.
// Analyzers never read files: they get maps through RunContext::load_map (set by io/).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/grid.hpp"

namespace mgs {

struct Map2D {
  int nx = 0, ny = 0;          // pixels along x (fastest) and y
  double pixel_size = 0.0;     // Å per pixel; 0 = unknown
  std::vector<double> values;  // values[j * nx + i], row j = image row from the top
  std::string source;          // file name, for messages

  double at(int i, int j) const {
    return values[static_cast<std::size_t>(j) * static_cast<std::size_t>(nx) +
                  static_cast<std::size_t>(i)];
  }
  std::size_t size() const { return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny); }
};

struct MapReadOptions {
  // Å per pixel; when given it wins over what the file says (many formats say nothing).
  std::optional<double> pixel_size = std::nullopt;
  // Which image of a multi-page TIFF (0 = the first); other formats hold one image.
  int page = 0;
};

// Reads a map file (set by io/ in the RunContext; throws InputError naming the file).
using MapLoader = std::function<Map2D(const std::string& path, const MapReadOptions& options)>;

// The map as a field on a grid in the x-y plane: dims {nx, ny, 1}, binned {true, true, false},
// origin 0, step diag(p, p, 1). Image rows run downwards, so grid +y points down the image; the
// correlation code only looks at separations, which this flip does not change. An unknown pixel
// size (0) gives p = 1: lengths are then in pixels, not Å.
GridField to_grid_field(const Map2D& map, std::string name, std::string unit = {},
                        std::string doc = {});

// Back from a field such as to_grid_field makes (or a 2-D map of the `bin` analyzer): dims
// {nx, ny, 1} with square pixels along x and y (step diag(p, p, ·)). Throws
// std::invalid_argument for any other geometry.
Map2D map_from_grid_field(const GridField& field, std::string source = {});

// Any grid with exactly two resolved axes (a projection's map along x, y or z, a 2-D bin or
// coarse-grain map of a tilted cell) as the picture the png output draws: columns along the first
// resolved axis, rows along the second with row 0 at the top (its last bin), pixel size the
// geometric mean of the two steps (their lengths differ only by the rounding that makes pixels
// divide the cell). Throws std::invalid_argument for other grids.
Map2D image_from_grid(const GridField& field, std::string source = {});

}  // namespace mgs
