#pragma once
// The JSON run file: input, analyzers, outputs. Loading validates everything against the
// declared parameter specs and resolves relative paths against the run file's folder.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/frame.hpp"
#include "engine/registry.hpp"
#include "io/trajectory.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

struct AnalyzerConfig {
  std::string type;
  std::string label;
  nlohmann::json params;  // validated, defaults filled
  std::string json_path;  // "analyzers[0]"
};

struct RunConfig {
  std::filesystem::path file;  // the run file itself
  InputSpec input;
  std::vector<TypeInfo> types;  // index = type
  std::vector<AnalyzerConfig> analyzers;
  std::vector<OutputSpec> outputs;
  int threads = 0;  // 0 = all cores (the CLI's --threads overrides)
};

// Throws ConfigError (with the JSON path) for any invalid content and InputError if the file
// cannot be read or is not JSON.
RunConfig load_run_config(const std::filesystem::path& path);
RunConfig parse_run_config(const nlohmann::json& doc, const std::filesystem::path& base_dir,
                           const std::filesystem::path& file = {});

// The context analyzers are built with: the run's types and loaders for potential and map files.
RunContext run_context(const std::vector<TypeInfo>& types);

// JSON Schema (draft 2020-12) of the run file, generated from the same parameter specs that
// validate it (configs/run.schema.json is this output; a test keeps them equal).
nlohmann::json run_schema();

}  // namespace mgs::io
