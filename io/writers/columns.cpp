#include "io/writers/columns.hpp"

#include <fmt/ranges.h>

#include <algorithm>

#include "engine/errors.hpp"

namespace mgs::io {

std::vector<OutputColumn> field_columns(const FrameRecord& record,
                                        const std::vector<std::string>& only) {
  std::vector<OutputColumn> fields;
  for (const auto& r : record.results) {
    for (const auto& f : r.result.fields) fields.push_back({r.label + "_" + f.name, &f, nullptr});
  }
  // An input column named like a new field (re-analysing an earlier output) is superseded.
  std::vector<OutputColumn> all;
  for (const auto& c : record.frame->columns) {
    const bool clash = std::any_of(fields.begin(), fields.end(),
                                   [&](const OutputColumn& f) { return f.name == c.name; });
    if (!clash) all.push_back({c.name, nullptr, &c.values});
  }
  all.insert(all.end(), fields.begin(), fields.end());
  if (only.empty()) return all;
  std::vector<OutputColumn> out;
  for (const auto& name : only) {
    auto it = std::find_if(all.begin(), all.end(), [&](const OutputColumn& c) { return c.name == name; });
    if (it == all.end()) {
      std::vector<std::string> names;
      for (const auto& c : all) names.push_back(c.name);
      throw ConfigError("outputs.fields", fmt::format("no per-atom field named \"{}\"; available: {}",
                                                       name, fmt::join(names, ", ")));
    }
    out.push_back(*it);
  }
  return out;
}

}  // namespace mgs::io
