#pragma once
// Shared helpers of the libFuzzer harnesses (see README.md).
#include <tbb/global_control.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace mgs::fuzz {

// One thread: the parsers' parallel loops would otherwise start a TBB worker per core for every
// fuzz input (CPU the machine may not have to spare), and a serial run is reproducible.
inline tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);

// A fixed temporary file per process and harness: the readers under test take a path.
inline const std::string& temp_path(const char* harness, const char* suffix) {
  static const std::string path =
      std::string("/tmp/mgs_fuzz_") + harness + "_" + std::to_string(::getpid()) + suffix;
  static const bool registered = [] {
    std::atexit([] { std::remove(path.c_str()); });
    return true;
  }();
  (void)registered;
  return path;
}

inline void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();  // the harness itself is broken, not the code under test
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
}

}  // namespace mgs::fuzz
