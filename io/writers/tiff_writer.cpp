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
#include "io/writers/atomic_file.hpp"
#include "io/writers/binary.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

bool is_map(const GridField& g) {
  return std::count_if(g.dims.begin(), g.dims.end(), [](int n) { return n > 1; }) == 2 &&
         std::all_of(g.values.begin(), g.values.end(), [](double v) { return std::isfinite(v); });
}

class TiffSink final : public FrameSink {
 public:
  explicit TiffSink(const OutputSpec& spec) : spec_(spec) {}

  std::string format(const FrameRecord&) const override { return {}; }

  void append(const FrameRecord& rec, std::string) override {
    // The final frame's grids arrive through finish().
    if (!rec.final) write_grids(rec.results, frame_tag(rec));
  }

  void finish(const std::vector<AnalyzerResult>& results) override {
    write_grids(results, "final");
  }

  void commit(const nlohmann::json&) override { files_.commit(); }

  void abort() noexcept override { files_.abort(); }

 private:
  void write_grids(const std::vector<AnalyzerResult>& results, const std::string& tag) {
    for (const auto& r : results) {
      for (const auto& g : r.result.grids) {
        if (!is_map(g)) continue;
        const std::string name = r.label + "_" + g.name + "_" + tag + ".tiff";
        files_.add(spec_.path / name, encode_tiff_map(image_from_grid(g, name)));
      }
    }
  }

  OutputSpec spec_;
  AtomicFileSet files_;
};

}  // namespace

std::unique_ptr<FrameSink> make_tiff_sink(const OutputSpec& spec) {
  return std::make_unique<TiffSink>(spec);
}

}  // namespace mgs::io
