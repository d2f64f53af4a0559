// Tables of curves (g(r), S(q), ...) as CSV files in a folder: <label>_<table>.csv, one header
// line and one row per point, for pandas/numpy/gnuplot. Per-frame tables get leading frame and
// timestep columns; the run's final tables (from finish()) are written as they are. Everything
// is kept in memory (tables are small) and written at commit, each file atomically.
#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "engine/errors.hpp"
#include "io/writers/atomic_file.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

void append_rows(std::string& out, const Table& t, const std::string& prefix) {
  std::size_t rows = 0;
  for (const auto& c : t.data) rows = std::max(rows, c.size());
  fmt::memory_buffer buf;
  for (std::size_t r = 0; r < rows; ++r) {
    buf.append(prefix);
    for (std::size_t c = 0; c < t.data.size(); ++c) {
      if (c > 0) buf.push_back(',');
      if (r < t.data[c].size()) fmt::format_to(std::back_inserter(buf), "{}", t.data[c][r]);
    }
    buf.push_back('\n');
  }
  out.append(buf.data(), buf.size());
}

std::string header(const Table& t, const std::string& prefix) {
  std::string h = prefix;
  for (std::size_t c = 0; c < t.columns.size(); ++c) h += (c ? "," : "") + t.columns[c];
  return h + "\n";
}

class TablesSink final : public FrameSink {
 public:
  explicit TablesSink(const OutputSpec& spec) : spec_(spec) {}

  std::string format(const FrameRecord&) const override { return {}; }

  void append(const FrameRecord& rec, std::string) override {
    if (rec.final) return;
    for (const auto& r : rec.results) {
      for (const auto& t : r.result.tables) {
        std::string& text = files_[r.label + "_" + t.name];
        if (text.empty()) text = header(t, "frame,timestep,");
        append_rows(text, t, fmt::format("{},{},", rec.info.index, rec.info.timestep));
      }
    }
  }

  void finish(const std::vector<AnalyzerResult>& results) override {
    for (const auto& r : results) {
      for (const auto& t : r.result.tables) {
        std::string text = header(t, "");
        append_rows(text, t, "");
        files_[r.label + "_" + t.name] = std::move(text);
      }
    }
  }

  void commit(const nlohmann::json&) override {
    std::error_code ec;
    std::filesystem::create_directories(spec_.path, ec);
    if (ec || !std::filesystem::is_directory(spec_.path)) {
      throw InputError(spec_.path.string(), 0,
                       "cannot create the csv_tables folder: expected a writable directory");
    }
    // All files are written before any is renamed, so a failure leaves the old set in place.
    std::vector<std::unique_ptr<AtomicFile>> out;
    try {
      for (const auto& [name, text] : files_) {
        out.push_back(std::make_unique<AtomicFile>(spec_.path / (name + ".csv")));
        out.back()->write(text);
      }
    } catch (...) {
      for (auto& f : out) f->abort();
      throw;
    }
    for (auto& f : out) f->commit();
  }

  void abort() noexcept override { files_.clear(); }

 private:
  OutputSpec spec_;
  std::map<std::string, std::string> files_;
};

}  // namespace

std::unique_ptr<FrameSink> make_tables_sink(const OutputSpec& spec) {
  return std::make_unique<TablesSink>(spec);
}

}  // namespace mgs::io
