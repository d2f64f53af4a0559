#pragma once
// What every picture shares: tick positions and labels, a frame with ticks and axis labels
// around a plot area, pretty-printed units and names, the line palette.
#include <string>
#include <vector>

#include "io/png/font.hpp"
#include "io/png/image.hpp"

namespace mgs::io {

// Pixel sizes of the text (em sizes), the same in every picture.
inline constexpr int kTitlePx = 22;
inline constexpr int kSubtitlePx = 16;
inline constexpr int kLabelPx = 18;
inline constexpr int kTickPx = 16;

struct Ticks {
  std::vector<double> values;
  std::vector<std::string> labels;
};

// "Nice" ticks (1, 2, 2.5, 5 x 10^k steps) inside [lo, hi], about `target` of them, labelled with
// just enough decimals (scientific notation for very large or small numbers).
Ticks nice_ticks(double lo, double hi, int target = 6);

// [lo, hi] widened to include zero when `with_zero`, padded by `pad` of the span, and never
// empty (a flat range becomes lo ± 0.5, or ± 5 % of |lo|).
std::pair<double, double> padded_range(double lo, double hi, double pad, bool with_zero);

// A rectangle of the image, in pixels: [x0, x1) x [y0, y1), y downwards.
struct PlotArea {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
  double x_of(double v, double lo, double hi) const { return x0 + (v - lo) / (hi - lo) * width(); }
  double y_of(double v, double lo, double hi) const { return y1 - (v - lo) / (hi - lo) * height(); }
};

struct AxisSpec {
  double lo = 0.0, hi = 1.0;
  std::string label;
};

// Widest tick label of an axis (pixels), to reserve the left margin.
int tick_label_width(const Font& font, const AxisSpec& axis);

// Frame of `area`, outward ticks, tick labels and axis labels (x below, y turned, left of the
// tick labels at `y_label_x`).
void draw_axes(Image& image, const Font& font, const PlotArea& area, const AxisSpec& x,
               const AxisSpec& y, bool x_labels = true);

// Title (and an optional smaller subtitle below it) centred over [x0, x1) from row `top`.
// Returns the row below them.
int draw_title(Image& image, const Font& font, int x0, int x1, int top, const std::string& title,
               const std::string& subtitle);

// Units and column names as people write them: "Å^3" -> "Å³", "g/cm^3" -> "g/cm³",
// "nu_THz" -> "ν (THz)", "g_over_nu2" -> "g/ν²".
std::string pretty_unit(const std::string& unit);
std::string pretty_name(const std::string& name);

// Distinct line colours (matplotlib's tab10 cycle).
Rgb palette(std::size_t i);

}  // namespace mgs::io
