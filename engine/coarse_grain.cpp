#include "engine/coarse_grain.hpp"

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs {

std::vector<double> coarse_grain(const Grid& grid, const CellList& cells,
                                 const std::vector<double>& values, double sigma,
                                 CoarseGrainMode mode, const std::vector<char>& include) {
  if (!(sigma > 0.0)) throw std::invalid_argument("coarse_grain: sigma must be positive");
  if (values.size() != cells.size() || (!include.empty() && include.size() != values.size())) {
    throw std::invalid_argument("coarse_grain: one value per atom expected");
  }
  const double cut = kGaussianCutInSigma * sigma;
  const double inv2s2 = 1.0 / (2.0 * sigma * sigma);
  const double norm = 1.0 / (std::pow(2.0 * std::numbers::pi, 1.5) * sigma * sigma * sigma);
  double reference = 0.0;  // Average: values are summed relative to it
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (include.empty() || include[i]) {
      reference = values[i];
      break;
    }
  }
  const auto& n = grid.counts();
  std::vector<double> out(grid.size());
  parallel::for_each_index(
      grid.size(),
      [&](std::size_t g) {
        const int i = static_cast<int>(g % static_cast<std::size_t>(n[0]));
        const int j =
            static_cast<int>(g / static_cast<std::size_t>(n[0]) % static_cast<std::size_t>(n[1]));
        const int k = static_cast<int>(g / (static_cast<std::size_t>(n[0]) * n[1]));
        double sum = 0.0, weight = 0.0;
        cells.for_each_within(grid.center(i, j, k), cut,
                              [&](std::uint32_t a, const Image&, const Vec3&, double r2) {
                                if (!include.empty() && !include[a]) return;
                                const double w = std::exp(-r2 * inv2s2);
                                if (mode == CoarseGrainMode::Density) {
                                  sum += values[a] * w;
                                } else {
                                  sum += (values[a] - reference) * w;
                                  weight += w;
                                }
                              });
        if (mode == CoarseGrainMode::Density) {
          out[g] = sum * norm;
        } else {
          out[g] =
              weight > 0.0 ? reference + sum / weight : std::numeric_limits<double>::quiet_NaN();
        }
      },
      64);
  return out;
}

std::vector<double> neighbor_average(const NeighborList& neighbors,
                                     const std::vector<double>& values, double cutoff,
                                     std::vector<std::int64_t>* count) {
  if (values.size() != neighbors.size()) {
    throw std::invalid_argument("neighbor_average: one value per atom expected");
  }
  if (cutoff > neighbors.cutoff()) {
    throw std::invalid_argument("neighbor_average: cutoff beyond the neighbor list's");
  }
  const double c2 = cutoff * cutoff;
  std::vector<double> out(values.size());
  if (count) count->assign(values.size(), 0);
  parallel::for_each_index(values.size(), [&](std::size_t i) {
    double sum = 0.0;
    std::int64_t m = 0;
    for (const Neighbor& nb : neighbors.of(i)) {
      if (neighbors.delta(i, nb).squaredNorm() > c2) continue;
      sum += values[nb.index] - values[i];
      ++m;
    }
    out[i] = values[i] + sum / static_cast<double>(1 + m);
    if (count) (*count)[i] = m;
  });
  return out;
}

}  // namespace mgs
