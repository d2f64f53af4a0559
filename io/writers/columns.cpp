#include "io/writers/columns.hpp"

#include <fmt/ranges.h>

#include <algorithm>

#include "engine/errors.hpp"

namespace mgs::io {

std::vector<OutputColumn> field_columns(const FrameRecord& record,
                                        const std::vector<std::string>& only) {
  std::vector<OutputColumn> fields;
  for (const auto& r : record.results) {
    for (const auto& f : r.result.fields) {
      if (!f.is_private()) fields.push_back({r.label + "_" + f.name, &f, nullptr});
    }
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
    auto it =
        std::find_if(all.begin(), all.end(), [&](const OutputColumn& c) { return c.name == name; });
    if (it == all.end()) {
      std::vector<std::string> names;
      for (const auto& c : all) names.push_back(c.name);
      throw ConfigError("outputs.fields",
                        fmt::format("no per-atom field named \"{}\"; available: {}", name,
                                    fmt::join(names, ", ")));
    }
    out.push_back(*it);
  }
  return out;
}

std::vector<OutputColumn> numeric_columns(const FrameRecord& rec,
                                          const std::vector<std::string>& only,
                                          const std::string& format) {
  std::vector<OutputColumn> cols;
  for (const auto& c : field_columns(rec, only)) {
    if (!c.is_text()) {
      cols.push_back(c);
    } else if (!only.empty()) {
      throw ConfigError("outputs.fields",
                        fmt::format("\"{}\" is a text field; {} holds numbers only (write "
                                    "it with csv or json)",
                                    c.name, format));
    }
  }
  return cols;
}

}  // namespace mgs::io
