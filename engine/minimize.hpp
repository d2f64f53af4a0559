#pragma once
// Energy minimisation to an inherent structure with FIRE (Bitzek et al., PRL 97, 170201, 2006),
// the relaxation LAMMPS's min_style fire performs, at fixed box.
#include "engine/frame.hpp"
#include "engine/potential.hpp"

namespace mgs {

struct MinimizeResult {
  int steps = 0;
  bool converged = false;
  double initial_max_force = 0.0;  // eV/Å
  double max_force = 0.0;          // residual, eV/Å
  double initial_energy = 0.0;
  double energy = 0.0;
};

// Moves `frame`'s atoms until every |F_i| < force_tolerance or `max_steps` steps; `mass` per atom
// (amu, metal units: time step in ps). The neighbor list is rebuilt every step.
MinimizeResult fire_minimize(Frame& frame, const Potential& potential,
                             const std::vector<double>& mass, double force_tolerance,
                             int max_steps);

// The largest |F_i| of a force result.
double max_force(const ForceResult& forces);

}  // namespace mgs
