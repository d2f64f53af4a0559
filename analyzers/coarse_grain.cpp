#include "analyzers/coarse_grain.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace mgs::analyzers {

CoarseGrainAnalyzer::CoarseGrainAnalyzer(std::string label, CoarseGrainParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

FrameResult CoarseGrainAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  Grid grid;
  try {
    grid = params_.grid.make(frame.box);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(label(), e.what());
  }
  const std::array<bool, 3>& binned = params_.grid.binned;
  // A slab keeps only its atoms; the grid points lie on its middle plane.
  std::vector<char> include;
  if (grid.slab()) {
    include.resize(frame.size());
    for (std::size_t i = 0; i < frame.size(); ++i) include[i] = grid.bin_of(frame.pos[i]) ? 1 : 0;
  }
  const bool density = params_.mode == CoarseGrainMode::Density;
  FrameResult out;
  for (std::size_t k = 0; k < params_.fields.size(); ++k) {
    const std::string& column = params_.fields[k];
    const std::vector<double> values =
        require_field(context, column, fmt::format("{}.fields[{}]", label(), k));
    const std::string unit = context.field_unit(column).value_or("");
    GridField f =
        grid_field(grid, binned, column + (density ? "_density" : "_average"),
                   density ? (unit.empty() ? "Å^-3" : unit + "/Å^3") : unit,
                   fmt::format("{} coarse-grained with a Gaussian of σ = {} Å cut at 3σ ({})",
                               column, params_.sigma, density ? "Σ p G_σ" : "Σ p w / Σ w"));
    f.values = coarse_grain_lines(grid, frame.pos, values, params_.sigma, params_.mode, include);
    out.grids.push_back(std::move(f));
  }
  if (params_.number_density) {
    GridField f = grid_field(grid, binned, "number_density", "Å^-3",
                             fmt::format("atoms per Å³: Σ G_σ, σ = {} Å cut at 3σ", params_.sigma));
    f.values = coarse_grain_lines(grid, frame.pos, std::vector<double>(frame.size(), 1.0),
                                  params_.sigma, CoarseGrainMode::Density, include);
    out.grids.push_back(std::move(f));
  }
  const double cut = kGaussianCutInSigma * params_.sigma;
  nlohmann::json spacing = nlohmann::json::array();
  for (int a = 0; a < 3; ++a) spacing.push_back(grid.step(a).norm());
  out.summary = {{"sigma", params_.sigma},
                 {"cut", cut},
                 {"convention", density ? "density" : "average"},
                 {"grid", describe_grid(grid)},
                 {"grid_spacing", std::move(spacing)}};
  double thinnest = frame.box.perpendicular_width(0);
  for (int a = 1; a < 3; ++a) thinnest = std::min(thinnest, frame.box.perpendicular_width(a));
  if (cut > 0.5 * thinnest) {
    out.summary["warnings"] = {fmt::format(
        "the cut 3σ = {} Å exceeds half the cell's thinnest width ({} Å): several periodic "
        "images of an atom contribute to one grid point",
        cut, 0.5 * thinnest)};
  }
  if (params_.autocorrelation) {
    add_grid_autocorrelations(*params_.autocorrelation, frame.box, 2 * params_.sigma,
                              "2σ: beyond the kernel a Gaussian-smoothed exponential decays "
                              "with the field's own ξ",
                              label(), out);
  }
  return out;
}

void CoarseGrainAnalyzer::consume(const FrameInfo&, FrameResult& result) {
  if (params_.autocorrelation && params_.autocorrelation->frame_average) {
    correlation_average_.fold(result);
  }
  if (params_.time_average) average_.fold(result);
}

std::optional<FrameResult> CoarseGrainAnalyzer::finish() {
  std::optional<FrameResult> out = params_.time_average ? average_.final_result() : std::nullopt;
  if (correlation_average_.frames() > 0) {
    if (!out) out.emplace();
    correlation_average_.finish(*out);
  }
  return out;
}

namespace {

std::vector<ParamSpec> coarse_grain_specs() {
  std::vector<ParamSpec> specs = grid_param_specs();
  specs.push_back(ParamSpec("fields", ParamKind::Array, nlohmann::json::array(), "",
                            "per-atom fields to coarse-grain: output columns of analyzers "
                            "listed before this one (e.g. five_fold_w5) or input columns"));
  specs.push_back(ParamSpec("sigma", ParamKind::Number, nullptr, "Å",
                            "standard deviation of the Gaussian kernel (cut at 3σ)")
                      .at_least(1e-6));
  specs.push_back(ParamSpec("convention", ParamKind::String, "average", "",
                            "average: Σ p w / Σ w (intensive fields); density: Σ p G_σ with the "
                            "normalised 3-D Gaussian (extensive fields, per Å³)")
                      .one_of({"average", "density"}));
  specs.push_back(ParamSpec("number_density", ParamKind::Boolean, false, "Å⁻³",
                            "also the coarse-grained number density Σ G_σ"));
  specs.push_back(ParamSpec("time_average", ParamKind::Boolean, false, "",
                            "write only the average over all frames of the run, at the end"));
  specs.push_back(grid_autocorrelation_spec("2σ"));
  return specs;
}

const bool registered = register_analyzer({
    "coarse_grain",
    "Gaussian coarse-graining of per-atom fields on a grid aligned with the cell vectors (bin "
    "centres; 1-D, 2-D or 3-D, any tilt; optional slab): field average Σ p w / Σ w or density "
    "Σ p G_σ, σ given, cut at 3σ, periodic distances; optionally averaged over the run; "
    "optionally the FFT autocorrelation C(r), S(q) and correlation lengths of the grids. Grids "
    "go to the vti and npy outputs.",
    coarse_grain_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext&) {
      CoarseGrainParams params;
      params.grid = grid_request_from(p, label);
      for (std::size_t k = 0; k < p["fields"].size(); ++k) {
        const auto& f = p["fields"][k];
        if (!f.is_string()) {
          throw ConfigError(fmt::format("{}.fields[{}]", label, k), "expected a column name");
        }
        params.fields.push_back(f.get<std::string>());
      }
      params.sigma = p["sigma"].get<double>();
      params.mode =
          p["convention"] == "density" ? CoarseGrainMode::Density : CoarseGrainMode::Average;
      params.number_density = p["number_density"].get<bool>();
      params.time_average = p["time_average"].get<bool>();
      params.autocorrelation = grid_autocorrelation_from(p, label);
      if (params.fields.empty() && !params.number_density) {
        throw ConfigError(label, "nothing to coarse-grain: give fields or number_density");
      }
      return std::make_unique<CoarseGrainAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
