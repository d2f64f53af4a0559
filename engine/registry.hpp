#pragma once
// Analyzers register themselves by name from their own file (one line at the end of it); the
// registry has no central list.
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/map2d.hpp"
#include "engine/params.hpp"
#include "engine/potential.hpp"

namespace mgs {

// Everything the engine knows about the run that an analyzer may need at construction.
struct RunContext {
  std::vector<TypeInfo> types;  // index = type; may be empty
  // Reads potential files for analyzers that evaluate a potential (set by io/; empty in runs
  // that have no file access, where such analyzers refuse to be built).
  PotentialLoader load_potential;
  // Reads 2-D map files (experimental images) for analyzers that compare with them; set by io/
  // like load_potential, empty in runs without file access.
  MapLoader load_map = {};
};

struct AnalyzerSpec {
  std::string name;
  std::string doc;
  std::vector<ParamSpec> params;
  // Receives the validated parameters (defaults filled) and the label.
  std::function<std::unique_ptr<Analyzer>(const nlohmann::json& params, const std::string& label,
                                          const RunContext& run)>
      make;
};

class Registry {
 public:
  static Registry& instance();
  bool add(AnalyzerSpec spec);
  const AnalyzerSpec* find(const std::string& name) const;
  std::vector<const AnalyzerSpec*> all() const;  // sorted by name

 private:
  std::map<std::string, AnalyzerSpec> specs_;
};

// For the registration line at the end of an analyzer's file:
//   const bool registered = mgs::register_analyzer({...});
inline bool register_analyzer(AnalyzerSpec spec) {
  return Registry::instance().add(std::move(spec));
}

}  // namespace mgs
