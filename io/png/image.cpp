#include "io/png/image.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mgs::io {

Image::Image(int width, int height, Rgb background) : width_(width), height_(height) {
  if (width <= 0 || height <= 0) throw std::invalid_argument("image size must be positive");
  rgb_.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
  fill_rect(0, 0, width, height, background);
}

void Image::set(int x, int y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
                          static_cast<std::size_t>(x)) *
                         3;
  rgb_[at] = c.r;
  rgb_[at + 1] = c.g;
  rgb_[at + 2] = c.b;
}

Rgb Image::get(int x, int y) const {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return kWhite;
  const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
                          static_cast<std::size_t>(x)) *
                         3;
  return {rgb_[at], rgb_[at + 1], rgb_[at + 2]};
}

void Image::blend(int x, int y, Rgb c, double alpha) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_ || !(alpha > 0)) return;
  alpha = std::min(alpha, 1.0);
  const Rgb o = get(x, y);
  const auto mix = [alpha](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + alpha * (b - a)));
  };
  set(x, y, {mix(o.r, c.r), mix(o.g, c.g), mix(o.b, c.b)});
}

void Image::fill_rect(int x0, int y0, int x1, int y1, Rgb c) {
  x0 = std::max(x0, 0);
  y0 = std::max(y0, 0);
  x1 = std::min(x1, width_);
  y1 = std::min(y1, height_);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) set(x, y, c);
  }
}

// Coverage of each pixel near the segment by a capsule of half-width w/2, estimated from the
// distance of the pixel centre to the segment (one-pixel linear ramp at the edge).
void Image::line(double x0, double y0, double x1, double y1, Rgb c, double width) {
  const double half = 0.5 * width;
  const int xa = static_cast<int>(std::floor(std::min(x0, x1) - half - 1));
  const int xb = static_cast<int>(std::ceil(std::max(x0, x1) + half + 1));
  const int ya = static_cast<int>(std::floor(std::min(y0, y1) - half - 1));
  const int yb = static_cast<int>(std::ceil(std::max(y0, y1) + half + 1));
  const double dx = x1 - x0, dy = y1 - y0;
  const double len2 = dx * dx + dy * dy;
  for (int y = std::max(ya, 0); y <= std::min(yb, height_ - 1); ++y) {
    for (int x = std::max(xa, 0); x <= std::min(xb, width_ - 1); ++x) {
      const double px = x + 0.5, py = y + 0.5;
      double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0.0;
      t = std::clamp(t, 0.0, 1.0);
      const double d = std::hypot(px - (x0 + t * dx), py - (y0 + t * dy));
      const double cover = std::clamp(half + 0.5 - d, 0.0, 1.0);
      if (cover > 0) blend(x, y, c, cover);
    }
  }
}

}  // namespace mgs::io
