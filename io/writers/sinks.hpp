#pragma once
// Output formats, created by name from the run file's `outputs` list.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/pipeline.hpp"

namespace mgs::io {

struct OutputSpec {
  std::string format;  // one of output_formats()
  std::filesystem::path path;
  std::vector<std::string> fields;  // per-atom columns to write; empty = all
  // Prepended to field column names in dumps: "c_" makes ASE import them as per-atom arrays
  // (ASE's reader keeps only c_/f_/v_ columns).
  std::string column_prefix;
  // npy: id, type and position arrays per frame besides the fields.
  bool atom_arrays = true;
};

// The format names make_sink() accepts.
const std::vector<std::string>& output_formats();

// Whether an output of this format with no "fields" list writes every per-atom column.
bool writes_every_field_by_default(const std::string& format);

// `run_info` (version, run file, analyzer parameters) goes into the JSON summary.
std::unique_ptr<FrameSink> make_sink(const OutputSpec& spec, const nlohmann::json& run_info);

// Per-format constructors (one file each).
std::unique_ptr<FrameSink> make_dump_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_csv_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_json_sink(const OutputSpec& spec, const nlohmann::json& run_info);
std::unique_ptr<FrameSink> make_tables_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_npy_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_vti_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_vtu_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_png_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_csv_grids_sink(const OutputSpec& spec);
std::unique_ptr<FrameSink> make_tiff_sink(const OutputSpec& spec);

}  // namespace mgs::io
