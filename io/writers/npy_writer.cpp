// NumPy .npy files in a folder, one array per file and frame (numpy.load opens each):
//   id_<frame>.npy (int64), type_<frame>.npy (int32), position_<frame>.npy (N x 3, Å),
//   <column>_<frame>.npy per numeric per-atom column (float64, or int64 for integer fields),
//   <label>_<grid>_<frame>.npy per grid field (float64, shape of the binned axes, see
//   grid_shape(): arr[i, j, k] is bin i along a, j along b, k along c).
// <frame> is the frame's index in the selected sequence (six digits) or "final" for results of
// the whole run. Each file is written to <name>.tmp as its frame arrives and renamed at commit.
#include <filesystem>

#include "engine/errors.hpp"
#include "io/writers/atomic_file.hpp"
#include "io/writers/binary.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

std::string doubles(const std::vector<double>& v) {
  std::string out;
  append_bytes(out, v.data(), v.size());
  return out;
}

class NpySink final : public FrameSink {
 public:
  explicit NpySink(const OutputSpec& spec) : spec_(spec) {}

  std::string format(const FrameRecord&) const override { return {}; }

  void append(const FrameRecord& rec, std::string) override {
    const std::string tag = frame_tag(rec);
    const Frame& f = *rec.frame;
    const std::size_t n = f.size();
    const auto cols =
        numeric_columns(rec, rec.final ? std::vector<std::string>{} : spec_.fields, "npy");
    if (!rec.final) {
      std::string ids, types, pos;
      append_bytes(ids, f.id.data(), n);
      std::vector<std::int32_t> t(f.type.begin(), f.type.end());
      append_bytes(types, t.data(), n);
      static_assert(sizeof(Vec3) == 3 * sizeof(double), "positions are packed triples");
      if (n) append_bytes(pos, f.pos.front().data(), 3 * n);
      write("id_" + tag, npy_file("<i8", {n}, false, ids));
      write("type_" + tag, npy_file("<i4", {n}, false, types));
      write("position_" + tag, npy_file("<f8", {n, 3}, false, pos));
    }
    for (const auto& c : cols) {
      if (c.field && c.field->is_integer()) {
        const auto& v = std::get<std::vector<std::int64_t>>(c.field->values);
        std::string data;
        append_bytes(data, v.data(), v.size());
        write(c.name + "_" + tag, npy_file("<i8", {n}, false, data));
      } else {
        write(c.name + "_" + tag, npy_file("<f8", {n}, false, doubles(column_as_double(c, n))));
      }
    }
    // The final frame's grids arrive through finish().
    if (!rec.final) write_grids(rec.results, tag);
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
        write(r.label + "_" + g.name + "_" + tag,
              npy_file("<f8", grid_shape(g), true, doubles(g.values)));
      }
    }
  }

  void write(const std::string& name, const std::string& bytes) {
    files_.add(spec_.path / (name + ".npy"), bytes);
  }

  OutputSpec spec_;
  AtomicFileSet files_;
};

}  // namespace

std::unique_ptr<FrameSink> make_npy_sink(const OutputSpec& spec) {
  return std::make_unique<NpySink>(spec);
}

}  // namespace mgs::io
