// NumPy .npy files in a folder, one array per file and frame (numpy.load opens each):
//   id_<frame>.npy (int64), type_<frame>.npy (int32), position_<frame>.npy (N x 3, Å) (unless
//   "atom_arrays" is false: the per-atom arrays are in increasing id order in every frame),
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
    // Headers and converted copies live here until the files are written, all at once.
    std::vector<Pending> pending;
    std::vector<std::vector<double>> converted;
    converted.reserve(cols.size());
    std::vector<std::int32_t> types;
    if (!rec.final && spec_.atom_arrays) {
      types.assign(f.type.begin(), f.type.end());
      static_assert(sizeof(Vec3) == 3 * sizeof(double), "positions are packed triples");
      pending.push_back({"id_" + tag, npy_header("<i8", {n}, false), raw_bytes(f.id.data(), n)});
      pending.push_back({"type_" + tag, npy_header("<i4", {n}, false), raw_bytes(types.data(), n)});
      pending.push_back({"position_" + tag, npy_header("<f8", {n, 3}, false),
                         raw_bytes(n ? f.pos.front().data() : nullptr, 3 * n)});
    }
    for (const auto& c : cols) {
      const std::string name = c.name + "_" + tag;
      if (c.field && c.field->is_integer()) {
        const auto& v = std::get<std::vector<std::int64_t>>(c.field->values);
        pending.push_back({name, npy_header("<i8", {n}, false), raw_bytes(v.data(), n)});
        continue;
      }
      // Double columns are written from where they are stored; others converted first.
      const std::vector<double>* stored = c.input ? c.input
                                          : c.field
                                              ? std::get_if<std::vector<double>>(&c.field->values)
                                              : nullptr;
      if (!stored || stored->size() != n) {
        converted.push_back(column_as_double(c, n));
        stored = &converted.back();
      }
      pending.push_back({name, npy_header("<f8", {n}, false), raw_bytes(stored->data(), n)});
    }
    // The final frame's grids arrive through finish().
    if (!rec.final) add_grids(rec.results, tag, pending);
    write(pending);
  }

  void finish(const std::vector<AnalyzerResult>& results) override {
    std::vector<Pending> pending;
    add_grids(results, "final", pending);
    write(pending);
  }

  void commit(const nlohmann::json&) override { files_.commit(); }

  void abort() noexcept override { files_.abort(); }

 private:
  struct Pending {
    std::string name;    // file name without .npy
    std::string header;  // npy header
    std::string_view data;
  };

  static void add_grids(const std::vector<AnalyzerResult>& results, const std::string& tag,
                        std::vector<Pending>& pending) {
    for (const auto& r : results) {
      for (const auto& g : r.result.grids) {
        pending.push_back({r.label + "_" + g.name + "_" + tag,
                           npy_header("<f8", grid_shape(g), true),
                           raw_bytes(g.values.data(), g.values.size())});
      }
    }
  }

  void write(const std::vector<Pending>& pending) {
    std::vector<AtomicFileSet::Parts> files;
    for (const auto& p : pending) {
      files.push_back({spec_.path / (p.name + ".npy"), {p.header, p.data}});
    }
    files_.add_all(files);
  }

  OutputSpec spec_;
  AtomicFileSet files_;
};

}  // namespace

std::unique_ptr<FrameSink> make_npy_sink(const OutputSpec& spec) {
  return std::make_unique<NpySink>(spec);
}

}  // namespace mgs::io
