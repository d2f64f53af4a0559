// Maps as 32-bit float TIFF files in the folder `path`, for ImageJ/Fiji, Gatan DigitalMicrograph
// and the experimentalist's own scripts (io/maps/tiff_write.hpp):
//   <label>_<grid>_<frame>.tiff
// for every grid with exactly two resolved axes, oriented as the png output draws it (rows from
// the top, the second axis pointing up) with the pixel size as resolution. Grids with NaN (empty
// bins, failed fits) are left out: TIFF readers treat NaN differently; the npy output has them.
// <frame> as in the npy output. Each file goes to <name>.tmp and is renamed at commit.
#include <algorithm>
#include <cmath>

#include "engine/map2d.hpp"
#include "io/maps/tiff_write.hpp"
#include "io/writers/grid_folder_sink.hpp"

namespace mgs::io {

namespace {

bool is_map(const GridField& g) {
  return std::count_if(g.dims.begin(), g.dims.end(), [](int n) { return n > 1; }) == 2 &&
         std::all_of(g.values.begin(), g.values.end(), [](double v) { return std::isfinite(v); });
}

class TiffSink final : public GridFolderSink {
 public:
  explicit TiffSink(const OutputSpec& spec) : GridFolderSink(spec, ".tiff") {}

 private:
  std::optional<std::string> encode(const std::string& name, const GridField& g) const override {
    if (!is_map(g)) return std::nullopt;
    return encode_tiff_map(image_from_grid(g, name));
  }
};

}  // namespace

std::unique_ptr<FrameSink> make_tiff_sink(const OutputSpec& spec) {
  return std::make_unique<TiffSink>(spec);
}

}  // namespace mgs::io
