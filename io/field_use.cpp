#include "io/field_use.hpp"

#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

void collect_strings(const nlohmann::json& j, std::set<std::string>& out) {
  if (j.is_string()) {
    out.insert(j.get<std::string>());
  } else if (j.is_structured()) {
    for (const auto& v : j) collect_strings(v, out);
  }
}

}  // namespace

FieldUse used_fields(const RunConfig& cfg) {
  std::set<std::string> columns;
  for (const auto& o : cfg.outputs) {
    if (o.fields.empty() && writes_every_field_by_default(o.format)) return FieldUse();
    columns.insert(o.fields.begin(), o.fields.end());
  }
  for (const auto& a : cfg.analyzers) collect_strings(a.params, columns);
  return FieldUse::only(std::move(columns));
}

}  // namespace mgs::io
