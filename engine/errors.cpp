#include "engine/errors.hpp"

#include <fmt/format.h>

namespace mgs {

namespace {
std::string input_message(const std::string& file, std::int64_t line, const std::string& what) {
  if (line > 0) return fmt::format("{}:{}: {}", file, line, what);
  return fmt::format("{}: {}", file, what);
}
}  // namespace

InputError::InputError(std::string file, std::int64_t line, const std::string& what)
    : std::runtime_error(input_message(file, line, what)),
      file_(std::move(file)),
      line_(line),
      problem_(what) {}

ConfigError::ConfigError(std::string json_path, const std::string& what)
    : std::runtime_error(json_path.empty() ? what : fmt::format("{}: {}", json_path, what)),
      path_(std::move(json_path)) {}

}  // namespace mgs
