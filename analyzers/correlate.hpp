#pragma once
// Statistics of per-atom fields (SCIENCE.md §7): autocorrelation C(r) and correlation lengths of
// fields, cross-correlation C_AB(r), Pearson and Spearman coefficients and top-set overlap of
// field pairs, ROC-AUC of a field predicting a flag. Fields by output column name.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/correlation_average.hpp"

namespace mgs::analyzers {

struct CorrelateParams {
  std::vector<std::string> fields;                         // autocorrelation and lengths
  std::vector<std::pair<std::string, std::string>> pairs;  // cross statistics
  std::vector<std::pair<std::string, std::string>> flags;  // score, flag
  double r_max = 15.0;
  int bins = 60;
  double top_fraction = 0.1;
  std::optional<double> fit_from;  // Å; default: first minimum of g(r)
  bool frame_average = false;      // also the curves averaged over the run
};

class CorrelateAnalyzer : public Analyzer {
 public:
  CorrelateAnalyzer(std::string label, CorrelateParams params);
  Needs needs() const override {
    Needs n;
    n.cells = true;
    return n;
  }
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override;
  std::optional<FrameResult> finish() override;

 private:
  CorrelateParams params_;
  std::size_t frames_ = 0;
  double fit_from_ = 0.0;  // of the last frame
  std::vector<correlation::CurveAverage> fields_average_, pairs_average_;
};

}  // namespace mgs::analyzers
