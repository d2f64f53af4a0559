#include "engine/potential_params.hpp"

#include <fmt/format.h>

#include "engine/errors.hpp"

namespace mgs {

std::vector<ParamSpec> potential_param_specs() {
  return {
      ParamSpec("style", ParamKind::String, "eam/fs", "",
                "pair style: eam/fs (Finnis–Sinclair tables), eam/alloy (setfl tables) or lj/cut")
          .one_of({"eam/fs", "eam/alloy", "lj/cut"}),
      ParamSpec("file", ParamKind::String, nullptr, "",
                "EAM potential file (relative to the run file, else in $LAMMPS_POTENTIALS), "
                "e.g. /usr/share/lammps/potentials/CuZr_mm.eam.fs")
          .optional(),
      ParamSpec("elements", ParamKind::Array, nullptr, "",
                "EAM: the file's element of atom type 1, 2, ... as in LAMMPS pair_coeff * * FILE "
                "Cu Zr (NULL for a type the potential does not cover)")
          .optional(),
      ParamSpec("lj", ParamKind::Object, nullptr, "",
                "lj/cut: {\"pair_coeff\": [{\"types\": [1, 1], \"epsilon\": 1, \"sigma\": 1, "
                "\"cutoff\": 2.5}, ...], \"cutoff\": global cutoff, \"mixing\": geometric | "
                "arithmetic | sixthpower, \"shift\": false}")
          .optional(),
  };
}

std::vector<ParamSpec> lj_param_specs() {
  return {
      ParamSpec("pair_coeff", ParamKind::Array, nullptr, "",
                "per type pair {\"types\": [i, j], \"epsilon\", \"sigma\", \"cutoff\"}"),
      ParamSpec("cutoff", ParamKind::Number, nullptr, "length",
                "cutoff of pairs that give none (pair_style lj/cut Rc)")
          .optional()
          .at_least(0.0),
      ParamSpec("mixing", ParamKind::String, "geometric", "",
                "cross pairs not given, from the like pairs (pair_modify mix)")
          .one_of({"geometric", "arithmetic", "sixthpower"}),
      ParamSpec("shift", ParamKind::Boolean, false, "",
                "shift pair energies to zero at the cutoff (pair_modify shift yes)"),
  };
}

PotentialRequest potential_request_from(const nlohmann::json& p, const std::string& json_path) {
  PotentialRequest r;
  r.style = p["style"].get<std::string>();
  r.json_path = json_path;
  if (r.style == "lj/cut") {
    if (!p.contains("lj")) {
      throw ConfigError(json_path + ".lj",
                        "style lj/cut needs its parameters: \"lj\": {\"pair_coeff\": [...]}");
    }
    r.lj = validate_params(p["lj"], lj_param_specs(), json_path + ".lj");
    return r;
  }
  if (!p.contains("file")) {
    throw ConfigError(json_path + ".file",
                      fmt::format("style {} needs the potential \"file\"", r.style));
  }
  if (!p.contains("elements")) {
    throw ConfigError(
        json_path + ".elements",
        fmt::format("style {} needs \"elements\": the file's element of each atom type, "
                    "in type order (as pair_coeff * * FILE Cu Zr)",
                    r.style));
  }
  r.file = p["file"].get<std::string>();
  const nlohmann::json& e = p["elements"];
  if (e.empty()) throw ConfigError(json_path + ".elements", "expected at least one element name");
  for (std::size_t k = 0; k < e.size(); ++k) {
    if (!e[k].is_string() || e[k].get<std::string>().empty()) {
      throw ConfigError(fmt::format("{}.elements[{}]", json_path, k), "expected an element name");
    }
    r.elements.push_back(e[k].get<std::string>());
  }
  return r;
}

std::shared_ptr<const Potential> load_potential(const nlohmann::json& params, const RunContext& run,
                                                const std::string& json_path) {
  const PotentialRequest request = potential_request_from(params, json_path);
  if (!run.load_potential) {
    throw ConfigError(json_path + ".style", "potentials cannot be loaded in this context");
  }
  return run.load_potential(request);
}

}  // namespace mgs
