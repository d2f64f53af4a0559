#pragma once
// TEM-like projected maps (SCIENCE.md §7): the atoms of a slab projected along a beam axis onto
// a pixel grid through a Gaussian probe, as a HAADF-like Z^n-weighted intensity or as the
// (weighted) mean of a per-atom field over each column, plus the relative contrast
// (I − ⟨I⟩)/⟨I⟩. The geometry is in engine/projection.hpp.
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/projection.hpp"

namespace mgs::analyzers {

struct ProjectionParams {
  ProjectionRequest request;
  std::optional<std::string> field;  // output column; none: the intensity map
  bool z_weighting = true;           // weight atoms by Z^n (else 1 each)
  double z_exponent = 1.7;
  std::vector<double> z_by_type;  // index = type; 0 where the run file gives none
};

class ProjectionAnalyzer : public Analyzer {
 public:
  ProjectionAnalyzer(std::string label, ProjectionParams params);
  Needs needs() const override { return {}; }
  FrameResult compute(const FrameContext& context) const override;

 private:
  std::vector<double> weights(const FrameContext& context) const;
  ProjectionParams params_;
};

}  // namespace mgs::analyzers
