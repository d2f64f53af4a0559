// Intensity autocorrelation g₂ of time series, its fit over a stack of maps, and F_s(q, t).
#include "engine/ecm.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs::ecm {

std::vector<double> intensity_autocorrelation(std::span<const double> series, int max_lag) {
  const std::size_t n = series.size();
  if (max_lag < 0 || static_cast<std::size_t>(max_lag) >= n) {
    throw std::invalid_argument("intensity_autocorrelation: 0 <= max_lag < frames expected");
  }
  double sum = 0.0;
  for (double v : series) {
    if (!std::isfinite(v))
      throw std::invalid_argument("intensity_autocorrelation: a non-finite value");
    sum += v;
  }
  const double mean = sum / static_cast<double>(n);
  std::vector<double> g2(static_cast<std::size_t>(max_lag) + 1);
  for (std::size_t lag = 0; lag < g2.size(); ++lag) {
    double s = 0.0;
    for (std::size_t t = 0; t + lag < n; ++t) s += series[t] * series[t + lag];
    g2[lag] = s / static_cast<double>(n - lag) / (mean * mean);
  }
  return g2;
}

KwwMaps fit_g2_stack(std::span<const double> stack, std::size_t pixels, int lag_from, int lag_to,
                     double frame_time) {
  if (pixels == 0 || stack.size() % pixels != 0) {
    throw std::invalid_argument("fit_g2_stack: the stack is not a whole number of frames");
  }
  const std::size_t frames = stack.size() / pixels;
  if (lag_to <= 0) lag_to = static_cast<int>(frames / 4);
  if (lag_from < 1 || static_cast<std::size_t>(lag_to) >= frames || lag_to < lag_from) {
    throw std::invalid_argument("fit_g2_stack: 1 <= lag_from <= lag_to < frames expected");
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  KwwMaps maps;
  maps.lag_from = lag_from;
  maps.lag_to = lag_to;
  maps.frame_time = frame_time;
  maps.tau.assign(pixels, kNaN);
  maps.beta.assign(pixels, kNaN);
  maps.amplitude.assign(pixels, kNaN);
  maps.r_squared.assign(pixels, kNaN);
  maps.status.assign(pixels, FitStatus::Failed);
  // Every pixel is fitted on its own and written to its own slot: the blocks only share work.
  parallel::for_blocks(
      pixels,
      [&](std::size_t begin, std::size_t end) {
        std::vector<double> series(frames);
        for (std::size_t p = begin; p < end; ++p) {
          bool finite = true;
          for (std::size_t t = 0; t < frames; ++t) {
            series[t] = stack[t * pixels + p];
            finite = finite && std::isfinite(series[t]);
          }
          if (!finite) continue;
          const KwwFit fit =
              fit_g2(intensity_autocorrelation(series, lag_to), lag_from, lag_to, frame_time);
          if (!fit.converged) continue;
          maps.status[p] = fit.tau_beyond_window ? FitStatus::TauBeyondWindow : FitStatus::Ok;
          maps.tau[p] = fit.tau;
          maps.beta[p] = fit.beta;
          maps.amplitude[p] = fit.amplitude;
          maps.r_squared[p] = fit.r_squared;
        }
      },
      8);
  return maps;
}

std::vector<double> self_intermediate_scattering(const std::vector<std::vector<Vec3>>& frames,
                                                 double q, int max_lag,
                                                 std::span<const std::size_t> atoms) {
  if (!(q > 0)) throw std::invalid_argument("self_intermediate_scattering: q > 0 expected");
  if (max_lag < 0 || static_cast<std::size_t>(max_lag) >= frames.size()) {
    throw std::invalid_argument("self_intermediate_scattering: 0 <= max_lag < frames expected");
  }
  const std::size_t n = frames.front().size();
  for (const auto& f : frames) {
    if (f.size() != n)
      throw std::invalid_argument("self_intermediate_scattering: frame sizes differ");
  }
  for (std::size_t a : atoms) {
    if (a >= n)
      throw std::invalid_argument("self_intermediate_scattering: atom index out of range");
  }
  const std::size_t selected = atoms.empty() ? n : atoms.size();
  if (selected == 0) throw std::invalid_argument("self_intermediate_scattering: no atoms");
  const auto lags = static_cast<std::size_t>(max_lag) + 1;
  auto sinc = [](double x) { return std::abs(x) < 1e-4 ? 1.0 - x * x / 6.0 : std::sin(x) / x; };
  // Per block of atoms, Σ over the block's atoms and all origins, per lag; blocks combined in
  // order, so the sums do not depend on the thread count.
  const std::vector<double> sums = parallel::reduce_blocks<std::vector<double>>(
      selected,
      [&](std::size_t begin, std::size_t end) {
        std::vector<double> s(lags, 0.0);
        for (std::size_t k = begin; k < end; ++k) {
          const std::size_t j = atoms.empty() ? k : atoms[k];
          for (std::size_t lag = 1; lag < lags; ++lag) {
            for (std::size_t t = 0; t + lag < frames.size(); ++t) {
              s[lag] += sinc(q * (frames[t + lag][j] - frames[t][j]).norm());
            }
          }
        }
        return s;
      },
      [](std::vector<double>& total, const std::vector<double>& part) {
        if (total.empty()) total.assign(part.size(), 0.0);
        for (std::size_t k = 0; k < part.size(); ++k) total[k] += part[k];
      },
      64);
  std::vector<double> fs(lags, 1.0);
  for (std::size_t lag = 1; lag < lags; ++lag) {
    fs[lag] =
        sums[lag] / (static_cast<double>(selected) * static_cast<double>(frames.size() - lag));
  }
  return fs;
}

}  // namespace mgs::ecm
