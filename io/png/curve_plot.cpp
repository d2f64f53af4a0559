#include "io/png/curve_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "io/png/axes.hpp"

namespace mgs::io {

namespace {

std::string prefix_of(const std::string& name) {
  const auto at = name.find('_');
  return at == std::string::npos ? std::string{} : name.substr(0, at);
}

// The unit a column name ends with ("frequency_THz"), empty when none is recognised.
std::string unit_of(const std::string& name) {
  for (const char* unit : {"_THz", "_amu", "_eV", "_ps", "_A", "_A2", "_A3", "_nm"}) {
    if (name.ends_with(unit)) return unit;
  }
  return {};
}

double magnitude(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) {
    if (std::isfinite(x)) m = std::max(m, std::abs(x));
  }
  return m;
}

std::pair<double, double> finite_range(const std::vector<double>& v) {
  double lo = INFINITY, hi = -INFINITY;
  for (double x : v) {
    if (std::isfinite(x)) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  }
  return {lo, hi};
}

}  // namespace

CurvePlot table_plot(const Table& t, const std::string& title, const std::string& subtitle) {
  CurvePlot p;
  p.title = title;
  p.subtitle = subtitle;
  if (t.columns.empty() || t.data.empty()) return p;
  p.x_label = pretty_name(t.columns[0]);
  p.x = t.data[0];
  std::vector<double> scale;  // magnitude of each panel's first column
  for (std::size_t c = 1; c < t.columns.size() && c < t.data.size(); ++c) {
    const std::string& name = t.columns[c];
    // Pair counts per bin are bookkeeping (the CSV keeps them), not a curve to read.
    if (name == "pairs" || name.ends_with("_pairs")) continue;
    const double m = magnitude(t.data[c]);
    std::size_t panel = p.panels.size();
    for (std::size_t k = 0; k < p.panels.size(); ++k) {
      const std::string& first = p.panels[k].front().name;
      const bool same_prefix = !prefix_of(name).empty() && prefix_of(name) == prefix_of(first);
      const bool same_scale = m > 0 && scale[k] > 0 && m <= 3 * scale[k] && scale[k] <= 3 * m;
      if (same_prefix || (same_scale && prefix_of(first).empty() == prefix_of(name).empty() &&
                          unit_of(first) == unit_of(name))) {
        panel = k;
        break;
      }
    }
    if (panel == p.panels.size()) {
      p.panels.emplace_back();
      scale.push_back(m);
    }
    p.panels[panel].push_back({name, t.data[c]});
  }
  for (const auto& panel : p.panels) {
    const std::string prefix = prefix_of(panel.front().name);
    bool shared = panel.size() > 1 && !prefix.empty();
    for (const auto& s : panel) shared = shared && prefix_of(s.name) == prefix;
    p.y_labels.push_back(panel.size() == 1 ? pretty_name(panel.front().name)
                         : shared          ? pretty_name(prefix)
                                           : pretty_name(t.name));
  }
  return p;
}

Image draw_curves(const CurvePlot& plot, const Font& font) {
  constexpr int kPlotW = 720, kPanelH = 340, kGap = 24;
  const auto [xlo0, xhi0] = finite_range(plot.x);
  const auto [xlo, xhi] = padded_range(xlo0, xhi0, 0.0, false);
  std::vector<AxisSpec> yaxes;
  int label_w = 0;
  for (std::size_t k = 0; k < plot.panels.size(); ++k) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& s : plot.panels[k]) {
      const auto [a, b] = finite_range(s.y);
      lo = std::min(lo, a);
      hi = std::max(hi, b);
    }
    // Zero is shown when it is near the data (g(r), counts), not when it would flatten a
    // curve that varies a little about a large value (a density profile).
    const auto [a, b] = padded_range(lo, hi, 0.05, lo >= 0 && lo < 0.5 * hi);
    yaxes.push_back({a, b, plot.y_labels[k]});
    label_w = std::max(label_w, tick_label_width(font, yaxes.back()));
  }
  const std::size_t panels = std::max<std::size_t>(plot.panels.size(), 1);
  const int left = 30 + kLabelPx + label_w + 14;
  const int top = 24 + static_cast<int>(kTitlePx * 1.3) + (plot.subtitle.empty() ? 0 : 22) + 14;
  const int bottom = 20 + kTickPx + 12 + kLabelPx + 20;
  const int width0 = left + kPlotW + 40;
  const int title_w =
      std::max(font.width(plot.title, kTitlePx), font.width(plot.subtitle, kSubtitlePx));
  const int width = std::max(width0, title_w + 40);
  const int shift = (width - width0) / 2;
  const int height =
      top + static_cast<int>(panels) * kPanelH + static_cast<int>(panels - 1) * kGap + bottom;
  Image img(width, height);
  for (std::size_t k = 0; k < plot.panels.size(); ++k) {
    const int y0 = top + static_cast<int>(k) * (kPanelH + kGap);
    const PlotArea area{left + shift, y0, left + shift + kPlotW, y0 + kPanelH};
    const AxisSpec& y = yaxes[k];
    // Zero line, when zero is inside.
    if (y.lo < 0 && y.hi > 0) {
      const double py = area.y_of(0.0, y.lo, y.hi);
      img.line(area.x0, py, area.x1, py, Rgb{190, 190, 190}, 1.0);
    }
    for (std::size_t s = 0; s < plot.panels[k].size(); ++s) {
      const auto& ys = plot.panels[k][s].y;
      const Rgb color = palette(s);
      bool have = false;
      double px0 = 0, py0 = 0;
      for (std::size_t i = 0; i < std::min(ys.size(), plot.x.size()); ++i) {
        if (!std::isfinite(ys[i]) || !std::isfinite(plot.x[i])) {
          have = false;
          continue;
        }
        const double px = area.x_of(plot.x[i], xlo, xhi);
        const double py = area.y_of(ys[i], y.lo, y.hi);
        if (have) img.line(px0, py0, px, py, color, 2.0);
        if (ys.size() <= 60) img.line(px, py, px, py, color, 6.0);  // a dot at each point
        px0 = px;
        py0 = py;
        have = true;
      }
    }
    const bool last = k + 1 == plot.panels.size();
    draw_axes(img, font, area, {xlo, xhi, plot.x_label}, y, last);
    // Legend in the upper right corner, on white.
    if (plot.panels[k].size() > 1) {
      int w = 0;
      for (const auto& s : plot.panels[k]) w = std::max(w, font.width(s.name, kTickPx));
      const int row = kTickPx + 8;
      const int bw = w + 52, bh = static_cast<int>(plot.panels[k].size()) * row + 10;
      // The corner that hides the fewest points of the curves (upper right first on ties).
      const std::array<std::pair<int, int>, 4> corners{{{area.x1 - bw - 10, area.y0 + 10},
                                                        {area.x0 + 10, area.y0 + 10},
                                                        {area.x1 - bw - 10, area.y1 - bh - 10},
                                                        {area.x0 + 10, area.y1 - bh - 10}}};
      std::size_t best = 0, fewest = SIZE_MAX;
      for (std::size_t c = 0; c < corners.size(); ++c) {
        const auto [cx, cy] = corners[c];
        std::size_t hidden = 0;
        for (const auto& s : plot.panels[k]) {
          for (std::size_t i = 0; i < std::min(s.y.size(), plot.x.size()); ++i) {
            if (!std::isfinite(s.y[i])) continue;
            const double px = area.x_of(plot.x[i], xlo, xhi);
            const double py = area.y_of(s.y[i], y.lo, y.hi);
            hidden += px >= cx - 4 && px <= cx + bw + 4 && py >= cy - 4 && py <= cy + bh + 4;
          }
        }
        if (hidden < fewest) {
          fewest = hidden;
          best = c;
        }
      }
      const auto [bx, by] = corners[best];
      img.fill_rect(bx, by, bx + bw, by + bh, kWhite);
      img.line(bx - 0.5, by - 0.5, bx + bw - 0.5, by - 0.5, Rgb{160, 160, 160});
      img.line(bx - 0.5, by + bh - 0.5, bx + bw - 0.5, by + bh - 0.5, Rgb{160, 160, 160});
      img.line(bx - 0.5, by - 0.5, bx - 0.5, by + bh - 0.5, Rgb{160, 160, 160});
      img.line(bx + bw - 0.5, by - 0.5, bx + bw - 0.5, by + bh - 0.5, Rgb{160, 160, 160});
      for (std::size_t s = 0; s < plot.panels[k].size(); ++s) {
        const int cy = by + 5 + static_cast<int>(s) * row + row / 2;
        img.line(bx + 8, cy, bx + 36, cy, palette(s), 2.5);
        font.draw(img, plot.panels[k][s].name, kTickPx, bx + 44, cy, HAlign::Left, VAlign::Middle);
      }
    }
  }
  draw_title(img, font, 0, width, 20, plot.title, plot.subtitle);
  return img;
}

Image draw_histogram(const std::vector<double>& values, bool integer, const std::string& label,
                     const std::string& title, const std::string& when, const Font& font) {
  std::vector<double> v;
  for (double x : values) {
    if (std::isfinite(x)) v.push_back(x);
  }
  const auto [lo, hi] = finite_range(v);
  double mean = 0.0, sq = 0.0;
  for (double x : v) mean += x;
  mean = v.empty() ? NAN : mean / static_cast<double>(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  const double sd = v.empty() ? NAN : std::sqrt(sq / static_cast<double>(v.size()));

  // Bin edges.
  double start = 0.0, width = 1.0;
  int nbins = 1;
  if (!v.empty()) {
    if (integer && hi - lo <= 60) {
      start = lo - 0.5;
      nbins = static_cast<int>(hi - lo) + 1;
    } else {
      nbins = std::clamp(static_cast<int>(std::lround(2.0 * std::cbrt(v.size()))), 10, 80);
      const auto [a, b] = padded_range(lo, hi, 0.0, false);
      start = a;
      width = (b - a) / nbins;
    }
  }
  std::vector<double> counts(static_cast<std::size_t>(nbins), 0.0);
  for (double x : v) {
    const int b = std::clamp(static_cast<int>(std::floor((x - start) / width)), 0, nbins - 1);
    counts[static_cast<std::size_t>(b)] += 1;
  }
  const double top_count = counts.empty() ? 1.0 : *std::max_element(counts.begin(), counts.end());
  const AxisSpec xaxis{start, start + nbins * width, label};
  const AxisSpec yaxis{0.0, std::max(1.0, top_count * 1.08), "atoms"};
  const std::string subtitle =
      v.empty() ? fmt::format("{}: {} values, none finite", when, values.size())
                : fmt::format("{}: {} values, mean {:.4g}, std {:.4g}, min {:.4g}, max {:.4g}",
                              when, v.size(), mean, sd, lo, hi);

  constexpr int kPlotW = 720, kPlotH = 400;
  const int left = 30 + kLabelPx + tick_label_width(font, yaxis) + 14;
  const int top = 24 + static_cast<int>(kTitlePx * 1.3) + 22 + 14;
  const int bottom = 20 + kTickPx + 12 + kLabelPx + 20;
  const int width0 = left + kPlotW + 40;
  const int title_w = std::max(font.width(title, kTitlePx), font.width(subtitle, kSubtitlePx));
  const int img_w = std::max(width0, title_w + 40);
  const int shift = (img_w - width0) / 2;
  Image img(img_w, top + kPlotH + bottom);
  const PlotArea area{left + shift, top, left + shift + kPlotW, top + kPlotH};
  constexpr Rgb kBar{59, 82, 139};  // viridis at 0.25
  for (int b = 0; b < nbins; ++b) {
    const double c = counts[static_cast<std::size_t>(b)];
    if (c <= 0) continue;
    const int x0 = static_cast<int>(std::lround(area.x_of(start + b * width, xaxis.lo, xaxis.hi)));
    const int x1 =
        static_cast<int>(std::lround(area.x_of(start + (b + 1) * width, xaxis.lo, xaxis.hi)));
    const int y0 = static_cast<int>(std::lround(area.y_of(c, yaxis.lo, yaxis.hi)));
    img.fill_rect(x0, y0, x1, area.y1, kBar);
    // A white gap between neighbouring bars.
    img.fill_rect(x1 - 1, y0, x1, area.y1, kWhite);
  }
  draw_axes(img, font, area, xaxis, yaxis);
  draw_title(img, font, 0, img_w, 20, title, subtitle);
  return img;
}

}  // namespace mgs::io
