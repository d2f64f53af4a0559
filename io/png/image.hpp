#pragma once
// An 8-bit RGB raster and the drawing the png output needs: filled rectangles, anti-aliased
// lines and alpha-blended coverage masks (text).
#include <cstdint>
#include <vector>

namespace mgs::io {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};

class Image {
 public:
  Image(int width, int height, Rgb background = kWhite);

  int width() const { return width_; }
  int height() const { return height_; }
  // Pixel (x, y), y downwards from the top row. Out of range: nothing happens / kWhite.
  void set(int x, int y, Rgb c);
  Rgb get(int x, int y) const;
  // Mixes colour c into pixel (x, y) with weight alpha in [0, 1].
  void blend(int x, int y, Rgb c, double alpha);
  // Fills [x0, x1) x [y0, y1), clipped to the image.
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c);
  // A line from (x0, y0) to (x1, y1) in pixel coordinates (pixel centres at integers + 0.5),
  // `width` pixels wide, anti-aliased.
  void line(double x0, double y0, double x1, double y1, Rgb c, double width = 1.0);
  // Rows of RGB bytes, top row first (what the PNG encoder takes).
  const std::vector<std::uint8_t>& bytes() const { return rgb_; }

 private:
  int width_;
  int height_;
  std::vector<std::uint8_t> rgb_;
};

}  // namespace mgs::io
