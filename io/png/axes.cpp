#include "io/png/axes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace mgs::io {

Ticks nice_ticks(double lo, double hi, int target) {
  Ticks t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  const double raw = (hi - lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  // The first step of at least 0.8 x the raw one: about `target` ticks, at most ~1.25 x target.
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= 0.8 * raw) break;
  }
  const double first = std::ceil(lo / step - 1e-9) * step;
  const double biggest = std::max(std::abs(lo), std::abs(hi));
  const bool scientific = biggest >= 1e5 || biggest < 1e-3;
  int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  if (std::abs(step / std::pow(10.0, -decimals) - 2.5) < 1e-6) ++decimals;  // 0.25, 2.5e-k
  for (int k = 0;; ++k) {
    double v = first + k * step;
    if (v > hi + 1e-9 * step) break;
    if (std::abs(v) < 1e-12 * step) v = 0.0;
    t.values.push_back(v);
    t.labels.push_back(scientific ? fmt::format("{:.3g}", v) : fmt::format("{:.{}f}", v, decimals));
  }
  // A real minus sign reads better than a hyphen.
  for (auto& l : t.labels) {
    if (!l.empty() && l.front() == '-') l = "\u2212" + l.substr(1);
  }
  return t;
}

std::pair<double, double> padded_range(double lo, double hi, double pad, bool with_zero) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
  if (with_zero) {
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
  }
  if (hi - lo <= 1e-12 * std::max(std::abs(lo), std::abs(hi))) {
    const double d = lo == 0.0 ? 0.5 : 0.05 * std::abs(lo);
    return {lo - d, hi + d};
  }
  const double span = hi - lo;
  return {with_zero && lo == 0.0 ? 0.0 : lo - pad * span,
          with_zero && hi == 0.0 ? 0.0 : hi + pad * span};
}

int tick_label_width(const Font& font, const AxisSpec& axis) {
  int w = 0;
  for (const auto& l : nice_ticks(axis.lo, axis.hi).labels) w = std::max(w, font.width(l, kTickPx));
  return w;
}

void draw_axes(Image& image, const Font& font, const PlotArea& a, const AxisSpec& x,
               const AxisSpec& y, bool x_labels) {
  constexpr int kTick = 6;
  // About one tick per 90 pixels across and 50 up, at most 6 (labels must not collide).
  const Ticks xt = nice_ticks(x.lo, x.hi, std::clamp(a.width() / 90, 2, 6));
  const Ticks yt = nice_ticks(y.lo, y.hi, std::clamp(a.height() / 50, 1, 6));
  // The frame runs through the centres of the pixels just outside the area (one pixel wide).
  const double left = a.x0 - 0.5, right = a.x1 + 0.5, top = a.y0 - 0.5, bottom = a.y1 + 0.5;
  for (std::size_t k = 0; k < xt.values.size(); ++k) {
    const double px = std::floor(a.x_of(xt.values[k], x.lo, x.hi)) + 0.5;
    image.line(px, bottom, px, bottom + kTick, kBlack, 1.0);
    if (x_labels) {
      font.draw(image, xt.labels[k], kTickPx, static_cast<int>(px), a.y1 + kTick + 3,
                HAlign::Center, VAlign::Top);
    }
  }
  int widest = 0;
  for (std::size_t k = 0; k < yt.values.size(); ++k) {
    const double py = std::floor(a.y_of(yt.values[k], y.lo, y.hi)) + 0.5;
    image.line(left - kTick, py, left, py, kBlack, 1.0);
    widest = std::max(widest, font.draw(image, yt.labels[k], kTickPx, a.x0 - kTick - 4,
                                        static_cast<int>(py), HAlign::Right, VAlign::Middle));
  }
  image.line(left, top, right, top, kBlack, 1.0);
  image.line(left, bottom, right, bottom, kBlack, 1.0);
  image.line(left, top, left, bottom, kBlack, 1.0);
  image.line(right, top, right, bottom, kBlack, 1.0);
  if (x_labels && !x.label.empty()) {
    font.draw(image, x.label, kLabelPx, (a.x0 + a.x1) / 2, a.y1 + kTick + 6 + kTickPx + 8,
              HAlign::Center, VAlign::Top);
  }
  if (!y.label.empty()) {
    font.draw(image, y.label, kLabelPx, a.x0 - kTick - 10 - widest, (a.y0 + a.y1) / 2,
              HAlign::Right, VAlign::Middle, kBlack, true);
  }
}

int draw_title(Image& image, const Font& font, int x0, int x1, int top, const std::string& title,
               const std::string& subtitle) {
  const int mid = (x0 + x1) / 2;
  font.draw(image, title, kTitlePx, mid, top, HAlign::Center, VAlign::Top);
  int y = top + static_cast<int>(kTitlePx * 1.3);
  if (!subtitle.empty()) {
    font.draw(image, subtitle, kSubtitlePx, mid, y, HAlign::Center, VAlign::Top, Rgb{70, 70, 70});
    y += static_cast<int>(kSubtitlePx * 1.3);
  }
  return y;
}

namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

std::string pretty_unit(const std::string& unit) {
  std::string u = unit;
  static const std::array<std::pair<std::string_view, std::string_view>, 7> powers{{
      {"A^", "Å^"},
      {"1/A", "1/Å"},
      {"^-1", "\u207B\u00B9"},
      {"^-2", "\u207B\u00B2"},
      {"^-3", "\u207B\u00B3"},
      {"^2", "\u00B2"},
      {"^3", "\u00B3"},
  }};
  for (const auto& [from, to] : powers) replace_all(u, from, to);
  return u;
}

std::string pretty_name(const std::string& name) {
  if (name == "r") return "r (Å)";
  if (name == "q") return "q (Å\u207B\u00B9)";
  std::string n = name;
  std::string unit;
  for (const auto& [suffix, text] :
       {std::pair{"_THz", " (THz)"}, std::pair{"_eV_per_A2_amu", " (eV/Å\u00B2/amu)"}}) {
    const std::string_view sv(suffix);
    if (n.size() > sv.size() && n.ends_with(sv)) {
      n.resize(n.size() - sv.size());
      unit = text;
    }
  }
  replace_all(n, "_over_", "/");
  if (n == "nu") n = "\u03BD";
  replace_all(n, "/nu2", "/\u03BD\u00B2");
  return n + unit;
}

Rgb palette(std::size_t i) {
  static constexpr std::array<Rgb, 10> kTab10{{{31, 119, 180},
                                               {255, 127, 14},
                                               {44, 160, 44},
                                               {214, 39, 40},
                                               {148, 103, 189},
                                               {140, 86, 75},
                                               {227, 119, 194},
                                               {127, 127, 127},
                                               {188, 189, 34},
                                               {23, 190, 207}}};
  return kTab10[i % kTab10.size()];
}

}  // namespace mgs::io
