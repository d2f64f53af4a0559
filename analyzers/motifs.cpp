#include "analyzers/motifs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>

#include "analyzers/five_fold.hpp"
#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/voronoi_params.hpp"

namespace mgs::analyzers {

namespace {

constexpr std::int64_t kFullIcosahedronId = 1200;
constexpr std::size_t kOrders = kMaxMotifOrder - 2;

// Decimal place of n_k in the id: n3..n6 take the four lowest digit pairs (the customary index
// reads left to right), n7..n11 the pairs above them.
constexpr std::int64_t place(int k) {
  const int pair = k <= 6 ? 6 - k : k - 3;
  std::int64_t p = 1;
  for (int j = 0; j < pair; ++j) p *= 100;
  return p;
}

}  // namespace

Motif motif_of(const Tessellation& tess, std::size_t atom) {
  Motif m;
  int counted = 0;
  for (int k = 3; k <= kMaxMotifOrder; ++k) {
    m.n[static_cast<std::size_t>(k - 3)] = tess.count(atom, k);
    counted += tess.count(atom, k);
  }
  m.beyond = tess.coordination[atom] - counted;
  return m;
}

std::int64_t motif_id(const Motif& m) {
  if (m.beyond > 0) return kUnencodedMotif;
  std::int64_t id = 0;
  for (int k = 3; k <= kMaxMotifOrder; ++k) {
    const int c = m.n[static_cast<std::size_t>(k - 3)];
    if (c >= 100) return kUnencodedMotif;
    id += c * place(k);
  }
  return id;
}

std::optional<Motif> decode_motif_id(std::int64_t id) {
  if (id < 0) return std::nullopt;
  Motif m;
  for (int k = 3; k <= kMaxMotifOrder; ++k) {
    m.n[static_cast<std::size_t>(k - 3)] = static_cast<int>((id / place(k)) % 100);
  }
  if (id >= 100 * place(kMaxMotifOrder)) return std::nullopt;
  return m;
}

std::string motif_label(const Motif& m) {
  int last = 6;
  for (int k = 7; k <= kMaxMotifOrder; ++k) {
    if (m.n[static_cast<std::size_t>(k - 3)] > 0) last = k;
  }
  std::string s = "<";
  for (int k = 3; k <= last; ++k) {
    if (k > 3) s += ',';
    s += std::to_string(m.n[static_cast<std::size_t>(k - 3)]);
  }
  s += '>';
  if (m.beyond > 0) s += fmt::format("+{}", m.beyond);  // faces with more than 11 edges
  return s;
}

std::optional<Motif> parse_motif(const nlohmann::json& value) {
  std::vector<long long> counts;
  if (value.is_array()) {
    for (const auto& v : value) {
      if (!v.is_number_integer() || v.get<long long>() < 0) return std::nullopt;
      counts.push_back(v.get<long long>());
    }
  } else if (value.is_string()) {
    std::string s;
    for (char c : value.get<std::string>()) {
      if (!std::isspace(static_cast<unsigned char>(c))) s += c;
    }
    if (s.size() < 2 || s.front() != '<' || s.back() != '>') return std::nullopt;
    std::size_t pos = 1;
    while (pos < s.size()) {
      const std::size_t end = s.find_first_of(",>", pos);
      const std::string digits = s.substr(pos, end - pos);
      if (digits.empty() || digits.size() > 3 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      counts.push_back(std::stoll(digits));
      pos = end + 1;
    }
  } else {
    return std::nullopt;
  }
  if (counts.size() < 4 || counts.size() > kOrders) return std::nullopt;
  Motif m;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] >= 100) return std::nullopt;
    m.n[k] = static_cast<int>(counts[k]);
  }
  return m;
}

namespace {

// Union-find over the FI centers, by rank in the list of centers.
class Clusters {
 public:
  explicit Clusters(std::size_t n) : parent_(n), size_(n, 1) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  }
  std::size_t root(std::size_t a) {
    while (parent_[a] != a) a = parent_[a] = parent_[parent_[a]];
    return a;
  }
  void join(std::size_t a, std::size_t b) {
    a = root(a);
    b = root(b);
    if (a == b) return;
    if (size_[a] < size_[b]) std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
  }
  std::size_t size_of(std::size_t a) { return size_[root(a)]; }

 private:
  std::vector<std::size_t> parent_, size_;
};

}  // namespace

FiConnectivity fi_connectivity(const Tessellation& tess, const std::vector<std::int64_t>& is_fi) {
  const std::size_t n = tess.size();
  if (tess.face_offsets.size() != n + 1) {
    throw std::logic_error("FI connectivity needs a tessellation that keeps its faces");
  }
  FiConnectivity r;
  std::vector<std::size_t> centers;
  std::vector<std::int64_t> rank(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    if (is_fi[i]) {
      rank[i] = static_cast<std::int64_t>(centers.size());
      centers.push_back(i);
    }
  }
  r.centers = static_cast<std::int64_t>(centers.size());

  // The cluster of a center: itself and its neighbors, each atom once (in a small periodic box
  // an atom can be a neighbor through two images, or the center's own image).
  const auto cluster_of = [&](std::size_t c) {
    std::vector<std::size_t> atoms{c};
    for (std::size_t f = tess.face_offsets[c]; f < tess.face_offsets[c + 1]; ++f) {
      atoms.push_back(tess.faces[f].neighbor);
    }
    std::sort(atoms.begin(), atoms.end());
    atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
    return atoms;
  };
  // How many FI clusters hold each atom; a center is connected when an atom of its own
  // cluster is held by another one too.
  std::vector<std::uint32_t> held(n, 0);
  for (std::size_t c : centers) {
    for (std::size_t a : cluster_of(c)) ++held[a];
  }
  Clusters clusters(centers.size());
  for (std::size_t c : centers) {
    const auto atoms = cluster_of(c);
    r.connected +=
        std::any_of(atoms.begin(), atoms.end(), [&](std::size_t a) { return held[a] > 1; });
    for (std::size_t a : atoms) {
      if (a != c && rank[a] >= 0) {
        clusters.join(static_cast<std::size_t>(rank[c]), static_cast<std::size_t>(rank[a]));
      }
    }
  }
  for (std::size_t k = 0; k < centers.size(); ++k) {
    const auto size = static_cast<std::int64_t>(clusters.size_of(k));
    r.clusters += clusters.root(k) == k;
    r.interpenetrating += size > 1;
    r.largest_cluster = std::max(r.largest_cluster, size);
  }
  return r;
}

std::vector<std::int64_t> lowest_w5_flags(const std::vector<double>& w5,
                                          const std::vector<std::int64_t>& ids, std::size_t k) {
  std::vector<std::int64_t> flags(w5.size(), 0);
  k = std::min(k, w5.size());
  std::vector<std::size_t> order(w5.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // A strict total order (ids are unique), so the selected set does not depend on anything else.
  const auto lower = [&](std::size_t a, std::size_t b) {
    return w5[a] != w5[b] ? w5[a] < w5[b] : ids[a] < ids[b];
  };
  std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                   lower);
  for (std::size_t j = 0; j < k; ++j) flags[order[j]] = 1;
  return flags;
}

MotifsAnalyzer::MotifsAnalyzer(std::string label, MotifsParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {
  params_.options.store_faces = true;
  const auto ids = [](const std::vector<Motif>& list) {
    std::vector<std::int64_t> out;
    for (const Motif& m : list) out.push_back(motif_id(m));
    std::sort(out.begin(), out.end());
    return out;
  };
  icosahedral_ids_ = ids(params_.icosahedral_like);
  favored_ids_ = ids(params_.favored);
}

Needs MotifsAnalyzer::needs() const {
  Needs n;
  n.voronoi = params_.options;
  return n;
}

namespace {

bool listed(const std::vector<std::int64_t>& sorted_ids, std::int64_t id) {
  return id != kUnencodedMotif && std::binary_search(sorted_ids.begin(), sorted_ids.end(), id);
}

double ratio(std::int64_t a, std::int64_t b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

// Per-species (or overall) tallies for the summary.
struct Tally {
  std::int64_t atoms = 0, fi = 0, icosahedral = 0, gum = 0, higher = 0;
  std::map<Motif, std::int64_t> counts;
};

// The `top` most frequent motifs, ties in motif order.
nlohmann::json top_table(const Tally& t, int top) {
  std::vector<std::pair<Motif, std::int64_t>> rows(t.counts.begin(), t.counts.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t k = 0; k < rows.size() && k < static_cast<std::size_t>(top); ++k) {
    out.push_back({{"index", motif_label(rows[k].first)},
                   {"motif_id", motif_id(rows[k].first)},
                   {"count", rows[k].second},
                   {"fraction", ratio(rows[k].second, t.atoms)}});
  }
  return out;
}

nlohmann::json describe_tally(const Tally& t, int top) {
  return {{"atoms", t.atoms},
          {"full_icosahedron_fraction", ratio(t.fi, t.atoms)},
          {"icosahedral_like_fraction", ratio(t.icosahedral, t.atoms)},
          {"gum_fraction", ratio(t.gum, t.atoms)},
          {"higher_order_fraction", ratio(t.higher, t.atoms)},
          {"top_indices", top_table(t, top)}};
}

nlohmann::json labels(const std::vector<Motif>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const Motif& m : list) out.push_back(motif_label(m));
  return out;
}

}  // namespace

FrameResult MotifsAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  const Tessellation& tess = context.voronoi(params_.options);
  const std::size_t n = frame.size();

  std::vector<Motif> motifs(n);
  std::vector<std::int64_t> ids(n), fi(n), icosahedral(n), gum(n);
  std::vector<std::string> text(n);
  std::vector<double> w5(n);
  parallel::for_each_index(n, [&](std::size_t i) {
    motifs[i] = motif_of(tess, i);
    ids[i] = motif_id(motifs[i]);
    text[i] = motif_label(motifs[i]);
    fi[i] = ids[i] == kFullIcosahedronId;
    icosahedral[i] = listed(icosahedral_ids_, ids[i]);
    w5[i] = w5_of(tess, i);
    if (params_.gum_rule == GumRule::NotFavored) gum[i] = !listed(favored_ids_, ids[i]);
  });
  // Exactly round(fraction x N) atoms, so the GUM set has a known size in every frame.
  const auto k =
      static_cast<std::size_t>(std::llround(params_.gum_fraction * static_cast<double>(n)));
  if (params_.gum_rule == GumRule::LowestW5) gum = lowest_w5_flags(w5, frame.id, k);

  // Summary, in atom order (deterministic).
  std::map<int, Tally> per_type;
  Tally all;
  std::int64_t unencoded = 0;
  double gum_w5_max = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const bool higher =
        std::any_of(motifs[i].n.begin() + 4, motifs[i].n.end(), [](int c) { return c > 0; }) ||
        motifs[i].beyond > 0;
    for (Tally* t : {&per_type[frame.type[i]], &all}) {
      ++t->atoms;
      t->fi += fi[i];
      t->icosahedral += icosahedral[i];
      t->gum += gum[i];
      t->higher += higher;
      ++t->counts[motifs[i]];
    }
    unencoded += ids[i] == kUnencodedMotif;
    if (gum[i]) gum_w5_max = std::max(gum_w5_max, w5[i]);
  }
  FrameResult out;
  auto& s = out.summary;
  s["voronoi"] = describe_voronoi_options(params_.options);
  s["icosahedral_like"] = labels(params_.icosahedral_like);
  nlohmann::json g;
  if (params_.gum_rule == GumRule::LowestW5) {
    g["rule"] = "lowest_w5";
    g["requested_fraction"] = params_.gum_fraction;  // the parameter; "gum_fraction" is the result
    g["w5_at_most"] = gum_w5_max;                    // the largest W5 among the GUMs
  } else {
    g["rule"] = "not_favored";
    g["favored"] = labels(params_.favored);
  }
  g["atoms"] = all.gum;
  s["gum"] = std::move(g);
  nlohmann::json overall = describe_tally(all, params_.top);
  for (const auto& [key, value] : overall.items()) s[key] = value;
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [t, tally] : per_type) {
    nlohmann::json entry = describe_tally(tally, params_.top);
    if (const std::string e = context.element_of(t); !e.empty()) entry["element"] = e;
    types[std::to_string(t)] = std::move(entry);
  }
  s["types"] = std::move(types);
  s["unencoded_atoms"] = unencoded;
  if (unencoded > 0) {
    s["warnings"].push_back(fmt::format(
        "{} atom(s) have a Voronoi index that motif_id cannot hold (a count >= 100 or a face "
        "with more than {} edges); their motif_id is -1",
        unencoded, kMaxMotifOrder));
  }
  const FiConnectivity c = fi_connectivity(tess, fi);
  s["fi_connectivity"] = {{"centers", c.centers},
                          {"connected_fraction", ratio(c.connected, c.centers)},
                          {"interpenetrating_fraction", ratio(c.interpenetrating, c.centers)},
                          {"clusters", c.clusters},
                          {"largest_cluster", c.largest_cluster}};

  out.fields.push_back({"motif_id", "",
                        "Voronoi index as n3*10^6 + n4*10^4 + n5*10^2 + n6 (+ n7*10^8 ... "
                        "n11*10^16); -1 if it does not fit",
                        std::move(ids)});
  out.fields.push_back({"motif", "",
                        "Voronoi index <n3,n4,n5,n6[,n7...]> (text: csv and json only)",
                        std::move(text)});
  out.fields.push_back({"full_icosahedron", "", "1 for a <0,0,12,0> center", std::move(fi)});
  out.fields.push_back(
      {"icosahedral_like", "", "1 when the index is in icosahedral_like", std::move(icosahedral)});
  out.fields.push_back(
      {"gum", "", "1 for a geometrically unfavored motif (gum_rule)", std::move(gum)});
  return out;
}

namespace {

const std::vector<std::string> kDefaultIcosahedral{"<0,0,12,0>", "<0,1,10,2>", "<0,2,8,2>",
                                                   "<0,2,8,1>"};

std::vector<Motif> parse_list(const nlohmann::json& list, const std::string& path) {
  std::vector<Motif> out;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const auto m = parse_motif(list[k]);
    if (!m) {
      throw ConfigError(fmt::format("{}[{}]", path, k),
                        fmt::format("expected a Voronoi index such as \"<0,2,8,2>\" or [0,2,8,2] "
                                    "(counts of faces with 3, 4, 5, 6, ... up to {} edges, each "
                                    "below 100), got {}",
                                    kMaxMotifOrder, list[k].dump()));
    }
    if (std::find(out.begin(), out.end(), *m) == out.end()) out.push_back(*m);
  }
  return out;
}

std::vector<ParamSpec> motifs_specs() {
  std::vector<ParamSpec> specs = voronoi_param_specs();
  specs.push_back(ParamSpec("top", ParamKind::Integer, 10, "",
                            "most frequent indices listed per center type (and overall)")
                      .at_least(0));
  specs.push_back(ParamSpec("icosahedral_like", ParamKind::Array, kDefaultIcosahedral, "",
                            "indices flagged icosahedral_like: \"<0,1,10,2>\" or [0,1,10,2]"));
  specs.push_back(ParamSpec("gum_rule", ParamKind::String, "lowest_w5", "",
                            "lowest_w5: the gum_fraction of atoms with the lowest W5 = n5 / CN "
                            "(ties: lower atom id first); not_favored: every index not in "
                            "`favored`")
                      .one_of({"lowest_w5", "not_favored"}));
  specs.push_back(ParamSpec("gum_fraction", ParamKind::Number, nullptr, "",
                            "lowest_w5 only: fraction of the frame's atoms that are GUMs "
                            "(round(fraction x N) atoms); default 0.1")
                      .optional()
                      .at_least(0)
                      .at_most(1));
  specs.push_back(ParamSpec("favored", ParamKind::Array, nullptr, "",
                            "not_favored only: the favored indices; default the icosahedral_like "
                            "list")
                      .optional());
  return specs;
}

const bool registered = register_analyzer({
    "motifs",
    "Polyhedral motifs: per-atom Voronoi index as motif_id (n3*10^6 + n4*10^4 + n5*10^2 + n6) and "
    "motif label, flags full_icosahedron, icosahedral_like and gum (geometrically unfavored, by "
    "gum_rule); per center type the most frequent indices with fractions; connectivity of full "
    "icosahedra (shared atoms, interpenetrating clusters). Same radii and filters as `voronoi`.",
    motifs_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      MotifsParams params;
      params.options = voronoi_options_from(p, run, label);
      params.top = p["top"].get<int>();
      params.icosahedral_like = parse_list(p["icosahedral_like"], label + ".icosahedral_like");
      if (p["gum_rule"] == "lowest_w5") {
        params.gum_rule = GumRule::LowestW5;
        if (p.contains("favored")) {
          throw ConfigError(label + ".favored",
                            "only used with gum_rule \"not_favored\" (gum_rule is \"lowest_w5\")");
        }
        if (p.contains("gum_fraction")) params.gum_fraction = p["gum_fraction"].get<double>();
      } else {
        params.gum_rule = GumRule::NotFavored;
        if (p.contains("gum_fraction")) {
          throw ConfigError(label + ".gum_fraction",
                            "only used with gum_rule \"lowest_w5\" (gum_rule is \"not_favored\")");
        }
        params.favored = p.contains("favored") ? parse_list(p["favored"], label + ".favored")
                                               : params.icosahedral_like;
      }
      return std::make_unique<MotifsAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
