#pragma once
// The shape of the outputs that write every grid field as its own file in a folder (csv_grids,
// tiff): files named <label>_<grid>_<frame>.<ext>, written for each frame as it arrives and for
// the results of the whole run ("final") at the end, each through AtomicFile (renamed at commit,
// removed on abort). A subclass only turns one grid into the file's bytes.
#include <optional>
#include <string>
#include <vector>

#include "io/writers/atomic_file.hpp"
#include "io/writers/binary.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

class GridFolderSink : public FrameSink {
 public:
  GridFolderSink(const OutputSpec& spec, std::string extension)
      : spec_(spec), extension_(std::move(extension)) {}

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

 protected:
  // The file's bytes for grid `g` of the analyzer `label` (named "<label>_<grid>"), or nullopt to
  // leave this grid out.
  virtual std::optional<std::string> encode(const std::string& name, const GridField& g) const = 0;

 private:
  void write_grids(const std::vector<AnalyzerResult>& results, const std::string& tag) {
    for (const auto& r : results) {
      for (const auto& g : r.result.grids) {
        const std::string name = r.label + "_" + g.name;
        if (auto bytes = encode(name, g)) {
          files_.add(spec_.path / (name + "_" + tag + extension_), *bytes);
        }
      }
    }
  }

  OutputSpec spec_;
  std::string extension_;
  AtomicFileSet files_;
};

}  // namespace mgs::io
