#include "io/trajectory.hpp"

#include <fmt/format.h>
#include <glob.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <string_view>

#include "engine/errors.hpp"
#include "io/lammps_data.hpp"
#include "io/lammps_dump.hpp"

namespace mgs::io {

bool is_data_file(const std::string& path, const std::string& format) {
  if (!format.empty()) return format == "lammps_data";
  const auto ends_with = [](std::string_view s, std::string_view e) {
    return s.size() >= e.size() && s.substr(s.size() - e.size()) == e;
  };
  std::string_view name = path;
  if (ends_with(name, ".gz")) name.remove_suffix(3);
  for (const char* ext : {".data", ".lmp", ".lammps"}) {
    if (ends_with(name, ext)) return true;
  }
  return false;
}

namespace {

// "a10" > "a9": digit runs compare by value.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
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
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;  // equal by value ("1" and "01"): any fixed order
}

// Element names from the run file label the types a frame leaves unnamed.
void name_types(Frame& f, const std::vector<std::string>& type_elements) {
  if (f.type_names.size() < type_elements.size()) f.type_names.resize(type_elements.size());
  for (std::size_t t = 0; t < type_elements.size(); ++t) {
    if (f.type_names[t].empty()) f.type_names[t] = type_elements[t];
  }
}

// The frames of every input file in order: a dump contributes its frames (through its offset
// index), a LAMMPS data file one frame.
class TrajectorySource final : public FrameSource {
 public:
  explicit TrajectorySource(const InputSpec& spec) {
    options_.type_elements = spec.type_elements;
    const auto& sel = spec.frames;
    if (sel.step == 0) throw ConfigError("input.frames.step", "expected a step of at least 1");
    for (const auto& path : expand_paths(spec.paths)) {
      File file;
      file.path = path;
      if (is_data_file(path, spec.format)) {
        file.data = true;
        all_.push_back({files_.size(), 0});
      } else {
        file.index = std::make_unique<DumpIndex>(path);
        for (std::size_t k = 0; k < file.index->frames().size(); ++k) {
          all_.push_back({files_.size(), k});
        }
      }
      files_.push_back(std::move(file));
    }
    const std::size_t stop = std::min(sel.stop.value_or(all_.size()), all_.size());
    for (std::size_t g = sel.start; g < stop; g += sel.step) selected_.push_back(g);
    if (selected_.empty()) {
      throw InputError(files_.front().path, 0,
                       fmt::format("the frame selection (start {}, stop {}, step {}) selects no "
                                   "frame: expected start < stop <= {} (the input has {} frames)",
                                   sel.start, sel.stop ? std::to_string(*sel.stop) : "end",
                                   sel.step, all_.size(), all_.size()));
    }
  }

  std::size_t frame_count() const override { return selected_.size(); }

  std::vector<std::size_t> frames_per_file() const override {
    std::vector<std::size_t> count(files_.size(), 0);
    for (const std::size_t g : selected_) ++count[all_[g].first];
    return count;
  }

  std::optional<RawFrame> next() override {
    if (cursor_ >= selected_.size()) return std::nullopt;
    const auto [file, k] = all_[selected_[cursor_]];
    RawFrame raw;
    raw.input_index = selected_[cursor_];
    raw.index = cursor_++;
    raw.file = files_[file].path;
    raw.file_index = file;
    if (files_[file].data) {
      raw.first_line = 0;  // one frame, the whole file: errors name no line
      return raw;          // parse() reads the data file itself
    }
    const DumpIndex& index = *files_[file].index;
    raw.first_line = index.frames()[k].first_line;
    const std::string_view text = index.text(k, raw.owned);
    if (raw.owned.empty()) raw.mapped = text;
    return raw;
  }

  Frame parse(const RawFrame& raw) const override {
    return parse_global(all_[selected_.at(raw.index)], raw.text());
  }

  std::string name() const override { return files_.front().path; }

  void release(const RawFrame& raw) const override {
    const auto [file, k] = all_[selected_.at(raw.index)];
    if (!files_[file].data) files_[file].index->release(k);
  }

  // Random access through a second handle per file (opened on first use), so that it neither
  // disturbs nor waits for the sequential reader; reads in increasing order stay forward-only
  // in gzip files.
  Frame read_input_frame(std::size_t global) const override {
    if (global >= all_.size()) {
      throw InputError(
          files_.front().path, 0,
          fmt::format("frame {} requested: expected a frame number below {} (the input has {} "
                      "frames)",
                      global, all_.size(), all_.size()));
    }
    const auto where = all_[global];
    const File& file = files_[where.first];
    std::string buffer;
    std::string_view text;
    TextSource* handle = nullptr;
    if (!file.data) {
      const std::lock_guard lock(random_mutex_);
      auto& slot = random_[where.first];
      if (!slot) slot = file.index->open_source();
      handle = slot.get();
      // Either a copy in `buffer` or a view into the handle's mapping, which lives as long as
      // this source: both stay valid after the lock is released.
      text = file.index->text(where.second, buffer, *handle);
    }
    Frame frame = parse_global(where, text);
    if (handle) {
      const auto& entry = file.index->frames()[where.second];
      handle->release(entry.offset, entry.length);
    }
    return frame;
  }

 private:
  struct File {
    std::string path;
    bool data = false;
    std::unique_ptr<DumpIndex> index;  // dumps only
  };

  Frame parse_global(std::pair<std::size_t, std::size_t> where, std::string_view text) const {
    const File& file = files_[where.first];
    if (file.data) {
      Frame f = read_lammps_data(file.path).frame;
      name_types(f, options_.type_elements);
      return f;
    }
    const DumpIndex& index = *file.index;
    Frame f = parse_dump_frame(text, file.path, index.frames()[where.second].first_line, options_);
    // LAMMPS writes ITEM: UNITS in the first frame only.
    if (f.units.empty()) f.units = index.units();
    return f;
  }

  DumpParseOptions options_;
  std::vector<File> files_;
  std::vector<std::pair<std::size_t, std::size_t>> all_;  // (file, frame in file)
  std::vector<std::size_t> selected_;
  std::size_t cursor_ = 0;
  mutable std::mutex random_mutex_;
  mutable std::map<std::size_t, std::unique_ptr<TextSource>> random_;  // by file
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
  return std::make_unique<TrajectorySource>(spec);
}

Frame read_frame(const InputSpec& spec, std::size_t index) {
  InputSpec all = spec;
  all.frames = FrameSelection{};  // the index counts frames before selection
  TrajectorySource source(all);
  return source.read_input_frame(index);
}

Frame FrameFiles::read(const std::string& path, std::size_t index) {
  const FrameSource* source = nullptr;
  {
    const std::lock_guard lock(mutex_);
    auto& slot = open_[path];
    if (!slot) {
      InputSpec spec;
      spec.paths = {path};
      spec.type_elements = type_elements_;
      slot = open_trajectory(spec);
    }
    source = slot.get();
  }
  return source->read_input_frame(index);
}

}  // namespace mgs::io
