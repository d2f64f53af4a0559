#pragma once
// Embedded-atom potentials (LAMMPS pair_style eam/fs and eam/alloy):
//   U = Σ_i F_a(ρ_i) + 1/2 Σ_{i≠j} φ_ab(r_ij),  ρ_i = Σ_j ρ_{b→a}(r_ij)
// with a = species of i, b = species of j, every function interpolated as LAMMPS does.
#include <string>
#include <vector>

#include "engine/lammps_spline.hpp"
#include "engine/potential.hpp"

namespace mgs {

// The tables of a setfl (eam/alloy) or Finnis–Sinclair (eam/fs) file, as read by io/.
struct EamTables {
  std::string style;  // "eam/fs" or "eam/alloy"
  std::string file;
  std::vector<std::string> elements;
  std::vector<double> masses;  // per element, from the file
  int nrho = 0;
  double drho = 0.0;
  int nr = 0;
  double dr = 0.0;
  double cutoff = 0.0;
  std::vector<std::vector<double>> embedding;  // F_a(ρ) at ρ = k·drho, per element
  // density[b][a]: the density an atom of element b gives an atom of element a, at r = k·dr.
  // eam/alloy files have one function per element b (the same for every a).
  std::vector<std::vector<std::vector<double>>> density;
  // r_phi[a][b] = r·φ_ab(r) at r = k·dr, symmetric.
  std::vector<std::vector<std::vector<double>>> r_phi;
};

// The splines of one atom-type pair, so the inner loops index nothing but this.
struct EamPairSplines {
  const LammpsSpline* density_to_i;  // ρ_{type j → type i}
  const LammpsSpline* density_to_j;  // ρ_{type i → type j}
  const LammpsSpline* r_phi;
};

class EamPotential : public Potential {
 public:
  // `species_of_type[t]` = index into tables.elements of atom type t (index 0 unused).
  EamPotential(const EamTables& tables, std::vector<int> species_of_type);

  double cutoff() const override { return cutoff_; }
  std::optional<double> mass_of_type(int type) const override;
  std::string describe() const override;
  ForceResult compute(const Frame& frame, const NeighborList& neighbors) const override;
  SparseHessian hessian(const Frame& frame, const NeighborList& neighbors) const override;
  // Factored: the blocks within the cutoff plus the density gradients and F''(ρ).
  HessianOperator hessian_operator(const Frame& frame,
                                   const NeighborList& neighbors) const override;

  // The embedding function of atom type t and the splines of the pair (ti, tj); for the Hessian.
  const LammpsSpline& embedding(int type) const;
  EamPairSplines pair(int ti, int tj) const;
  // The host electron density of every atom.
  std::vector<double> densities(const Frame& frame, const NeighborList& neighbors) const;
  // F_a(ρ) as LAMMPS evaluates it, including the linear continuation above the table's end.
  LammpsSpline::Value embed(int type, double rho) const;
  // Throws ComputeError naming the atoms whose type has no element.
  void check_types(const Frame& frame) const;

 private:
  std::string style_;
  std::string file_;
  std::vector<std::string> elements_;
  std::vector<double> masses_;
  std::vector<int> species_;  // per type
  double cutoff_ = 0.0;
  double rho_max_ = 0.0;
  std::vector<LammpsSpline> embedding_;             // per element
  std::vector<std::vector<LammpsSpline>> density_;  // [from][to]
  std::vector<std::vector<LammpsSpline>> r_phi_;    // [a][b]
};

}  // namespace mgs
