#pragma once
// The run-file keys shared by every analyzer that evaluates a potential:
//   "style": "eam/fs" | "eam/alloy" | "lj/cut", "file" and "elements" (EAM, as LAMMPS's
//   pair_coeff * * FILE E1 E2 ...), "lj" (lj/cut parameters).
#include <memory>
#include <string>
#include <vector>

#include "engine/params.hpp"
#include "engine/potential.hpp"
#include "engine/registry.hpp"

namespace mgs {

std::vector<ParamSpec> potential_param_specs();

// The request from validated parameters; ConfigError (under `json_path`) for a style without
// its keys.
PotentialRequest potential_request_from(const nlohmann::json& params, const std::string& json_path);

// The potential the run context's loader builds for these parameters.
std::shared_ptr<const Potential> load_potential(const nlohmann::json& params, const RunContext& run,
                                                const std::string& json_path);

// The lj/cut parameter object's keys ("pair_coeff", "cutoff", "mixing", "shift").
std::vector<ParamSpec> lj_param_specs();

}  // namespace mgs
