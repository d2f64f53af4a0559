#include "analyzers/free_volume.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <map>
#include <numbers>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/voronoi_params.hpp"

namespace mgs::analyzers {

std::vector<double> species_mean_volumes(const std::vector<int>& types,
                                         const std::vector<double>& volumes) {
  std::vector<double> sum, count;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const auto t = static_cast<std::size_t>(types[i]);
    if (sum.size() <= t) sum.resize(t + 1, 0.0), count.resize(t + 1, 0.0);
    sum[t] += volumes[i];
    count[t] += 1.0;
  }
  std::vector<double> mean(sum.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t t = 0; t < sum.size(); ++t) {
    if (count[t] > 0) mean[t] = sum[t] / count[t];
  }
  return mean;
}

FreeVolumeAnalyzer::FreeVolumeAnalyzer(std::string label, FreeVolumeParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

Needs FreeVolumeAnalyzer::needs() const {
  Needs n;
  n.voronoi = params_.options;
  if (params_.reference) {
    n.reference = params_.reference;
    n.reference_voronoi = params_.options;
  }
  return n;
}

namespace {

// Running mean and standard deviation of one quantity per type, accumulated in atom order.
struct Moments {
  double n = 0, sum = 0, sum2 = 0;
  void add(double x) {
    n += 1;
    sum += x;
    sum2 += x * x;
  }
  nlohmann::json json() const {
    const double mean = n > 0 ? sum / n : 0.0;
    const double var = n > 1 ? std::max(0.0, (sum2 - n * mean * mean) / (n - 1)) : 0.0;
    return {{"mean", mean}, {"std", std::sqrt(var)}};
  }
};

}  // namespace

FrameResult FreeVolumeAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  const Tessellation& tess = context.voronoi(params_.options);
  const std::size_t n = frame.size();
  const int max_type = frame.max_type();

  std::optional<ReferenceView> ref;
  const Tessellation* ref_tess = nullptr;
  if (params_.reference) {
    ref.emplace(context.reference(*params_.reference));
    ref_tess = &ref->voronoi(params_.options);
  }
  std::vector<double> reference = params_.reference_volumes;
  const bool species_mean = reference.empty();
  if (params_.reference_species_mean) {
    reference = species_mean_volumes(ref->frame().type, ref_tess->volume);
  } else if (species_mean) {
    reference = species_mean_volumes(frame.type, tess.volume);
  }
  std::vector<double> mass(static_cast<std::size_t>(max_type) + 1, 0.0);
  bool have_mass = true;
  for (int t : frame.type) {
    const auto ut = static_cast<std::size_t>(t);
    if (ut >= reference.size() || !(reference[ut] > 0.0)) {
      throw ComputeError(
          fmt::format("{}: no positive reference volume for atom type {}", label(), t));
    }
    const auto& types = context.types();
    if (ut < types.size() && types[ut].mass) {
      mass[ut] = *types[ut].mass;
    } else {
      have_mass = false;
    }
  }
  const auto& radii = params_.options.radii;
  const bool have_radii = !radii.empty();

  std::vector<double> volume(tess.volume), number_density(n), mass_density(have_mass ? n : 0),
      free(n), relative(n), geometric(have_radii ? n : 0), packing(have_radii ? n : 0),
      dilatation(ref ? n : 0);
  parallel::for_each_index(n, [&](std::size_t i) {
    const auto t = static_cast<std::size_t>(frame.type[i]);
    const double v = volume[i];
    // An empty radical cell has no density; it is reported as 0 and counted in the summary.
    number_density[i] = v > 0 ? 1.0 / v : 0.0;
    if (have_mass) mass_density[i] = v > 0 ? mass[t] / v * kAmuPerA3ToGramPerCm3 : 0.0;
    free[i] = v - reference[t];
    // Atoms are matched by id (same order); an empty reference cell has no dilatation.
    if (ref_tess) dilatation[i] = ref_tess->volume[i] > 0 ? v / ref_tess->volume[i] - 1.0 : 0.0;
    relative[i] = free[i] / reference[t];
    if (have_radii) {
      const double ball = 4.0 / 3.0 * std::numbers::pi * radii[t] * radii[t] * radii[t];
      geometric[i] = v - ball;
      packing[i] = v > 0 ? ball / v : 0.0;
    }
  });

  // Summary: per-type moments and the global density as a partition of space.
  std::map<int, std::map<std::string, Moments>> moments;
  for (std::size_t i = 0; i < n; ++i) {
    auto& m = moments[frame.type[i]];
    m["volume"].add(volume[i]);
    m["value"].add(free[i]);
    m["relative"].add(relative[i]);
    if (ref) m["dilatation"].add(dilatation[i]);
    if (have_mass) m["mass_density"].add(mass_density[i]);
    if (have_radii) {
      m["geometric"].add(geometric[i]);
      m["packing_fraction"].add(packing[i]);
    }
  }
  FrameResult out;
  auto& s = out.summary;
  s["voronoi"] = describe_voronoi_options(params_.options);
  s["reference"] = params_.reference_species_mean ? "reference_species_mean"
                   : species_mean                 ? "species_mean"
                                                  : "given";
  if (ref) {
    s["reference_frame"] = {{"file", ref->reference.file}, {"frame", ref->reference.input_index}};
  }
  for (const auto& [t, m] : moments) {
    nlohmann::json e;
    const auto ut = static_cast<std::size_t>(t);
    if (ut < frame.type_names.size() && !frame.type_names[ut].empty())
      e["element"] = frame.type_names[ut];
    e["atoms"] = m.at("volume").n;
    e["reference_volume"] = reference[ut];
    for (const auto& [name, mm] : m) e[name] = mm.json();
    s["types"][std::to_string(t)] = e;
  }
  const double vsum = parallel::sum(n, [&](std::size_t i) { return volume[i]; });
  s["volume_sum"] = vsum;
  if (have_mass) {
    const double msum = parallel::sum(
        n, [&](std::size_t i) { return mass[static_cast<std::size_t>(frame.type[i])]; });
    s["density"] = msum / vsum * kAmuPerA3ToGramPerCm3;
    s["density_from_box"] = msum / frame.box.volume() * kAmuPerA3ToGramPerCm3;
  } else {
    s["warnings"].push_back(
        "no masses for every type (input.types.N.mass): mass density not computed");
  }
  if (tess.empty_cells > 0) {
    s["warnings"].push_back(
        fmt::format("{} empty radical cell(s): densities set to 0", tess.empty_cells));
  }

  out.fields.push_back({"volume", "Å^3", "Voronoi cell volume", std::move(volume)});
  out.fields.push_back({"number_density", "Å^-3", "1 / cell volume", std::move(number_density)});
  if (have_mass) {
    out.fields.push_back({"mass_density", "g/cm^3", "mass / cell volume", std::move(mass_density)});
  }
  out.fields.push_back({"value", "Å^3",
                        "free volume: cell volume - reference volume of the species",
                        std::move(free)});
  out.fields.push_back({"relative", "", "free volume / reference volume", std::move(relative)});
  if (ref) {
    out.fields.push_back({"dilatation", "",
                          "cell volume / the same atom's cell volume in the "
                          "reference configuration - 1",
                          std::move(dilatation)});
  }
  if (have_radii) {
    out.fields.push_back({"geometric", "Å^3", "cell volume - (4/3) pi r^3", std::move(geometric)});
    out.fields.push_back(
        {"packing_fraction", "", "(4/3) pi r^3 / cell volume", std::move(packing)});
  }
  return out;
}

namespace {

std::vector<ParamSpec> free_volume_specs() {
  auto specs = voronoi_param_specs();
  specs.push_back(ParamSpec("reference_volumes", ParamKind::Any, "species_mean", "Å^3",
                            "\"species_mean\" (mean cell volume of each species in the frame), "
                            "\"reference\" (species means of the reference configuration) or "
                            "volumes per type {\"1\": 12.5, \"2\": 23.0}"));
  // Only the reference itself: cell volumes need no displacements.
  specs.push_back(reference_param_specs(false).front());
  return specs;
}

std::vector<double> parse_reference(const nlohmann::json& v, const std::string& path) {
  if (v.is_string()) {
    if (v.get<std::string>() != "species_mean" && v.get<std::string>() != "reference") {
      throw ConfigError(path,
                        "expected \"species_mean\", \"reference\" or an object of "
                        "volumes per type");
    }
    return {};
  }
  if (!v.is_object() || v.empty()) {
    throw ConfigError(path, "expected \"species_mean\" or an object of volumes per type");
  }
  std::vector<double> out;
  for (const auto& [key, value] : v.items()) {
    const std::size_t t = type_number(key);
    if (t == 0) throw ConfigError(path + "." + key, "expected a type number as key");
    if (!value.is_number() || !(value.get<double>() > 0.0)) {
      throw ConfigError(path + "." + key, "expected a positive volume in Å^3");
    }
    if (out.size() <= t) out.resize(t + 1, 0.0);
    out[t] = value.get<double>();
  }
  return out;
}

const bool registered = register_analyzer({
    "free_volume",
    "Local volume, number and mass density, free volume against a per-species reference, and "
    "(with radii) geometric free volume and packing fraction, from the Voronoi tessellation.",
    free_volume_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      FreeVolumeParams params;
      params.options = voronoi_options_from(p, run, label);
      params.reference_volumes =
          parse_reference(p["reference_volumes"], label + ".reference_volumes");
      params.reference = optional_reference_spec_from(p, label);
      params.reference_species_mean = p["reference_volumes"] == "reference";
      if (params.reference_species_mean && !params.reference) {
        throw ConfigError(label + ".reference_volumes",
                          "\"reference\" needs a reference configuration: add \"reference\": "
                          "{\"frame\": 0} (or an offset or path)");
      }
      return std::make_unique<FreeVolumeAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
