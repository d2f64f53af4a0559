#pragma once
// Five-fold local symmetry (SCIENCE.md §3), two ways:
//  - Voronoi: W5 = n5 / Σ_k n_k per atom, read from the same (filtered) tessellation as the
//    `voronoi` analyzer, so equal radii/thresholds share one tessellation;
//  - common-neighbor analysis (CNA) with an explicit bond cutoff: the signature of every bonded
//    pair, per-atom counts of 1551 bonds and f5 = n1551 / CN, and global signature fractions.
//
// Naming of CNA signatures. OVITO (and Clarke & Jónsson, PRE 47, 3975, 1993; Faken & Jónsson,
// Comput. Mater. Sci. 2, 279, 1994) write a bonded pair as the triple
//   (n_common, n_bonds, n_chain):
//   n_common = common neighbors of the two atoms (within the cutoff of both),
//   n_bonds  = bonds (within the cutoff) among those common neighbors,
//   n_chain  = number of bonds in the largest connected cluster of those bonds (OVITO's
//              "longest continuous chain": bonds joined through shared common neighbors).
// Honeycutt & Andersen (J. Phys. Chem. 91, 4950, 1987) write "1jkl": 1 = the pair is bonded,
// j = n_common, k = n_bonds, and l is a label (1, 2, ...) that separates different bond
// arrangements with the same j and k. The HA names therefore are a lookup table, not a formula:
//   1551 = (5,5,5)  five common neighbors closed into a pentagon (icosahedral, five-fold bond)
//   1541 = (5,4,4)  a pentagon with one bond missing (a chain of 4)
//   1431 = (4,3,3)  a square with one bond missing (a chain of 3)
//   1441 = (4,4,4)  closed square (BCC second neighbors)
//   1661 = (6,6,6)  closed hexagon (BCC first neighbors)
//   1421 = (4,2,1)  two bonds that share no atom (the FCC pair)
//   1422 = (4,2,2)  two bonds that share one common neighbor, a chain of 2 (the HCP in-plane pair)
// 1421 vs 1422 is told apart by n_chain: for an FCC nearest-neighbor pair the four common
// neighbors are two above and two below the pair, each couple bonded, the couples far apart, so
// the two bonds are disjoint (largest cluster = 1 bond). For an HCP pair inside a basal plane the
// common neighbors are the two in-plane atoms c1, c2 and one atom in each adjacent plane; with
// ABAB stacking the atoms above and below sit over the same triangle (i, j, c1), so both are
// bonded to c1: bonds above-c1-below form a chain of 2. Out-of-plane HCP pairs look like FCC pairs
// (1421). Each HCP atom has 6 in-plane and 6 out-of-plane neighbors: half 1421, half 1422. OVITO's
// classifier uses exactly this rule (n421 == 6 && n422 == 6 -> HCP).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

// W5 of one atom: pentagonal faces over all kept faces; 0 for an atom without faces.
double w5_of(const Tessellation& tess, std::size_t atom);

// One bonded pair's signature in OVITO's (n_common, n_bonds, n_chain) form.
struct CnaSignature {
  int common = 0;
  int bonds = 0;
  int chain = 0;
  auto operator<=>(const CnaSignature&) const = default;
};

// Signatures packed into one integer (8 bits each), for counting.
std::uint32_t pack_signature(const CnaSignature& s);
CnaSignature unpack_signature(std::uint32_t code);

// The Honeycutt–Andersen name of a signature ("1551"), or "" when HA has no established name for
// it (rarer arrangements the triple cannot tell apart are not given a name).
std::string ha_name(const CnaSignature& s);
// The inverse for the named ones; nullopt for an unknown name.
std::optional<CnaSignature> signature_of_ha(const std::string& name);
// The HA signatures the summary always lists.
const std::vector<std::string>& named_signatures();

// The signature of the pair (0, b) given the separation vectors `deltas` from atom 0 to every atom
// bonded to it (|delta|^2 <= cutoff2, periodic images as separate vectors) and the index `b` of
// the partner in `deltas`. Pure geometry, so correct for periodic images in small boxes. Throws
// ComputeError when the pair has more than 64 common neighbors (cutoff far beyond the first shell).
CnaSignature cna_signature(const std::vector<Vec3>& deltas, std::size_t b, double cutoff2);

// The largest number of bonds in one connected cluster of the graph with adjacency masks `adj`
// (bit m of adj[k] set when k and m are bonded; symmetric, no self bonds).
int largest_bond_cluster(const std::vector<std::uint64_t>& adj);

struct FiveFoldParams {
  VoronoiOptions options;
  std::optional<double> w5_cut;      // report the fraction of atoms with W5 >= this
  std::optional<double> cna_cutoff;  // Å; CNA mode runs when given
};

class FiveFoldAnalyzer : public Analyzer {
 public:
  FiveFoldAnalyzer(std::string label, FiveFoldParams params);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  void compute_cna(const FrameContext& context, FrameResult& out) const;
  FiveFoldParams params_;
};

}  // namespace mgs::analyzers
