#include "engine/params.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/errors.hpp"

namespace mgs {

const char* kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::Number: return "number";
    case ParamKind::Integer: return "integer";
    case ParamKind::Boolean: return "boolean";
    case ParamKind::String: return "string";
    case ParamKind::Object: return "object";
    case ParamKind::Array: return "array";
    case ParamKind::Any: return "any";
  }
  return "?";
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool has_kind(const nlohmann::json& v, ParamKind kind) {
  switch (kind) {
    case ParamKind::Number: return v.is_number();
    case ParamKind::Integer:
      return v.is_number_integer() ||
             (v.is_number_float() && v.get<double>() == static_cast<double>(v.get<long long>()));
    case ParamKind::Boolean: return v.is_boolean();
    case ParamKind::String: return v.is_string();
    case ParamKind::Object: return v.is_object();
    case ParamKind::Array: return v.is_array();
    case ParamKind::Any: return true;
  }
  return false;
}

std::string type_of(const nlohmann::json& v) {
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  return "null";
}

}  // namespace

std::size_t type_number(const std::string& key) {
  if (key.empty() || key.size() > 6 || key[0] == '0') return 0;
  std::size_t t = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return 0;
    t = t * 10 + static_cast<std::size_t>(c - '0');
  }
  return t <= kMaxTypeNumber ? t : 0;
}

std::string closest_key(const std::string& key, const std::vector<std::string>& valid) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& v : valid) {
    const std::size_t d = edit_distance(key, v);
    if (d < best_d) {
      best_d = d;
      best = v;
    }
  }
  if (best_d == std::string::npos || best_d > std::max<std::size_t>(2, key.size() / 2)) return "";
  return best;
}

nlohmann::json validate_params(const nlohmann::json& given, const std::vector<ParamSpec>& specs,
                               const std::string& json_path,
                               const std::vector<std::string>& reserved) {
  if (!given.is_object()) throw ConfigError(json_path, "expected an object");
  std::vector<std::string> valid = reserved;
  for (const auto& s : specs) valid.push_back(s.key);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : given.items()) {
    if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) {
      out[key] = value;
      continue;
    }
    // A named copy of the binding: clang < 16 cannot capture structured bindings in lambdas.
    const std::string& name = key;
    const auto it = std::find_if(specs.begin(), specs.end(),
                                 [&](const ParamSpec& s) { return s.key == name; });
    const std::string path = json_path.empty() ? key : json_path + "." + key;
    if (it == specs.end()) {
      const std::string near = closest_key(key, valid);
      throw ConfigError(path, near.empty() ? "unknown key"
                                           : fmt::format("unknown key (did you mean \"{}\"?)", near));
    }
    if (!has_kind(value, it->kind)) {
      throw ConfigError(path, fmt::format("expected {}, got {}", kind_name(it->kind), type_of(value)));
    }
    if (value.is_number()) {
      const double x = value.get<double>();
      if (it->minimum && x < *it->minimum) {
        throw ConfigError(path, fmt::format("must be at least {}, got {}", *it->minimum, x));
      }
      if (it->maximum && x > *it->maximum) {
        throw ConfigError(path, fmt::format("must be at most {}, got {}", *it->maximum, x));
      }
    }
    if (!it->choices.empty() &&
        std::find(it->choices.begin(), it->choices.end(), value.get<std::string>()) ==
            it->choices.end()) {
      throw ConfigError(path, fmt::format("must be one of \"{}\", got \"{}\"",
                                          fmt::join(it->choices, "\", \""),
                                          value.get<std::string>()));
    }
    out[key] = value;
  }
  for (const auto& s : specs) {
    if (out.contains(s.key)) continue;
    if (!s.default_value.is_null()) {
      out[s.key] = s.default_value;
    } else if (!s.is_optional) {
      throw ConfigError(json_path.empty() ? s.key : json_path + "." + s.key,
                        fmt::format("missing required key ({}: {})", kind_name(s.kind), s.doc));
    }
  }
  return out;
}

}  // namespace mgs
