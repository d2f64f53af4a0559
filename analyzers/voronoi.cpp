#include "analyzers/voronoi.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/voronoi_params.hpp"

namespace mgs::analyzers {

VoronoiIndex voronoi_index(const Tessellation& tess, std::size_t atom) {
  VoronoiIndex idx{};
  for (int k = 3; k < 11; ++k) idx[static_cast<std::size_t>(k - 3)] = static_cast<std::uint16_t>(tess.count(atom, k));
  return idx;
}

std::string index_string(const VoronoiIndex& index, int max_order) {
  std::string s = "<";
  for (int k = 3; k <= max_order; ++k) {
    if (k > 3) s += ",";
    s += std::to_string(index[static_cast<std::size_t>(k - 3)]);
  }
  return s + ">";
}

bool is_full_icosahedron(const Tessellation& tess, std::size_t atom) {
  return tess.coordination[atom] == 12 && tess.count(atom, 5) == 12;
}

VoronoiAnalyzer::VoronoiAnalyzer(std::string label, VoronoiParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

Needs VoronoiAnalyzer::needs() const {
  Needs n;
  n.voronoi = params_.options;
  return n;
}

namespace {

std::uint64_t pack(const VoronoiIndex& idx) {
  std::uint64_t key = 0;
  for (auto v : idx) key = (key << 8) | std::min<std::uint16_t>(v, 255);
  return key;
}

nlohmann::json index_table(const std::unordered_map<std::uint64_t, std::pair<VoronoiIndex, std::int64_t>>& counts,
                           std::int64_t total, int top) {
  std::vector<std::pair<VoronoiIndex, std::int64_t>> rows;
  for (const auto& [key, v] : counts) rows.push_back(v);
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t k = 0; k < rows.size() && k < static_cast<std::size_t>(top); ++k) {
    out.push_back({{"index", index_string(rows[k].first)},
                   {"count", rows[k].second},
                   {"fraction", total ? static_cast<double>(rows[k].second) / static_cast<double>(total) : 0.0}});
  }
  return out;
}

}  // namespace

FrameResult VoronoiAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  const Tessellation& tess = context.voronoi(params_.options);
  const std::size_t n = frame.size();
  FrameResult out;
  std::vector<double> volume(tess.volume);
  std::vector<std::int64_t> coordination(n), max_order(n);
  std::vector<std::vector<std::int64_t>> orders(static_cast<std::size_t>(params_.max_order - 2),
                                                std::vector<std::int64_t>(n));
  parallel::for_each_index(n, [&](std::size_t i) {
    coordination[i] = tess.coordination[i];
    max_order[i] = tess.max_face_order[i];
    for (int k = 3; k <= params_.max_order; ++k) orders[static_cast<std::size_t>(k - 3)][i] = tess.count(i, k);
  });
  out.fields.push_back({"volume", "Å^3", "Voronoi cell volume", std::move(volume)});
  out.fields.push_back({"coordination", "", "number of Voronoi faces kept by the filters",
                        std::move(coordination)});
  for (int k = 3; k <= params_.max_order; ++k) {
    out.fields.push_back({fmt::format("n{}", k), "", fmt::format("number of faces with {} edges", k),
                          std::move(orders[static_cast<std::size_t>(k - 3)])});
  }
  out.fields.push_back({"max_face_order", "", "largest number of edges of any face", std::move(max_order)});

  // Summary: volume check, filter counts and index statistics per center type.
  const double vsum = parallel::sum(n, [&](std::size_t i) { return tess.volume[i]; });
  const double box_volume = frame.box.volume();
  auto& s = out.summary;
  s["volume_sum"] = vsum;
  s["box_volume"] = box_volume;
  if (frame.box.fully_periodic()) s["volume_sum_relative_error"] = (vsum - box_volume) / box_volume;
  s["dropped_faces"] = tess.dropped_faces;
  s["dropped_edges"] = tess.dropped_edges;
  s["empty_cells"] = tess.empty_cells;
  if (tess.empty_cells > 0) {
    s["warnings"].push_back(fmt::format(
        "{} radical cell(s) are empty (small atoms engulfed by the radii of their neighbors); "
        "their volume and coordination are 0",
        tess.empty_cells));
  }
  std::map<int, std::unordered_map<std::uint64_t, std::pair<VoronoiIndex, std::int64_t>>> per_type;
  std::unordered_map<std::uint64_t, std::pair<VoronoiIndex, std::int64_t>> all;
  std::map<int, std::int64_t> type_count, type_ico;
  std::map<int, double> type_volume;
  for (std::size_t i = 0; i < n; ++i) {
    const VoronoiIndex idx = voronoi_index(tess, i);
    const std::uint64_t key = pack(idx);
    auto& e = per_type[frame.type[i]][key];
    e.first = idx;
    ++e.second;
    auto& a = all[key];
    a.first = idx;
    ++a.second;
    ++type_count[frame.type[i]];
    type_volume[frame.type[i]] += tess.volume[i];
    if (is_full_icosahedron(tess, i)) ++type_ico[frame.type[i]];
  }
  std::int64_t ico_total = 0;
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [t, count] : type_count) {
    const auto ut = static_cast<std::size_t>(t);
    nlohmann::json entry;
    if (ut < frame.type_names.size() && !frame.type_names[ut].empty()) entry["element"] = frame.type_names[ut];
    else if (ut < context.types().size() && !context.types()[ut].element.empty()) entry["element"] = context.types()[ut].element;
    entry["atoms"] = count;
    entry["mean_volume"] = type_volume[t] / static_cast<double>(count);
    entry["full_icosahedron_fraction"] = static_cast<double>(type_ico[t]) / static_cast<double>(count);
    entry["top_indices"] = index_table(per_type[t], count, params_.top);
    types[std::to_string(t)] = std::move(entry);
    ico_total += type_ico[t];
  }
  s["types"] = std::move(types);
  s["full_icosahedron_fraction"] = n ? static_cast<double>(ico_total) / static_cast<double>(n) : 0.0;
  s["top_indices"] = index_table(all, static_cast<std::int64_t>(n), params_.top);
  return out;
}

namespace {

std::vector<ParamSpec> voronoi_analyzer_specs() {
  auto specs = voronoi_param_specs();
  specs.push_back(ParamSpec("max_order", ParamKind::Integer, 6, "", "write n3 .. n<max_order> columns")
                      .at_least(6)
                      .at_most(10));
  specs.push_back(ParamSpec("top", ParamKind::Integer, 20, "",
                            "most frequent indices listed per type in the summary")
                      .at_least(0));
  return specs;
}

const bool registered = register_analyzer({
    "voronoi",
    "Voronoi (or radical Voronoi) tessellation: per-atom volume, coordination, face-order index "
    "and maximum face order; index statistics per center type.",
    voronoi_analyzer_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      VoronoiParams params;
      params.options = voronoi_options_from(p, run, label);
      params.max_order = p["max_order"].get<int>();
      params.top = p["top"].get<int>();
      return std::make_unique<VoronoiAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
