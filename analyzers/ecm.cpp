#include "analyzers/ecm.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/displacement.hpp"
#include "engine/ecm.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Data that compute() hands to consume(), which removes it (writers skip "_" fields).
constexpr const char* kMap = "_ecm_map";
constexpr const char* kCarry[3] = {"_ecm_x", "_ecm_y", "_ecm_z"};
constexpr const char* kBin = "_ecm_bin";
constexpr const char* kId = "_ecm_id";

nlohmann::json geometry_json(const GridField& g) {
  nlohmann::json step = nlohmann::json::array();
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) step.push_back(g.step(r, c));
  }
  return {{"name", g.name},
          {"unit", g.unit},
          {"dims", g.dims},
          {"binned", g.binned},
          {"origin", {g.origin[0], g.origin[1], g.origin[2]}},
          {"step", step},
          {"axis_names", g.axis_names}};
}

GridField geometry_from(const nlohmann::json& j) {
  GridField g;
  g.name = j["name"].get<std::string>();
  g.unit = j["unit"].get<std::string>();
  g.dims = j["dims"].get<std::array<int, 3>>();
  g.binned = j["binned"].get<std::array<bool, 3>>();
  g.axis_names = j["axis_names"].get<std::array<std::string, 3>>();
  for (int k = 0; k < 3; ++k) g.origin[k] = j["origin"][static_cast<std::size_t>(k)].get<double>();
  for (int k = 0; k < 9; ++k) {
    g.step(k / 3, k % 3) = j["step"][static_cast<std::size_t>(k)].get<double>();
  }
  return g;
}

const PerAtomField& carried(const FrameResult& r, const std::string& name) {
  for (const auto& f : r.fields) {
    if (f.name == name) return f;
  }
  throw std::logic_error("ecm: missing carried field " + name);
}

GridField like(const GridField& geometry, std::string name, std::string unit, std::string doc,
               std::vector<double> values) {
  GridField g = geometry;
  g.name = std::move(name);
  g.unit = std::move(unit);
  g.doc = std::move(doc);
  g.values = std::move(values);
  return g;
}

double median_of(const std::vector<double>& v, const std::vector<ecm::FitStatus>& status) {
  std::vector<double> ok;
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (status[k] == ecm::FitStatus::Ok && std::isfinite(v[k])) ok.push_back(v[k]);
  }
  return ok.empty() ? kNaN : stats::quantile(ok, 0.5);
}

// A converged fit is kept only when it describes a decay seen in the window: τ inside the window
// and β away from the bounds of its range (0, 2). A curve that is flat in the window (a glass far
// below T_g) or that decays before the first lag fits with τ → 0 or β → 0, which means nothing.
constexpr double kBetaMin = 0.1, kBetaMax = 1.95;
bool credible(double tau, double beta, double t_from, double t_to) {
  return std::isfinite(tau) && tau >= t_from && tau <= t_to && beta >= kBetaMin && beta <= kBetaMax;
}

nlohmann::json fit_json(const ecm::KwwFit& f) {
  return {{"tau", f.tau},
          {"beta", f.beta},
          {"amplitude", f.amplitude},
          {"r_squared", f.r_squared},
          {"rms_residual", f.rms_residual},
          {"window", {f.t_from, f.t_to}},
          {"converged", f.converged},
          {"tau_beyond_window", f.tau_beyond_window},
          {"credible", f.converged && credible(f.tau, f.beta, f.t_from, f.t_to)}};
}

}  // namespace

EcmAnalyzer::EcmAnalyzer(std::string label, EcmParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

FrameResult EcmAnalyzer::compute(const FrameContext& context) const {
  FrameResult out;
  if (params_.map) {
    const GridField* g = context.grid(*params_.map);
    if (!g) {
      throw ConfigError(label() + ".map",
                        fmt::format("no grid \"{}\" from an analyzer listed before this one (there "
                                    "are: {})",
                                    *params_.map, fmt::join(context.grid_names(), ", ")));
    }
    out.fields.push_back({kMap, g->unit, "", g->values});
    out.summary["_ecm_geometry"] = geometry_json(*g);
    return out;
  }
  const Frame& f = context.frame();
  const bool images = f.has_image;
  for (int a = 0; a < 3; ++a) {
    std::vector<double> c(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) c[i] = images ? f.unwrapped(i)[a] : f.pos[i][a];
    out.fields.push_back({kCarry[a], "Å", "", std::move(c)});
  }
  out.fields.push_back({kId, "", "", f.id});
  Grid grid;
  try {
    grid = params_.grid.make(f.box);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(label(), e.what());
  }
  const std::vector<std::size_t> bins = assign_bins(grid, f.pos);
  std::vector<std::int64_t> b(bins.size());
  for (std::size_t i = 0; i < bins.size(); ++i) {
    b[i] = bins[i] == kNoBin ? -1 : static_cast<std::int64_t>(bins[i]);
  }
  out.fields.push_back({kBin, "", "", std::move(b)});
  nlohmann::json cell = nlohmann::json::array();
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) cell.push_back(f.box.cell()(r, c));
  }
  out.summary["_ecm_cell"] = cell;
  out.summary["_ecm_images"] = images;
  out.summary["_ecm_geometry"] =
      geometry_json(grid_field(grid, params_.grid.binned, "bins", "", ""));
  return out;
}

void EcmAnalyzer::consume(const FrameInfo& info, FrameResult& result) {
  timesteps_.push_back(info.timestep);
  const GridField geometry = geometry_from(result.summary["_ecm_geometry"]);
  if (params_.map) {
    const auto& v = std::get<std::vector<double>>(carried(result, kMap).values);
    if (!geometry_) {
      geometry_ = geometry;
    } else if (geometry.dims != geometry_->dims) {
      throw ComputeError(fmt::format(
          "frame {} (timestep {}): the grid {} has {} bins, the first frame's {}: ECM needs the "
          "same pixels in every frame",
          info.index, info.timestep, *params_.map, fmt::join(geometry.dims, " x "),
          fmt::join(geometry_->dims, " x ")));
    }
    stack_.insert(stack_.end(), v.begin(), v.end());
  } else {
    const auto& id = std::get<std::vector<std::int64_t>>(carried(result, kId).values);
    const std::size_t n = id.size();
    std::vector<Vec3> r(n);
    for (int a = 0; a < 3; ++a) {
      const auto& c = std::get<std::vector<double>>(carried(result, kCarry[a]).values);
      for (std::size_t i = 0; i < n; ++i) r[i][a] = c[i];
    }
    Mat3 h;
    for (int k = 0; k < 9; ++k) {
      h(k / 3, k % 3) = result.summary["_ecm_cell"][static_cast<std::size_t>(k)].get<double>();
    }
    if (positions_.empty()) {
      ids_ = id;
      const auto& b = std::get<std::vector<std::int64_t>>(carried(result, kBin).values);
      bins_.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        bins_[i] = b[i] < 0 ? kNoBin : static_cast<std::size_t>(b[i]);
      }
      bin_geometry_ = geometry;
      images_ = result.summary["_ecm_images"].get<bool>();
    } else {
      if (id != ids_) {
        throw ComputeError(fmt::format(
            "frame {} (timestep {}) has other atoms than the first frame: F_s follows the same "
            "atoms through the run",
            info.index, info.timestep));
      }
      if (!images_) {
        // Minimum-image stepping from the previous frame (atoms move less than half a cell).
        step_unwrap(h, positions_.back(), r);
      }
    }
    positions_.push_back(std::move(r));
  }
  std::erase_if(result.fields, [](const PerAtomField& f) { return f.is_private(); });
  for (const char* key : {"_ecm_geometry", "_ecm_cell", "_ecm_images"}) result.summary.erase(key);
}

std::pair<double, std::string> EcmAnalyzer::frame_time() const {
  if (timesteps_.size() < 2) return {1.0, "frames"};
  const std::int64_t d = timesteps_[1] - timesteps_[0];
  for (std::size_t k = 1; k < timesteps_.size(); ++k) {
    if (timesteps_[k] - timesteps_[k - 1] != d || d <= 0) return {1.0, "frames"};
  }
  if (params_.timestep > 0.0) return {static_cast<double>(d) * params_.timestep, "ps"};
  return {static_cast<double>(d), "timesteps"};
}

std::optional<FrameResult> EcmAnalyzer::finish() {
  const std::size_t frames = timesteps_.size();
  const int lag_to = params_.lag_to > 0 ? params_.lag_to : static_cast<int>(frames / 4);
  if (frames < 8 || lag_to >= static_cast<int>(frames) || lag_to < params_.lag_from + 3) {
    throw ComputeError(fmt::format(
        "{}: {} frames with the fit window of lags {}..{}: ECM needs at least 8 frames and 4 "
        "lags in the window, below the number of frames (and the run should span many τ)",
        label(), frames, params_.lag_from, lag_to));
  }
  return params_.map ? finish_map(lag_to) : finish_q(lag_to);
}

std::optional<FrameResult> EcmAnalyzer::finish_map(int lag_to) {
  const std::size_t frames = timesteps_.size();
  const std::size_t pixels = stack_.size() / frames;
  const auto [dt, unit] = frame_time();
  ecm::KwwMaps maps = ecm::fit_g2_stack(stack_, pixels, params_.lag_from, lag_to, dt);
  std::size_t ok = 0, failed = 0, outside = 0;
  for (std::size_t p = 0; p < pixels; ++p) {
    if (maps.status[p] == ecm::FitStatus::Ok &&
        !credible(maps.tau[p], maps.beta[p], params_.lag_from * dt, lag_to * dt)) {
      maps.status[p] = ecm::FitStatus::TauBeyondWindow;
    }
    ok += maps.status[p] == ecm::FitStatus::Ok;
    failed += maps.status[p] == ecm::FitStatus::Failed;
    outside += maps.status[p] == ecm::FitStatus::TauBeyondWindow;
    if (maps.status[p] != ecm::FitStatus::Ok) {
      maps.tau[p] = maps.beta[p] = maps.amplitude[p] = maps.r_squared[p] = kNaN;
    }
  }

  // g₂ averaged over the pixels, and its fit: the map's typical decay.
  std::vector<double> mean(static_cast<std::size_t>(lag_to) + 1, 0.0);
  std::size_t used = 0;
  std::vector<double> series(frames);
  for (std::size_t p = 0; p < pixels; ++p) {
    for (std::size_t t = 0; t < frames; ++t) series[t] = stack_[t * pixels + p];
    if (!std::all_of(series.begin(), series.end(), [](double x) { return std::isfinite(x); })) {
      continue;
    }
    const std::vector<double> g2 = ecm::intensity_autocorrelation(series, lag_to);
    if (!std::all_of(g2.begin(), g2.end(), [](double x) { return std::isfinite(x); })) continue;
    for (std::size_t k = 0; k < g2.size(); ++k) mean[k] += g2[k];
    ++used;
  }
  for (double& m : mean) m = used ? m / static_cast<double>(used) : kNaN;
  const ecm::KwwFit mean_fit = ecm::fit_g2(mean, params_.lag_from, lag_to, dt);

  FrameResult out;
  const GridField& g = *geometry_;
  const std::string base = *params_.map;
  out.grids.push_back(like(g, "tau", unit, "KWW τ_c of g₂(τ) per pixel of " + base, maps.tau));
  out.grids.push_back(like(g, "beta", "", "KWW stretching exponent β per pixel", maps.beta));
  out.grids.push_back(like(g, "amplitude", "", "g₂ contrast A per pixel", maps.amplitude));
  out.grids.push_back(like(g, "r_squared", "", "R² of the KWW fit per pixel", maps.r_squared));
  Table table{"g2", {"lag", "time", "g2"}, {{}, {}, {}}};
  for (std::size_t k = 0; k < mean.size(); ++k) {
    table.data[0].push_back(static_cast<double>(k));
    table.data[1].push_back(static_cast<double>(k) * dt);
    table.data[2].push_back(mean[k]);
  }
  out.tables.push_back(std::move(table));
  out.summary = {{"mode", "map"},
                 {"map", base},
                 {"frames", frames},
                 {"time_unit", unit},
                 {"frame_time", dt},
                 {"window_lags", {params_.lag_from, lag_to}},
                 {"window", {params_.lag_from * dt, lag_to * dt}},
                 {"pixels", pixels},
                 {"fits_ok", ok},
                 {"fits_failed", failed},
                 {"fits_no_decay_in_window", outside},
                 {"median_tau", median_of(maps.tau, maps.status)},
                 {"median_beta", median_of(maps.beta, maps.status)},
                 {"mean_g2_fit", fit_json(mean_fit)}};
  if (outside + failed > pixels / 2) {
    out.summary["warnings"] = {fmt::format(
        "{} of {} pixels have no credible decay inside the window (τ_c outside it, β at a bound "
        "or no fit): the trajectory should span many τ_c",
        outside + failed, pixels)};
  }
  return out;
}

std::optional<FrameResult> EcmAnalyzer::finish_q(int lag_to) {
  const std::size_t frames = positions_.size();
  const auto [dt, unit] = frame_time();
  // Remove the drift of the mean position frame by frame.
  const std::size_t n = ids_.size();
  Vec3 first = Vec3::Zero();
  for (const auto& p : positions_[0]) first += p;
  for (auto& frame : positions_) {
    Vec3 c = Vec3::Zero();
    for (const auto& p : frame) c += p;
    const Vec3 shift = (c - first) / static_cast<double>(n);
    for (auto& p : frame) p -= shift;
  }
  const GridField& g = *bin_geometry_;
  const std::size_t nbins = static_cast<std::size_t>(g.dims[0]) * g.dims[1] * g.dims[2];
  std::vector<std::vector<std::size_t>> members(nbins);
  for (std::size_t i = 0; i < n; ++i) {
    if (bins_[i] != kNoBin) members[bins_[i]].push_back(i);
  }
  std::vector<double> times;
  for (int k = params_.lag_from; k <= lag_to; ++k) times.push_back(k * dt);
  std::vector<double> tau(nbins, kNaN), beta(nbins, kNaN), amp(nbins, kNaN), r2(nbins, kNaN);
  std::size_t ok = 0, failed = 0, outside = 0;
  for (std::size_t b = 0; b < nbins; ++b) {
    if (members[b].empty()) {
      ++failed;
      continue;
    }
    const std::vector<double> fs =
        ecm::self_intermediate_scattering(positions_, params_.q, lag_to, members[b]);
    const std::vector<double> y(fs.begin() + params_.lag_from, fs.end());
    const ecm::KwwFit fit = ecm::fit_stretched_exponential(times, y, ecm::DecayModel::Field);
    if (!fit.converged) {
      ++failed;
      continue;
    }
    if (!credible(fit.tau, fit.beta, times.front(), times.back())) {
      ++outside;
      continue;
    }
    ++ok;
    tau[b] = fit.tau;
    beta[b] = fit.beta;
    amp[b] = fit.amplitude;
    r2[b] = fit.r_squared;
  }
  const std::vector<double> all = ecm::self_intermediate_scattering(positions_, params_.q, lag_to);
  const ecm::KwwFit all_fit = ecm::fit_stretched_exponential(
      times, std::vector<double>(all.begin() + params_.lag_from, all.end()),
      ecm::DecayModel::Field);

  FrameResult out;
  const std::string at = fmt::format("F_s(q = {:.4g} Å⁻¹, t)", params_.q);
  out.grids.push_back(like(g, "tau", unit, "KWW τ of " + at + " per bin", tau));
  out.grids.push_back(like(g, "beta", "", "KWW β of " + at + " per bin", beta));
  out.grids.push_back(like(g, "amplitude", "", "KWW amplitude of " + at + " per bin", amp));
  out.grids.push_back(like(g, "r_squared", "", "R² of the KWW fit per bin", r2));
  Table table{"fs", {"lag", "time", "fs"}, {{}, {}, {}}};
  for (std::size_t k = 0; k < all.size(); ++k) {
    table.data[0].push_back(static_cast<double>(k));
    table.data[1].push_back(static_cast<double>(k) * dt);
    table.data[2].push_back(all[k]);
  }
  out.tables.push_back(std::move(table));
  out.summary = {
      {"mode", "q"},
      {"q", params_.q},
      {"frames", frames},
      {"unwrap", images_ ? "unwrapped coordinates / image flags" : "minimum-image stepping"},
      {"time_unit", unit},
      {"frame_time", dt},
      {"window_lags", {params_.lag_from, lag_to}},
      {"window", {params_.lag_from * dt, lag_to * dt}},
      {"bins", nbins},
      {"fits_ok", ok},
      {"fits_failed", failed},
      {"fits_no_decay_in_window", outside},
      {"all_atoms_fit", fit_json(all_fit)}};
  if (outside + failed > nbins / 2) {
    out.summary["warnings"] = {fmt::format(
        "{} of {} bins have no credible decay inside the window (τ outside it, β at a bound or "
        "no fit): the trajectory should span many τ",
        outside + failed, nbins)};
  }
  return out;
}

namespace {

std::vector<ParamSpec> ecm_specs() {
  std::vector<ParamSpec> specs{
      ParamSpec("map", ParamKind::String, nullptr, "",
                "map mode: a grid \"<label>_<grid>\" of an analyzer listed before this one, "
                "e.g. a projection's map (g₂ per pixel)")
          .optional(),
      ParamSpec("q", ParamKind::Number, nullptr, "Å⁻¹",
                "q mode: F_s(q, t) per bin of the grid (bins, bin_size, axes, slab), atoms "
                "binned by their first-frame positions; ~2.8 Å⁻¹ (first S(q) peak) in CuZr")
          .optional()
          .at_least(1e-6),
      ParamSpec("lag_from", ParamKind::Integer, 1, "frames", "first lag of the fit window")
          .at_least(1),
      ParamSpec("lag_to", ParamKind::Integer, nullptr, "frames",
                "last lag of the fit window (default: a quarter of the frames)")
          .optional()
          .at_least(2),
      ParamSpec("timestep", ParamKind::Number, nullptr, "ps",
                "MD timestep, to report times in ps (else timesteps, or frames when the frames "
                "are not evenly spaced)")
          .optional()
          .at_least(0.0),
  };
  for (auto& s : grid_param_specs()) specs.push_back(std::move(s));
  return specs;
}

const bool registered = register_analyzer({
    "ecm",
    "Simulated electron correlation microscopy over a trajectory: g₂(τ) of every pixel of an "
    "earlier analyzer's map (map mode) or the self-intermediate scattering F_s(q, t) of the "
    "atoms of each bin (q mode), KWW fits, maps of τ_c, β, A and R² at the end of the run.",
    ecm_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext&) {
      EcmParams params;
      const bool has_map = p.contains("map") && !p["map"].is_null();
      const bool has_q = p.contains("q") && !p["q"].is_null();
      if (has_map == has_q) throw ConfigError(label, "give either map or q");
      if (has_map) params.map = p["map"].get<std::string>();
      if (has_q) {
        params.q = p["q"].get<double>();
        params.grid = grid_request_from(p, label);
      }
      params.lag_from = p["lag_from"].get<int>();
      if (p.contains("lag_to") && !p["lag_to"].is_null()) params.lag_to = p["lag_to"].get<int>();
      if (params.lag_to > 0 && params.lag_to < params.lag_from + 3) {
        throw ConfigError(label + ".lag_to", "the fit window needs at least 4 lags");
      }
      if (p.contains("timestep") && !p["timestep"].is_null()) {
        params.timestep = p["timestep"].get<double>();
      }
      return std::make_unique<EcmAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
