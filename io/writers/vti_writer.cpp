// Grid fields as VTK image data (ParaView: open <label>.pvd or the <label>_*.vti series), in the
// folder `path`: <label>_<frame>.vti for every analyzer that produced grids in that frame
// (<frame>: the index in the selected sequence, six digits, or "final" for results of the whole
// run, e.g. time averages) and <label>.pvd, the time series by timestep. Each grid field is a
// Float64 PointData array at the bin centres (NaN where undefined, e.g. empty bins).
//
// Geometry: Origin is the first bin's centre, Spacing the lengths of the steps between bin
// centres along a, b, c, and Direction (VTK >= 9) the unit step vectors as the columns of a
// 3x3 matrix written row by row. For a tilted cell that matrix is not a rotation: VTK's readers
// and vtkImageData::TransformIndexToPhysicalPoint honour it, but some ParaView filters and
// renderers assume an orthonormal Direction and draw such a grid as if it were orthogonal. The
// per-atom vtu output is exact for any cell.
#include <map>

#include "io/writers/atomic_file.hpp"
#include "io/writers/sinks.hpp"
#include "io/writers/vtk_xml.hpp"

namespace mgs::io {

namespace {

bool same_geometry(const GridField& a, const GridField& b) {
  return a.dims == b.dims && a.origin == b.origin && a.step == b.step;
}

std::string image_data(const std::vector<GridField>& grids, const std::string& label) {
  const GridField& g = grids.front();
  for (const auto& other : grids) {
    if (!same_geometry(g, other)) {
      throw std::logic_error("analyzer " + label + " returned grid fields of different shapes");
    }
  }
  VtkXml xml;
  Vec3 spacing;
  Mat3 direction;
  for (int k = 0; k < 3; ++k) {
    spacing[k] = g.step.col(k).norm();
    direction.col(k) = g.step.col(k) / spacing[k];
  }
  const std::string extent =
      fmt::format("0 {} 0 {} 0 {}", g.dims[0] - 1, g.dims[1] - 1, g.dims[2] - 1);
  std::string body = fmt::format(
      "<ImageData WholeExtent=\"{}\" Origin=\"{} {} {}\" Spacing=\"{} {} {}\" "
      "Direction=\"{} {} {} {} {} {} {} {} {}\">\n",
      extent, g.origin.x(), g.origin.y(), g.origin.z(), spacing[0], spacing[1], spacing[2],
      direction(0, 0), direction(0, 1), direction(0, 2), direction(1, 0), direction(1, 1),
      direction(1, 2), direction(2, 0), direction(2, 1), direction(2, 2));
  body += fmt::format("<Piece Extent=\"{}\">\n<PointData>\n", extent);
  for (const auto& f : grids) {
    body += xml.array(label + "_" + f.name, "Float64", 1, f.values.data(), f.values.size());
  }
  body += "</PointData>\n<CellData>\n</CellData>\n</Piece>\n</ImageData>\n";
  return xml.file("ImageData", body);
}

class VtiSink final : public FrameSink {
 public:
  explicit VtiSink(const OutputSpec& spec) : spec_(spec) {}

  std::string format(const FrameRecord&) const override { return {}; }

  // Serial: grids may have been folded away by consume() (time averages) after compute.
  void append(const FrameRecord& rec, std::string) override {
    if (rec.final) return;  // the final frame's grids arrive through finish()
    write(rec.results, frame_tag(rec), static_cast<double>(rec.info.timestep));
  }

  void finish(const std::vector<AnalyzerResult>& results) override {
    write(results, "final", std::nullopt);
  }

  void commit(const nlohmann::json&) override {
    for (const auto& [label, series] : series_) {
      files_.add(spec_.path / (label + ".pvd"), pvd_file(series));
    }
    files_.commit();
  }

  void abort() noexcept override { files_.abort(); }

 private:
  void write(const std::vector<AnalyzerResult>& results, const std::string& tag,
             std::optional<double> time) {
    for (const auto& r : results) {
      if (r.result.grids.empty()) continue;
      const std::string name = r.label + "_" + tag + ".vti";
      files_.add(spec_.path / name, image_data(r.result.grids, r.label));
      if (time) series_[r.label].emplace_back(*time, name);
    }
  }

  OutputSpec spec_;
  AtomicFileSet files_;
  std::map<std::string, std::vector<std::pair<double, std::string>>> series_;
};

}  // namespace

std::unique_ptr<FrameSink> make_vti_sink(const OutputSpec& spec) {
  return std::make_unique<VtiSink>(spec);
}

}  // namespace mgs::io
