#pragma once
// Shear-transformation-zone clusters: atoms selected by a per-atom field (D²min by default),
// joined into clusters by a distance cutoff across periodic boundaries (SCIENCE.md §4).
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

enum class StzSelection { TopFraction, Sigma, Absolute };

struct StzParams {
  std::string field = "d2min_value";  // output column of an earlier analyzer, or input column
  StzSelection selection = StzSelection::TopFraction;
  double amount = 0.05;  // the fraction, k of mean + k·std, or the absolute threshold
  double cutoff = 3.7;   // atoms closer than this join one cluster
  std::size_t min_size = 1;
};

// Which atoms pass the selection, and the threshold it amounted to. top_fraction takes the
// round(f·N) largest values (ties to the lower atom index); sigma and absolute take values
// strictly above mean + k·std (sample std) or the threshold.
struct Selection {
  std::vector<char> selected;
  double threshold = 0.0;
};
Selection select_atoms(const std::vector<double>& values, StzSelection mode, double amount);

struct Cluster {
  std::vector<std::uint32_t> atoms;  // ascending atom indices
  Vec3 centroid;                     // periodic-aware, wrapped into the cell
  double radius_of_gyration = 0.0;
  bool percolating = false;  // connected to its own periodic image: centroid undefined
};

// Connected components of the selected atoms with bonds up to `cutoff` (minimum image), ordered
// by size (descending), ties by smallest atom index.
std::vector<Cluster> find_clusters(const Frame& frame, const std::vector<char>& selected,
                                   double cutoff);

class StzAnalyzer : public Analyzer {
 public:
  StzAnalyzer(std::string label, StzParams params);
  Needs needs() const override { return {}; }
  FrameResult compute(const FrameContext& context) const override;

 private:
  StzParams params_;
};

}  // namespace mgs::analyzers
