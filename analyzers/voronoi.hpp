#pragma once
// Voronoi analysis: per-atom cell volume, coordination, face-order index <n3,n4,n5,n6,...> and
// maximum face order, and per-type index statistics (SCIENCE.md §1).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

// The Voronoi index of one atom as a compact key: counts of faces with 3..10 edges.
using VoronoiIndex = std::array<std::uint16_t, 8>;

VoronoiIndex voronoi_index(const Tessellation& tess, std::size_t atom);
// "<n3,n4,n5,n6>" (orders 3..6, the customary short form).
std::string index_string(const VoronoiIndex& index, int max_order = 6);
bool is_full_icosahedron(const Tessellation& tess, std::size_t atom);

struct VoronoiParams {
  VoronoiOptions options;
  int max_order = 6;  // highest n_k written as a column
  int top = 20;       // how many indices the summary lists per type
};

class VoronoiAnalyzer : public Analyzer {
 public:
  VoronoiAnalyzer(std::string label, VoronoiParams params);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  VoronoiParams params_;
};

}  // namespace mgs::analyzers
