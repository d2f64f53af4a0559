#include "engine/voronoi_params.hpp"

#include "engine/errors.hpp"

namespace mgs {

namespace {

// Radii are given per type as {"1": 1.35, "2": 1.55}; element names from the run's type map
// are accepted as keys too. Every type present must have a radius (checked per frame).
std::vector<double> parse_radii(const nlohmann::json& radii, const RunContext& run,
                                const std::string& path) {
  std::vector<double> out;
  for (const auto& [key, value] : radii.items()) {
    std::size_t type = type_number(key);
    if (type == 0) {
      for (std::size_t t = 1; t < run.types.size(); ++t) {
        if (run.types[t].element == key) type = t;
      }
    }
    if (type == 0) {
      throw ConfigError(path + "." + key,
                        "expected an atom type number (\"1\") or an element named in input.types");
    }
    if (!value.is_number() || value.get<double>() < 0.0) {
      throw ConfigError(path + "." + key, "expected a radius in Å (number >= 0)");
    }
    if (out.size() <= type) out.resize(type + 1, -1.0);
    out[type] = value.get<double>();
  }
  if (out.empty()) throw ConfigError(path, "expected at least one radius, e.g. {\"1\": 1.35}");
  return out;
}

}  // namespace

std::vector<ParamSpec> voronoi_param_specs() {
  return {
      ParamSpec("radii", ParamKind::Object, nullptr, "Å",
                "radius per type ({\"1\": 1.35, \"2\": 1.55}); makes the tessellation radical. "
                "No default radii: absent means the plain tessellation")
          .optional(),
      ParamSpec("edge_threshold", ParamKind::Number, 0.0, "Å",
                "edges shorter than this do not count toward a face's order (OVITO semantics)")
          .at_least(0),
      ParamSpec("face_threshold", ParamKind::Number, 0.0, "Å^2",
                "faces with area <= max(face_threshold, relative_face_threshold * cell area) are "
                "dropped")
          .at_least(0),
      ParamSpec("relative_face_threshold", ParamKind::Number, 0.0, "",
                "face area threshold as a fraction of the cell's total face area")
          .at_least(0)
          .at_most(1),
  };
}

VoronoiOptions voronoi_options_from(const nlohmann::json& p, const RunContext& run,
                                    const std::string& label) {
  VoronoiOptions o;
  if (p.contains("radii")) o.radii = parse_radii(p["radii"], run, label + ".radii");
  o.edge_threshold = p["edge_threshold"].get<double>();
  o.face_threshold = p["face_threshold"].get<double>();
  o.relative_face_threshold = p["relative_face_threshold"].get<double>();
  return o;
}

nlohmann::json describe_voronoi_options(const VoronoiOptions& o) {
  nlohmann::json j;
  j["radical"] = !o.radii.empty();
  if (!o.radii.empty()) {
    for (std::size_t t = 1; t < o.radii.size(); ++t) {
      if (o.radii[t] >= 0.0) j["radii"][std::to_string(t)] = o.radii[t];
    }
  }
  j["edge_threshold"] = o.edge_threshold;
  j["face_threshold"] = o.face_threshold;
  j["relative_face_threshold"] = o.relative_face_threshold;
  return j;
}

}  // namespace mgs
