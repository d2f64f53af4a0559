#pragma once
// LAMMPS text dumps (`dump atom` / `dump custom`), plain or gzip-compressed, as LAMMPS writes them.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/frame.hpp"
#include "io/text_source.hpp"

namespace mgs::io {

struct DumpFrameEntry {
  std::uint64_t offset = 0;     // byte offset of "ITEM: TIMESTEP" in the uncompressed text
  std::uint64_t length = 0;     // bytes up to the next frame
  std::int64_t first_line = 1;  // 1-based line number of that line
  std::int64_t timestep = 0;
  std::uint64_t atoms = 0;
};

// Frame byte-offset index of one dump file: frame count, timesteps and random access without
// parsing atom lines. Built by one pass that skips atom lines by counting newlines; it checks
// the frame structure (ITEM lines, atom line count) and throws InputError on a broken file.
class DumpIndex {
 public:
  explicit DumpIndex(const std::string& path);
  const std::string& path() const { return source_->path(); }
  const std::vector<DumpFrameEntry>& frames() const { return frames_; }
  // The text of frame k (see TextSource::read for the lifetime of the view).
  std::string_view text(std::size_t k, std::string& buffer) const;
  // The same through another handle on the file (see open_source), so that random access does
  // not disturb the sequential reader.
  std::string_view text(std::size_t k, std::string& buffer, TextSource& source) const;
  std::unique_ptr<TextSource> open_source() const { return TextSource::open(path()); }
  // Frame k's text has been parsed (see TextSource::release).
  void release(std::size_t k) const { source_->release(frames_.at(k).offset, frames_.at(k).length); }
  bool compressed() const { return source_->compressed(); }
  // The value of the file's first ITEM: UNITS (LAMMPS writes it in the first frame only), or "".
  const std::string& units() const { return units_; }

 private:
  std::unique_ptr<TextSource> source_;
  std::vector<DumpFrameEntry> frames_;
  std::string units_;
};

// How element names in an `element` column map to types when the dump has no `type` column:
// names listed here take their index (1-based); others follow in alphabetical order.
struct DumpParseOptions {
  std::vector<std::string> type_elements;  // index = type, [0] unused; may be empty
};

// Parses the text of one frame. `file` and `first_line` are for error messages. Atoms come out
// sorted by id; positions wrapped along periodic directions with image flags kept consistent.
Frame parse_dump_frame(std::string_view text, const std::string& file, std::int64_t first_line,
                       const DumpParseOptions& options = {});

// The column names of a frame's `ITEM: ATOMS` line.
std::vector<std::string> dump_columns(std::string_view text, const std::string& file,
                                      std::int64_t first_line);

}  // namespace mgs::io
