#include "engine/correlation_average.hpp"

#include <cmath>
#include <limits>

#include "engine/errors.hpp"

namespace mgs::correlation {

void CurveAverage::add(const Curve& curve) {
  if (frames_ == 0) {
    sum_.assign(curve.c.size(), 0.0);
    r_sum_.assign(curve.c.size(), 0.0);
    pairs_.assign(curve.c.size(), 0);
  } else if (curve.c.size() != sum_.size()) {
    throw ComputeError(
        "frame average of C(r): the shells changed between frames (grid counts or r_max): give "
        "bins instead of bin_size");
  }
  for (std::size_t k = 0; k < curve.c.size(); ++k) {
    r_sum_[k] += curve.r[k];
    if (curve.pairs[k] == 0 || !std::isfinite(curve.c[k])) continue;
    sum_[k] += curve.c[k] * static_cast<double>(curve.pairs[k]);
    pairs_[k] += curve.pairs[k];
  }
  last_ = curve;
  ++frames_;
}

Curve CurveAverage::result() const {
  Curve out = last_;
  for (std::size_t k = 0; k < sum_.size(); ++k) {
    out.r[k] = r_sum_[k] / static_cast<double>(frames_);
    out.pairs[k] = pairs_[k];
    out.c[k] = pairs_[k] ? sum_[k] / static_cast<double>(pairs_[k])
                         : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

void SpectrumAverage::add(const Spectrum& spectrum) {
  if (frames_ == 0) {
    sum_.assign(spectrum.s.size(), 0.0);
    q_sum_.assign(spectrum.s.size(), 0.0);
    modes_.assign(spectrum.s.size(), 0);
  } else if (spectrum.s.size() != sum_.size()) {
    throw ComputeError("frame average of S(q): the wave-vector shells changed between frames");
  }
  for (std::size_t k = 0; k < spectrum.s.size(); ++k) {
    q_sum_[k] += spectrum.q[k];
    sum_[k] += spectrum.s[k] * static_cast<double>(spectrum.modes[k]);
    modes_[k] += spectrum.modes[k];
  }
  dq_ = spectrum.dq;
  ++frames_;
}

Spectrum SpectrumAverage::result() const {
  Spectrum out;
  out.dq = dq_;
  for (std::size_t k = 0; k < sum_.size(); ++k) {
    out.q.push_back(q_sum_[k] / static_cast<double>(frames_));
    out.s.push_back(modes_[k] ? sum_[k] / static_cast<double>(modes_[k])
                              : std::numeric_limits<double>::quiet_NaN());
    out.modes.push_back(modes_[k]);
  }
  return out;
}

}  // namespace mgs::correlation
