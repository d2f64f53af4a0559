#include "io/writers/sinks.hpp"

#include <algorithm>

#include "engine/errors.hpp"

namespace mgs::io {

const std::vector<std::string>& output_formats() {
  static const std::vector<std::string> formats{"lammps_dump", "csv", "json", "csv_tables", "npy",
                                                "vti",         "vtu", "png",  "csv_grids",  "tiff"};
  return formats;
}

bool writes_every_field_by_default(const std::string& format) {
  // json writes summaries only, png no histogram unless asked; the rest of these write grids
  // and tables. Any other format (those listed first, or one added later) writes every column.
  static const std::vector<std::string> none{"json", "png",       "csv_tables",
                                             "vti",  "csv_grids", "tiff"};
  return std::find(none.begin(), none.end(), format) == none.end();
}

std::unique_ptr<FrameSink> make_sink(const OutputSpec& spec, const nlohmann::json& run_info) {
  if (spec.format == "lammps_dump") return make_dump_sink(spec);
  if (spec.format == "csv") return make_csv_sink(spec);
  if (spec.format == "json") return make_json_sink(spec, run_info);
  if (spec.format == "csv_tables") return make_tables_sink(spec);
  if (spec.format == "npy") return make_npy_sink(spec);
  if (spec.format == "vti") return make_vti_sink(spec);
  if (spec.format == "vtu") return make_vtu_sink(spec);
  if (spec.format == "png") return make_png_sink(spec);
  if (spec.format == "csv_grids") return make_csv_grids_sink(spec);
  if (spec.format == "tiff") return make_tiff_sink(spec);
  throw ConfigError("outputs.format", "unknown output format \"" + spec.format + "\"");
}

}  // namespace mgs::io
