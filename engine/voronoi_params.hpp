#pragma once
// The Voronoi parameters (radii, face and edge filters) as declared once for every analyzer
// that reads the tessellation, so that analyzers given the same values share one tessellation.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engine/params.hpp"
#include "engine/registry.hpp"
#include "engine/voronoi.hpp"

namespace mgs {

// radii, edge_threshold, face_threshold, relative_face_threshold.
std::vector<ParamSpec> voronoi_param_specs();

// Builds the options from validated parameters; `label` names the analyzer in errors.
VoronoiOptions voronoi_options_from(const nlohmann::json& params, const RunContext& run,
                                    const std::string& label);

// The options as they go into a summary (every number-changing parameter is reported).
nlohmann::json describe_voronoi_options(const VoronoiOptions& options);

}  // namespace mgs
