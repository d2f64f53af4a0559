#pragma once
// Lennard-Jones 12-6 with per-type-pair ε, σ and cutoff, as LAMMPS pair_style lj/cut (optional
// energy shift as pair_modify shift yes; unset cross pairs mixed as pair_modify mix), so that
// Kob–Andersen and other model glasses can be evaluated.
#include <optional>
#include <vector>

#include "engine/potential.hpp"

namespace mgs {

struct LjPair {
  double epsilon = 0.0;
  double sigma = 0.0;
  double cutoff = 0.0;
  double offset = 0.0;  // energy at the cutoff when shifted, else 0
};

class LennardJonesPotential : public Potential {
 public:
  // `pairs[ti][tj]` (symmetric, index 0 unused); nullopt: the pair has no parameters.
  explicit LennardJonesPotential(std::vector<std::vector<std::optional<LjPair>>> pairs);

  double cutoff() const override { return cutoff_; }
  std::optional<double> mass_of_type(int) const override { return std::nullopt; }
  std::string describe() const override;
  ForceResult compute(const Frame& frame, const NeighborList& neighbors) const override;
  SparseHessian hessian(const Frame& frame, const NeighborList& neighbors) const override;

  // The parameters of a type pair (ComputeError when unset); for the Hessian.
  const LjPair& pair(int ti, int tj) const;
  void check_types(const Frame& frame) const;

 private:
  std::vector<std::vector<std::optional<LjPair>>> pairs_;
  double cutoff_ = 0.0;
};

// Builds the potential from the run file's lj/cut keys:
//   "pair_coeff": [{"types": [1, 1], "epsilon": 1, "sigma": 1, "cutoff": 2.5}, ...],
//   "cutoff" (global default), "mixing" ("geometric" as LAMMPS's default, "arithmetic",
//   "sixthpower"), "shift" (false as LAMMPS's default). Throws ConfigError naming the key.
std::shared_ptr<const Potential> make_lennard_jones(const PotentialRequest& request);

}  // namespace mgs
