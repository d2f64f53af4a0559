#pragma once
// Per-atom potential energy, force and virial from a real interatomic potential (EAM tables as
// LAMMPS interpolates them, or Lennard-Jones), and the atomic-level stress when Voronoi volumes
// are asked for (SCIENCE.md §5); on request the configuration's elastic constants and shear
// modulus from the Hessian (affine Born term minus the non-affine relaxation, engine/elastic).
#include <memory>

#include "engine/analyzer.hpp"
#include "engine/potential.hpp"

namespace mgs::analyzers {

// eV/Å^3 in GPa: the pressure unit of metal-unit potentials.
inline constexpr double kEvPerA3ToGPa = 160.21766208;

class PotentialAnalyzer : public Analyzer {
 public:
  PotentialAnalyzer(std::string label, std::shared_ptr<const Potential> potential, bool metal_units,
                    bool atomic_stress, bool elastic);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  nlohmann::json elastic_summary(const Frame& frame, double max_force, double to_stress,
                                 FrameResult& out) const;
  std::shared_ptr<const Potential> potential_;
  bool metal_units_;
  bool atomic_stress_;
  bool elastic_;  // elastic constants from the Hessian into the summary
};

}  // namespace mgs::analyzers
