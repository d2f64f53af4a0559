#pragma once
// Named, typed results of one shape, so that every writer and every later service (binning,
// correlation) can take any analyzer's output.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mgs {

// One value per atom (in the frame's id order). Integer fields are kept as integers so writers
// print them without a decimal point.
struct PerAtomField {
  std::string name;  // short name inside the analyzer ("volume"); writers prefix the label
  std::string unit;  // "Å^3", "" for dimensionless
  std::string doc;
  std::variant<std::vector<double>, std::vector<std::int64_t>> values;

  std::size_t size() const {
    return std::visit([](const auto& v) { return v.size(); }, values);
  }
  bool is_integer() const { return std::holds_alternative<std::vector<std::int64_t>>(values); }
  double as_double(std::size_t i) const {
    return std::visit([i](const auto& v) { return static_cast<double>(v[i]); }, values);
  }
};

// What an analyzer returns for one frame (or, from finish(), for the whole run).
struct FrameResult {
  std::vector<PerAtomField> fields;
  nlohmann::json summary = nlohmann::json::object();  // per-frame scalars and tables
};

struct AnalyzerResult {
  std::string label;
  FrameResult result;
};

}  // namespace mgs
