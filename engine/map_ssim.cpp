// Mean structural similarity (SSIM) of two registered maps.
#include "engine/map_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>

namespace mgs::mapstats {

namespace {

// "Valid" separable filtering: out(i, j) = Σ_{u,v} k[u] k[v] f(i + u, j + v) for the windows
// fully inside the nx × ny input; the result is (nx − w + 1) × (ny − w + 1), i fastest.
std::vector<double> filter_valid(const std::vector<double>& f, std::size_t nx, std::size_t ny,
                                 const std::vector<double>& k) {
  const std::size_t w = k.size(), ox = nx - w + 1, oy = ny - w + 1;
  std::vector<double> rows(ox * ny, 0.0);
  for (std::size_t j = 0; j < ny; ++j) {
    for (std::size_t i = 0; i < ox; ++i) {
      double s = 0.0;
      for (std::size_t u = 0; u < w; ++u) s += k[u] * f[j * nx + i + u];
      rows[j * ox + i] = s;
    }
  }
  std::vector<double> out(ox * oy, 0.0);
  for (std::size_t j = 0; j < oy; ++j) {
    for (std::size_t i = 0; i < ox; ++i) {
      double s = 0.0;
      for (std::size_t v = 0; v < w; ++v) s += k[v] * rows[(j + v) * ox + i];
      out[j * ox + i] = s;
    }
  }
  return out;
}

}  // namespace

double ssim(const MapView& a, const MapView& b, const SsimOptions& options) {
  if (a.nx != b.nx || a.ny != b.ny) throw std::invalid_argument("ssim: maps of different sizes");
  const auto nx = static_cast<std::size_t>(std::max(a.nx, 0));
  const auto ny = static_cast<std::size_t>(std::max(a.ny, 0));
  if (a.values.size() != nx * ny || b.values.size() != nx * ny) {
    throw std::invalid_argument("ssim: the values do not match nx × ny");
  }
  if (options.window < 1 || options.window % 2 == 0 || !(options.sigma > 0)) {
    throw std::invalid_argument("ssim: an odd window >= 1 and sigma > 0 expected");
  }
  const auto w = static_cast<std::size_t>(options.window);
  if (nx < w || ny < w) throw std::invalid_argument("ssim: maps smaller than the window");

  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::span<const double> values : {a.values, b.values}) {
    for (double v : values) {
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  double range = options.dynamic_range > 0 ? options.dynamic_range : hi - lo;
  if (!(range > 0)) range = 1.0;  // two constant maps: keep C1, C2 > 0 (SSIM 1 if equal)
  const double c1 = std::pow(options.k1 * range, 2), c2 = std::pow(options.k2 * range, 2);

  std::vector<double> kernel(w);
  const double half = static_cast<double>(w / 2);
  double ksum = 0.0;
  for (std::size_t u = 0; u < w; ++u) {
    const double x = static_cast<double>(u) - half;
    kernel[u] = std::exp(-x * x / (2 * options.sigma * options.sigma));
    ksum += kernel[u];
  }
  for (double& k : kernel) k /= ksum;

  // The five weighted moments of every window, NaN pixels as 0; windows that hold a NaN are
  // found by a box sum of the NaN indicator (every Gaussian weight is > 0). The moments are
  // taken about the pooled mid-range `shift`, so that σ² = ⟨x²⟩ − ⟨x⟩² does not cancel
  // catastrophically for maps with a large offset; the luminance term adds it back.
  const double shift = std::isfinite(lo) ? 0.5 * (lo + hi) : 0.0;
  const std::size_t n = nx * ny;
  std::vector<double> fa(n), fb(n), aa(n), bb(n), ab(n), missing(n);
  for (std::size_t p = 0; p < n; ++p) {
    const bool ok = std::isfinite(a.values[p]) && std::isfinite(b.values[p]);
    fa[p] = ok ? a.values[p] - shift : 0.0;
    fb[p] = ok ? b.values[p] - shift : 0.0;
    aa[p] = fa[p] * fa[p];
    bb[p] = fb[p] * fb[p];
    ab[p] = fa[p] * fb[p];
    missing[p] = ok ? 0.0 : 1.0;
  }
  const std::vector<double> ma = filter_valid(fa, nx, ny, kernel);
  const std::vector<double> mb = filter_valid(fb, nx, ny, kernel);
  const std::vector<double> saa = filter_valid(aa, nx, ny, kernel);
  const std::vector<double> sbb = filter_valid(bb, nx, ny, kernel);
  const std::vector<double> sab = filter_valid(ab, nx, ny, kernel);
  const std::vector<double> holes = filter_valid(missing, nx, ny, std::vector<double>(w, 1.0));

  double sum = 0.0;
  std::size_t windows = 0;
  for (std::size_t p = 0; p < ma.size(); ++p) {
    if (holes[p] > 0.5) continue;
    const double var_a = saa[p] - ma[p] * ma[p], var_b = sbb[p] - mb[p] * mb[p];
    const double cov = sab[p] - ma[p] * mb[p];
    const double mu_a = ma[p] + shift, mu_b = mb[p] + shift;
    sum += (2 * mu_a * mu_b + c1) * (2 * cov + c2) /
           ((mu_a * mu_a + mu_b * mu_b + c1) * (var_a + var_b + c2));
    ++windows;
  }
  if (windows == 0) throw std::invalid_argument("ssim: no window without missing pixels");
  return sum / static_cast<double>(windows);
}

}  // namespace mgs::mapstats
