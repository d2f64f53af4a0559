#pragma once
// An interatomic potential bound to a run's atom types: per-atom energies, forces and virials
// (and, for the vibrational analyzers, the Hessian), evaluated on the engine's neighbor list.
#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/frame.hpp"
#include "engine/hessian.hpp"
#include "engine/hessian_operator.hpp"
#include "engine/neighbor_list.hpp"

namespace mgs {

// Per-atom results in the frame's atom order. The virial is LAMMPS's per-atom pair virial
// W_i = 1/2 Σ_j r_ij ⊗ f_ij (components xx yy zz xy xz yz, energy units), so that
// compute stress/atom ... virial equals -W_i (times nktv2p).
struct ForceResult {
  std::vector<double> energy;
  std::vector<Vec3> force;
  std::vector<std::array<double, 6>> virial;
};

// Adds a pair's share to an atom's virial: ½ d ⊗ d · fpair for separation d and LAMMPS's fpair
// (force on the atom = −d · fpair).
inline void add_pair_virial(std::array<double, 6>& w, const Vec3& d, double fpair) {
  const double h = 0.5 * fpair;
  w[0] += h * d[0] * d[0];
  w[1] += h * d[1] * d[1];
  w[2] += h * d[2] * d[2];
  w[3] += h * d[0] * d[1];
  w[4] += h * d[0] * d[2];
  w[5] += h * d[1] * d[2];
}

class Potential {
 public:
  virtual ~Potential() = default;
  // Pairs at distance r < cutoff() interact.
  virtual double cutoff() const = 0;
  // The mass of a type when the potential file gives one (EAM), else nullopt.
  virtual std::optional<double> mass_of_type(int type) const = 0;
  // One line for summaries: style, file, type mapping.
  virtual std::string describe() const = 0;
  // `neighbors` must be a full list of `frame` with a cutoff of at least cutoff(). Throws
  // ComputeError naming the atoms when a type has no parameters.
  virtual ForceResult compute(const Frame& frame, const NeighborList& neighbors) const = 0;
  // The analytic Hessian on the same list (blocks reach twice the cutoff for EAM).
  virtual SparseHessian hessian(const Frame& frame, const NeighborList& neighbors) const = 0;
  // The same Hessian as an operator for factorisation-free eigensolvers: the assembled matrix
  // for pair potentials, kept factored where that is cheaper (EAM).
  virtual HessianOperator hessian_operator(const Frame& frame,
                                           const NeighborList& neighbors) const {
    return HessianOperator(hessian(frame, neighbors));
  }
};

// What the run file says about a potential: the "style", "file" and "elements" keys shared by
// every analyzer that evaluates one, plus the style's own parameters.
struct PotentialRequest {
  std::string style;                  // "eam/fs", "eam/alloy", "lj/cut"
  std::string file;                   // EAM table file (resolved against the run file's folder)
  std::vector<std::string> elements;  // element of type 1, 2, ... in the file's names
  nlohmann::json lj;                  // lj/cut: the "pair_coeff" list, "mixing", "shift"
  std::string json_path;              // analyzers[k], for errors
};

// Reads the files a request names (io/ provides it; analyzers never parse files).
using PotentialLoader = std::function<std::shared_ptr<const Potential>(const PotentialRequest&)>;

// The mass of every type in `frame`'s range (index = type): the run file's or the input's mass
// where given, else the potential's, else an error naming the type.
std::vector<double> type_masses(const Potential& potential, const std::vector<TypeInfo>& types,
                                int max_type);

}  // namespace mgs
