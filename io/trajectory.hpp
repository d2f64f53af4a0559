#pragma once
// Opens the run's input (dump files, a glob or a list, or a data file) as the pipeline's frame
// source, with frame selection.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/pipeline.hpp"

namespace mgs::io {

struct FrameSelection {
  std::size_t start = 0;
  std::optional<std::size_t> stop;  // exclusive; nullopt = to the end
  std::size_t step = 1;
};

struct InputSpec {
  std::vector<std::string> paths;  // as given (globs are expanded by open_trajectory)
  std::string format;              // "lammps_dump", "lammps_data" or "" to guess from the name
  FrameSelection frames;
  std::vector<std::string> type_elements;  // index = type, for element-only dumps
};

// Whether `path` is read as a LAMMPS data file: `format` decides when given, else the name
// (.data, .lmp, .lammps, optionally followed by .gz).
bool is_data_file(const std::string& path, const std::string& format = "");

// Expands a glob pattern into existing files in natural order (dump.2 before dump.10). A path
// without wildcard characters is returned as is. Throws InputError if a pattern matches nothing.
std::vector<std::string> expand_paths(const std::vector<std::string>& patterns);

// Indexes every file (checking frame structure) and returns a source of the selected frames.
// Dumps contribute all their frames, LAMMPS data files one frame each (chosen by `format`, or by
// a .data/.lmp/.lammps name, optionally .gz). Throws InputError for unreadable input or a
// selection that picks no frame, ConfigError for step 0.
std::unique_ptr<FrameSource> open_trajectory(const InputSpec& spec);

// Reads one frame (global index over all files, before selection) directly, e.g. a reference.
Frame read_frame(const InputSpec& spec, std::size_t index);

// Frames of other files read on demand (external reference configurations): each file is
// indexed once, on first use, and read with random access. Thread-safe.
class FrameFiles {
 public:
  explicit FrameFiles(std::vector<std::string> type_elements)
      : type_elements_(std::move(type_elements)) {}
  Frame read(const std::string& path, std::size_t index);

 private:
  std::vector<std::string> type_elements_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FrameSource>> open_;
};

}  // namespace mgs::io
