#include "engine/registry.hpp"

#include <stdexcept>


namespace mgs {

Registry& Registry::instance() {
  // Function-local so registration from other translation units' static initialisers is safe.
  static Registry registry;
  return registry;
}

bool Registry::add(AnalyzerSpec spec) {
  const std::string name = spec.name;
  if (!specs_.emplace(name, std::move(spec)).second) {
    throw std::logic_error("analyzer registered twice: " + name);
  }
  return true;
}

const AnalyzerSpec* Registry::find(const std::string& name) const {
  const auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : &it->second;
}

std::vector<const AnalyzerSpec*> Registry::all() const {
  std::vector<const AnalyzerSpec*> out;
  for (const auto& [name, spec] : specs_) out.push_back(&spec);
  return out;
}

}  // namespace mgs
