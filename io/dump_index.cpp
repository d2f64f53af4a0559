// Builds the frame byte-offset index of a LAMMPS dump in one pass (see DumpIndex).
#include <fmt/format.h>

#include <cstring>
#include <optional>

#include "engine/errors.hpp"
#include "io/lammps_dump.hpp"
#include "io/text_scan.hpp"

namespace mgs::io {

namespace {

constexpr std::size_t kMaxHeaderLine = 1 << 16;

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
      const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data())
                                 : chunk.size();
      if (carry_.empty()) carry_offset_ = base + pos;
      carry_.append(chunk.data() + pos, end - pos);
      if (carry_.size() > kMaxHeaderLine && state_ != State::Atoms) {
        throw InputError(file_, line_, "line too long: expected a LAMMPS dump header line");
      }
      if (!nl) break;
      pos = end + 1;
      line(carry_, carry_offset_);
      carry_.clear();
    }
    end_ = base + chunk.size();
  }

  std::vector<DumpFrameEntry> finish() {
    if (!carry_.empty()) {
      line(carry_, carry_offset_);  // last line without a newline
      carry_.clear();
    }
    if (state_ == State::Atoms && remaining_ > 0) {
      throw InputError(file_, line_,
                       fmt::format("file ends inside the frame of timestep {}: expected {} atom "
                                   "lines after ITEM: ATOMS on line {}, found {}",
                                   current_.timestep, current_.atoms, atoms_line_,
                                   current_.atoms - remaining_));
    }
    if (state_ == State::Header) {
      throw InputError(file_, line_,
                       fmt::format("file ends inside the header of the frame that starts on line "
                                   "{}: expected ITEM: NUMBER OF ATOMS, ITEM: BOX BOUNDS and "
                                   "ITEM: ATOMS",
                                   current_.first_line));
    }
    close_frame(end_);
    if (frames_.empty()) {
      throw InputError(file_, 0,
                       "no frames: expected a LAMMPS text dump starting with ITEM: TIMESTEP");
    }
    return std::move(frames_);
  }

 private:
  enum class State { Start, Header, Atoms };
  enum class Pending { None, Timestep, Count, Other };

  std::size_t skip_atom_lines(std::string_view chunk, std::size_t pos) {
    while (remaining_ > 0 && pos < chunk.size()) {
      const void* nl = std::memchr(chunk.data() + pos, '\n', chunk.size() - pos);
      if (!nl) {
        // The line continues in the next chunk (or is the file's last line without '\n').
        carry_offset_ = 0;
        carry_.assign(chunk.data() + pos, chunk.size() - pos);
        return chunk.size();
      }
      pos = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
      --remaining_;
      ++line_;
    }
    if (remaining_ == 0) state_ = State::Start;
    return pos;
  }

  void line(std::string_view text, std::uint64_t offset) {
    ++line_;
    if (state_ == State::Atoms) {  // an atom line split across chunks
      if (--remaining_ == 0) state_ = State::Start;
      return;
    }
    const std::string_view t = trim(text);
    if (state_ == State::Start) {
      if (t.empty()) return;  // blank lines between frames or at the end
      if (t != "ITEM: TIMESTEP") {
        throw InputError(file_, line_,
                         fmt::format("expected ITEM: TIMESTEP, got {}", quote(t)));
      }
      close_frame(offset);
      current_ = DumpFrameEntry{};
      current_.offset = offset;
      current_.first_line = line_;
      open_ = true;
      have_count_ = false;
      state_ = State::Header;
      pending_ = Pending::Timestep;
      return;
    }
    // State::Header
    if (starts_with(t, "ITEM:")) {
      if (pending_ == Pending::Timestep || pending_ == Pending::Count) {
        throw InputError(file_, line_, fmt::format("expected a number, got {}", quote(t)));
      }
      if (t == "ITEM: NUMBER OF ATOMS") {
        pending_ = Pending::Count;
      } else if (starts_with(t, "ITEM: ATOMS")) {
        if (!have_count_) {
          throw InputError(file_, line_, "ITEM: ATOMS before ITEM: NUMBER OF ATOMS");
        }
        atoms_line_ = line_;
        remaining_ = current_.atoms;
        state_ = remaining_ > 0 ? State::Atoms : State::Start;
      } else if (t == "ITEM: TIMESTEP") {
        throw InputError(file_, line_,
                         fmt::format("expected ITEM: ATOMS for the frame that starts on line {}",
                                     current_.first_line));
      } else {
        pending_ = Pending::Other;
      }
      return;
    }
    if (pending_ == Pending::Timestep) {
      const auto v = to_int(t);
      if (!v) throw InputError(file_, line_, fmt::format("expected a timestep (integer), got {}", quote(t)));
      current_.timestep = *v;
    } else if (pending_ == Pending::Count) {
      const auto v = to_int(t);
      if (!v || *v < 0) {
        throw InputError(file_, line_,
                         fmt::format("expected a number of atoms (integer >= 0), got {}", quote(t)));
      }
      current_.atoms = static_cast<std::uint64_t>(*v);
      have_count_ = true;
    } else if (pending_ == Pending::None) {
      throw InputError(file_, line_, fmt::format("expected an ITEM: line, got {}", quote(t)));
    }
    if (pending_ != Pending::Other) pending_ = Pending::None;
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
  std::uint64_t remaining_ = 0;
  bool have_count_ = false;
  bool open_ = false;
  DumpFrameEntry current_;
  std::vector<DumpFrameEntry> frames_;
};

}  // namespace

DumpIndex::DumpIndex(const std::string& path) : source_(TextSource::open(path)) {
  IndexScanner scanner(path);
  source_->scan([&](std::string_view chunk, std::uint64_t base) { scanner.feed(chunk, base); });
  frames_ = scanner.finish();
}

std::string_view DumpIndex::text(std::size_t k, std::string& buffer) const {
  const auto& f = frames_.at(k);
  return source_->read(f.offset, f.length, buffer);
}

}  // namespace mgs::io
