#include "io/trajectory.hpp"

#include <fmt/format.h>
#include <glob.h>

#include <algorithm>
#include <cctype>

#include "engine/errors.hpp"
#include "io/lammps_dump.hpp"

namespace mgs::io {

namespace {

// "a10" > "a9": digit runs compare by value.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      std::string_view da(a.data() + i, ie - i), db(b.data() + j, je - j);
      while (da.size() > 1 && da.front() == '0') da.remove_prefix(1);
      while (db.size() > 1 && db.front() == '0') db.remove_prefix(1);
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

bool is_data_file(const std::string& path, const std::string& format) {
  if (!format.empty()) return format == "lammps_data";
  for (const char* ext : {".data", ".lmp", ".lammps"}) {
    const std::string e(ext);
    if (path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

class DumpSource final : public FrameSource {
 public:
  explicit DumpSource(const InputSpec& spec) {
    options_.type_elements = spec.type_elements;
    for (const auto& path : expand_paths(spec.paths)) {
      if (is_data_file(path, spec.format)) {
        throw InputError(path, 0, "LAMMPS data files are read as single frames, not as part of a "
                                  "trajectory; give the data file alone");
      }
      files_.push_back(std::make_unique<DumpIndex>(path));
      for (std::size_t k = 0; k < files_.back()->frames().size(); ++k) {
        all_.push_back({files_.size() - 1, k});
      }
    }
    const auto& sel = spec.frames;
    const std::size_t stop = std::min(sel.stop.value_or(all_.size()), all_.size());
    for (std::size_t g = sel.start; g < stop; g += sel.step) selected_.push_back(g);
  }

  std::size_t frame_count() const override { return selected_.size(); }

  std::optional<RawFrame> next() override {
    if (cursor_ >= selected_.size()) return std::nullopt;
    const auto [file, k] = all_[selected_[cursor_]];
    RawFrame raw;
    raw.index = cursor_++;
    raw.file = files_[file]->path();
    raw.first_line = files_[file]->frames()[k].first_line;
    const std::string_view text = files_[file]->text(k, raw.owned);
    if (raw.owned.empty()) raw.mapped = text;
    return raw;
  }

  Frame parse(const RawFrame& raw) const override {
    return parse_dump_frame(raw.text(), raw.file, raw.first_line, options_);
  }

  Frame read(std::size_t global) {
    if (global >= all_.size()) {
      throw InputError(files_.front()->path(), 0,
                       fmt::format("frame {} requested, but the input has {} frames", global,
                                   all_.size()));
    }
    const auto [file, k] = all_[global];
    std::string buffer;
    const auto text = files_[file]->text(k, buffer);
    return parse_dump_frame(text, files_[file]->path(), files_[file]->frames()[k].first_line,
                            options_);
  }

 private:
  DumpParseOptions options_;
  std::vector<std::unique_ptr<DumpIndex>> files_;
  std::vector<std::pair<std::size_t, std::size_t>> all_;  // (file, frame in file)
  std::vector<std::size_t> selected_;
  std::size_t cursor_ = 0;
};

}  // namespace

std::vector<std::string> expand_paths(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  for (const auto& p : patterns) {
    if (p.find_first_of("*?[") == std::string::npos) {
      out.push_back(p);
      continue;
    }
    glob_t g{};
    const int rc = ::glob(p.c_str(), 0, nullptr, &g);
    std::vector<std::string> matches;
    if (rc == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
    }
    ::globfree(&g);
    if (matches.empty()) throw InputError(p, 0, "the pattern matches no file");
    std::sort(matches.begin(), matches.end(), natural_less);
    out.insert(out.end(), matches.begin(), matches.end());
  }
  if (out.empty()) throw InputError("", 0, "no input files given");
  return out;
}

std::unique_ptr<FrameSource> open_trajectory(const InputSpec& spec) {
  return std::make_unique<DumpSource>(spec);
}

Frame read_frame(const InputSpec& spec, std::size_t index) {
  DumpSource source(spec);
  return source.read(index);
}

}  // namespace mgs::io
