#pragma once
// Polyhedral motifs (SCIENCE.md §1): each atom's Voronoi index <n3,n4,n5,n6,...> as a label and
// an integer id, flags for full icosahedra, icosahedral-like motifs and geometrically unfavored
// motifs (GUMs) by an explicit rule, per-species motif statistics and the connectivity of full
// icosahedra. Everything is read from the engine's tessellation with the same radii and filters
// as the `voronoi` analyzer (faces kept, so that the same tessellation also gives neighbors).
//
// Motif id: the index packed in two decimal digits per face order,
//   id = n3·10^6 + n4·10^4 + n5·10^2 + n6  +  n7·10^8 + n8·10^10 + n9·10^12 + n10·10^14 +
//   n11·10^16,
// so <0,2,8,2> → 20802, <0,0,12,0> → 1200, and an atom with one heptagon, <0,3,6,4,1> →
// 100030604. For atoms without faces of 7 or more edges (every motif of interest) the id is the
// customary four-number index. An index that two digits per order cannot hold (a count >= 100, or
// a face with more than 11 edges) gets id -1, and the summary counts such atoms.
//
// Motif label: "<n3,n4,n5,n6>", extended to the largest face order present ("<0,3,6,4,1>"), so
// that the label and the id name the same polyhedron.
//
// A listed index (icosahedral_like, favored) matches an atom only when it is the atom's whole
// index: <0,2,8,2> does not match an atom with an extra heptagon. Hence full_icosahedron is
// exactly the `voronoi` analyzer's test (12 faces, all pentagons).
//
// Full-icosahedron (FI) connectivity, with "neighbors" = Voronoi neighbors (atoms sharing a kept
// face, periodic images included; a pair counts when either atom lists the other):
//  - connected fraction: FI centers that share at least one atom with another FI center's
//    cluster (center plus its 12 neighbors), i.e. a common shell atom, or one center in the
//    other's shell;
//  - interpenetrating clusters: FI centers joined when they are Voronoi neighbors of each other
//    (two interpenetrating icosahedra share 7 atoms: both centers and 5 shell atoms); the
//    summary gives the number of clusters (isolated centers count as clusters of one), the size
//    of the largest, and the fraction of FI centers in clusters of two or more.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

inline constexpr int kMaxMotifOrder = 11;  // highest face order the id encodes
inline constexpr std::int64_t kUnencodedMotif = -1;

struct Motif {
  std::array<int, kMaxMotifOrder - 2> n{};  // n[k - 3]: faces with k edges, k = 3 .. 11
  int beyond = 0;                           // faces with more than 11 edges
  auto operator<=>(const Motif&) const = default;
};

Motif motif_of(const Tessellation& tess, std::size_t atom);
std::int64_t motif_id(const Motif& m);  // kUnencodedMotif when it does not fit (see above)
std::optional<Motif> decode_motif_id(std::int64_t id);
std::string motif_label(const Motif& m);
// "<0,2,8,2>" (spaces allowed) or [0,2,8,2]: counts of faces with 3, 4, 5, ... edges, at least
// four of them. nullopt for anything else.
std::optional<Motif> parse_motif(const nlohmann::json& value);

struct FiConnectivity {
  std::int64_t centers = 0;           // FI centers
  std::int64_t connected = 0;         // sharing an atom with another FI center's cluster
  std::int64_t interpenetrating = 0;  // in an interpenetrating cluster of two or more
  std::int64_t clusters = 0;          // interpenetrating clusters, isolated centers included
  std::int64_t largest_cluster = 0;
};

// `is_fi[i]` != 0 marks FI centers. The tessellation must keep its faces (store_faces).
FiConnectivity fi_connectivity(const Tessellation& tess, const std::vector<std::int64_t>& is_fi);

// The `k` atoms of lowest W5 (ties: lower atom id first), as a 0/1 flag per atom.
std::vector<std::int64_t> lowest_w5_flags(const std::vector<double>& w5,
                                          const std::vector<std::int64_t>& ids, std::size_t k);

enum class GumRule { LowestW5, NotFavored };

struct MotifsParams {
  VoronoiOptions options;  // store_faces set: the connectivity needs the neighbors
  int top = 10;
  std::vector<Motif> icosahedral_like;
  GumRule gum_rule = GumRule::LowestW5;
  double gum_fraction = 0.1;   // LowestW5
  std::vector<Motif> favored;  // NotFavored
};

class MotifsAnalyzer : public Analyzer {
 public:
  MotifsAnalyzer(std::string label, MotifsParams params);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;

 private:
  MotifsParams params_;
  std::vector<std::int64_t> icosahedral_ids_, favored_ids_;  // sorted
};

}  // namespace mgs::analyzers
