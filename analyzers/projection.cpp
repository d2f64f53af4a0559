#include "analyzers/projection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "engine/elements.hpp"
#include "engine/errors.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

namespace {

constexpr char kAxis[] = "xyz";

GridField map_field(const ProjectionGeometry& g, std::string name, std::string unit,
                    std::string doc) {
  GridField f;
  f.name = std::move(name);
  f.unit = std::move(unit);
  f.doc = std::move(doc);
  f.dims = {g.nu, g.nv, 1};
  f.binned = {true, true, false};
  f.step.col(0) = g.pixel_u * g.eu;
  f.step.col(1) = g.pixel_v * g.ev;
  f.step.col(2) = (g.slab_hi - g.slab_lo) * g.ebeam;
  f.origin = g.corner + 0.5 * g.pixel_u * g.eu + 0.5 * g.pixel_v * g.ev;
  if (g.u_axis >= 0) {
    f.axis_names = {std::string(1, kAxis[g.u_axis]), std::string(1, kAxis[g.v_axis]), ""};
  } else {
    f.axis_names = {"u", "v", ""};  // oblique: the summary gives their directions
  }
  return f;
}

nlohmann::json vector_json(const Vec3& v) {
  return {v[0], v[1], v[2]};
}

}  // namespace

ProjectionAnalyzer::ProjectionAnalyzer(std::string label, ProjectionParams params)
    : Analyzer(std::move(label)), params_(std::move(params)) {}

std::vector<double> ProjectionAnalyzer::weights(const FrameContext& context) const {
  const Frame& frame = context.frame();
  if (!params_.z_weighting) return std::vector<double>(frame.size(), 1.0);
  std::vector<double> by_type(static_cast<std::size_t>(frame.max_type()) + 1, 0.0);
  for (std::size_t t = 1; t < by_type.size(); ++t) {
    double z = t < params_.z_by_type.size() ? params_.z_by_type[t] : 0.0;
    if (!(z > 0.0)) {
      const std::string element = context.element_of(static_cast<int>(t));
      const auto n = atomic_number(element);
      if (!n) {
        // Only types that occur need a Z.
        bool present = false;
        for (int ty : frame.type) present = present || ty == static_cast<int>(t);
        if (!present) continue;
        throw ConfigError(
            label() + ".z",
            element.empty()
                ? fmt::format("type {} has no element: give input.types.\"{}\".element or "
                              "{}.z.\"{}\" (atomic number)",
                              t, t, label(), t)
                : fmt::format("type {}: \"{}\" is not an element symbol; give {}.z.\"{}\"", t,
                              element, label(), t));
      }
      z = *n;
    }
    by_type[t] = std::pow(z, params_.z_exponent);
  }
  std::vector<double> w(frame.size());
  for (std::size_t i = 0; i < frame.size(); ++i) w[i] = by_type[frame.type[i]];
  return w;
}

FrameResult ProjectionAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  std::optional<std::vector<double>> values;
  if (params_.field) values = require_field(context, *params_.field, label() + ".field");
  const std::vector<double> w = weights(context);
  ProjectedMap map;
  try {
    map = project(frame.box, frame.pos, w, values ? &*values : nullptr, params_.request);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(label(), e.what());
  }
  const ProjectionGeometry& g = map.geometry;

  FrameResult out;
  GridField raw;
  if (values) {
    const std::string unit = context.field_unit(*params_.field).value_or("");
    raw = map_field(g, "map", unit,
                    fmt::format("{}-weighted mean of {} over each probe column",
                                params_.z_weighting ? "Z^n" : "atom", *params_.field));
    raw.values.resize(map.weight.size());
    for (std::size_t k = 0; k < raw.values.size(); ++k) {
      raw.values[k] = map.weight[k] > 0.0 ? map.value[k] / map.weight[k] : std::nan("");
    }
  } else {
    raw = map_field(g, "map", "",
                    params_.z_weighting ? "HAADF-like intensity Σ Z^n per pixel (probe-weighted)"
                                        : "projected atoms per pixel (probe-weighted)");
    raw.values = map.weight;
  }
  std::vector<double> finite;
  for (double v : raw.values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  const stats::MeanStd ms = stats::mean_std(finite);
  GridField contrast = map_field(g, "contrast", "", "relative contrast (I − ⟨I⟩)/⟨I⟩ of the map");
  contrast.values.resize(raw.values.size());
  const bool has_mean = std::isfinite(ms.mean) && ms.mean != 0.0;
  for (std::size_t k = 0; k < raw.values.size(); ++k) {
    contrast.values[k] = has_mean ? (raw.values[k] - ms.mean) / ms.mean : std::nan("");
  }
  std::vector<double> c_finite;
  for (double v : contrast.values) {
    if (std::isfinite(v)) c_finite.push_back(v);
  }

  const double thickness = g.slab_hi - g.slab_lo;
  nlohmann::json warnings = nlohmann::json::array();
  if (map.max_tiles > 1 && g.beam >= 0) {
    warnings.push_back(fmt::format(
        "the slab ({:.4g} Å) is thicker than the cell along {} ({:.4g} Å): atoms are projected "
        "up to {} times (periodic images), which adds fake periodic correlations along the beam",
        thickness, kAxis[g.beam], g.beam_period, map.max_tiles));
  } else if (map.max_tiles > 1) {
    warnings.push_back(fmt::format(
        "the slab ({:.4g} Å) and field of view ({:.4g} x {:.4g} Å) reach beyond the cell: atoms "
        "are projected up to {} times (periodic images), which adds fake periodic correlations",
        thickness, g.length_u, g.length_v, map.max_tiles));
  }
  if (!has_mean) warnings.push_back("the map's mean is 0: no relative contrast");
  out.summary = {
      {"beam", g.beam >= 0 ? nlohmann::json(std::string(1, kAxis[g.beam])) : vector_json(g.ebeam)},
      {"image_axes", g.beam >= 0 ? nlohmann::json({std::string(1, kAxis[g.u_axis]),
                                                   std::string(1, kAxis[g.v_axis])})
                                 : nlohmann::json({vector_json(g.eu), vector_json(g.ev)})},
      {"pixels", {g.nu, g.nv}},
      {"pixel_size", {g.pixel_u, g.pixel_v}},
      {"field_of_view", {g.length_u, g.length_v}},
      {"shear", g.shear},
      {"thickness", thickness},
      {"slab", {g.slab_lo, g.slab_hi}},
      {"probe_fwhm", params_.request.probe_fwhm},
      {"weighting", params_.z_weighting ? "z" : "count"},
      {"atom_images", map.images},
      {"max_tiles", map.max_tiles},
      {"mean", ms.mean},
      {"std", ms.std},
      {"contrast", stats::describe(c_finite)},
  };
  if (params_.z_weighting) out.summary["z_exponent"] = params_.z_exponent;
  if (params_.field) out.summary["field"] = *params_.field;
  if (!warnings.empty()) out.summary["warnings"] = std::move(warnings);
  out.grids.push_back(std::move(raw));
  out.grids.push_back(std::move(contrast));
  return out;
}

namespace {

std::vector<ParamSpec> projection_specs() {
  return {
      ParamSpec("field", ParamKind::String, nullptr, "",
                "per-atom field to project (its weighted mean over each column); absent: the "
                "intensity map")
          .optional(),
      ParamSpec("axis", ParamKind::Any, "z", "",
                "beam direction: x, y or z (image axes x-y, x-z, y-z for z, y, x; any LAMMPS "
                "cell along z), or a vector [dx, dy, dz] (orthogonal cells; a field of view "
                "centred on the cell)"),
      ParamSpec("field_of_view", ParamKind::Array, nullptr, "Å",
                "oblique beams: the map's size [W_u, W_v] (default: the shortest edge)")
          .optional(),
      ParamSpec("thickness", ParamKind::Number, nullptr, "Å",
                "slab thickness along the beam (default: the whole cell); thicker than the cell "
                "tiles periodic images with a warning")
          .optional()
          .at_least(1e-6),
      ParamSpec("center", ParamKind::Number, 0.5, "",
                "slab centre as a fraction of the cell's period along the beam"),
      ParamSpec("pixel_size", ParamKind::Number, 1.0, "Å",
                "target pixel size (adjusted so that pixels divide the cell exactly)")
          .at_least(1e-3),
      ParamSpec("probe_fwhm", ParamKind::Number, 2.0, "Å",
                "FWHM of the Gaussian probe (HAADF-STEM 1–3 Å, nanobeam/ECM 10–35 Å); 0: none")
          .at_least(0.0),
      ParamSpec("weighting", ParamKind::String, nullptr, "",
                "z (Z^n, HAADF-like) or count (1 per atom); default z for the intensity, count "
                "for a field")
          .optional()
          .one_of({"z", "count"}),
      ParamSpec("z_exponent", ParamKind::Number, 1.7, "", "n of the Z^n weighting (1.6–2.0)")
          .at_least(0.0),
      ParamSpec("z", ParamKind::Object, nlohmann::json::object(), "",
                "atomic number per type, e.g. {\"1\": 29}, for types without an element"),
  };
}

const bool registered = register_analyzer({
    "projection",
    "TEM-like projected map through a slab along x, y or z: HAADF-like Z^n-weighted intensity "
    "or the column mean of a per-atom field, Gaussian probe, pixel grid; map and relative "
    "contrast (I − ⟨I⟩)/⟨I⟩ as grids (npy, vti, tiff, csv_grids, png outputs).",
    projection_specs(),
    [](const nlohmann::json& p, const std::string& label, const RunContext&) {
      ProjectionParams params;
      const auto& axis = p["axis"];
      if (axis.is_string() && (axis == "x" || axis == "y" || axis == "z")) {
        const std::string a = axis.get<std::string>();
        params.request.beam = a == "x" ? 0 : a == "y" ? 1 : 2;
      } else if (axis.is_array() && axis.size() == 3 &&
                 std::all_of(axis.begin(), axis.end(),
                             [](const auto& c) { return c.is_number(); })) {
        const Vec3 d(axis[0].get<double>(), axis[1].get<double>(), axis[2].get<double>());
        if (!(d.norm() > 0.0) || !d.allFinite()) {
          throw ConfigError(label + ".axis", "expected a nonzero direction vector");
        }
        params.request.direction = d;
      } else {
        throw ConfigError(label + ".axis", "expected \"x\", \"y\", \"z\" or [dx, dy, dz]");
      }
      if (p.contains("field_of_view") && !p["field_of_view"].is_null()) {
        const auto& v = p["field_of_view"];
        if (v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
            !(v[0].get<double>() > 0.0) || !(v[1].get<double>() > 0.0)) {
          throw ConfigError(label + ".field_of_view",
                            "expected [W_u, W_v], two positive lengths (Å)");
        }
        params.request.field_of_view =
            std::array<double, 2>{v[0].get<double>(), v[1].get<double>()};
      }
      if (p.contains("thickness") && !p["thickness"].is_null()) {
        params.request.thickness = p["thickness"].get<double>();
      }
      params.request.center = p["center"].get<double>();
      params.request.pixel_size = p["pixel_size"].get<double>();
      params.request.probe_fwhm = p["probe_fwhm"].get<double>();
      if (p.contains("field") && !p["field"].is_null()) {
        params.field = p["field"].get<std::string>();
      }
      const bool given = p.contains("weighting") && !p["weighting"].is_null();
      params.z_weighting = given ? p["weighting"].get<std::string>() == "z" : !params.field;
      params.z_exponent = p["z_exponent"].get<double>();
      for (const auto& [key, value] : p["z"].items()) {
        int type = 0;
        try {
          std::size_t used = 0;
          type = std::stoi(key, &used);
          if (used != key.size()) type = 0;
        } catch (const std::exception&) {
          type = 0;
        }
        if (type < 1 || type > 1000000) {
          throw ConfigError(label + ".z", fmt::format("\"{}\" is not an atom type", key));
        }
        if (!value.is_number() || !(value.get<double>() > 0.0)) {
          throw ConfigError(fmt::format("{}.z.\"{}\"", label, key),
                            "expected a positive atomic number");
        }
        if (params.z_by_type.size() <= static_cast<std::size_t>(type)) {
          params.z_by_type.resize(static_cast<std::size_t>(type) + 1, 0.0);
        }
        params.z_by_type[static_cast<std::size_t>(type)] = value.get<double>();
      }
      return std::make_unique<ProjectionAnalyzer>(label, std::move(params));
    },
});

}  // namespace

}  // namespace mgs::analyzers
