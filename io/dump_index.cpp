// Builds the frame byte-offset index of a LAMMPS dump in one pass (see DumpIndex).
#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "engine/errors.hpp"
#include "io/lammps_dump.hpp"
#include "io/text_scan.hpp"

namespace mgs::io {

namespace {

constexpr std::size_t kMaxHeaderLine = 1 << 16;

// A line that is not text: binary dumps (dump ... binary) and other binary files end up here.
bool looks_binary(std::string_view t) {
  for (char c : t.substr(0, 256)) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0 || (u < 32 && c != '\t' && c != '\r' && c != '\f' && c != '\v')) return true;
  }
  return false;
}

// The header items of a LAMMPS text dump frame. LAMMPS writes ITEM: UNITS (first frame only,
// `dump_modify units yes`) and ITEM: TIME (`dump_modify time yes`) before ITEM: TIMESTEP.
class IndexScanner {
 public:
  explicit IndexScanner(std::string file) : file_(std::move(file)) {}

  void feed(std::string_view chunk, std::uint64_t base) {
    std::size_t pos = 0;
    while (pos < chunk.size()) {
      if (state_ == State::Atoms && carry_.empty()) {
        pos = skip_atom_lines(chunk, pos);
        continue;
      }
      const void* nl = std::memchr(chunk.data() + pos, '\n', chunk.size() - pos);
      const std::size_t end =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data()) : chunk.size();
      if (carry_.empty()) carry_offset_ = base + pos;
      carry_.append(chunk.data() + pos, end - pos);
      if (carry_.size() > kMaxHeaderLine && state_ != State::Atoms) {
        throw InputError(file_, line_ + 1,
                         looks_binary(carry_)
                             ? std::string("expected a LAMMPS text dump, found binary data")
                             : std::string("line too long: expected a LAMMPS dump header line"));
      }
      if (!nl) break;
      pos = end + 1;
      line(carry_, carry_offset_);
      carry_.clear();
    }
    end_ = base + chunk.size();
  }

  std::vector<DumpFrameEntry> finish() {
    at_end_ = true;
    if (!carry_.empty()) {
      line(carry_, carry_offset_);  // last line without a newline
      carry_.clear();
    }
    if (state_ == State::Atoms && remaining_ > 0) {
      throw InputError(
          file_, line_,
          fmt::format("file ends inside the frame of timestep {}: expected {} atom "
                      "lines after ITEM: ATOMS on line {}, found {}",
                      current_.timestep, current_.atoms, atoms_line_, current_.atoms - remaining_));
    }
    if (state_ == State::Header) {
      throw InputError(file_, line_,
                       fmt::format("file ends inside the header of the frame that starts on line "
                                   "{}: expected {}",
                                   current_.first_line, missing_items()));
    }
    close_frame(end_);
    if (frames_.empty()) {
      throw InputError(file_, 0,
                       "no frames: expected a LAMMPS text dump starting with ITEM: TIMESTEP");
    }
    return std::move(frames_);
  }

  const std::string& units() const { return units_; }

 private:
  enum class State { Start, Header, Atoms };
  enum class Pending { None, Timestep, Count, Units, Time, Box };

  std::size_t skip_atom_lines(std::string_view chunk, std::size_t pos) {
    pos = skip_plain_atom_lines(chunk, pos);
    while (remaining_ > 0 && pos < chunk.size()) {
      const void* nl = std::memchr(chunk.data() + pos, '\n', chunk.size() - pos);
      if (!nl) {
        // The line continues in the next chunk (or is the file's last line without '\n').
        carry_offset_ = 0;
        carry_.assign(chunk.data() + pos, chunk.size() - pos);
        return chunk.size();
      }
      const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data());
      ++line_;
      // A frame with fewer atom lines than announced runs into the next frame's header.
      if (chunk[pos] == 'I' || chunk[pos] == '\n' || chunk[pos] == '\r') {
        check_atom_line(chunk.substr(pos, end - pos));
      }
      pos = end + 1;
      --remaining_;
    }
    if (remaining_ == 0) state_ = State::Start;
    return pos;
  }

  // The fast part of skip_atom_lines: eight bytes at a time (a memchr per ~50-byte line was most
  // of indexing a dump), as long as no line starts with what check_atom_line looks at ('I',
  // '\n', '\r') and the word does not hold the frame's last atom line. Starts and ends at the
  // start of a line; whatever it leaves is for the line-by-line loop.
  std::size_t skip_plain_atom_lines(std::string_view chunk, std::size_t pos) {
    const auto special = [](char c) { return c == 'I' || c == '\n' || c == '\r'; };
    if (pos >= chunk.size() || special(chunk[pos])) return pos;
    std::size_t i = pos;
    // chunk[i + 8] is read for a line starting right after the word.
    while (i + 9 <= chunk.size()) {
      const std::uint64_t w = load_word(chunk.data() + i);
      const std::uint64_t nl = bytes_equal(w, '\n');
      if (nl == 0) {
        i += 8;
        continue;
      }
      const std::uint64_t lines = marked_bytes(nl);
      if (lines >= remaining_) break;
      // Line starts inside the word are the bytes after its newlines (byte k + 1 is eight bits
      // above byte k); the last byte's line starts at chunk[i + 8].
      const std::uint64_t starts_special =
          ((bytes_equal(w, 'I') | bytes_equal(w, '\n') | bytes_equal(w, '\r')) >> 8) & nl;
      if (starts_special != 0 || ((nl >> 63) != 0 && special(chunk[i + 8]))) break;
      remaining_ -= lines;
      line_ += static_cast<std::int64_t>(lines);
      pos = i + static_cast<std::size_t>((63 - std::countl_zero(nl)) / 8) + 1;
      i += 8;
    }
    return pos;
  }

  void check_atom_line(std::string_view text) const {
    if (trim(text).empty()) {
      throw InputError(file_, line_,
                       fmt::format("expected {} atom lines after ITEM: ATOMS on line {} (as ITEM: "
                                   "NUMBER OF ATOMS says), got a blank line after {}",
                                   current_.atoms, atoms_line_, current_.atoms - remaining_));
    }
    if (!starts_with(text, "ITEM:")) return;
    throw InputError(
        file_, line_,
        fmt::format("expected {} atom lines after ITEM: ATOMS on line {} (as ITEM: "
                    "NUMBER OF ATOMS says), found {} before {}",
                    current_.atoms, atoms_line_, current_.atoms - remaining_, quote(trim(text))));
  }

  // The required items not seen yet in the current frame header.
  std::string missing_items(bool with_atoms = true) const {
    std::string out;
    const auto add = [&](bool have, const char* item) {
      if (have) return;
      if (!out.empty()) out += ", ";
      out += item;
    };
    add(have_timestep_, "ITEM: TIMESTEP");
    add(have_count_, "ITEM: NUMBER OF ATOMS");
    add(have_box_, "ITEM: BOX BOUNDS");
    add(!with_atoms, "ITEM: ATOMS");
    return out;
  }

  void open_frame(std::uint64_t offset) {
    close_frame(offset);
    current_ = DumpFrameEntry{};
    current_.offset = offset;
    current_.first_line = line_;
    open_ = true;
    have_timestep_ = have_count_ = have_box_ = false;
    state_ = State::Header;
    pending_ = Pending::None;
  }

  // Handles an ITEM: line inside a frame header.
  void item(std::string_view t) {
    if (pending_ == Pending::Box) {
      throw InputError(file_, line_,
                       fmt::format("expected 3 lines of box bounds after ITEM: BOX BOUNDS on line "
                                   "{}, got {}",
                                   box_line_, quote(t)));
    }
    if (pending_ != Pending::None) {
      throw InputError(file_, line_,
                       fmt::format("expected the value of the ITEM: line above, got {}", quote(t)));
    }
    if (t == "ITEM: TIMESTEP") {
      if (have_timestep_) {
        throw InputError(file_, line_,
                         fmt::format("expected ITEM: ATOMS for the frame that starts on line {}, "
                                     "got a second ITEM: TIMESTEP",
                                     current_.first_line));
      }
      pending_ = Pending::Timestep;
    } else if (t == "ITEM: NUMBER OF ATOMS") {
      pending_ = Pending::Count;
    } else if (t == "ITEM: UNITS") {
      pending_ = Pending::Units;
    } else if (t == "ITEM: TIME") {
      pending_ = Pending::Time;
    } else if (starts_with(t, "ITEM: BOX BOUNDS")) {
      pending_ = Pending::Box;
      box_left_ = 3;
      box_line_ = line_;
      have_box_ = true;
    } else if (starts_with(t, "ITEM: ATOMS")) {
      if (!have_timestep_ || !have_count_ || !have_box_) {
        throw InputError(
            file_, line_,
            fmt::format("expected {} before ITEM: ATOMS (frame that starts on line {})",
                        missing_items(false), current_.first_line));
      }
      atoms_line_ = line_;
      remaining_ = current_.atoms;
      state_ = remaining_ > 0 ? State::Atoms : State::Start;
    } else if (at_end_) {
      throw InputError(file_, line_,
                       fmt::format("file ends inside the header of the frame that starts on line "
                                   "{}, in the middle of the line {}",
                                   current_.first_line, quote(t)));
    } else {
      throw InputError(file_, line_,
                       fmt::format("expected ITEM: TIMESTEP, NUMBER OF ATOMS, BOX BOUNDS, UNITS, "
                                   "TIME or ATOMS (a LAMMPS atom dump), got {}",
                                   quote(t)));
    }
  }

  void line(std::string_view text, std::uint64_t offset) {
    ++line_;
    if (state_ == State::Atoms) {  // an atom line split across chunks
      check_atom_line(text);
      if (--remaining_ == 0) state_ = State::Start;
      return;
    }
    const std::string_view t = trim(text);
    if (state_ == State::Start) {
      if (t.empty()) return;  // blank lines between frames or at the end
      if (t == "ITEM: TIMESTEP" || t == "ITEM: UNITS" || t == "ITEM: TIME") {
        open_frame(offset);
        item(t);
        return;
      }
      if (looks_binary(t)) {
        throw InputError(file_, line_,
                         "expected a LAMMPS text dump, found binary data (binary dumps must be "
                         "converted with LAMMPS tools/binary2txt)");
      }
      if (!frames_.empty() || open_) {
        throw InputError(
            file_, line_,
            fmt::format("expected ITEM: TIMESTEP after the {} atom lines of the frame "
                        "that starts on line {} (as ITEM: NUMBER OF ATOMS says), got {}",
                        current_.atoms, current_.first_line, quote(t)));
      }
      throw InputError(file_, line_, fmt::format("expected ITEM: TIMESTEP, got {}", quote(t)));
    }
    // State::Header
    if (starts_with(t, "ITEM:")) {
      item(t);
      return;
    }
    switch (pending_) {
      case Pending::Timestep: {
        const auto v = to_int(t);
        if (!v) {
          throw InputError(file_, line_,
                           fmt::format("expected a timestep (integer), got {}", quote(t)));
        }
        current_.timestep = *v;
        have_timestep_ = true;
        break;
      }
      case Pending::Count: {
        const auto v = to_int(t);
        if (!v || *v < 0) {
          throw InputError(
              file_, line_,
              fmt::format("expected a number of atoms (integer >= 0), got {}", quote(t)));
        }
        current_.atoms = static_cast<std::uint64_t>(*v);
        have_count_ = true;
        break;
      }
      case Pending::Units:
        if (units_.empty()) units_ = std::string(t);
        break;
      case Pending::Time:
        break;  // checked by the parser
      case Pending::Box:
        if (--box_left_ > 0) return;  // the numbers are checked by the parser
        break;
      case Pending::None:
        throw InputError(file_, line_,
                         fmt::format("expected an ITEM: line (ITEM: ATOMS before the atom lines), "
                                     "got {}",
                                     quote(t)));
    }
    pending_ = Pending::None;
  }

  void close_frame(std::uint64_t next_offset) {
    if (!open_) return;
    current_.length = next_offset - current_.offset;
    frames_.push_back(current_);
    open_ = false;
  }

  std::string file_;
  State state_ = State::Start;
  Pending pending_ = Pending::None;
  std::string carry_;
  std::uint64_t carry_offset_ = 0;
  std::uint64_t end_ = 0;
  std::int64_t line_ = 0;
  std::int64_t atoms_line_ = 0;
  std::int64_t box_line_ = 0;
  int box_left_ = 0;
  std::uint64_t remaining_ = 0;
  bool have_timestep_ = false, have_count_ = false, have_box_ = false;
  bool open_ = false;
  bool at_end_ = false;  // handling the file's last line, which has no newline
  std::string units_;
  DumpFrameEntry current_;
  std::vector<DumpFrameEntry> frames_;
};

}  // namespace

DumpIndex::DumpIndex(const std::string& path) : source_(TextSource::open(path)) {
  IndexScanner scanner(path);
  source_->scan([&](std::string_view chunk, std::uint64_t base) { scanner.feed(chunk, base); });
  frames_ = scanner.finish();
  units_ = scanner.units();
}

std::string_view DumpIndex::text(std::size_t k, std::string& buffer) const {
  const auto& f = frames_.at(k);
  return source_->read(f.offset, f.length, buffer);
}

std::string_view DumpIndex::text(std::size_t k, std::string& buffer, TextSource& source) const {
  const auto& f = frames_.at(k);
  return source.read(f.offset, f.length, buffer);
}

}  // namespace mgs::io
