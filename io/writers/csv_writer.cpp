// Per-atom CSV: one header line, then one row per atom and frame (frame, timestep, id, type,
// x, y, z, fields...), for pandas/numpy. Text fields are quoted.
#include "io/writers/atomic_file.hpp"
#include "io/writers/columns.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

// RFC 4180: text fields are quoted (a Voronoi index "<0,2,8,2>" holds commas), quotes doubled.
void append_quoted(fmt::memory_buffer& buf, const OutputColumn& c, std::size_t i) {
  fmt::memory_buffer text;
  c.append(text, i);
  buf.push_back('"');
  for (char ch : text) {
    if (ch == '"') buf.push_back('"');
    buf.push_back(ch);
  }
  buf.push_back('"');
}

class CsvSink final : public FrameSink {
 public:
  explicit CsvSink(const OutputSpec& spec) : spec_(spec), file_(spec.path) {}

  std::string format(const FrameRecord& rec) const override {
    const Frame& f = *rec.frame;
    const auto cols = field_columns(rec, rec.final ? std::vector<std::string>{} : spec_.fields);
    fmt::memory_buffer head;
    fmt::format_to(std::back_inserter(head), "frame,timestep,id,type,x,y,z");
    for (const auto& c : cols) fmt::format_to(std::back_inserter(head), ",{}", c.name);
    head.push_back('\n');
    const std::string frame_label = rec.final ? "final" : std::to_string(rec.info.index);
    std::string text = fmt::to_string(head);
    text += format_rows(f.size(), [&](std::size_t i, fmt::memory_buffer& buf) {
      fmt::format_to(std::back_inserter(buf), "{},{},{},{},{},{},{}", frame_label, f.timestep,
                     f.id[i], f.type[i], f.pos[i][0], f.pos[i][1], f.pos[i][2]);
      for (const auto& c : cols) {
        buf.push_back(',');
        if (c.is_text())
          append_quoted(buf, c, i);
        else
          c.append(buf, i);
      }
      buf.push_back('\n');
    });
    return text;
  }

  void append(const FrameRecord&, std::string chunk) override {
    // The header line is written once; later frames must have the same columns.
    const std::size_t nl = chunk.find('\n');
    const std::string header = chunk.substr(0, nl + 1);
    if (header_.empty()) {
      header_ = header;
      file_.write(chunk);
    } else if (header == header_) {
      file_.write(std::string_view(chunk).substr(nl + 1));
    } else {
      // Columns changed (e.g. the final cross-frame results): start a new header block.
      header_ = header;
      file_.write(chunk);
    }
  }
  void commit(const nlohmann::json&) override { file_.commit(); }
  void abort() noexcept override { file_.abort(); }

 private:
  OutputSpec spec_;
  AtomicFile file_;
  std::string header_;
};

}  // namespace

std::unique_ptr<FrameSink> make_csv_sink(const OutputSpec& spec) {
  return std::make_unique<CsvSink>(spec);
}

}  // namespace mgs::io
