#include "engine/grid_autocorrelation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/correlation_summary.hpp"
#include "engine/errors.hpp"
#include "engine/grid_correlation.hpp"

namespace mgs {

namespace {

using namespace mgs::correlation;

std::vector<ParamSpec> request_specs() {
  return {
      ParamSpec("r_max", ParamKind::Number, 20.0, "Å", "largest separation of C(r)").at_least(1e-6),
      ParamSpec("dr", ParamKind::Number, 0.5, "Å", "shell width of C(r)").at_least(1e-6),
      ParamSpec("fit_from", ParamKind::Number, nullptr, "Å",
                "smallest r of the exponential and Ornstein–Zernike fits of C(r)")
          .optional()
          .at_least(0.0),
      ParamSpec("q_fit_max", ParamKind::Number, nullptr, "Å⁻¹",
                "largest q of the Ornstein–Zernike fit of S(q) (default: iterated to q <= 2/ξ)")
          .optional()
          .at_least(1e-9),
      ParamSpec("structure_factor", ParamKind::Boolean, true, "",
                "also S(q), the radially averaged power spectrum, and its Ornstein–Zernike fit"),
      ParamSpec("frame_average", ParamKind::Boolean, false, "",
                "also the average of C(r) and S(q) over the frames of the run, with its lengths"),
  };
}

std::string grid_of_table(const std::string& table, const std::string& suffix) {
  return table.substr(0, table.size() - suffix.size());
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ParamSpec grid_autocorrelation_spec(const std::string& fit_from_default) {
  return ParamSpec("autocorrelation", ParamKind::Object, nullptr, "",
                   "FFT autocorrelation C(r) = <δf(0)δf(r)>/σ² of every grid field (periodic "
                   "cells; NaN bins left out), its correlation lengths (exponential and "
                   "Ornstein–Zernike fits, integral to the first zero) and the structure factor "
                   "S(q) with an Ornstein–Zernike fit: {\"r_max\": 20, \"dr\": 0.5, "
                   "\"fit_from\": Å (default " +
                       fit_from_default +
                       "), \"q_fit_max\": Å⁻¹, \"structure_factor\": true, \"frame_average\": "
                       "false}")
      .optional();
}

std::optional<GridAutocorrelationRequest> grid_autocorrelation_from(const nlohmann::json& params,
                                                                    const std::string& label) {
  if (!params.contains("autocorrelation") || params["autocorrelation"].is_null()) {
    return std::nullopt;
  }
  const nlohmann::json p =
      validate_params(params["autocorrelation"], request_specs(), label + ".autocorrelation");
  GridAutocorrelationRequest r;
  r.r_max = p["r_max"].get<double>();
  r.dr = p["dr"].get<double>();
  if (r.dr > r.r_max) throw ConfigError(label + ".autocorrelation.dr", "expected dr <= r_max");
  if (r.r_max / r.dr > 1e6) {
    throw ConfigError(label + ".autocorrelation.dr", "expected at most 10^6 shells up to r_max");
  }
  if (p.contains("fit_from") && !p["fit_from"].is_null()) r.fit_from = p["fit_from"].get<double>();
  if (p.contains("q_fit_max") && !p["q_fit_max"].is_null()) {
    r.q_fit_max = p["q_fit_max"].get<double>();
  }
  r.structure_factor = p["structure_factor"].get<bool>();
  r.frame_average = p["frame_average"].get<bool>();
  return r;
}

void add_grid_autocorrelations(const GridAutocorrelationRequest& request, const Box& box,
                               double fit_from, const std::string& rule, const std::string& label,
                               FrameResult& out) {
  const int bins = std::max(1, static_cast<int>(std::lround(request.r_max / request.dr)));
  const double from = request.fit_from.value_or(fit_from);
  nlohmann::json fields = nlohmann::json::object();
  nlohmann::json warnings = nlohmann::json::array();
  std::vector<Table> tables;
  bool r_max_warned = false;
  for (const GridField& grid : out.grids) {
    for (int k = 0; k < 3; ++k) {
      if (grid.dims[static_cast<std::size_t>(k)] > 1 && !box.periodic(k)) {
        throw ComputeError(fmt::format(
            "{}: autocorrelation needs a periodic cell along every binned axis ({} is not)", label,
            "abc"[k]));
      }
    }
    Curve curve;
    std::optional<Spectrum> spectrum;
    try {
      curve = grid_autocorrelation(grid, box.periodic(), request.r_max, bins);
      if (request.structure_factor) spectrum = grid_structure_factor(grid, box.periodic());
    } catch (const std::invalid_argument& e) {
      warnings.push_back(fmt::format("{}: no autocorrelation: {}", grid.name, e.what()));
      continue;
    }
    double thinnest = 0.0;
    for (int k = 0; k < 3; ++k) {
      if (grid.dims[static_cast<std::size_t>(k)] < 2) continue;
      const double w = box.perpendicular_width(k);
      thinnest = thinnest > 0 ? std::min(thinnest, w) : w;
    }
    nlohmann::json entry = {{"lengths", json_lengths(curve, from)}, {"volume", curve.volume}};
    const auto& exponential = entry["lengths"]["exponential"];
    if (exponential.is_object() && exponential["xi"].get<double>() > thinnest / 5) {
      warnings.push_back(fmt::format(
          "{}: ξ = {:.4g} Å from the exponential fit; the cell ({:.4g} Å thin) should exceed ~5ξ",
          grid.name, exponential["xi"].get<double>(), thinnest));
    }
    if (request.r_max > 0.5 * thinnest && !r_max_warned) {
      r_max_warned = true;
      warnings.push_back(fmt::format(
          "r_max = {} Å exceeds half the cell's thinnest width ({:.4g} Å): separations are "
          "minimum images and stop at half the period",
          request.r_max, 0.5 * thinnest));
    }
    tables.push_back(curve_table(grid.name, curve));
    if (spectrum) {
      entry["structure_factor"] = {
          {"dq", spectrum->dq},
          {"ornstein_zernike",
           json_structure_factor_fit(structure_factor_oz_fit(*spectrum, request.q_fit_max))}};
      tables.push_back(spectrum_table(grid.name, *spectrum));
    }
    fields[grid.name] = std::move(entry);
  }
  nlohmann::json s = {{"r_max", request.r_max},
                      {"dr", request.r_max / bins},
                      {"fit_from", from},
                      {"fit_from_rule", request.fit_from ? "given" : rule},
                      {"q_fit_max", request.q_fit_max ? nlohmann::json(*request.q_fit_max)
                                                      : nlohmann::json(nullptr)},
                      {"fields", std::move(fields)}};
  out.summary["autocorrelation"] = std::move(s);
  // Top-level summary warnings are the ones the run reports.
  for (auto& w : warnings) {
    out.summary["warnings"].push_back("autocorrelation: " + w.get<std::string>());
  }
  for (Table& t : tables) out.tables.push_back(std::move(t));
}

void GridAutocorrelationAverage::fold(const FrameResult& result) {
  if (!result.summary.contains("autocorrelation")) return;
  const nlohmann::json& s = result.summary["autocorrelation"];
  for (const Table& t : result.tables) {
    const bool is_curve = ends_with(t.name, "_autocorrelation");
    const bool is_spectrum = ends_with(t.name, "_structure_factor");
    if (!is_curve && !is_spectrum) continue;
    const std::string grid =
        grid_of_table(t.name, is_curve ? "_autocorrelation" : "_structure_factor");
    if (!s["fields"].contains(grid)) continue;
    const nlohmann::json& f = s["fields"][grid];
    // By name: a grid skipped in some frames (constant there) averages over the others.
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.grid == grid; });
    if (it == entries_.end()) it = entries_.insert(entries_.end(), Entry{grid, {}, std::nullopt});
    if (is_curve) {
      it->curve.add(curve_from_table(t, s["dr"].get<double>(), f["volume"].get<double>()));
    } else {
      if (!it->spectrum) it->spectrum.emplace();
      it->spectrum->add(spectrum_from_table(t, f["structure_factor"]["dq"].get<double>()));
    }
  }
  last_ = s;
  ++frames_;
}

void GridAutocorrelationAverage::finish(FrameResult& out) const {
  if (frames_ == 0) return;
  const double from = last_["fit_from"].get<double>();
  nlohmann::json fields = nlohmann::json::object();
  for (const Entry& e : entries_) {
    if (e.curve.frames() == 0) continue;
    const Curve curve = e.curve.result();
    nlohmann::json entry = {{"frames", e.curve.frames()}, {"lengths", json_lengths(curve, from)}};
    Table t = curve_table(e.grid, curve);
    t.name += "_frame_average";
    out.tables.push_back(std::move(t));
    if (e.spectrum) {
      const Spectrum spectrum = e.spectrum->result();
      std::optional<double> q_max;
      if (last_["q_fit_max"].is_number()) q_max = last_["q_fit_max"].get<double>();
      entry["structure_factor"] = {
          {"ornstein_zernike",
           json_structure_factor_fit(structure_factor_oz_fit(spectrum, q_max))}};
      Table st = spectrum_table(e.grid, spectrum);
      st.name += "_frame_average";
      out.tables.push_back(std::move(st));
    }
    fields[e.grid] = std::move(entry);
  }
  out.summary["autocorrelation_frame_average"] = {
      {"frames", frames_}, {"fit_from", from}, {"fields", std::move(fields)}};
}

}  // namespace mgs
