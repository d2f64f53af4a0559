#pragma once
// Colour maps that turn a value in [0, 1] into a colour.
#include "io/png/image.hpp"

namespace mgs::io {

enum class ColorMap {
  Viridis,    // sequential, perceptually uniform (matplotlib's viridis table)
  Diverging,  // signed fields: blue below the middle, white at it, red above (RdBu reversed)
};

// The colour at t in [0, 1] (clamped; NaN gives the bottom colour).
Rgb colormap_color(ColorMap map, double t);

}  // namespace mgs::io
