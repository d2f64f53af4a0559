#pragma once
// Falk–Langer nonaffine squared displacement D²min and the local deformation gradient, strain
// and rotation of each atom's neighborhood against a reference configuration (SCIENCE.md §4).
#include <array>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

enum class D2minNormalization { Sum, PerNeighbor, Lammps };

struct D2minParams {
  double cutoff = 5.0;
  bool neighbors_from_reference = true;  // the neighbor set: reference (OVITO) or current
  D2minNormalization normalization = D2minNormalization::Sum;
  ReferenceSpec reference;
  AffineMapping mapping = AffineMapping::Off;
  DisplacementMode displacements = DisplacementMode::MinimumImage;
};

// Green–Lagrange strain E = (FᵀF - I)/2 and the quantities derived from it.
struct StrainMeasures {
  Mat3 E;
  double von_mises;   // sqrt(Exy²+Exz²+Eyz² + ((Exx-Eyy)²+(Exx-Ezz)²+(Eyy-Ezz)²)/6)
  double volumetric;  // tr(E)/3
};
StrainMeasures strain_measures(const Mat3& F);
// Angle (radians, in [0, π]) of the proper rotation R of the polar decomposition F = R U.
double rotation_angle(const Mat3& F);

class D2minAnalyzer : public Analyzer {
 public:
  D2minAnalyzer(std::string label, D2minParams params);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  D2minParams params_;
};

}  // namespace mgs::analyzers
