#include "analyzers/compare_maps.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "engine/errors.hpp"
#include "engine/map_preprocess.hpp"
#include "engine/registry.hpp"

namespace mgs::analyzers {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

mapstats::MapView view(const Map2D& m) {
  return {m.values, m.nx, m.ny, m.pixel_size};
}

nlohmann::json moments_json(const mapstats::Moments& m) {
  return {{"pixels", m.count},      {"mean", m.mean},
          {"std", m.std},           {"cv", m.cv},
          {"skewness", m.skewness}, {"excess_kurtosis", m.excess_kurtosis},
          {"min", m.min},           {"max", m.max}};
}

nlohmann::json lengths_json(const mapstats::CorrelationLengths& l) {
  nlohmann::json j = {
      {"one_over_e", l.one_over_e ? nlohmann::json(*l.one_over_e) : nullptr},
      {"integral", l.integral.zero_found ? nlohmann::json(l.integral.xi) : nullptr}};
  if (l.exponential) {
    j["exponential"] = {{"xi", l.exponential->xi},
                        {"fit_range", {l.exponential->r_from, l.exponential->r_to}}};
  } else {
    j["exponential"] = nullptr;
  }
  return j;
}

// y(x) of a curve at the points `at` (linear interpolation; NaN outside or where y is NaN).
std::vector<double> interpolate(const std::vector<double>& x, const std::vector<double>& y,
                                const std::vector<double>& at) {
  std::vector<double> out(at.size(), kNaN);
  for (std::size_t k = 0; k < at.size(); ++k) {
    const auto it = std::lower_bound(x.begin(), x.end(), at[k]);
    if (it == x.end()) continue;
    const auto j = static_cast<std::size_t>(it - x.begin());
    if (*it == at[k]) {
      out[k] = y[j];
    } else if (j > 0) {
      const double t = (at[k] - x[j - 1]) / (x[j] - x[j - 1]);
      out[k] = (1 - t) * y[j - 1] + t * y[j];
    }
  }
  return out;
}

// Both maps next to each other on one grid (a column of NaN between), each as z-scores so one
// colour scale fits both: the png output draws it as one picture.
GridField side_by_side(const Map2D& sim, const Map2D& exp) {
  const int gap = std::max(1, (sim.nx + exp.nx) / 40);
  GridField g;
  g.name = "side_by_side";
  g.doc = "simulated (left) and experimental (right) maps, each as (v − mean)/std";
  g.dims = {sim.nx + gap + exp.nx, std::max(sim.ny, exp.ny), 1};
  g.binned = {true, true, false};
  g.axis_names = {"x", "y", ""};  // the pictures' own axes
  g.step = Mat3::Identity();
  g.step(0, 0) = g.step(1, 1) = sim.pixel_size;
  g.origin = Vec3(0.5 * sim.pixel_size, 0.5 * sim.pixel_size, 0.0);
  g.values.assign(static_cast<std::size_t>(g.dims[0]) * static_cast<std::size_t>(g.dims[1]), kNaN);
  const auto paste = [&](const Map2D& m, int x0) {
    const std::vector<double> z = mapstats::normalised(m.values, mapstats::Normalisation::ZScore);
    // Map rows run from the top; grid rows from the bottom.
    for (int j = 0; j < m.ny; ++j) {
      for (int i = 0; i < m.nx; ++i) {
        const auto row = static_cast<std::size_t>(m.ny - 1 - j);
        g.values[row * static_cast<std::size_t>(g.dims[0]) + static_cast<std::size_t>(x0 + i)] =
            z[static_cast<std::size_t>(j) * static_cast<std::size_t>(m.nx) +
              static_cast<std::size_t>(i)];
      }
    }
  };
  paste(sim, 0);
  paste(exp, sim.nx + gap);
  return g;
}

}  // namespace

CompareMapsAnalyzer::CompareMapsAnalyzer(std::string label, CompareMapsParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

FrameResult CompareMapsAnalyzer::compute(const FrameContext& context) const {
  const GridField* grid = context.grid(params_.map);
  if (!grid) {
    throw ConfigError(label() + ".map",
                      fmt::format("no grid \"{}\" from an analyzer listed before this one (there "
                                  "are: {})",
                                  params_.map, fmt::join(context.grid_names(), ", ")));
  }
  Map2D sim, exp = params_.experimental;
  try {
    sim = image_from_grid(*grid, params_.map);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(label() + ".map", e.what());
  }
  if (!std::all_of(sim.values.begin(), sim.values.end(),
                   [](double v) { return std::isfinite(v); })) {
    throw ComputeError(
        fmt::format("{}: the map {} has empty pixels (NaN); compare a map with a "
                    "value in every pixel (e.g. a projection's)",
                    label(), params_.map));
  }
  // Matched pixel size: both at the coarser one (averaging, never inventing detail). Sizes within
  // 1 % count as equal: resampling by less than a pixel over the whole map only blurs it (a
  // projection's pixels are rounded to divide the cell; a microscope's calibration is no better).
  const double pixel = std::max(sim.pixel_size, exp.pixel_size);
  const bool resample_sim = sim.pixel_size < 0.99 * pixel;
  const bool resample_exp = exp.pixel_size < 0.99 * pixel;
  try {
    if (resample_sim) sim = resample(sim, pixel);
    if (resample_exp) exp = resample(exp, pixel);
  } catch (const std::invalid_argument& e) {
    throw ComputeError(label() + ": resampling to a common pixel size: " + e.what());
  }
  const std::vector<double> a = mapstats::normalised(sim.values, params_.normalisation);
  const std::vector<double> b = mapstats::normalised(exp.values, params_.normalisation);
  const mapstats::DistributionComparison d = mapstats::compare_distributions(a, b, params_.bins);

  // Correlations and spectra of the maps as they are (normalisation does not change lengths).
  const auto c_sim = mapstats::map_autocorrelation(view(sim), true);
  const auto c_exp = mapstats::map_autocorrelation(view(exp), false);
  const auto l_sim = mapstats::correlation_lengths(c_sim);
  const auto l_exp = mapstats::correlation_lengths(c_exp);
  const auto p_sim = mapstats::radial_power_spectrum(view(sim), false);
  const auto p_exp = mapstats::radial_power_spectrum(view(exp), true);

  FrameResult out;
  Table hist{"histograms", {"value", "simulated", "experimental"}, {}};
  hist.data = {d.histograms.centers, d.histograms.density_a, d.histograms.density_b};
  out.tables.push_back(std::move(hist));
  Table ac{"autocorrelation", {"r", "simulated", "experimental"}, {}};
  ac.data = {c_sim.r, c_sim.c, interpolate(c_exp.r, c_exp.c, c_sim.r)};
  out.tables.push_back(std::move(ac));
  Table ps{"power_spectra", {"q", "simulated", "experimental"}, {}};
  ps.data = {p_sim.q, p_sim.power, interpolate(p_exp.q, p_exp.power, p_sim.q)};
  out.tables.push_back(std::move(ps));
  Table pe{"power_spectrum_experimental", {"q", "power"}, {p_exp.q, p_exp.power}};
  out.tables.push_back(std::move(pe));
  out.grids.push_back(side_by_side(sim, exp));

  nlohmann::json ssim = nullptr;
  nlohmann::json notes = nlohmann::json::array();
  if (params_.registered) {
    if (sim.nx != exp.nx || sim.ny != exp.ny) {
      throw ComputeError(fmt::format(
          "{}: registered maps must have the same pixels at the common pixel size {:.6g} Å "
          "(simulated {} x {}, experimental {} x {})",
          label(), pixel, sim.nx, sim.ny, exp.nx, exp.ny));
    }
    ssim = mapstats::ssim(view(sim), view(exp));
  } else {
    notes.push_back("SSIM not computed: the maps are not declared registered");
  }
  const char* norm = params_.normalisation == mapstats::Normalisation::ZScore ? "zscore"
                     : params_.normalisation == mapstats::Normalisation::Mean ? "mean"
                                                                              : "none";
  out.summary = {
      {"map", params_.map},
      {"experimental_file", params_.experimental.source},
      {"preprocessing", params_.preprocessing},
      {"pixel_size", pixel},
      {"simulated_pixels", {sim.nx, sim.ny}},
      {"experimental_pixels", {exp.nx, exp.ny}},
      {"resampled", {{"simulated", resample_sim}, {"experimental", resample_exp}}},
      {"normalisation", norm},
      {"simulated", moments_json(d.a)},
      {"experimental", moments_json(d.b)},
      {"kolmogorov_smirnov",
       {{"statistic", d.ks.statistic},
        {"p_value", d.ks.p_value},
        {"effective_n", d.ks.effective_n}}},
      {"wasserstein1", d.wasserstein1},
      {"correlation_length",
       {{"simulated", lengths_json(l_sim)}, {"experimental", lengths_json(l_exp)}}},
      {"ssim", ssim},
      {"notes", std::move(notes)},
  };
  return out;
}

namespace {

std::vector<ParamSpec> compare_specs() {
  return {
      ParamSpec("map", ParamKind::String, nullptr, "",
                "simulated map: a 2-D grid \"<label>_<grid>\" of an analyzer listed before this "
                "one (e.g. haadf_contrast of a projection)"),
      ParamSpec("experimental", ParamKind::String, nullptr, "",
                "experimental map file: TIFF (8/16-bit, float), PNG or PGM (grayscale), .npy or "
                "CSV; relative paths from the run file's folder"),
      ParamSpec("pixel_size", ParamKind::Number, nullptr, "Å",
                "pixel size of the experimental map (default: from the TIFF/PNG resolution)")
          .optional()
          .at_least(1e-6),
      ParamSpec("page", ParamKind::Integer, 0, "", "image of a multi-page TIFF").at_least(0),
      ParamSpec("background_order", ParamKind::Integer, nullptr, "",
                "subtract a least-squares polynomial background of this order (0–3) from the "
                "experimental map")
          .optional()
          .at_least(0)
          .at_most(3),
      ParamSpec("relative_contrast", ParamKind::Boolean, false, "",
                "turn the experimental map into (I − ⟨I⟩)/⟨I⟩ (after the background)"),
      ParamSpec("normalise", ParamKind::String, "none", "",
                "value distributions compared as they are (none), divided by the mean (mean) "
                "or as z-scores (zscore)")
          .one_of({"none", "mean", "zscore"}),
      ParamSpec("registered", ParamKind::Boolean, false, "",
                "the maps show the same region pixel for pixel: also compute SSIM"),
      ParamSpec("bins", ParamKind::Integer, 64, "", "histogram bins").at_least(2),
  };
}

const bool registered = register_analyzer({
    "compare_maps",
    "A simulated map (a 2-D grid of an earlier analyzer) against an experimental map file (TIFF, "
    "PNG, PGM, npy, CSV) at a common pixel size: value distributions (histograms, KS, "
    "Wasserstein-1, CV, skewness), autocorrelation lengths, radial power spectra, SSIM for "
    "registered maps, and a side-by-side picture.",
    compare_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      if (!run.load_map) {
        throw ConfigError(label, "this run cannot read map files");
      }
      CompareMapsParams params;
      params.map = p["map"].get<std::string>();
      MapReadOptions options;
      if (p.contains("pixel_size") && !p["pixel_size"].is_null()) {
        options.pixel_size = p["pixel_size"].get<double>();
      }
      options.page = p["page"].get<int>();
      Map2D m = run.load_map(p["experimental"].get<std::string>(), options);
      if (!(m.pixel_size > 0.0)) {
        throw ConfigError(
            label + ".pixel_size",
            fmt::format("{} carries no pixel size: give {}.pixel_size (Å)", m.source, label));
      }
      try {
        if (p.contains("background_order") && !p["background_order"].is_null()) {
          const int order = p["background_order"].get<int>();
          m = subtract_polynomial_background(m, order);
          params.preprocessing["background_order"] = order;
        }
        if (p["relative_contrast"].get<bool>()) {
          m = relative_contrast(m);
          params.preprocessing["relative_contrast"] = true;
        }
      } catch (const std::invalid_argument& e) {
        throw ConfigError(label, fmt::format("preprocessing {}: {}", m.source, e.what()));
      }
      params.experimental = std::move(m);
      const std::string norm = p["normalise"].get<std::string>();
      params.normalisation = norm == "zscore" ? mapstats::Normalisation::ZScore
                             : norm == "mean" ? mapstats::Normalisation::Mean
                                              : mapstats::Normalisation::None;
      params.registered = p["registered"].get<bool>();
      params.bins = p["bins"].get<int>();
      return std::make_unique<CompareMapsAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
