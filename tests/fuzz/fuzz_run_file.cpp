// libFuzzer harness: the JSON run-file loader (issue 9).
//  1. nlohmann::json::parse without exceptions, then parse_run_config on any valid document
//     (validation of every analyzer's parameters; needs the analyzers' registrations);
//  2. load_run_config on the bytes written to a temporary file (includes the JSON error path
//     that turns nlohmann's byte offset into a line number).
// Relative paths resolve against an empty per-process folder. ConfigError and InputError are the
// documented failures; anything else is a finding.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "engine/errors.hpp"
#include "io/config.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace {

// The run file goes into its own folder, which relative paths resolve against.
const std::string& run_path() { return mgs::fuzz::temp_path("run", "_dir/run.json"); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = run_path();
  static const bool made = [] {
    std::filesystem::create_directories(std::filesystem::path(run_path()).parent_path());
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(std::filesystem::path(run_path()).parent_path(), ec);
    });
    return true;
  }();
  (void)made;

  const auto doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (!doc.is_discarded()) {
    try {
      (void)mgs::io::parse_run_config(doc, std::filesystem::path(path).parent_path(), path);
    } catch (const mgs::ConfigError&) {
    } catch (const mgs::InputError&) {
    }
  }

  mgs::fuzz::write_file(path, data, size);
  try {
    (void)mgs::io::load_run_config(path);
  } catch (const mgs::ConfigError&) {
  } catch (const mgs::InputError&) {
  }
  return 0;
}
