#include "engine/grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs {

Grid::Grid(const Box& box, std::array<int, 3> counts, std::optional<Slab> slab)
    : box_(box), counts_(counts), slab_(slab) {
  for (int k = 0; k < 3; ++k) {
    if (counts_[k] < 1) throw std::invalid_argument("grid counts must be at least 1");
  }
  if (slab_) {
    if (slab_->axis < 0 || slab_->axis > 2) throw std::invalid_argument("slab axis must be 0..2");
    if (!(slab_->lo < slab_->hi) || slab_->lo < 0.0 || slab_->hi > 1.0) {
      throw std::invalid_argument("slab range must satisfy 0 <= lo < hi <= 1 (fractional)");
    }
    if (counts_[slab_->axis] != 1) {
      throw std::invalid_argument("the slab axis cannot also be binned");
    }
  }
}

std::array<int, 3> Grid::counts_for_size(const Box& box, double size, std::array<bool, 3> binned) {
  if (!(size > 0.0)) throw std::invalid_argument("bin size must be positive");
  std::array<int, 3> counts{1, 1, 1};
  for (int k = 0; k < 3; ++k) {
    if (!binned[k]) continue;
    const double n = std::round(box.perpendicular_width(k) / size);
    if (n > 1e6) throw std::invalid_argument("bin size gives more than 10^6 bins along an axis");
    counts[k] = std::max(1, static_cast<int>(n));
  }
  return counts;
}

namespace {

// Bin index along one axis for fractional coordinate s.
int axis_bin(double s, int n, bool periodic) {
  if (periodic) s -= std::floor(s);
  const double b = std::floor(s * n);
  // s just below 1 may round to n; points beyond a non-periodic wall go to the edge bin.
  return static_cast<int>(std::clamp(b, 0.0, static_cast<double>(n - 1)));
}

}  // namespace

std::optional<std::size_t> Grid::bin_of(const Vec3& r) const {
  const Vec3 s = box_.to_fractional(r);
  if (slab_) {
    double t = s[slab_->axis];
    if (box_.periodic(slab_->axis)) t -= std::floor(t);
    if (t < slab_->lo || t >= slab_->hi) return std::nullopt;
  }
  std::array<int, 3> b{};
  for (int k = 0; k < 3; ++k) b[k] = axis_bin(s[k], counts_[k], box_.periodic(k));
  return flat(b[0], b[1], b[2]);
}

double Grid::bin_volume() const {
  double v = box_.volume() / static_cast<double>(size());
  if (slab_) v *= slab_->hi - slab_->lo;
  return v;
}

double Grid::bin_thickness(int k) const {
  double t = box_.perpendicular_width(k) / counts_[k];
  if (slab_ && slab_->axis == k) t *= slab_->hi - slab_->lo;
  return t;
}

Vec3 Grid::center(int i, int j, int k) const {
  const std::array<int, 3> idx{i, j, k};
  Vec3 s;
  for (int a = 0; a < 3; ++a) s[a] = (idx[a] + 0.5) / counts_[a];
  if (slab_) s[slab_->axis] = 0.5 * (slab_->lo + slab_->hi);
  return box_.to_cartesian(s);
}

Vec3 Grid::step(int k) const {
  Vec3 v = box_.edge(k) / counts_[k];
  if (slab_ && slab_->axis == k) v *= slab_->hi - slab_->lo;
  return v;
}

GridField grid_field(const Grid& grid, std::array<bool, 3> binned, std::string name,
                     std::string unit, std::string doc) {
  GridField f;
  f.name = std::move(name);
  f.unit = std::move(unit);
  f.doc = std::move(doc);
  f.dims = grid.counts();
  f.binned = binned;
  f.origin = grid.center(0, 0, 0);
  for (int k = 0; k < 3; ++k) f.step.col(k) = grid.step(k);
  f.values.assign(grid.size(), 0.0);
  return f;
}

const std::vector<std::string>& reduction_names() {
  static const std::vector<std::string> names{"mean", "sum",   "min",           "max",
                                              "std",  "count", "sum_per_volume"};
  return names;
}

Reduction reduction_from_name(const std::string& name) {
  const auto& names = reduction_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw std::invalid_argument("unknown reduction \"" + name + "\"");
  return static_cast<Reduction>(it - names.begin());
}

const std::string& reduction_name(Reduction r) {
  return reduction_names()[static_cast<std::size_t>(r)];
}

std::vector<std::size_t> assign_bins(const Grid& grid, const std::vector<Vec3>& positions) {
  std::vector<std::size_t> bins(positions.size());
  parallel::for_each_index(positions.size(), [&](std::size_t i) {
    const auto b = grid.bin_of(positions[i]);
    bins[i] = b ? *b : kNoBin;
  });
  return bins;
}

std::vector<double> reduce_bins(const Grid& grid, const std::vector<std::size_t>& bins,
                                const std::vector<double>& values, Reduction reduction) {
  const std::size_t nb = grid.size();
  const std::size_t n = bins.size();
  if (reduction != Reduction::Count && values.size() != n) {
    throw std::invalid_argument("reduce_bins: one value per atom expected");
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> count(nb, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (bins[i] != kNoBin) count[bins[i]] += 1.0;
  }
  if (reduction == Reduction::Count) return count;
  std::vector<double> out(nb, 0.0);
  switch (reduction) {
    case Reduction::Min:
    case Reduction::Max: {
      const bool is_min = reduction == Reduction::Min;
      out.assign(nb, kNaN);
      for (std::size_t i = 0; i < n; ++i) {
        if (bins[i] == kNoBin) continue;
        double& o = out[bins[i]];
        if (std::isnan(o) || (is_min ? values[i] < o : values[i] > o)) o = values[i];
      }
      return out;
    }
    default:
      break;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (bins[i] != kNoBin) out[bins[i]] += values[i];
  }
  if (reduction == Reduction::Sum) return out;
  if (reduction == Reduction::SumPerVolume) {
    const double v = grid.bin_volume();
    for (double& o : out) o /= v;
    return out;
  }
  for (std::size_t b = 0; b < nb; ++b) out[b] = count[b] > 0 ? out[b] / count[b] : kNaN;
  if (reduction == Reduction::Mean) return out;
  // Std: second pass about the mean.
  std::vector<double> sq(nb, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (bins[i] == kNoBin) continue;
    const double d = values[i] - out[bins[i]];
    sq[bins[i]] += d * d;
  }
  for (std::size_t b = 0; b < nb; ++b) out[b] = count[b] > 0 ? std::sqrt(sq[b] / count[b]) : kNaN;
  return out;
}

std::vector<double> ratio_of_sums(const Grid& grid, const std::vector<std::size_t>& bins,
                                  const std::vector<double>& numerator,
                                  const std::vector<double>& denominator) {
  const std::vector<double> num = reduce_bins(grid, bins, numerator, Reduction::Sum);
  const std::vector<double> den = reduce_bins(grid, bins, denominator, Reduction::Sum);
  std::vector<double> out(num.size());
  for (std::size_t b = 0; b < out.size(); ++b) {
    out[b] = den[b] != 0.0 ? num[b] / den[b] : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

}  // namespace mgs
