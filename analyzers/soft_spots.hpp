#pragma once
// Vibrational soft spots (SCIENCE.md §5): the normal modes of the real potential's Hessian at an
// inherent structure, each atom's participation in the softest modes, the harmonic vibrational
// MSD, the per-mode participation ratio, and the VDOS with its boson peak when every mode is
// computed.
#include <memory>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/modes.hpp"
#include "engine/potential.hpp"

namespace mgs::analyzers {

// k_B in eV/K (CODATA 2018, exact).
inline constexpr double kBoltzmannEvPerK = 8.617333262e-5;

// auto: every mode densely up to this many atoms, filtered block Lanczos beyond.
inline constexpr std::size_t kDenseAtoms = 500;

struct SoftSpotParams {
  double fraction = 0.01;      // of the 3N − 3 nonzero modes (used when modes == 0)
  std::size_t modes = 0;       // explicit count
  double top_fraction = 0.05;  // atoms flagged as soft spots
  double temperature = 300.0;  // K, for the harmonic MSD
  bool harmonic_msd = true;
  std::string solver = "auto";  // auto, dense, lanczos, shift_invert
  int lanczos_degree = 0;       // 0: automatic
  std::size_t lanczos_block = 0;
  double max_force = 1e-5;  // eV/Å: refuse modes above this unless minimising
  bool minimize = false;
  int minimize_steps = 20000;
  std::size_t vdos_bins = 100;
  bool vdos = false;  // every eigenvalue (dense, values only) for the VDOS with shift-invert
  std::vector<std::size_t> mode_vectors;  // 1-based mode numbers written as per-atom fields
};

// p_i = Σ_{l in modes} |e_li|², normalised to Σ_i p_i = 1.
std::vector<double> participation(const Modes& modes, std::size_t count);

// VDOS g(ν) histogram (normalised to 1 over the modes), and g(ν)/ν².
struct Vdos {
  std::vector<double> nu, g, g_over_nu2;
  double boson_peak = 0.0;  // ν at the maximum of g/ν² over bins holding at least 10 modes
};
Vdos vibrational_dos(const std::vector<double>& frequencies_thz, std::size_t bins);

class SoftSpotsAnalyzer : public Analyzer {
 public:
  SoftSpotsAnalyzer(std::string label, std::shared_ptr<const Potential> potential,
                    SoftSpotParams params, std::vector<TypeInfo> types);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  std::shared_ptr<const Potential> potential_;
  SoftSpotParams params_;
  std::vector<TypeInfo> types_;
};

}  // namespace mgs::analyzers
