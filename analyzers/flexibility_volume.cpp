#include "analyzers/flexibility_volume.hpp"

#include <fmt/format.h>

#include <cmath>

#include "analyzers/soft_spots.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

namespace {

// eV/Å^3 in GPa.
constexpr double kGPa = 160.21766208;

VoronoiOptions spacing_voronoi() {
  VoronoiOptions o;
  o.store_faces = true;
  return o;
}

}  // namespace

std::vector<double> voronoi_spacing(const Frame& frame, const Tessellation& t) {
  std::vector<double> a(frame.size(), 0.0);
  const Mat3& h = frame.box.cell();
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const std::size_t b = t.face_offsets[i], e = t.face_offsets[i + 1];
    double sum = 0.0;
    for (std::size_t k = b; k < e; ++k) {
      const VoronoiFace& f = t.faces[k];
      const Vec3 d = frame.pos[f.neighbor] +
                     h * Vec3(static_cast<double>(f.image[0]), static_cast<double>(f.image[1]),
                              static_cast<double>(f.image[2])) -
                     frame.pos[i];
      sum += d.norm();
    }
    a[i] = e > b ? sum / static_cast<double>(e - b) : std::nan("");
  }
  return a;
}

FlexibilityVolumeAnalyzer::FlexibilityVolumeAnalyzer(std::string label, FlexibilityParams params,
                                                     std::vector<TypeInfo> types)
    : Analyzer(std::move(label)),
      params_(std::move(params)),
      trajectory_(params_.unwrap, std::move(types)) {}

Needs FlexibilityVolumeAnalyzer::needs() const {
  Needs n;
  if (params_.spacing == SpacingMode::Voronoi) n.voronoi = spacing_voronoi();
  return n;
}

FrameResult FlexibilityVolumeAnalyzer::result(const std::vector<double>& msd,
                                              const std::vector<double>& spacing,
                                              const std::vector<int>& types) const {
  const std::size_t n = msd.size();
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = msd[i] * spacing[i];
  FrameResult out;
  nlohmann::json& s = out.summary;
  s["msd_source"] = params_.msd;
  s["spacing"] = params_.spacing == SpacingMode::Global ? "global (V/N)^(1/3)"
                 : params_.spacing == SpacingMode::Voronoi
                     ? "voronoi (mean distance to Voronoi neighbors)"
                     : fmt::format("fixed {} Å", params_.fixed_spacing);
  s["all"] = stats::describe(v);
  s["types"] = describe_by_type(v, types);
  s["mean_spacing"] = stats::describe(spacing)["mean"];
  s["mean_msd"] = stats::describe(msd)["mean"];
  const double mean = s["all"]["mean"].get<double>();
  s["temperature"] = params_.temperature;
  // Ding et al.: G is linear in k_B T / v_flex across glasses.
  s["kT_over_vflex_GPa"] = mean > 0 ? kBoltzmannEvPerK * params_.temperature / mean * kGPa : 0.0;
  out.fields.push_back({"value", "Å^3", "flexibility volume <Δr²> · a", std::move(v)});
  out.fields.push_back({"spacing", "Å", "atomic spacing a used", spacing});
  out.fields.push_back({"msd", "Å^2", "vibrational MSD used", msd});
  return out;
}

FrameResult FlexibilityVolumeAnalyzer::compute(const FrameContext& context) const {
  const Frame& f = context.frame();
  std::vector<double> spacing;
  if (params_.spacing == SpacingMode::Voronoi) {
    spacing = voronoi_spacing(f, context.voronoi(spacing_voronoi()));
  } else {
    const double a =
        params_.spacing == SpacingMode::Global
            ? std::cbrt(f.box.volume() / static_cast<double>(std::max<std::size_t>(1, f.size())))
            : params_.fixed_spacing;
    spacing.assign(f.size(), a);
  }
  if (from_trajectory()) {
    FrameResult out;
    trajectory_.carry(f, out);
    out.fields.push_back({"_carry_spacing", "Å", "", std::move(spacing)});
    return out;
  }
  const auto msd = context.field(params_.msd);
  if (!msd) {
    std::string names;
    for (const auto& n : context.field_names()) names += (names.empty() ? "" : ", ") + n;
    throw ComputeError(
        fmt::format("flexibility_volume: no per-atom field \"{}\" for the MSD (an earlier "
                    "analyzer must give it, e.g. soft_spots_harmonic_msd); available: {}",
                    params_.msd, names));
  }
  return result(*msd, spacing, std::vector<int>(f.type.begin(), f.type.end()));
}

void FlexibilityVolumeAnalyzer::consume(const FrameInfo& info, FrameResult& r) {
  if (!from_trajectory()) return;
  for (const auto& f : r.fields) {
    if (f.name != "_carry_spacing") continue;
    const auto& a = std::get<std::vector<double>>(f.values);
    if (spacing_sum_.empty()) spacing_sum_.assign(a.size(), 0.0);
    for (std::size_t i = 0; i < a.size() && i < spacing_sum_.size(); ++i) spacing_sum_[i] += a[i];
    ++spacing_frames_;
  }
  trajectory_.fold(info, r);
}

std::optional<FrameResult> FlexibilityVolumeAnalyzer::finish() {
  if (!from_trajectory() || trajectory_.frames() == 0) return std::nullopt;
  std::vector<double> spacing(spacing_sum_.size());
  for (std::size_t i = 0; i < spacing.size(); ++i)
    spacing[i] = spacing_sum_[i] / static_cast<double>(spacing_frames_);
  FrameResult out = result(trajectory_.msd(), spacing, trajectory_.atom_types());
  out.summary["frames"] = trajectory_.frames();
  out.summary["unwrap"] = trajectory_.unwrap_used();
  return out;
}

namespace {

const bool registered = register_analyzer({
    "flexibility_volume",
    "Flexibility volume v_flex = <Δr²> · a per atom (Ding et al. 2016), with the MSD from the "
    "trajectory (cross-frame, written as a final frame) or from a per-atom field such as "
    "soft_spots_harmonic_msd, and the spacing a global, Voronoi or fixed; k_B T / <v_flex>.",
    {ParamSpec("msd", ParamKind::String, "trajectory", "",
               "\"trajectory\" (vibrational MSD over the run's frames) or the output column of a "
               "per-atom MSD of an earlier analyzer, e.g. \"soft_spots_harmonic_msd\""),
     ParamSpec(
         "spacing", ParamKind::Any, "global", "Å",
         "\"global\" ((V/N)^(1/3)), \"voronoi\" (mean distance to the Voronoi neighbors) or a "
         "number"),
     ParamSpec("temperature", ParamKind::Number, 300.0, "K",
               "temperature of the MSD, for k_B T / <v_flex> in the summary")
         .at_least(0.0),
     unwrap_param_spec()},
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      FlexibilityParams params;
      params.msd = p["msd"].get<std::string>();
      const auto& a = p["spacing"];
      if (a.is_number()) {
        params.spacing = SpacingMode::Fixed;
        params.fixed_spacing = a.get<double>();
        if (!(params.fixed_spacing > 0.0))
          throw ConfigError(label + ".spacing", "expected a positive spacing");
      } else if (a == "global") {
        params.spacing = SpacingMode::Global;
      } else if (a == "voronoi") {
        params.spacing = SpacingMode::Voronoi;
      } else {
        throw ConfigError(label + ".spacing", "expected \"global\", \"voronoi\" or a number (Å)");
      }
      params.temperature = p["temperature"].get<double>();
      params.unwrap = unwrap_mode_from(p);
      return std::make_unique<FlexibilityVolumeAnalyzer>(label, std::move(params), run.types);
    },
});

}  // namespace

}  // namespace mgs::analyzers
