#include "io/png/map_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/png/axes.hpp"
#include "io/png/colormap.hpp"

namespace mgs::io {

std::optional<MapPlane> map_plane(const GridField& g) {
  std::vector<int> axes;
  for (int k = 0; k < 3; ++k) {
    if (g.dims[k] > 1) axes.push_back(k);
  }
  if (axes.size() < 2) return std::nullopt;
  MapPlane p;
  p.u = axes[0];
  p.v = axes[1];
  p.w = 3 - p.u - p.v;
  p.sliced = axes.size() == 3;
  p.slice = p.sliced ? g.dims[p.w] / 2 : 0;
  return p;
}

namespace {

constexpr char kAxisName[] = "abc";

struct Range {
  double lo, hi;
  bool signed_field;
};

// Colour range of the finite values: symmetric about 0 with the diverging map when the field
// takes both signs, else its min to max with viridis.
Range value_range(const std::vector<double>& v) {
  double lo = INFINITY, hi = -INFINITY;
  for (double x : v) {
    if (std::isfinite(x)) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  }
  if (!(lo <= hi)) return {0.0, 1.0, false};
  if (lo < 0 && hi > 0) {
    const double m = std::max(-lo, hi);
    return {-m, m, true};
  }
  const auto [a, b] = padded_range(lo, hi, 0.0, false);
  return {a, b, false};
}

}  // namespace

Image draw_map(const GridField& g, const MapPlane& p, const Font& font, const std::string& title,
               const std::string& subtitle) {
  // The plane in 2-D: x along the u edge, y perpendicular to it in the u-v plane (nm).
  const Vec3 A = g.step.col(p.u) * g.dims[p.u] / 10.0;
  const Vec3 B = g.step.col(p.v) * g.dims[p.v] / 10.0;
  const double ax = A.norm();
  const Vec3 e1 = A / ax;
  const double bx = B.dot(e1);
  const double by = (B - bx * e1).norm();
  const double xlo = std::min(0.0, bx), xhi = std::max(ax, ax + bx);
  const bool tilted = std::abs(bx) > 1e-6 * ax;

  // The map's longer side gets 560 pixels and the other its true length, unless that would be
  // under 40 pixels (a slab 15 times longer than thick): then that side is stretched to 40
  // and the subtitle says the map is not to scale.
  const double base = 560.0 / std::max(xhi - xlo, by);
  const double sx = std::max(base, 40.0 / (xhi - xlo));
  const double sy = std::max(base, 40.0 / by);
  const int mw = static_cast<int>(std::lround((xhi - xlo) * sx));
  const int mh = static_cast<int>(std::lround(by * sy));
  const std::string sub =
      sx != sy ? subtitle + (subtitle.empty() ? "" : ", ") + "stretched: not to scale" : subtitle;

  std::vector<double> plane_values;
  plane_values.reserve(static_cast<std::size_t>(g.dims[p.u]) *
                       static_cast<std::size_t>(g.dims[p.v]));
  const auto value = [&](int iu, int iv) {
    std::array<int, 3> ijk{};
    ijk[static_cast<std::size_t>(p.u)] = iu;
    ijk[static_cast<std::size_t>(p.v)] = iv;
    ijk[static_cast<std::size_t>(p.w)] = p.slice;
    const auto n0 = static_cast<std::size_t>(g.dims[0]), n1 = static_cast<std::size_t>(g.dims[1]);
    return g
        .values[(static_cast<std::size_t>(ijk[2]) * n1 + static_cast<std::size_t>(ijk[1])) * n0 +
                static_cast<std::size_t>(ijk[0])];
  };
  for (int iv = 0; iv < g.dims[p.v]; ++iv) {
    for (int iu = 0; iu < g.dims[p.u]; ++iu) plane_values.push_back(value(iu, iv));
  }
  const Range range = value_range(plane_values);
  const ColorMap cmap = range.signed_field ? ColorMap::Diverging : ColorMap::Viridis;

  // Cell axes are "along a"; named axes (a projection's x, y) are themselves.
  const auto name = [&](int k) {
    return g.axis_names[k].empty() ? std::string(1, kAxisName[k]) : g.axis_names[k];
  };
  const auto along = [&](int k) {
    return g.axis_names[k].empty() ? fmt::format("along {} (nm)", kAxisName[k])
                                   : fmt::format("{} (nm)", g.axis_names[k]);
  };
  const AxisSpec xaxis{xlo, xhi, along(p.u)};
  const AxisSpec yaxis{0.0, by,
                       tilted ? fmt::format("normal to {}, in the {}\u2013{} plane (nm)", name(p.u),
                                            name(p.u), name(p.v))
                              : along(p.v)};
  const std::string unit = pretty_unit(g.unit);
  const AxisSpec bar{range.lo, range.hi, unit.empty() ? g.name : g.name + " (" + unit + ")"};

  const int left = 30 + kLabelPx + tick_label_width(font, yaxis) + 14;
  const int top = 24 + static_cast<int>(kTitlePx * 1.3) + (sub.empty() ? 0 : 22) + 16;
  const int content = std::max(mh, 240);  // the colour bar is at least 240 pixels tall
  const int bar_gap = 40, bar_w = 26;
  const int bar_labels =
      std::max(tick_label_width(font, bar) + 14 + kLabelPx, font.width("no value", kTickPx)) + 30;
  const int width0 = left + mw + bar_gap + bar_w + bar_labels;
  const int title_w = std::max(font.width(title, kTitlePx), font.width(sub, kSubtitlePx));
  const int width = std::max(width0, title_w + 40);
  const int shift = (width - width0) / 2;
  const int bottom = 20 + kTickPx + 12 + kLabelPx + 20;
  Image img(width, top + content + bottom);
  const int map_top = top + (content - mh) / 2;
  const PlotArea area{left + shift, map_top, left + shift + mw, map_top + mh};

  // Fill: every pixel centre inside the parallelogram takes its bin's colour.
  const int nu = g.dims[p.u], nv = g.dims[p.v];
  std::vector<Rgb> colors;  // per bin, in plane_values' order (u fastest)
  colors.reserve(plane_values.size());
  for (double val : plane_values) {
    colors.push_back(std::isfinite(val)
                         ? colormap_color(cmap, (val - range.lo) / (range.hi - range.lo))
                         : kNanGrey);
  }
  for (int py = area.y0; py < area.y1; ++py) {
    const double y = (area.y1 - (py + 0.5)) / sy;
    const double fv = y / by;
    if (fv < 0 || fv >= 1) continue;
    for (int px = area.x0; px < area.x1; ++px) {
      const double x = xlo + (px + 0.5 - area.x0) / sx;
      const double fu = (x - fv * bx) / ax;
      if (fu < 0 || fu >= 1) continue;
      const int iu = std::min(nu - 1, static_cast<int>(fu * nu));
      const int iv = std::min(nv - 1, static_cast<int>(fv * nv));
      img.set(px, py,
              colors[static_cast<std::size_t>(iv) * static_cast<std::size_t>(nu) +
                     static_cast<std::size_t>(iu)]);
    }
  }
  // The cell's outline (a parallelogram when tilted).
  const auto corner = [&](double x, double y) {
    return std::pair{area.x0 + (x - xlo) * sx, area.y1 - y * sy};
  };
  const std::array<std::pair<double, double>, 4> c{corner(0, 0), corner(ax, 0), corner(ax + bx, by),
                                                   corner(bx, by)};
  if (tilted) {
    for (int k = 0; k < 4; ++k) {
      const auto& [x0, y0] = c[static_cast<std::size_t>(k)];
      const auto& [x1, y1] = c[static_cast<std::size_t>((k + 1) % 4)];
      img.line(x0, y0, x1, y1, Rgb{40, 40, 40}, 1.5);
    }
  }
  draw_axes(img, font, area, xaxis, yaxis);

  // Colour bar: a vertical strip from range.lo (bottom) to range.hi (top), ticks on its right.
  const PlotArea bar_area{area.x1 + bar_gap, top, area.x1 + bar_gap + bar_w, top + content};
  for (int py = bar_area.y0; py < bar_area.y1; ++py) {
    const double t = (bar_area.y1 - (py + 0.5)) / bar_area.height();
    img.fill_rect(bar_area.x0, py, bar_area.x1, py + 1, colormap_color(cmap, t));
  }
  // Frame through the centres of the pixels around the strip.
  const double l = bar_area.x0 - 0.5, r = bar_area.x1 + 0.5;
  const double t = bar_area.y0 - 0.5, b = bar_area.y1 + 0.5;
  img.line(l, t, r, t, kBlack, 1.0);
  img.line(l, b, r, b, kBlack, 1.0);
  img.line(l, t, l, b, kBlack, 1.0);
  img.line(r, t, r, b, kBlack, 1.0);
  const Ticks bt = nice_ticks(range.lo, range.hi);
  int widest = 0;
  for (std::size_t k = 0; k < bt.values.size(); ++k) {
    const double py = std::floor(bar_area.y_of(bt.values[k], range.lo, range.hi)) + 0.5;
    img.line(r, py, r + 6, py, kBlack, 1.0);
    widest = std::max(widest, font.draw(img, bt.labels[k], kTickPx, bar_area.x1 + 9,
                                        static_cast<int>(py), HAlign::Left, VAlign::Middle));
  }
  font.draw(img, bar.label, kLabelPx, bar_area.x1 + 9 + widest + 10,
            (bar_area.y0 + bar_area.y1) / 2, HAlign::Left, VAlign::Middle, kBlack, true);

  // The NaN colour's key below the bar, when the map has NaN bins.
  if (std::any_of(plane_values.begin(), plane_values.end(),
                  [](double x) { return !std::isfinite(x); })) {
    const int y0 = bar_area.y1 + 16;
    img.fill_rect(bar_area.x0, y0, bar_area.x1, y0 + 18, kNanGrey);
    font.draw(img, "no value", kTickPx, bar_area.x1 + 9, y0 + 9, HAlign::Left, VAlign::Middle);
  }
  draw_title(img, font, 0, width, 20, title, sub);
  return img;
}

}  // namespace mgs::io
