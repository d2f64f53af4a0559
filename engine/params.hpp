#pragma once
// Parameters declared once, as data: the same specs validate run files, fill defaults and print
// `mgscope analyzers`.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mgs {

enum class ParamKind { Number, Integer, Boolean, String, Object, Array, Any };

struct ParamSpec {
  // `default_value` null means required (unless optional() is called).
  ParamSpec(std::string key_, ParamKind kind_, nlohmann::json default_, std::string unit_,
            std::string doc_)
      : key(std::move(key_)),
        kind(kind_),
        default_value(std::move(default_)),
        unit(std::move(unit_)),
        doc(std::move(doc_)) {}
  ParamSpec& optional() {
    is_optional = true;
    return *this;
  }
  ParamSpec& at_least(double v) {
    minimum = v;
    return *this;
  }
  ParamSpec& at_most(double v) {
    maximum = v;
    return *this;
  }
  ParamSpec& one_of(std::vector<std::string> allowed) {
    choices = std::move(allowed);
    return *this;
  }

  std::string key;
  ParamKind kind;
  nlohmann::json default_value;
  std::string unit;
  std::string doc;
  bool is_optional = false;          // may be absent without a default
  std::optional<double> minimum;     // inclusive, numbers only
  std::optional<double> maximum;     // inclusive, numbers only
  std::vector<std::string> choices;  // allowed strings, when not empty
};

const char* kind_name(ParamKind kind);

// Checks `given` (a JSON object) against `specs`: unknown keys (naming the closest valid one),
// wrong types, out-of-range values and missing required keys raise ConfigError with
// `json_path` + key. Returns the object with defaults filled in. Keys in `reserved` are accepted
// and passed through untouched (e.g. "type" and "label").
nlohmann::json validate_params(const nlohmann::json& given, const std::vector<ParamSpec>& specs,
                               const std::string& json_path,
                               const std::vector<std::string>& reserved = {});

// Largest atom type number accepted in run files (types index small per-type tables).
inline constexpr std::size_t kMaxTypeNumber = 10000;

// A JSON object key naming an atom type ("1", "2", ...): the type number, or 0 when the key is
// not a plain positive integer up to kMaxTypeNumber.
std::size_t type_number(const std::string& key);

// The valid key closest to `key` by edit distance, or "" if none is reasonably close.
std::string closest_key(const std::string& key, const std::vector<std::string>& valid);

}  // namespace mgs
