#include "analyzers/correlate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "engine/correlation.hpp"
#include "engine/correlation_summary.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace mgs::analyzers {

namespace {

using namespace mgs::correlation;

// The curves of one table (columns r, g, pairs, then one per field or pair) folded frame by
// frame: C weighted by the shell's pairs.
void fold_table(const Table& t, double dr, double volume, std::vector<CurveAverage>& averages) {
  if (t.data.size() < 3) return;
  if (averages.empty()) averages.resize(t.data.size() - 3);
  if (averages.size() != t.data.size() - 3) {
    throw ComputeError("frame average of C(r): the correlated fields changed between frames");
  }
  for (std::size_t k = 3; k < t.data.size(); ++k) {
    averages[k - 3].add(curve_from_table(
        {t.name, {"r", "C", "pairs"}, {t.data[0], t.data[k], t.data[2]}}, dr, volume));
  }
}

}  // namespace

CorrelateAnalyzer::CorrelateAnalyzer(std::string label, CorrelateParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

FrameResult CorrelateAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  // Every column once, with the JSON path of its first mention for error messages.
  std::map<std::string, std::vector<double>> values;
  auto fetch = [&](const std::string& column,
                   const std::string& path) -> const std::vector<double>& {
    auto it = values.find(column);
    if (it == values.end()) it = values.emplace(column, require_field(context, column, path)).first;
    return it->second;
  };
  const CellList& cells = context.cells();
  auto curve_of = [&](const std::string& a, const std::string& b) {
    try {
      return pair_correlation(cells, frame.pos, values.at(a), values.at(b), params_.r_max,
                              params_.bins);
    } catch (const std::invalid_argument& e) {
      throw ComputeError(fmt::format("{}: {} / {}: {}", label(), a, b, e.what()));
    }
  };

  FrameResult out;
  nlohmann::json s;
  nlohmann::json warnings = nlohmann::json::array();
  double thinnest = frame.box.perpendicular_width(0);
  for (int k = 1; k < 3; ++k) thinnest = std::min(thinnest, frame.box.perpendicular_width(k));
  if (params_.r_max > 0.5 * thinnest) {
    warnings.push_back(fmt::format(
        "r_max = {} Å exceeds half the cell's thinnest width ({} Å): pairs include several "
        "periodic images of an atom",
        params_.r_max, 0.5 * thinnest));
  }

  Table autocorrelation{"autocorrelation", {"r"}, {}};
  Table cross{"cross_correlation", {"r"}, {}};
  std::optional<Curve> pair_counts;  // from the first curve computed
  double fit_from = params_.fit_from.value_or(0.0);
  std::string fit_rule = "given";

  nlohmann::json fields = nlohmann::json::object();
  for (std::size_t k = 0; k < params_.fields.size(); ++k) {
    const std::string& column = params_.fields[k];
    const auto& v = fetch(column, fmt::format("{}.fields[{}]", label(), k));
    const Curve c = curve_of(column, column);
    if (!pair_counts) {
      pair_counts = c;
      if (!params_.fit_from) {
        const auto g = pair_distribution(c, frame.size(), frame.box.volume());
        const auto end = first_shell_end(c.r, g);
        fit_from = end.value_or(0.0);
        fit_rule = end ? "first minimum of g(r) after its main peak"
                       : "no g(r) peak above 1: from the first shell with pairs";
      }
    }
    double mean = 0, sq = 0;
    for (double x : v) mean += x;
    mean /= static_cast<double>(v.size());
    for (double x : v) sq += (x - mean) * (x - mean);
    const auto exponential = exponential_fit(c, fit_from);
    if (exponential && exponential->xi > thinnest / 5) {
      warnings.push_back(fmt::format(
          "{}: ξ = {} Å from the exponential fit; the cell ({} Å thin) should exceed ~5ξ", column,
          exponential->xi, thinnest));
    }
    fields[column] = {{"mean", mean},
                      {"std", std::sqrt(sq / static_cast<double>(v.size()))},
                      {"C", json_curve(c.c)},
                      {"lengths", json_lengths(c, fit_from)}};
    autocorrelation.columns.push_back(column);
    autocorrelation.data.push_back(c.c);
  }

  nlohmann::json pairs = nlohmann::json::array();
  for (std::size_t k = 0; k < params_.pairs.size(); ++k) {
    const auto& [a, b] = params_.pairs[k];
    const auto& va = fetch(a, fmt::format("{}.pairs[{}][0]", label(), k));
    const auto& vb = fetch(b, fmt::format("{}.pairs[{}][1]", label(), k));
    const Curve c = curve_of(a, b);
    if (!pair_counts) pair_counts = c;
    const TopOverlap top = top_overlap(va, vb, params_.top_fraction);
    pairs.push_back({{"a", a},
                     {"b", b},
                     {"pearson", json_number(pearson(va, vb))},
                     {"spearman", json_number(spearman(va, vb))},
                     {"top",
                      {{"fraction", params_.top_fraction},
                       {"size_a", top.size_a},
                       {"size_b", top.size_b},
                       {"intersection", top.intersection},
                       {"jaccard", top.jaccard},
                       {"enrichment", top.enrichment}}},
                     {"C", json_curve(c.c)}});
    cross.columns.push_back(a + "*" + b);
    cross.data.push_back(c.c);
  }

  nlohmann::json flags = nlohmann::json::array();
  for (std::size_t k = 0; k < params_.flags.size(); ++k) {
    const auto& [score, flag] = params_.flags[k];
    const auto& vs = fetch(score, fmt::format("{}.flags[{}][0]", label(), k));
    const auto& vf = fetch(flag, fmt::format("{}.flags[{}][1]", label(), k));
    const auto positives = static_cast<std::size_t>(
        std::count_if(vf.begin(), vf.end(), [](double x) { return x != 0.0; }));
    flags.push_back({{"score", score},
                     {"flag", flag},
                     {"positives", positives},
                     {"negatives", vf.size() - positives},
                     {"roc_auc", json_number(roc_auc(vs, vf))}});
  }

  s["r_max"] = params_.r_max;
  s["bins"] = params_.bins;
  if (pair_counts) {
    const auto g = pair_distribution(*pair_counts, frame.size(), frame.box.volume());
    s["dr"] = pair_counts->dr;
    s["volume"] = pair_counts->volume;
    s["r"] = pair_counts->r;
    s["g"] = g;
    s["fit_from"] = fit_from;
    s["fit_from_rule"] = fit_rule;
    for (Table* t : {&autocorrelation, &cross}) {
      if (t->columns.size() == 1) continue;
      t->columns.insert(t->columns.begin() + 1, {"g", "pairs"});
      t->data.insert(t->data.begin(),
                     std::vector<double>(pair_counts->pairs.begin(), pair_counts->pairs.end()));
      t->data.insert(t->data.begin(), g);
      t->data.insert(t->data.begin(), pair_counts->r);
      out.tables.push_back(std::move(*t));
    }
  }
  s["fields"] = std::move(fields);
  s["pairs"] = std::move(pairs);
  s["flags"] = std::move(flags);
  if (!warnings.empty()) s["warnings"] = std::move(warnings);
  out.summary = std::move(s);
  return out;
}

void CorrelateAnalyzer::consume(const FrameInfo&, FrameResult& result) {
  if (!params_.frame_average || !result.summary.contains("dr")) return;
  const double dr = result.summary["dr"].get<double>();
  const double volume = result.summary["volume"].get<double>();
  for (const Table& t : result.tables) {
    fold_table(t, dr, volume, t.name == "autocorrelation" ? fields_average_ : pairs_average_);
  }
  fit_from_ = result.summary["fit_from"].get<double>();
  ++frames_;
}

std::optional<FrameResult> CorrelateAnalyzer::finish() {
  if (frames_ == 0) return std::nullopt;
  FrameResult out;
  nlohmann::json fields = nlohmann::json::object();
  nlohmann::json pairs = nlohmann::json::array();
  auto table_of = [&](const std::string& name, const std::vector<CurveAverage>& averages,
                      const std::vector<std::string>& columns) {
    if (averages.empty()) return;
    Table t{name + "_frame_average", {"r", "pairs"}, {}};
    for (std::size_t k = 0; k < averages.size(); ++k) {
      const Curve c = averages[k].result();
      if (k == 0) {
        t.data.push_back(c.r);
        t.data.emplace_back(c.pairs.begin(), c.pairs.end());
      }
      t.columns.push_back(columns[k]);
      t.data.push_back(c.c);
    }
    out.tables.push_back(std::move(t));
  };
  std::vector<std::string> pair_names;
  for (const auto& [a, b] : params_.pairs) pair_names.push_back(a + "*" + b);
  table_of("autocorrelation", fields_average_, params_.fields);
  table_of("cross_correlation", pairs_average_, pair_names);
  for (std::size_t k = 0; k < fields_average_.size(); ++k) {
    const Curve c = fields_average_[k].result();
    fields[params_.fields[k]] = {{"C", json_curve(c.c)}, {"lengths", json_lengths(c, fit_from_)}};
  }
  for (std::size_t k = 0; k < pairs_average_.size(); ++k) {
    pairs.push_back({{"a", params_.pairs[k].first},
                     {"b", params_.pairs[k].second},
                     {"C", json_curve(pairs_average_[k].result().c)}});
  }
  out.summary["frame_average"] = {{"frames", frames_},
                                  {"fit_from", fit_from_},
                                  {"fields", std::move(fields)},
                                  {"pairs", std::move(pairs)}};
  return out;
}

namespace {

std::vector<std::pair<std::string, std::string>> column_pairs(const nlohmann::json& list,
                                                              const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const auto& p = list[k];
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_string()) {
      throw ConfigError(fmt::format("{}[{}]", path, k), "expected two column names [a, b]");
    }
    out.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
  }
  return out;
}

std::vector<ParamSpec> correlate_specs() {
  return {
      ParamSpec("fields", ParamKind::Array, nlohmann::json::array(), "",
                "per-atom fields (output columns of earlier analyzers, e.g. five_fold_w5, or "
                "input columns) whose autocorrelation C(r) and correlation lengths to compute"),
      ParamSpec("pairs", ParamKind::Array, nlohmann::json::array(), "",
                "[a, b] column pairs: Pearson, Spearman (average ranks for ties), overlap of the "
                "top_fraction sets (Jaccard, enrichment) and the cross-correlation C_AB(r)"),
      ParamSpec("flags", ParamKind::Array, nlohmann::json::array(), "",
                "[score, flag] column pairs: ROC-AUC of score predicting flag != 0 "
                "(Mann–Whitney, ties count 1/2)"),
      ParamSpec("r_max", ParamKind::Number, 15.0, "Å", "largest pair distance of C(r)")
          .at_least(1e-6),
      ParamSpec("bins", ParamKind::Integer, 60, "", "shells of C(r) between 0 and r_max")
          .at_least(1)
          .at_most(100000),
      ParamSpec("top_fraction", ParamKind::Number, 0.1, "",
                "fraction of atoms with the largest values forming a top set (ties at the "
                "threshold included)")
          .at_least(1e-9)
          .at_most(1.0),
      ParamSpec("fit_from", ParamKind::Number, nullptr, "Å",
                "smallest r of the exponential and Ornstein–Zernike fits (default: the first "
                "minimum of g(r), i.e. beyond the first shell)")
          .optional()
          .at_least(0.0),
      ParamSpec("frame_average", ParamKind::Boolean, false, "",
                "also C(r) and C_AB(r) averaged over the frames of the run (each shell weighted "
                "by its pairs) with the lengths of the averaged curves, at the end"),
  };
}

const bool registered = register_analyzer({
    "correlate",
    "Statistics of per-atom fields: spatial autocorrelation C(r) = <δp(0)δp(r)>/σ² by a direct "
    "pair sum up to r_max, correlation lengths (exponential fit A exp(-r/ξ) beyond the first "
    "shell, integral of C to its first zero, Ornstein–Zernike fit A exp(-r/ξ)/r) with their fit "
    "ranges; for field pairs C_AB(r), Pearson, Spearman, Jaccard and enrichment of the top sets; "
    "ROC-AUC of a field predicting a flag; optionally the curves averaged over the run. Curves go "
    "to the csv_tables output.",
    correlate_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext&) {
      CorrelateParams params;
      for (std::size_t k = 0; k < p["fields"].size(); ++k) {
        const auto& f = p["fields"][k];
        if (!f.is_string()) {
          throw ConfigError(fmt::format("{}.fields[{}]", label, k), "expected a column name");
        }
        params.fields.push_back(f.get<std::string>());
      }
      params.pairs = column_pairs(p["pairs"], label + ".pairs");
      params.flags = column_pairs(p["flags"], label + ".flags");
      params.r_max = p["r_max"].get<double>();
      params.bins = p["bins"].get<int>();
      params.top_fraction = p["top_fraction"].get<double>();
      if (p.contains("fit_from") && !p["fit_from"].is_null()) {
        params.fit_from = p["fit_from"].get<double>();
      }
      params.frame_average = p["frame_average"].get<bool>();
      if (params.fields.empty() && params.pairs.empty() && params.flags.empty()) {
        throw ConfigError(label, "nothing to correlate: give fields, pairs or flags");
      }
      return std::make_unique<CorrelateAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
