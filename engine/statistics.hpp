#pragma once
// Summary statistics of per-atom values, computed the same way for every analyzer.
#include <nlohmann/json.hpp>

#include <vector>

namespace mgs::stats {

// Mean and sample standard deviation (deterministic block sums; see parallel.hpp).
struct MeanStd {
  double mean = 0.0;
  double std = 0.0;
};
MeanStd mean_std(const std::vector<double>& values);

// The q-quantile (0 <= q <= 1) with linear interpolation between order statistics (NumPy's
// default "linear" method). NaN for an empty input.
double quantile(std::vector<double> values, double q);

// {"mean", "std", "min", "max", "percentiles": {"50": .., "90": .., "95": .., "99": ..}}.
nlohmann::json describe(const std::vector<double>& values);

}  // namespace mgs::stats
