#include "analyzers/five_fold.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <map>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/voronoi_params.hpp"

namespace mgs::analyzers {

double w5_of(const Tessellation& tess, std::size_t atom) {
  const int cn = tess.coordination[atom];
  return cn > 0 ? static_cast<double>(tess.count(atom, 5)) / static_cast<double>(cn) : 0.0;
}

std::uint32_t pack_signature(const CnaSignature& s) {
  // 8 bits each; counts beyond 255 (only with absurd cutoffs) are clamped.
  const auto byte = [](int v) { return static_cast<std::uint32_t>(std::clamp(v, 0, 255)); };
  return (byte(s.common) << 16) | (byte(s.bonds) << 8) | byte(s.chain);
}

CnaSignature unpack_signature(std::uint32_t code) {
  return {static_cast<int>((code >> 16) & 0xff), static_cast<int>((code >> 8) & 0xff),
          static_cast<int>(code & 0xff)};
}

namespace {

// Honeycutt–Andersen names with an established meaning in OVITO's (n_common, n_bonds, n_chain)
// form; see the header. Only these are named: for other triples HA's fourth digit is not
// determined by the triple.
struct NamedSignature {
  const char* name;
  CnaSignature signature;
};
constexpr NamedSignature kNamed[] = {
    {"1551", {5, 5, 5}}, {"1541", {5, 4, 4}}, {"1431", {4, 3, 3}}, {"1661", {6, 6, 6}},
    {"1421", {4, 2, 1}}, {"1422", {4, 2, 2}}, {"1441", {4, 4, 4}}, {"1311", {3, 1, 1}},
    {"1321", {3, 2, 2}}, {"1301", {3, 0, 0}}, {"1201", {2, 0, 0}}, {"1211", {2, 1, 1}},
    {"1101", {1, 0, 0}},
};
constexpr CnaSignature k1551{5, 5, 5};

}  // namespace

std::string ha_name(const CnaSignature& s) {
  for (const auto& n : kNamed) {
    if (n.signature == s) return n.name;
  }
  return "";
}

std::optional<CnaSignature> signature_of_ha(const std::string& name) {
  for (const auto& n : kNamed) {
    if (name == n.name) return n.signature;
  }
  return std::nullopt;
}

const std::vector<std::string>& named_signatures() {
  // The six plus 1441, the BCC partner of 1661.
  static const std::vector<std::string> names{"1551", "1541", "1431", "1661",
                                              "1441", "1421", "1422"};
  return names;
}

int largest_bond_cluster(const std::vector<std::uint64_t>& adj) {
  const std::size_t m = adj.size();
  std::uint64_t visited = 0;
  int best = 0;
  for (std::size_t a = 0; a < m; ++a) {
    const std::uint64_t abit = std::uint64_t{1} << a;
    if ((visited & abit) || adj[a] == 0) continue;
    // Flood the connected component of a; its bond count is half the sum of its degrees.
    std::uint64_t component = abit, frontier = abit;
    while (frontier) {
      std::uint64_t next = 0;
      for (std::uint64_t f = frontier; f; f &= f - 1)
        next |= adj[static_cast<std::size_t>(std::countr_zero(f))];
      frontier = next & ~component;
      component |= next;
    }
    visited |= component;
    int degrees = 0;
    for (std::uint64_t c = component; c; c &= c - 1) {
      degrees += std::popcount(adj[static_cast<std::size_t>(std::countr_zero(c))]);
    }
    best = std::max(best, degrees / 2);
  }
  return best;
}

CnaSignature cna_signature(const std::vector<Vec3>& deltas, std::size_t b, double cutoff2) {
  // Common neighbors: atoms bonded to 0 (in `deltas`) that are also bonded to b. Separations
  // between them come from differences of the vectors from atom 0, so every periodic image is
  // its own atom and the result does not depend on atom indices.
  std::array<std::size_t, 64> common{};
  std::size_t m = 0;
  const Vec3& db = deltas[b];
  for (std::size_t k = 0; k < deltas.size(); ++k) {
    if (k == b || (deltas[k] - db).squaredNorm() > cutoff2) continue;
    if (m == common.size()) {
      throw ComputeError(
          "CNA: expected cna_cutoff near the first minimum of g(r), but a bonded pair has more "
          "than 64 common neighbors (the cutoff reaches far beyond the first coordination "
          "shell)");
    }
    common[m++] = k;
  }
  std::vector<std::uint64_t> adj(m, 0);
  int bonds = 0;
  for (std::size_t p = 0; p < m; ++p) {
    for (std::size_t q = p + 1; q < m; ++q) {
      if ((deltas[common[p]] - deltas[common[q]]).squaredNorm() <= cutoff2) {
        adj[p] |= std::uint64_t{1} << q;
        adj[q] |= std::uint64_t{1} << p;
        ++bonds;
      }
    }
  }
  return {static_cast<int>(m), bonds, largest_bond_cluster(adj)};
}

FiveFoldAnalyzer::FiveFoldAnalyzer(std::string label, FiveFoldParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

namespace {

// The neighbor list is built with this much more than cna_cutoff, so that every pair whose
// separation (computed here, exactly antisymmetric in i and j) is within the cutoff is listed
// on both sides, whatever the rounding of the list's own distance test.
constexpr double kListMargin = 1e-6;  // Å

// Atoms bonded to i (within the cutoff), as separation vectors and list entries, in the neighbor
// list's order.
void bonded_of(const NeighborList& list, std::size_t i, double cutoff, std::vector<Vec3>& deltas,
               std::vector<Neighbor>& who) {
  deltas.clear();
  who.clear();
  const double cutoff2 = cutoff * cutoff;
  for (const Neighbor& n : list.of(i)) {
    const Vec3 d = list.delta(i, n);
    if (d.squaredNorm() > cutoff2) continue;
    deltas.push_back(d);
    who.push_back(n);
  }
}

// Each unordered bond is computed once, by its owner: the lower index, or for a bond between an
// atom and its own periodic image, the side whose image vector is lexicographically positive.
bool owns(std::size_t i, const Neighbor& n) {
  if (n.index != i) return n.index > i;
  return n.image > Image{0, 0, 0};
}

Image negated(const Image& im) {
  return {static_cast<std::int8_t>(-im[0]), static_cast<std::int8_t>(-im[1]),
          static_cast<std::int8_t>(-im[2])};
}

}  // namespace

Needs FiveFoldAnalyzer::needs() const {
  Needs n;
  n.voronoi = params_.options;
  if (params_.cna_cutoff) n.neighbor_cutoff = *params_.cna_cutoff + kListMargin;
  return n;
}

FrameResult FiveFoldAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  const Tessellation& tess = context.voronoi(params_.options);
  const std::size_t n = frame.size();
  FrameResult out;

  std::vector<double> w5(n);
  parallel::for_each_index(n, [&](std::size_t i) { w5[i] = w5_of(tess, i); });

  // Summary, in index order (deterministic).
  auto& s = out.summary;
  s["voronoi"] = describe_voronoi_options(params_.options);
  std::map<int, std::int64_t> type_count, type_above;
  std::map<int, double> type_sum;
  double sum = 0.0;
  std::int64_t above = 0, without_faces = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int t = frame.type[i];
    ++type_count[t];
    type_sum[t] += w5[i];
    sum += w5[i];
    if (tess.coordination[i] == 0) ++without_faces;
    if (params_.w5_cut && w5[i] >= *params_.w5_cut) {
      ++above;
      ++type_above[t];
    }
  }
  s["mean_w5"] = n ? sum / static_cast<double>(n) : 0.0;
  s["atoms_without_faces"] = without_faces;
  if (without_faces > 0) {
    s["warnings"].push_back(
        fmt::format("{} atom(s) have no Voronoi face left after the filters (or an empty radical "
                    "cell); their W5 is 0",
                    without_faces));
  }
  if (params_.w5_cut) {
    s["w5_cut"] = *params_.w5_cut;
    s["fraction_w5_at_least_cut"] = n ? static_cast<double>(above) / static_cast<double>(n) : 0.0;
  }
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [t, count] : type_count) {
    nlohmann::json entry;
    if (const std::string e = context.element_of(t); !e.empty()) entry["element"] = e;
    entry["atoms"] = count;
    entry["mean_w5"] = type_sum[t] / static_cast<double>(count);
    if (params_.w5_cut) {
      entry["fraction_w5_at_least_cut"] =
          static_cast<double>(type_above[t]) / static_cast<double>(count);
    }
    types[std::to_string(t)] = std::move(entry);
  }
  s["types"] = std::move(types);
  out.fields.push_back(
      {"w5", "", "fraction of pentagonal Voronoi faces, n5 / coordination", std::move(w5)});

  if (params_.cna_cutoff) compute_cna(context, out);
  return out;
}

void FiveFoldAnalyzer::compute_cna(const FrameContext& context, FrameResult& out) const {
  const Frame& frame = context.frame();
  const NeighborList& list = context.neighbors();
  const std::size_t n = frame.size();
  const double cutoff = *params_.cna_cutoff;
  const double cutoff2 = cutoff * cutoff;
  const std::uint32_t code1551 = pack_signature(k1551);

  // 1. Bonds each atom owns, and their place in one flat array of signatures.
  std::vector<std::size_t> offsets(n + 1, 0);
  parallel::for_blocks(n, [&](std::size_t b, std::size_t e) {
    std::vector<Vec3> deltas;
    std::vector<Neighbor> who;
    for (std::size_t i = b; i < e; ++i) {
      bonded_of(list, i, cutoff, deltas, who);
      offsets[i + 1] = static_cast<std::size_t>(
          std::count_if(who.begin(), who.end(), [&](const Neighbor& nb) { return owns(i, nb); }));
    }
  });
  for (std::size_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];

  // 2. The signature of every bond, computed once by its owner (in its neighbor-list order).
  std::vector<std::uint32_t> codes(offsets[n]);
  parallel::for_blocks(n, [&](std::size_t b, std::size_t e) {
    std::vector<Vec3> deltas;
    std::vector<Neighbor> who;
    for (std::size_t i = b; i < e; ++i) {
      bonded_of(list, i, cutoff, deltas, who);
      std::size_t slot = offsets[i];
      for (std::size_t k = 0; k < who.size(); ++k) {
        if (owns(i, who[k])) codes[slot++] = pack_signature(cna_signature(deltas, k, cutoff2));
      }
    }
  });

  // 3. Per atom: bonds and 1551 bonds, reading bonds owned by the partner from the partner's
  //    slots (the partner lists (i, -image) at the same distance).
  std::vector<std::int64_t> n1551(n), coordination(n);
  std::vector<double> f5(n);
  parallel::for_blocks(n, [&](std::size_t b, std::size_t e) {
    std::vector<Vec3> deltas, partner_deltas;
    std::vector<Neighbor> who, partner_who;
    for (std::size_t i = b; i < e; ++i) {
      bonded_of(list, i, cutoff, deltas, who);
      std::int64_t count = 0;
      std::size_t slot = offsets[i];
      for (const Neighbor& nb : who) {
        if (owns(i, nb)) {
          count += codes[slot++] == code1551;
          continue;
        }
        const std::size_t j = nb.index;
        const Image back = negated(nb.image);
        bonded_of(list, j, cutoff, partner_deltas, partner_who);
        std::size_t partner_slot = offsets[j];
        bool found = false;
        for (const Neighbor& pn : partner_who) {
          if (!owns(j, pn)) continue;
          if (pn.index == i && pn.image == back) {
            count += codes[partner_slot] == code1551;
            found = true;
            break;
          }
          ++partner_slot;
        }
        if (!found) throw ComputeError("CNA: a bond is missing from its partner's neighbor list");
      }
      n1551[i] = count;
      coordination[i] = static_cast<std::int64_t>(who.size());
      f5[i] = who.empty() ? 0.0 : static_cast<double>(count) / static_cast<double>(who.size());
    }
  });

  // 4. Global signature counts (integer sums: exact for any thread count).
  using Counts = std::map<std::uint32_t, std::int64_t>;
  const Counts counts = parallel::reduce_blocks<Counts>(
      n,
      [&](std::size_t b, std::size_t e) {
        Counts c;
        for (std::size_t k = offsets[b]; k < offsets[e]; ++k) ++c[codes[k]];
        return c;
      },
      [](Counts& a, const Counts& c) {
        for (const auto& [code, v] : c) a[code] += v;
      });
  const auto bonds = static_cast<std::int64_t>(codes.size());
  const auto fraction = [&](std::int64_t c) {
    return bonds ? static_cast<double>(c) / static_cast<double>(bonds) : 0.0;
  };

  nlohmann::json cna;
  cna["cutoff"] = cutoff;
  cna["bonds"] = bonds;
  cna["mean_coordination"] = n ? 2.0 * static_cast<double>(bonds) / static_cast<double>(n) : 0.0;
  nlohmann::json named = nlohmann::json::object();
  for (const std::string& name : named_signatures()) {
    const auto it = counts.find(pack_signature(*signature_of_ha(name)));
    named[name] = fraction(it == counts.end() ? 0 : it->second);
  }
  cna["fractions"] = std::move(named);
  std::vector<std::pair<std::uint32_t, std::int64_t>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  nlohmann::json table = nlohmann::json::array();
  for (const auto& [code, c] : rows) {
    const CnaSignature sig = unpack_signature(code);
    nlohmann::json row;
    row["signature"] = {sig.common, sig.bonds, sig.chain};
    const std::string ha = ha_name(sig);
    row["ha"] = ha.empty() ? nlohmann::json(nullptr) : nlohmann::json(ha);
    row["count"] = c;
    row["fraction"] = fraction(c);
    table.push_back(std::move(row));
  }
  cna["signatures"] = std::move(table);

  std::map<int, std::int64_t> type_count, type_1551, type_cn;
  std::map<int, double> type_f5;
  double f5_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const int t = frame.type[i];
    ++type_count[t];
    type_1551[t] += n1551[i];
    type_cn[t] += coordination[i];
    type_f5[t] += f5[i];
    f5_sum += f5[i];
  }
  cna["mean_f5"] = n ? f5_sum / static_cast<double>(n) : 0.0;
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [t, count] : type_count) {
    nlohmann::json entry;
    if (const std::string e = context.element_of(t); !e.empty()) entry["element"] = e;
    const auto c = static_cast<double>(count);
    entry["mean_coordination"] = static_cast<double>(type_cn[t]) / c;
    entry["mean_n1551"] = static_cast<double>(type_1551[t]) / c;
    entry["mean_f5"] = type_f5[t] / c;
    types[std::to_string(t)] = std::move(entry);
  }
  cna["types"] = std::move(types);
  out.summary["cna"] = std::move(cna);

  out.fields.push_back({"n1551", "", "number of 1551 (five-fold) CNA bonds", std::move(n1551)});
  out.fields.push_back({"cna_coordination", "",
                        "number of atoms within cna_cutoff (periodic images count)",
                        std::move(coordination)});
  out.fields.push_back(
      {"f5", "", "fraction of CNA bonds that are 1551, n1551 / cna_coordination", std::move(f5)});
}

namespace {

std::vector<ParamSpec> five_fold_specs() {
  std::vector<ParamSpec> specs = voronoi_param_specs();
  specs.push_back(ParamSpec("w5_cut", ParamKind::Number, nullptr, "",
                            "report the fraction of atoms (overall and per type) with W5 >= w5_cut")
                      .optional()
                      .at_least(0)
                      .at_most(1));
  specs.push_back(ParamSpec("cna_cutoff", ParamKind::Number, nullptr, "Å",
                            "bond cutoff of the common-neighbor analysis (e.g. the first minimum "
                            "of g(r), ~3.7 Å in CuZr). No default: CNA runs only when given")
                      .optional()
                      .at_least(0));
  return specs;
}

const bool registered = register_analyzer({
    "five_fold",
    "Five-fold local symmetry: per-atom W5 = n5 / coordination from the Voronoi tessellation "
    "(same radii and filters as `voronoi`); with cna_cutoff, common-neighbor analysis: per-atom "
    "1551 bonds and f5 = n1551 / CN, global fractions of 1551, 1541, 1431, 1661, 1441, 1421 and "
    "1422 bonds and of every signature found.",
    five_fold_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      FiveFoldParams params;
      params.options = voronoi_options_from(p, run, label);
      if (p.contains("w5_cut")) params.w5_cut = p["w5_cut"].get<double>();
      if (p.contains("cna_cutoff")) {
        params.cna_cutoff = p["cna_cutoff"].get<double>();
        if (!(*params.cna_cutoff > 0.0)) {
          throw ConfigError(label + ".cna_cutoff", "expected a bond cutoff in Å greater than 0");
        }
      }
      return std::make_unique<FiveFoldAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
