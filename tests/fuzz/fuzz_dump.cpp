// libFuzzer harness: LAMMPS dump reader (issue 9).
//  1. parse_dump_frame and dump_columns on the raw bytes (the frame parser, from memory);
//  2. DumpIndex on the bytes written to a temporary file (the index scan; gzip when the bytes
//     start with the gzip magic), then parse_dump_frame on every indexed frame.
// InputError is the documented failure; anything else (another exception, a crash, a sanitizer
// report, a timeout, an allocation beyond -rss_limit_mb) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/errors.hpp"
#include "io/lammps_dump.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Element names map to types in two ways; let one input bit choose which.
  mgs::io::DumpParseOptions options;
  if (size && (data[0] & 1)) options.type_elements = {"", "Cu", "Zr", "Al"};

  try {
    (void)mgs::io::parse_dump_frame(bytes, "fuzz.dump", 1, options);
  } catch (const mgs::InputError&) {
  }
  try {
    (void)mgs::io::dump_columns(bytes, "fuzz.dump", 1);
  } catch (const mgs::InputError&) {
  }

  const std::string& path = mgs::fuzz::temp_path("dump", ".dump");
  mgs::fuzz::write_file(path, data, size);
  try {
    const mgs::io::DumpIndex index(path);
    std::string buffer;
    const auto& frames = index.frames();
    for (std::size_t k = 0; k < frames.size(); ++k) {
      try {
        (void)mgs::io::parse_dump_frame(index.text(k, buffer), path, frames[k].first_line, options);
      } catch (const mgs::InputError&) {
      }
    }
  } catch (const mgs::InputError&) {
  }
  return 0;
}
