#include "analyzers/stz.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "engine/cell_list.hpp"
#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

Selection select_atoms(const std::vector<double>& values, StzSelection mode, double amount) {
  const std::size_t n = values.size();
  Selection s;
  s.selected.assign(n, 0);
  if (n == 0) return s;
  if (mode == StzSelection::TopFraction) {
    const auto k = static_cast<std::size_t>(std::llround(amount * static_cast<double>(n)));
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    const auto larger = [&](std::uint32_t a, std::uint32_t b) {
      return values[a] > values[b] || (values[a] == values[b] && a < b);
    };
    if (k > 0) {
      std::nth_element(order.begin(), order.begin() + static_cast<long>(k - 1), order.end(),
                       larger);
      s.threshold = values[order[k - 1]];
      for (std::size_t r = 0; r < k; ++r) s.selected[order[r]] = 1;
    } else {
      s.threshold = *std::max_element(values.begin(), values.end());
    }
    return s;
  }
  s.threshold = amount;
  if (mode == StzSelection::Sigma) {
    const stats::MeanStd m = stats::mean_std(values);
    s.threshold = m.mean + amount * m.std;
  }
  for (std::size_t i = 0; i < n; ++i) s.selected[i] = values[i] > s.threshold ? 1 : 0;
  return s;
}

namespace {

struct Bond {
  std::uint32_t to;  // index among the selected atoms
  Vec3 delta;        // minimum-image vector to it
};

std::uint32_t find_root(std::vector<std::uint32_t>& parent, std::uint32_t a) {
  while (parent[a] != a) a = parent[a] = parent[parent[a]];
  return a;
}

}  // namespace

std::vector<Cluster> find_clusters(const Frame& frame, const std::vector<char>& selected,
                                   double cutoff) {
  std::vector<std::uint32_t> atoms;  // selected atom indices, ascending
  for (std::size_t i = 0; i < selected.size(); ++i) {
    if (selected[i]) atoms.push_back(static_cast<std::uint32_t>(i));
  }
  const std::size_t m = atoms.size();
  if (m == 0) return {};
  std::vector<Vec3> pos(m);
  for (std::size_t k = 0; k < m; ++k) pos[k] = frame.pos[atoms[k]];
  const CellList cells(frame.box, pos, cutoff);
  // Bonds per selected atom, found in parallel; each list in the cell list's fixed order.
  std::vector<std::vector<Bond>> bonds(m);
  parallel::for_each_index(m, [&](std::size_t k) {
    cells.for_each_within(pos[k], cutoff,
                          [&](std::uint32_t j, const Image& img, const Vec3& d, double) {
                            if (j != k || img[0] != 0 || img[1] != 0 || img[2] != 0)
                              bonds[k].push_back({j, d});
                          });
  });
  std::vector<std::uint32_t> parent(m);
  std::iota(parent.begin(), parent.end(), 0u);
  for (std::uint32_t k = 0; k < m; ++k) {
    for (const Bond& b : bonds[k]) {
      const std::uint32_t ra = find_root(parent, k), rb = find_root(parent, b.to);
      if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);  // root = smallest member
    }
  }
  std::vector<std::vector<std::uint32_t>> members(m);  // by root
  for (std::uint32_t k = 0; k < m; ++k) members[find_root(parent, k)].push_back(k);
  std::vector<Cluster> clusters;
  std::vector<Vec3> unwrapped(m);
  std::vector<char> seen(m, 0);
  const double tolerance = 1e-6 * std::max(1.0, cutoff);
  for (std::uint32_t root = 0; root < m; ++root) {
    if (members[root].empty()) continue;
    Cluster c;
    // Unwrap the cluster by walking its bonds from the root; a bond that closes a loop onto a
    // different image of an atom means the cluster wraps around the cell.
    std::vector<std::uint32_t> queue{root};
    seen[root] = 1;
    unwrapped[root] = pos[root];
    for (std::size_t q = 0; q < queue.size(); ++q) {
      const std::uint32_t k = queue[q];
      for (const Bond& b : bonds[k]) {
        const Vec3 r = unwrapped[k] + b.delta;
        if (!seen[b.to]) {
          seen[b.to] = 1;
          unwrapped[b.to] = r;
          queue.push_back(b.to);
        } else if ((unwrapped[b.to] - r).norm() > tolerance) {
          c.percolating = true;
        }
      }
    }
    Vec3 sum = Vec3::Zero();
    for (std::uint32_t k : members[root]) sum += unwrapped[k];
    const Vec3 center = sum / static_cast<double>(members[root].size());
    double r2 = 0.0;
    for (std::uint32_t k : members[root]) r2 += (unwrapped[k] - center).squaredNorm();
    c.radius_of_gyration = std::sqrt(r2 / static_cast<double>(members[root].size()));
    c.centroid = frame.box.wrap(center);
    for (std::uint32_t k : members[root]) c.atoms.push_back(atoms[k]);
    clusters.push_back(std::move(c));
  }
  std::stable_sort(clusters.begin(), clusters.end(), [](const Cluster& a, const Cluster& b) {
    return a.atoms.size() > b.atoms.size();
  });
  return clusters;
}

StzAnalyzer::StzAnalyzer(std::string label, StzParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

FrameResult StzAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  const auto values = context.field(params_.field);
  if (!values) {
    const auto names = context.field_names();
    throw ConfigError(label() + ".field",
                      fmt::format("no per-atom field \"{}\": expected the output column of an "
                                  "analyzer listed before this one, or an input column{}",
                                  params_.field,
                                  names.empty() ? std::string(" (there are none)")
                                                : fmt::format(" ({})", fmt::join(names, ", "))));
  }
  const Selection sel = select_atoms(*values, params_.selection, params_.amount);
  const std::vector<Cluster> all = find_clusters(frame, sel.selected, params_.cutoff);

  const std::size_t n = frame.size();
  std::vector<std::int64_t> cluster_id(n, 0), selected(n, 0);
  for (std::size_t i = 0; i < n; ++i) selected[i] = sel.selected[i];
  nlohmann::json list = nlohmann::json::array();
  std::map<std::size_t, std::size_t> sizes;
  std::size_t in_clusters = 0;
  for (const Cluster& c : all) {
    if (c.atoms.size() < params_.min_size) break;  // sorted by size
    const auto id = static_cast<std::int64_t>(list.size()) + 1;
    double sum = 0.0, max = -std::numeric_limits<double>::infinity();
    for (std::uint32_t i : c.atoms) {
      cluster_id[i] = id;
      sum += (*values)[i];
      max = std::max(max, (*values)[i]);
    }
    ++sizes[c.atoms.size()];
    in_clusters += c.atoms.size();
    list.push_back({{"id", id},
                    {"size", c.atoms.size()},
                    {"centroid", {c.centroid.x(), c.centroid.y(), c.centroid.z()}},
                    {"radius_of_gyration", c.radius_of_gyration},
                    {"mean_value", sum / static_cast<double>(c.atoms.size())},
                    {"max_value", max},
                    {"percolating", c.percolating}});
  }
  FrameResult out;
  nlohmann::json distribution = nlohmann::json::object();
  for (const auto& [size, count] : sizes) distribution[std::to_string(size)] = count;
  out.summary = {{"field", params_.field},
                 {"threshold", sel.threshold},
                 {"selected", std::count(sel.selected.begin(), sel.selected.end(), 1)},
                 {"clusters", list.size()},
                 {"atoms_in_clusters", in_clusters},
                 {"largest", list.empty() ? 0 : list.front()["size"].get<std::size_t>()},
                 {"size_distribution", std::move(distribution)},
                 {"cluster_list", std::move(list)}};
  out.fields.push_back({"cluster", "",
                        "cluster id (1 = largest); 0 for atoms not in a kept cluster",
                        std::move(cluster_id)});
  out.fields.push_back(
      {"selected", "", "1 where the field passed the selection", std::move(selected)});
  return out;
}

namespace {

std::vector<ParamSpec> stz_specs() {
  return {
      ParamSpec("field", ParamKind::String, "d2min_value", "",
                "per-atom field to select on: an output column of an analyzer listed before "
                "this one (e.g. d2min_value) or an input column (e.g. c_pe)"),
      ParamSpec("top_fraction", ParamKind::Number, nullptr, "",
                "select the fraction f of atoms with the largest values (default 0.05 when no "
                "selection is given)")
          .optional()
          .at_least(0.0)
          .at_most(1.0),
      ParamSpec("sigma", ParamKind::Number, nullptr, "",
                "select values above mean + k·std of the frame (k given here)")
          .optional(),
      ParamSpec("absolute", ParamKind::Number, nullptr, "field unit",
                "select values above this threshold")
          .optional(),
      ParamSpec("cutoff", ParamKind::Number, nullptr, "Å",
                "selected atoms closer than this join one cluster (CuZr: ~3.7 Å, the first "
                "g(r) minimum)")
          .at_least(1e-6),
      ParamSpec("min_size", ParamKind::Integer, 1, "", "clusters smaller than this are dropped")
          .at_least(1),
  };
}

const bool registered = register_analyzer({
    "stz",
    "Shear-transformation-zone clusters: atoms selected by a per-atom field (top fraction, "
    "mean + k·std, or absolute threshold; D²min by default) joined by a distance cutoff into "
    "periodic clusters, with per-atom cluster ids and per-cluster size, centroid, radius of "
    "gyration and mean value.",
    stz_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext&) {
      StzParams params;
      params.field = p["field"].get<std::string>();
      int given = 0;
      for (const auto& [key, mode] : {std::pair{"top_fraction", StzSelection::TopFraction},
                                      std::pair{"sigma", StzSelection::Sigma},
                                      std::pair{"absolute", StzSelection::Absolute}}) {
        if (p.contains(key)) {
          ++given;
          params.selection = mode;
          params.amount = p[key].get<double>();
        }
      }
      if (given > 1) {
        throw ConfigError(label, "expected one selection: top_fraction, sigma or absolute");
      }
      params.cutoff = p["cutoff"].get<double>();
      params.min_size = p["min_size"].get<std::size_t>();
      return std::make_unique<StzAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
