// Grid fields as CSV in the folder `path`, one file per grid and frame, for spreadsheets and
// np.loadtxt(..., delimiter=","):
//   <label>_<grid>_<frame>.csv
// A grid with exactly two resolved axes (a map: projection, 2-D bin or coarse_grain) is a matrix:
// one row per bin along the second resolved axis (from its first bin), one value per bin along
// the first, so that the file reads like the picture with the origin at the top left. Other
// grids are long tables: i,j,k,x,y,z,value with the bin centre in Å. A `#` line in front says
// which is which, the unit and the bin steps. NaN (empty bins) is written as nan, which numpy
// reads. <frame> as in the npy output. Each file goes to <name>.tmp and is renamed at commit.
#include <fmt/format.h>

#include <vector>

#include "io/writers/grid_folder_sink.hpp"

namespace mgs::io {

namespace {

constexpr char kAxisName[] = "abc";

std::string grid_csv(const std::string& name, const GridField& g) {
  std::vector<int> resolved;
  for (int k = 0; k < 3; ++k) {
    if (g.dims[k] > 1) resolved.push_back(k);
  }
  fmt::memory_buffer out;
  const auto value = [&](double v) {
    if (std::isnan(v)) {
      fmt::format_to(std::back_inserter(out), "nan");
    } else {
      fmt::format_to(std::back_inserter(out), "{:.17g}", v);
    }
  };
  if (resolved.size() == 2) {
    const int a = resolved[0], b = resolved[1];
    fmt::format_to(std::back_inserter(out),
                   "# {}{}: {} rows along {} x {} columns along {}; step {:.9g} Å along {}, "
                   "{:.9g} Å along {}\n",
                   name, g.unit.empty() ? "" : " (" + g.unit + ")", g.dims[b], kAxisName[b],
                   g.dims[a], kAxisName[a], g.step.col(a).norm(), kAxisName[a],
                   g.step.col(b).norm(), kAxisName[b]);
    std::array<int, 3> at{0, 0, 0};
    for (int j = 0; j < g.dims[b]; ++j) {
      for (int i = 0; i < g.dims[a]; ++i) {
        at[a] = i;
        at[b] = j;
        const std::size_t flat =
            (static_cast<std::size_t>(at[2]) * static_cast<std::size_t>(g.dims[1]) +
             static_cast<std::size_t>(at[1])) *
                static_cast<std::size_t>(g.dims[0]) +
            static_cast<std::size_t>(at[0]);
        if (i > 0) out.push_back(',');
        value(g.values[flat]);
      }
      out.push_back('\n');
    }
  } else {
    fmt::format_to(std::back_inserter(out), "# {}{}: one row per bin, centre x y z in Å\n", name,
                   g.unit.empty() ? "" : " (" + g.unit + ")");
    fmt::format_to(std::back_inserter(out), "i,j,k,x,y,z,value\n");
    std::size_t flat = 0;
    for (int k = 0; k < g.dims[2]; ++k) {
      for (int j = 0; j < g.dims[1]; ++j) {
        for (int i = 0; i < g.dims[0]; ++i, ++flat) {
          const Vec3 c = g.origin + g.step * Vec3(i, j, k);
          fmt::format_to(std::back_inserter(out), "{},{},{},{:.9g},{:.9g},{:.9g},", i, j, k, c[0],
                         c[1], c[2]);
          value(g.values[flat]);
          out.push_back('\n');
        }
      }
    }
  }
  return fmt::to_string(out);
}

class CsvGridsSink final : public GridFolderSink {
 public:
  explicit CsvGridsSink(const OutputSpec& spec) : GridFolderSink(spec, ".csv") {}

 private:
  std::optional<std::string> encode(const std::string& name, const GridField& g) const override {
    return grid_csv(name, g);
  }
};

}  // namespace

std::unique_ptr<FrameSink> make_csv_grids_sink(const OutputSpec& spec) {
  return std::make_unique<CsvGridsSink>(spec);
}

}  // namespace mgs::io
