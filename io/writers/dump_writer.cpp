// Per-atom LAMMPS text dump: `id type [element] x y z [ix iy iz]` plus one column per field, with
// the box written as LAMMPS writes it, so OVITO, ASE and LAMMPS read_dump open it. Text fields
// are left out: those readers take numbers only (analyzers give a numeric code beside them).
#include <algorithm>

#include "engine/errors.hpp"

#include "io/writers/atomic_file.hpp"
#include "io/writers/columns.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

void append_box(fmt::memory_buffer& out, const Frame& f) {
  const auto& b = f.box;
  const Mat3& h = b.cell();
  const Vec3& o = b.origin();
  const std::string flags = fmt::format("{} {} {}", f.boundary[0], f.boundary[1], f.boundary[2]);
  auto it = std::back_inserter(out);
  if (b.is_orthogonal()) {
    fmt::format_to(it, "ITEM: BOX BOUNDS {}\n{} {}\n{} {}\n{} {}\n", flags, o[0], o[0] + h(0, 0),
                   o[1], o[1] + h(1, 1), o[2], o[2] + h(2, 2));
  } else if (b.is_lower_triangular()) {
    // Restricted triclinic: LAMMPS writes the bounding box of the tilted cell.
    const double xy = h(0, 1), xz = h(0, 2), yz = h(1, 2);
    const double xlo = o[0], xhi = o[0] + h(0, 0), ylo = o[1], yhi = o[1] + h(1, 1);
    fmt::format_to(it, "ITEM: BOX BOUNDS xy xz yz {}\n{} {} {}\n{} {} {}\n{} {} {}\n", flags,
                   xlo + std::min({0.0, xy, xz, xy + xz}), xhi + std::max({0.0, xy, xz, xy + xz}),
                   xy, ylo + std::min(0.0, yz), yhi + std::max(0.0, yz), xz, o[2], o[2] + h(2, 2),
                   yz);
  } else {
    fmt::format_to(it, "ITEM: BOX BOUNDS abc origin {}\n", flags);
    for (int k = 0; k < 3; ++k) {
      fmt::format_to(it, "{} {} {} {}\n", h(0, k), h(1, k), h(2, k), o[k]);
    }
  }
}

class DumpSink final : public FrameSink {
 public:
  explicit DumpSink(const OutputSpec& spec) : spec_(spec), file_(spec.path) {}

  std::string format(const FrameRecord& rec) const override {
    const Frame& f = *rec.frame;
    const auto cols =
        numeric_columns(rec, rec.final ? std::vector<std::string>{} : spec_.fields, "lammps_dump");
    const bool names = std::any_of(f.type_names.begin(), f.type_names.end(),
                                   [](const std::string& s) { return !s.empty(); });
    fmt::memory_buffer head;
    auto it = std::back_inserter(head);
    fmt::format_to(it, "ITEM: TIMESTEP\n{}\n", f.timestep);
    if (f.time) fmt::format_to(it, "ITEM: TIME\n{}\n", *f.time);
    fmt::format_to(it, "ITEM: NUMBER OF ATOMS\n{}\n", f.size());
    append_box(head, f);
    fmt::format_to(it, "ITEM: ATOMS id type{} x y z{}", names ? " element" : "",
                   f.has_image ? " ix iy iz" : "");
    for (const auto& c : cols)
      fmt::format_to(it, " {}{}", c.field ? spec_.column_prefix : "", c.name);
    fmt::format_to(it, "\n");
    std::string text = fmt::to_string(head);
    text += format_rows(f.size(), [&](std::size_t i, fmt::memory_buffer& buf) {
      auto o = std::back_inserter(buf);
      fmt::format_to(o, "{} {}", f.id[i], f.type[i]);
      if (names) {
        const auto t = static_cast<std::size_t>(f.type[i]);
        const std::string& e = t < f.type_names.size() ? f.type_names[t] : std::string();
        fmt::format_to(o, " {}", e.empty() ? "X" : e);
      }
      fmt::format_to(o, " {} {} {}", f.pos[i][0], f.pos[i][1], f.pos[i][2]);
      if (f.has_image) fmt::format_to(o, " {} {} {}", f.image[i][0], f.image[i][1], f.image[i][2]);
      for (const auto& c : cols) {
        buf.push_back(' ');
        c.append(buf, i);
      }
      buf.push_back('\n');
    });
    return text;
  }

  void append(const FrameRecord&, std::string chunk) override { file_.write(chunk); }
  void commit(const nlohmann::json&) override { file_.commit(); }
  void abort() noexcept override { file_.abort(); }

 private:
  OutputSpec spec_;
  AtomicFile file_;
};

}  // namespace

std::unique_ptr<FrameSink> make_dump_sink(const OutputSpec& spec) {
  return std::make_unique<DumpSink>(spec);
}

}  // namespace mgs::io
