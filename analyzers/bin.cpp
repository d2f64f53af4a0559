#include "analyzers/bin.hpp"

#include <fmt/format.h>

#include "analyzers/free_volume.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"

namespace mgs::analyzers {

BinAnalyzer::BinAnalyzer(std::string label, BinParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

namespace {

std::string reduced_unit(const std::string& unit, Reduction r) {
  switch (r) {
    case Reduction::Count:
      return "";
    case Reduction::SumPerVolume:
      return unit.empty() ? "Å^-3" : unit + "/Å^3";
    default:
      return unit;
  }
}

}  // namespace

FrameResult BinAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  Grid grid;
  try {
    grid = params_.grid.make(frame.box);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(label(), e.what());
  }
  const std::array<bool, 3>& binned = params_.grid.binned;
  const std::vector<std::size_t> bins = assign_bins(grid, frame.pos);
  std::size_t inside = 0;
  for (std::size_t b : bins) inside += b != kNoBin;

  FrameResult out;
  nlohmann::json totals = nlohmann::json::object();
  if (params_.count) {
    GridField f = grid_field(grid, binned, "count", "", "atoms per bin");
    f.values = reduce_bins(grid, bins, {}, Reduction::Count);
    out.grids.push_back(std::move(f));
  }
  for (std::size_t k = 0; k < params_.fields.size(); ++k) {
    const std::string& column = params_.fields[k];
    const std::vector<double> values =
        require_field(context, column, fmt::format("{}.fields[{}]", label(), k));
    const std::string unit = context.field_unit(column).value_or("");
    for (Reduction r : params_.reductions) {
      GridField f =
          grid_field(grid, binned, column + "_" + reduction_name(r), reduced_unit(unit, r),
                     fmt::format("{} of {} per bin", reduction_name(r), column));
      f.values = reduce_bins(grid, bins, values, r);
      out.grids.push_back(std::move(f));
    }
    // Σ over the binned atoms, in atom order (equal to the sum of the bins' sums).
    double total = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (bins[i] != kNoBin) total += values[i];
    }
    totals[column] = total;
  }
  if (params_.density_volume) {
    const std::vector<double> volume =
        require_field(context, *params_.density_volume, label() + ".density_volume");
    std::vector<double> mass(frame.size());
    for (std::size_t i = 0; i < frame.size(); ++i) {
      const auto t = static_cast<std::size_t>(frame.type[i]);
      if (t >= params_.mass_by_type.size() || !(params_.mass_by_type[t] > 0.0)) {
        throw ConfigError(label() + ".density",
                          fmt::format("type {} has no mass: give input.types.\"{}\".mass", t, t));
      }
      mass[i] = params_.mass_by_type[t];
    }
    GridField f = grid_field(grid, binned, "mass_density", "g/cm^3",
                             "volume-weighted mass density Σm/ΣV of the atoms in each bin (V: " +
                                 *params_.density_volume + ")");
    f.values = ratio_of_sums(grid, bins, mass, volume);
    for (double& v : f.values) v *= kAmuPerA3ToGramPerCm3;
    out.grids.push_back(std::move(f));
  }
  out.summary = {{"grid", describe_grid(grid)},
                 {"atoms_binned", inside},
                 {"reductions", nlohmann::json::array()},
                 {"totals", std::move(totals)}};
  for (Reduction r : params_.reductions) out.summary["reductions"].push_back(reduction_name(r));
  if (params_.autocorrelation) {
    add_grid_autocorrelations(*params_.autocorrelation, frame.box, 0.0,
                              "the first shell with grid pairs", label(), out);
  }
  return out;
}

void BinAnalyzer::consume(const FrameInfo&, FrameResult& result) {
  if (params_.autocorrelation && params_.autocorrelation->frame_average) {
    correlation_average_.fold(result);
  }
  if (params_.time_average) average_.fold(result);
}

std::optional<FrameResult> BinAnalyzer::finish() {
  std::optional<FrameResult> out = params_.time_average ? average_.final_result() : std::nullopt;
  if (correlation_average_.frames() > 0) {
    if (!out) out.emplace();
    correlation_average_.finish(*out);
  }
  return out;
}

namespace {

std::vector<ParamSpec> bin_specs() {
  std::vector<ParamSpec> specs = grid_param_specs();
  specs.push_back(ParamSpec("fields", ParamKind::Array, nlohmann::json::array(), "",
                            "per-atom fields to bin: output columns of analyzers listed before "
                            "this one (e.g. five_fold_w5) or input columns (e.g. c_pe)"));
  specs.push_back(ParamSpec("reductions", ParamKind::Array, nlohmann::json::array({"mean"}), "",
                            "per bin: mean, sum, min, max, std (population), count, "
                            "sum_per_volume (Σ / bin volume)"));
  specs.push_back(ParamSpec("count", ParamKind::Boolean, true, "", "also write atoms per bin"));
  specs.push_back(ParamSpec("density", ParamKind::Boolean, false, "g/cm³",
                            "volume-weighted mass density Σm/ΣV per bin, V from "
                            "density_volume, m from input.types masses"));
  specs.push_back(ParamSpec("density_volume", ParamKind::String, "voronoi_volume", "Å³",
                            "per-atom volume column for density (a Voronoi analyzer's volume "
                            "listed before this one)"));
  specs.push_back(ParamSpec("time_average", ParamKind::Boolean, false, "",
                            "write only the average over all frames of the run (each bin over "
                            "the frames where it has a value), at the end"));
  specs.push_back(grid_autocorrelation_spec("the first shell"));
  return specs;
}

const bool registered = register_analyzer({
    "bin",
    "Per-atom fields binned on a grid aligned with the cell vectors (1-D, 2-D or 3-D, any "
    "tilt; bins or bin_size; optional slab): mean, sum, min, max, std, count or sum per volume "
    "per bin, the volume-weighted mass density Σm/ΣV, optionally averaged over the run; "
    "optionally the FFT autocorrelation C(r), S(q) and correlation lengths of the grids. Grids "
    "go to the vti and npy outputs.",
    bin_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      BinParams params;
      params.grid = grid_request_from(p, label);
      for (std::size_t k = 0; k < p["fields"].size(); ++k) {
        const auto& f = p["fields"][k];
        if (!f.is_string()) {
          throw ConfigError(fmt::format("{}.fields[{}]", label, k), "expected a column name");
        }
        params.fields.push_back(f.get<std::string>());
      }
      params.reductions.clear();
      for (std::size_t k = 0; k < p["reductions"].size(); ++k) {
        const auto& r = p["reductions"][k];
        try {
          params.reductions.push_back(
              reduction_from_name(r.is_string() ? r.get<std::string>() : ""));
        } catch (const std::invalid_argument&) {
          throw ConfigError(fmt::format("{}.reductions[{}]", label, k),
                            "expected mean, sum, min, max, std, count or sum_per_volume");
        }
      }
      params.count = p["count"].get<bool>();
      if (p["density"].get<bool>()) {
        params.density_volume = p["density_volume"].get<std::string>();
        params.mass_by_type.assign(run.types.size(), 0.0);
        for (std::size_t t = 1; t < run.types.size(); ++t) {
          if (run.types[t].mass) params.mass_by_type[t] = *run.types[t].mass;
        }
      }
      params.time_average = p["time_average"].get<bool>();
      params.autocorrelation = grid_autocorrelation_from(p, label);
      if (params.fields.empty() && !params.count && !params.density_volume) {
        throw ConfigError(label, "nothing to bin: give fields, count or density");
      }
      return std::make_unique<BinAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
