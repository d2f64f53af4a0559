// Per-atom fields as VTK unstructured grids (ParaView: open atoms.pvd or the atoms_*.vtu
// series), in the folder `path`: atoms_<frame>.vtu per frame (<frame>: the index in the selected
// sequence, six digits, or "final" for results of the whole run) and atoms.pvd, the time series
// of the frames by timestep. Each atom is a point with a vertex cell; its PointData are id, type
// and every numeric per-atom column (Float64, Int64 for integer fields). FieldData: timestep,
// the cell vectors a, b, c (rows of `cell`) and the cell's origin, so a reader can recover
// fractional coordinates.
#include <numeric>

#include "io/writers/atomic_file.hpp"
#include "io/writers/sinks.hpp"
#include "io/writers/vtk_xml.hpp"

namespace mgs::io {

namespace {

std::string unstructured_grid(const FrameRecord& rec, const std::vector<OutputColumn>& cols) {
  const Frame& f = *rec.frame;
  const std::size_t n = f.size();
  VtkXml xml;
  const Mat3& h = f.box.cell();
  const Vec3& o = f.box.origin();
  std::string body = "<UnstructuredGrid>\n<FieldData>\n";
  body += fmt::format(
      "<DataArray type=\"Int64\" Name=\"timestep\" NumberOfTuples=\"1\" format=\"ascii\">{}"
      "</DataArray>\n",
      f.timestep);
  body += fmt::format(
      "<DataArray type=\"Float64\" Name=\"cell\" NumberOfComponents=\"3\" NumberOfTuples=\"3\" "
      "format=\"ascii\">{} {} {} {} {} {} {} {} {}</DataArray>\n",
      h(0, 0), h(1, 0), h(2, 0), h(0, 1), h(1, 1), h(2, 1), h(0, 2), h(1, 2), h(2, 2));
  body += fmt::format(
      "<DataArray type=\"Float64\" Name=\"origin\" NumberOfComponents=\"3\" "
      "NumberOfTuples=\"1\" format=\"ascii\">{} {} {}</DataArray>\n",
      o.x(), o.y(), o.z());
  body += "</FieldData>\n";
  body += fmt::format("<Piece NumberOfPoints=\"{}\" NumberOfCells=\"{}\">\n", n, n);
  body += "<PointData>\n";
  body += xml.array("id", "Int64", 1, f.id.data(), n);
  const std::vector<std::int32_t> types(f.type.begin(), f.type.end());
  body += xml.array("type", "Int32", 1, types.data(), n);
  for (const auto& c : cols) {
    if (c.field && c.field->is_integer()) {
      const auto& v = std::get<std::vector<std::int64_t>>(c.field->values);
      body += xml.array(c.name, "Int64", 1, v.data(), n);
    } else {
      const std::vector<double> v = column_as_double(c, n);
      body += xml.array(c.name, "Float64", 1, v.data(), n);
    }
  }
  body += "</PointData>\n<Points>\n";
  std::vector<double> xyz(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) xyz[3 * i + static_cast<std::size_t>(k)] = f.pos[i][k];
  }
  body += xml.array("Points", "Float64", 3, xyz.data(), n * 3);
  body += "</Points>\n<Cells>\n";
  std::vector<std::int64_t> conn(n), offsets(n);
  std::iota(conn.begin(), conn.end(), std::int64_t{0});
  std::iota(offsets.begin(), offsets.end(), std::int64_t{1});
  const std::vector<std::uint8_t> vertex(n, 1);  // VTK_VERTEX
  body += xml.array("connectivity", "Int64", 1, conn.data(), n);
  body += xml.array("offsets", "Int64", 1, offsets.data(), n);
  body += xml.array("types", "UInt8", 1, vertex.data(), n);
  body += "</Cells>\n</Piece>\n</UnstructuredGrid>\n";
  return xml.file("UnstructuredGrid", body);
}

class VtuSink final : public FrameSink {
 public:
  explicit VtuSink(const OutputSpec& spec) : spec_(spec) {}

  // The file's bytes are built here, in the parallel stage.
  std::string format(const FrameRecord& rec) const override {
    const auto cols =
        numeric_columns(rec, rec.final ? std::vector<std::string>{} : spec_.fields, "vtu");
    return unstructured_grid(rec, cols);
  }

  void append(const FrameRecord& rec, std::string chunk) override {
    const std::string name = "atoms_" + frame_tag(rec) + ".vtu";
    files_.add(spec_.path / name, chunk);
    if (!rec.final) series_.emplace_back(static_cast<double>(rec.info.timestep), name);
  }

  void commit(const nlohmann::json&) override {
    files_.add(spec_.path / "atoms.pvd", pvd_file(series_));
    files_.commit();
  }

  void abort() noexcept override { files_.abort(); }

 private:
  OutputSpec spec_;
  AtomicFileSet files_;
  std::vector<std::pair<double, std::string>> series_;
};

}  // namespace

std::unique_ptr<FrameSink> make_vtu_sink(const OutputSpec& spec) {
  return std::make_unique<VtuSink>(spec);
}

}  // namespace mgs::io
