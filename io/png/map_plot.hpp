#pragma once
// Heat maps of grid fields: the two resolved cell axes of a grid drawn with their true lengths
// and angle (a tilted cell is a parallelogram), NaN bins grey, axes in nm, a colour bar.
#include <optional>
#include <string>

#include "engine/grid.hpp"
#include "io/png/font.hpp"
#include "io/png/image.hpp"

namespace mgs::io {

inline constexpr Rgb kNanGrey{150, 150, 150};

// Which plane of a grid a map shows. A grid with exactly two axes of more than one bin is drawn
// whole; a 3-D grid (three such axes) is drawn as its middle slice along c, k = nc / 2 (a slice
// shows the field's own values, where an average along c would smooth the heterogeneity away).
// Grids with fewer than two such axes are not maps (nullopt).
struct MapPlane {
  int u = 0, v = 1;     // the drawn axes (x: u, y: v), u < v
  int w = 2;            // the third axis
  int slice = 0;        // bin index along w
  bool sliced = false;  // w has more than one bin (a 3-D grid)
};
std::optional<MapPlane> map_plane(const GridField& g);

// The picture. `title` names the field (e.g. "bin: five_fold_w5_mean"); `subtitle` says what
// else a reader needs (frame, slice); `unit` labels the colour bar.
Image draw_map(const GridField& g, const MapPlane& plane, const Font& font,
               const std::string& title, const std::string& subtitle);

}  // namespace mgs::io
