#pragma once
// Per-atom potential energy, force and virial from a real interatomic potential (EAM tables as
// LAMMPS interpolates them, or Lennard-Jones), and the atomic-level stress when Voronoi volumes
// are asked for (SCIENCE.md §5).
#include <memory>

#include "engine/analyzer.hpp"
#include "engine/potential.hpp"

namespace mgs::analyzers {

// eV/Å^3 in GPa: the pressure unit of metal-unit potentials.
inline constexpr double kEvPerA3ToGPa = 160.21766208;

class PotentialAnalyzer : public Analyzer {
 public:
  PotentialAnalyzer(std::string label, std::shared_ptr<const Potential> potential, bool metal_units,
                    bool atomic_stress);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  std::shared_ptr<const Potential> potential_;
  bool metal_units_;
  bool atomic_stress_;
};

}  // namespace mgs::analyzers
