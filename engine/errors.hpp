#pragma once
// Error types that carry their context to the CLI, which prints them as one line.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mgs {

// A problem with an input file: which file, which line (0 when unknown), what was expected.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::int64_t line, const std::string& what);
  const std::string& file() const { return file_; }
  std::int64_t line() const { return line_; }
  // What was wrong, without the file and line (for adding context when rethrowing).
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  std::int64_t line_;
  std::string problem_;
};

// A problem with the run description: the JSON path (e.g. `analyzers[1].cutof`) and what is wrong.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string json_path, const std::string& what);
  const std::string& json_path() const { return path_; }

 private:
  std::string path_;
};

// A physically or numerically impossible situation found while computing (e.g. two atoms at the
// same position make the Voronoi cell undefined). Kernels see atoms only as indices into the
// frame; `atoms` lists the ones involved so that the pipeline, which knows the frame and its
// file, can name them by id.
class ComputeError : public std::runtime_error {
 public:
  explicit ComputeError(const std::string& what, std::vector<std::size_t> atoms = {})
      : std::runtime_error(what), atoms_(std::move(atoms)) {}
  const std::vector<std::size_t>& atoms() const { return atoms_; }

 private:
  std::vector<std::size_t> atoms_;
};

}  // namespace mgs
