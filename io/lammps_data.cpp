#include "io/lammps_data.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <numeric>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <unordered_map>

#include "engine/errors.hpp"
#include "io/atom_range.hpp"

namespace mgs::io {
namespace {

// The most atom types a data file may declare: the largest type the dump reader accepts.
constexpr std::int64_t kMaxAtomTypes = 1000000;

// ---------------------------------------------------------------------------------------------
// Text helpers

constexpr std::string_view kBlanks = " \t\r\n\v\f";

std::string_view trim(std::string_view s) {
  const auto begin = s.find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kBlanks) - begin + 1);
}

// Splits on whitespace; `out` is reused between lines so that large sections do not allocate.
void split(std::string_view s, std::vector<std::string_view>* out) {
  out->clear();
  std::size_t i = 0;
  while ((i = s.find_first_not_of(kBlanks, i)) != std::string_view::npos) {
    std::size_t j = s.find_first_of(kBlanks, i);
    if (j == std::string_view::npos) j = s.size();
    out->push_back(s.substr(i, j - i));
    i = j;
  }
}

std::string join(const std::vector<std::string_view>& words, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out.append(words[i]);
  }
  return out;
}

// Parses the whole token or nothing. Floating-point values must be finite: a NaN coordinate
// would silently poison every neighbor search downstream.
template <typename T>
std::optional<T> to_number(std::string_view s) {
  // from_chars rejects the leading '+' that hand-written files sometimes carry.
  if (s.size() > 1 && s[0] == '+' && s[1] != '+' && s[1] != '-') s.remove_prefix(1);
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) return std::nullopt;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Sections

// Section keywords of read_data. A section that this reader does not use ends at the next line
// holding one of them, so its length never has to be derived from the header counts.
bool is_section_keyword(std::string_view keyword) {
  static constexpr std::array<std::string_view, 30> kKeywords = {"Atoms",
                                                                 "Velocities",
                                                                 "Masses",
                                                                 "Ellipsoids",
                                                                 "Lines",
                                                                 "Triangles",
                                                                 "Bodies",
                                                                 "Bonds",
                                                                 "Angles",
                                                                 "Dihedrals",
                                                                 "Impropers",
                                                                 "Pair Coeffs",
                                                                 "PairIJ Coeffs",
                                                                 "Bond Coeffs",
                                                                 "Angle Coeffs",
                                                                 "Dihedral Coeffs",
                                                                 "Improper Coeffs",
                                                                 "BondBond Coeffs",
                                                                 "BondAngle Coeffs",
                                                                 "MiddleBondTorsion Coeffs",
                                                                 "EndBondTorsion Coeffs",
                                                                 "AngleTorsion Coeffs",
                                                                 "AngleAngleTorsion Coeffs",
                                                                 "BondBond13 Coeffs",
                                                                 "AngleAngle Coeffs",
                                                                 "Atom Type Labels",
                                                                 "Bond Type Labels",
                                                                 "Angle Type Labels",
                                                                 "Dihedral Type Labels",
                                                                 "Improper Type Labels"};
  return std::find(kKeywords.begin(), kKeywords.end(), keyword) != kKeywords.end();
}

// Data lines start with a number (or, in Coeffs sections, a type label); keyword lines start with
// an upper-case word. Cheap test first so that skipping a large Bonds section stays fast.
bool is_section_line(std::string_view content) {
  if (content.empty() || !std::isupper(static_cast<unsigned char>(content[0]))) return false;
  std::vector<std::string_view> words;
  split(content, &words);
  return is_section_keyword(join(words));
}

// ---------------------------------------------------------------------------------------------
// Atom styles

// Columns of the Atoms and Velocities lines of one atom style, as listed by the read_data docs.
// "id", "type", "x", "y", "z" are interpreted; any other Atoms column is kept as an input column.
struct AtomStyle {
  std::string_view name;
  std::vector<std::string_view> atom_columns;
  std::vector<std::string_view> velocity_columns;
};

const std::vector<AtomStyle>& atom_styles() {
  static const std::vector<std::string_view> kVelocity{"id", "vx", "vy", "vz"};
  static const std::vector<std::string_view> kVelocityOmega{"id", "vx", "vy", "vz",
                                                            "wx", "wy", "wz"};
  static const std::vector<AtomStyle> kStyles{
      {"atomic", {"id", "type", "x", "y", "z"}, kVelocity},
      {"charge", {"id", "type", "q", "x", "y", "z"}, kVelocity},
      {"bond", {"id", "mol", "type", "x", "y", "z"}, kVelocity},
      {"angle", {"id", "mol", "type", "x", "y", "z"}, kVelocity},
      {"molecular", {"id", "mol", "type", "x", "y", "z"}, kVelocity},
      {"full", {"id", "mol", "type", "q", "x", "y", "z"}, kVelocity},
      {"sphere", {"id", "type", "diameter", "density", "x", "y", "z"}, kVelocityOmega},
      {"dipole", {"id", "type", "q", "x", "y", "z", "mux", "muy", "muz"}, kVelocity},
  };
  return kStyles;
}

const AtomStyle* find_atom_style(std::string_view name) {
  for (const auto& style : atom_styles()) {
    if (style.name == name) return &style;
  }
  return nullptr;
}

std::string supported_atom_styles() {
  std::vector<std::string_view> names;
  for (const auto& style : atom_styles()) names.push_back(style.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

// Column positions of one style, resolved once per Atoms section.
struct AtomLayout {
  std::size_t id = 0, type = 0;
  std::array<std::size_t, 3> xyz{};
  std::vector<std::size_t> extra;  // positions of the kept input columns
};

AtomLayout make_layout(const AtomStyle& style) {
  AtomLayout layout;
  for (std::size_t c = 0; c < style.atom_columns.size(); ++c) {
    const auto name = style.atom_columns[c];
    if (name == "id") {
      layout.id = c;
    } else if (name == "type") {
      layout.type = c;
    } else if (name == "x" || name == "y" || name == "z") {
      layout.xyz[name[0] - 'x'] = c;
    } else {
      layout.extra.push_back(c);
    }
  }
  return layout;
}

// ---------------------------------------------------------------------------------------------
// Line reading

struct GzClose {
  void operator()(gzFile_s* file) const { gzclose(file); }
};

// Reads a (possibly gzipped) text file line by line, splitting off '#' comments. One line can be
// pushed back, so that a section reader can hand the next section keyword to the main loop.
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw InputError(path, 0, "cannot open: expected an existing, regular LAMMPS data file");
    }
    // gzopen reads uncompressed files as they are, so one code path serves both.
    file_.reset(gzopen(path.c_str(), "rb"));
    if (!file_) {
      throw InputError(path, 0, fmt::format("cannot open for reading: {}", std::strerror(errno)));
    }
    gzbuffer(file_.get(), 1 << 17);
  }

  // Advances to the next line; false at the end of the file.
  bool next() {
    if (pending_) {
      pending_ = false;
      return true;
    }
    if (!read_raw()) return false;
    ++number_;
    const auto hash = raw_.find('#');
    const std::string_view raw(raw_);
    content_ = trim(raw.substr(0, hash));
    comment_ = hash == std::string::npos ? std::string_view() : trim(raw.substr(hash + 1));
    return true;
  }
  void unread() { pending_ = true; }

  std::int64_t number() const { return number_; }
  std::string_view whole() const { return trim(raw_); }
  std::string_view content() const { return content_; }  // before '#', trimmed
  std::string_view comment() const { return comment_; }  // after '#', trimmed

 private:
  bool read_raw() {
    raw_.clear();
    std::array<char, 4096> chunk{};
    // gzgets stops at the buffer size, so long lines arrive in several chunks.
    while (gzgets(file_.get(), chunk.data(), static_cast<int>(chunk.size())) != nullptr) {
      raw_.append(chunk.data());
      if (!raw_.empty() && raw_.back() == '\n') return true;
    }
    int status = Z_OK;
    const char* message = gzerror(file_.get(), &status);
    if (status != Z_OK && status != Z_STREAM_END) {
      throw InputError(path_, number_ + 1, fmt::format("read error: {}", message));
    }
    return !raw_.empty();  // a last line without a newline
  }

  std::string path_;
  std::unique_ptr<gzFile_s, GzClose> file_;
  std::string raw_;
  std::string_view content_, comment_;
  std::int64_t number_ = 0;
  bool pending_ = false;
};

// ---------------------------------------------------------------------------------------------
// Parsed content, in file order

struct Header {
  std::optional<std::int64_t> natoms;
  std::optional<int> ntypes;
  std::array<std::optional<std::array<double, 2>>, 3> bounds;
  std::int64_t box_line = 0;                  // the last box header line (bounds or tilt)
  std::array<double, 3> tilt{0.0, 0.0, 0.0};  // xy, xz, yz
  std::int64_t end_line = 0;                  // first line after the header
};

struct AtomRecords {
  std::vector<std::int64_t> id;
  std::vector<int> type;
  std::vector<Vec3> pos;
  std::vector<std::array<int, 3>> image;
  std::vector<std::vector<double>> extra;  // one vector per kept input column
  std::vector<std::int64_t> line;
  bool has_image = false;
};

struct VelocityRecords {
  std::vector<std::int64_t> id;
  std::vector<Vec3> v;
  std::vector<std::int64_t> line;
};

// Value of `key = value` in the write_data title, e.g. "..., timestep = 480, units = metal".
std::optional<std::string_view> title_value(std::string_view title, std::string_view key) {
  const auto at = title.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = trim(title.substr(at + key.size()));
  if (rest.empty() || rest[0] != '=') return std::nullopt;
  rest = trim(rest.substr(1));
  const auto end = rest.find_first_of(", \t");
  return rest.substr(0, end);
}

// ---------------------------------------------------------------------------------------------
// The parser

class DataParser {
 public:
  DataParser(const std::string& path, const std::string& atom_style)
      : path_(path), forced_style_(atom_style), reader_(path) {}

  DataFile parse() {
    read_title();
    read_header();
    read_body();
    return assemble();
  }

 private:
  // --- errors -------------------------------------------------------------------------------
  [[noreturn]] void fail(const std::string& what) const { fail_at(reader_.number(), what); }
  [[noreturn]] void fail_at(std::int64_t line, const std::string& what) const {
    throw InputError(path_, line, what);
  }

  double real(std::string_view token, std::string_view what) const {
    const auto value = to_number<double>(token);
    if (!value) fail(fmt::format("expected a finite number for {}, got '{}'", what, token));
    return *value;
  }
  std::int64_t integer(std::string_view token, std::string_view what) const {
    const auto value = to_number<std::int64_t>(token);
    if (!value) fail(fmt::format("expected an integer for {}, got '{}'", what, token));
    return *value;
  }
  int small_integer(std::string_view token, std::string_view what) const {
    const auto value = to_number<int>(token);
    if (!value) fail(fmt::format("expected an integer for {}, got '{}'", what, token));
    return *value;
  }
  // An atom type: a number in 1..ntypes, or a label from an "Atom Type Labels" section.
  int atom_type(std::string_view token) const {
    const int ntypes = header_.ntypes.value_or(0);
    if (const auto t = to_number<std::int64_t>(token)) {
      if (*t < 1 || *t > ntypes) {
        fail(
            fmt::format("expected an atom type between 1 and {} (from the '{} atom types' header "
                        "line), got {}",
                        ntypes, ntypes, *t));
      }
      return static_cast<int>(*t);
    }
    if (const auto it = labels_.find(std::string(token)); it != labels_.end()) return it->second;
    fail(fmt::format("expected an atom type between 1 and {} or a type label, got '{}'", ntypes,
                     token));
  }

  // --- title and header ---------------------------------------------------------------------
  void read_title() {
    if (!reader_.next()) fail_at(0, "the file is empty: expected a title line and a header");
    const auto title = reader_.whole();
    if (const auto step = title_value(title, "timestep")) {
      if (const auto value = to_number<std::int64_t>(*step)) frame_timestep_ = *value;
    }
    if (const auto units = title_value(title, "units")) frame_units_ = std::string(*units);
  }

  void read_header() {
    while (reader_.next()) {
      if (reader_.content().empty()) continue;
      split(reader_.content(), &words_);
      // Header lines start with their value(s); the first line that does not begins the body.
      if (!to_number<double>(words_[0])) {
        reader_.unread();
        break;
      }
      apply_header_line();
    }
    header_.end_line = reader_.number();
    check_header();
  }

  void apply_header_line() {
    std::size_t nvalues = 0;
    while (nvalues < words_.size() && to_number<double>(words_[nvalues])) ++nvalues;
    const std::string keyword = join(words_, nvalues);
    if (keyword.empty()) {
      fail(fmt::format("expected a header keyword (atoms, atom types, xlo xhi, ...) after '{}'",
                       join(words_)));
    }
    if (keyword == "atoms") {
      header_.natoms = header_count(nvalues, keyword);
    } else if (keyword == "atom types") {
      const auto n = header_count(nvalues, keyword);
      // Per-type arrays (masses, names) are sized by this count before any section is read, so
      // a hostile "2000000000 atom types" would allocate tens of GB (found while fuzzing). Cap it
      // at the largest type the dump reader accepts.
      if (n > kMaxAtomTypes) {
        fail(fmt::format("expected at most {} atom types, got {}", kMaxAtomTypes, n));
      }
      header_.ntypes = static_cast<int>(n);
    } else if (keyword == "xlo xhi" || keyword == "ylo yhi" || keyword == "zlo zhi") {
      read_bounds(nvalues, keyword);
    } else if (keyword == "xy xz yz") {
      if (nvalues != 3) fail("expected 3 numbers before 'xy xz yz'");
      for (int k = 0; k < 3; ++k) header_.tilt[k] = real(words_[k], "a tilt factor");
      header_.box_line = std::max(header_.box_line, reader_.number());
    } else if (keyword == "avec" || keyword == "bvec" || keyword == "cvec" ||
               keyword == "abc origin") {
      fail(
          "expected a restricted triclinic box (xlo xhi, ylo yhi, zlo zhi, xy xz yz); general "
          "triclinic boxes (avec/bvec/cvec) are not supported");
    }
    // Anything else (bonds, angles, ... types, extra ... per atom, ellipsoids, header lines of
    // fixes such as "crossterms") describes topology this reader does not need.
  }

  std::int64_t header_count(std::size_t nvalues, const std::string& keyword) const {
    const auto n = nvalues == 1 ? to_number<std::int64_t>(words_[0]) : std::nullopt;
    if (!n || *n < 0) {
      fail(fmt::format("expected one non-negative integer before '{}', got '{}'", keyword,
                       join(words_)));
    }
    return *n;
  }

  void read_bounds(std::size_t nvalues, const std::string& keyword) {
    if (nvalues != 2) fail(fmt::format("expected 2 numbers before '{}'", keyword));
    const double lo = real(words_[0], keyword.substr(0, 3));
    const double hi = real(words_[1], keyword.substr(4, 3));
    if (!(hi > lo))
      fail(fmt::format("expected {} < {}, got {} and {}", keyword.substr(0, 3),
                       keyword.substr(4, 3), words_[0], words_[1]));
    header_.bounds[keyword[0] - 'x'] = std::array<double, 2>{lo, hi};
    header_.box_line = std::max(header_.box_line, reader_.number());
  }

  void check_header() const {
    const auto line = header_.end_line;
    if (!header_.natoms) fail_at(line, "missing header line 'N atoms' before the first section");
    if (*header_.natoms > 0 && header_.ntypes.value_or(0) < 1) {
      fail_at(line, "missing header line 'N atom types' (N >= 1) before the first section");
    }
    static constexpr std::array<std::string_view, 3> kBoxLines{"xlo xhi", "ylo yhi", "zlo zhi"};
    for (int k = 0; k < 3; ++k) {
      if (!header_.bounds[k]) {
        fail_at(line, fmt::format("missing box header line 'lo hi {}' before the first section",
                                  kBoxLines[k]));
      }
    }
  }

  // --- body ---------------------------------------------------------------------------------
  void read_body() {
    while (reader_.next()) {
      if (reader_.content().empty()) continue;
      split(reader_.content(), &words_);
      const std::string keyword = join(words_);
      const std::string comment(reader_.comment());
      const auto line = reader_.number();
      if (keyword == "Atoms") {
        read_atoms(comment, line);
      } else if (keyword == "Velocities") {
        read_velocities(line);
      } else if (keyword == "Masses") {
        read_masses(line);
      } else if (keyword == "Atom Type Labels") {
        read_type_labels();
      } else if (std::isalpha(static_cast<unsigned char>(keyword[0]))) {
        skip_section();  // known or fix-defined section whose content is not needed
      } else {
        fail(fmt::format("expected a section keyword (Atoms, Velocities, Masses, ...){}, got '{}'",
                         after_last_section(), keyword));
      }
      last_section_ = keyword;
    }
  }

  std::string after_last_section() const {
    if (last_section_.empty()) return "";
    return fmt::format(" after the {} section (does it hold more lines than declared?)",
                       last_section_);
  }

  void skip_section() {
    while (reader_.next()) {
      if (is_section_line(reader_.content())) {
        reader_.unread();
        return;
      }
    }
  }

  // Loads the next data line of a section that must hold `expected` lines into words_; `got` lines
  // have been read so far. Blank and comment lines are skipped.
  void next_data_line(std::string_view section, std::int64_t expected, std::int64_t got,
                      std::string_view why) {
    while (reader_.next()) {
      if (reader_.content().empty()) continue;
      if (is_section_line(reader_.content())) break;
      split(reader_.content(), &words_);
      return;
    }
    fail(fmt::format("expected {} lines in the {} section ({}), found only {}", expected, section,
                     why, got));
  }

  void check_first(std::optional<std::int64_t>* seen, std::int64_t line,
                   std::string_view section) const {
    if (*seen) {
      fail(fmt::format("expected one {} section, found a second one (the first starts on line {})",
                       section, **seen));
    }
    *seen = line;
  }

  void read_masses(std::int64_t line) {
    check_first(&masses_line_, line, "Masses");
    const int ntypes = header_.ntypes.value_or(0);
    masses_.assign(ntypes + 1, std::nullopt);
    for (int k = 0; k < ntypes; ++k) {
      next_data_line("Masses", ntypes, k, "one per atom type");
      if (words_.size() != 2) {
        fail(fmt::format("expected 2 columns (type mass) in the Masses section, got {}",
                         words_.size()));
      }
      const int type = atom_type(words_[0]);
      const double mass = real(words_[1], "the mass");
      if (!(mass > 0.0)) fail(fmt::format("expected a positive mass, got {}", words_[1]));
      masses_[type] = mass;
      // write_data and most hand-written files name the element in a "# Cu" comment.
      std::vector<std::string_view> comment;
      split(reader_.comment(), &comment);
      if (comment.size() == 1) set_type_name(type, comment[0]);
    }
  }

  // Unlike Masses, LAMMPS does not require a line per type here: read up to the next section.
  void read_type_labels() {
    while (reader_.next()) {
      if (reader_.content().empty()) continue;
      if (is_section_line(reader_.content())) {
        reader_.unread();
        return;
      }
      split(reader_.content(), &words_);
      if (words_.size() != 2 || to_number<double>(words_[1])) {
        fail(
            fmt::format("expected 2 columns (type label) in the Atom Type Labels section, got '{}'",
                        reader_.content()));
      }
      const int type = atom_type(words_[0]);
      labels_[std::string(words_[1])] = type;
      set_type_name(type, words_[1]);
    }
  }

  void set_type_name(int type, std::string_view name) {
    if (type_names_.empty()) type_names_.resize(header_.ntypes.value_or(0) + 1);
    if (type_names_[type].empty()) type_names_[type] = std::string(name);
  }

  const AtomStyle& choose_style(std::string_view comment) const {
    std::vector<std::string_view> words;
    split(comment, &words);
    const bool forced = !forced_style_.empty();
    const std::string_view name = forced          ? std::string_view(forced_style_)
                                  : words.empty() ? std::string_view("atomic")
                                                  : words[0];
    const AtomStyle* style = find_atom_style(name);
    if (!style) {
      fail(fmt::format("expected a supported atom style ({}), got '{}'{}", supported_atom_styles(),
                       name,
                       forced ? "" : " from the Atoms comment; pass the atom style explicitly"));
    }
    return *style;
  }

  void read_atoms(std::string_view comment, std::int64_t line) {
    check_first(&atoms_line_, line, "Atoms");
    style_ = &choose_style(comment);
    const AtomLayout layout = make_layout(*style_);
    const std::int64_t n = *header_.natoms;
    const std::string why = fmt::format("one per atom, from the '{} atoms' header line", n);
    atoms_.extra.assign(layout.extra.size(), {});
    for (std::int64_t k = 0; k < n; ++k) {
      next_data_line("Atoms", n, k, why);
      if (k == 0) atoms_.has_image = words_.size() == style_->atom_columns.size() + 3;
      check_atom_columns();
      read_atom_line(layout);
    }
  }

  void check_atom_columns() const {
    const std::size_t n = style_->atom_columns.size();
    const std::size_t got = words_.size();
    if (got != n && got != n + 3) {
      fail(fmt::format("expected {} or {} columns ({} [ix iy iz]) for atom_style {}, got {}", n,
                       n + 3, fmt::join(style_->atom_columns, " "), style_->name, got));
    }
    // LAMMPS decides from the first line whether image flags are present; so do we.
    const std::size_t want = atoms_.has_image ? n + 3 : n;
    if (got != want) {
      fail(
          fmt::format("expected {} columns {} image flags, like the first Atoms line (line {}), "
                      "got {}",
                      want, atoms_.has_image ? "with" : "without", atoms_.line.front(), got));
    }
  }

  void read_atom_line(const AtomLayout& layout) {
    const std::int64_t id = integer(words_[layout.id], "the atom id");
    if (id < 1) fail(fmt::format("expected a positive atom id, got {}", id));
    atoms_.id.push_back(id);
    atoms_.type.push_back(atom_type(words_[layout.type]));
    Vec3 r;
    for (int k = 0; k < 3; ++k)
      r[k] = real(words_[layout.xyz[k]], style_->atom_columns[layout.xyz[k]]);
    atoms_.pos.push_back(r);
    for (std::size_t c = 0; c < layout.extra.size(); ++c) {
      const std::size_t col = layout.extra[c];
      atoms_.extra[c].push_back(real(words_[col], style_->atom_columns[col]));
    }
    std::array<int, 3> image{0, 0, 0};
    if (atoms_.has_image) {
      static constexpr std::array<std::string_view, 3> kFlags{"ix", "iy", "iz"};
      const std::size_t first = style_->atom_columns.size();
      for (int k = 0; k < 3; ++k) image[k] = small_integer(words_[first + k], kFlags[k]);
    }
    atoms_.image.push_back(image);
    atoms_.line.push_back(reader_.number());
  }

  void read_velocities(std::int64_t line) {
    check_first(&velocities_line_, line, "Velocities");
    // The velocity columns depend on the atom style, which the Atoms section settles (LAMMPS
    // also requires Atoms first).
    if (!style_) fail("expected the Atoms section before the Velocities section");
    const std::int64_t n = *header_.natoms;
    const std::string why = fmt::format("one per atom, from the '{} atoms' header line", n);
    const auto& columns = style_->velocity_columns;
    for (std::int64_t k = 0; k < n; ++k) {
      next_data_line("Velocities", n, k, why);
      if (words_.size() != columns.size()) {
        fail(
            fmt::format("expected {} columns ({}) in the Velocities section for atom_style {}, "
                        "got {}",
                        columns.size(), fmt::join(columns, " "), style_->name, words_.size()));
      }
      velocities_.id.push_back(integer(words_[0], "the atom id"));
      velocities_.v.emplace_back(real(words_[1], "vx"), real(words_[2], "vy"),
                                 real(words_[3], "vz"));
      velocities_.line.push_back(reader_.number());
    }
  }

  // --- assembly -----------------------------------------------------------------------------
  DataFile assemble() {
    const std::int64_t n = *header_.natoms;
    if (n > 0 && !atoms_line_) {
      fail_at(reader_.number(),
              fmt::format("expected an Atoms section ({} lines, from the '{} atoms' header line), "
                          "found none",
                          n, n));
    }
    DataFile out;
    out.atom_style =
        style_ ? std::string(style_->name) : std::string(choose_style(forced_style_).name);
    out.masses = masses_.empty() ? std::vector<std::optional<double>>(
                                       header_.ntypes.value_or(0) + 1, std::nullopt)
                                 : masses_;
    fill_frame(&out.frame);
    out.velocities = sorted_velocities(out.frame.id);
    return out;
  }

  Box make_box() const {
    const auto& b = header_.bounds;
    const auto& t = header_.tilt;
    try {
      return Box::from_lammps((*b[0])[0], (*b[0])[1], (*b[1])[0], (*b[1])[1], (*b[2])[0],
                              (*b[2])[1], t[0], t[1], t[2], {true, true, true});
    } catch (const ComputeError& e) {
      // Bounds each lo < hi can still make no cell: lengths that overflow, a volume that
      // underflows to zero.
      fail_at(header_.box_line,
              fmt::format("expected a box with a finite, positive volume (xlo xhi, ylo yhi, zlo "
                          "zhi, xy xz yz): {}",
                          e.what()));
    }
  }

  // Order of the atoms by id; duplicate ids are reported at their second occurrence.
  std::vector<std::size_t> id_order() const {
    std::vector<std::size_t> order(atoms_.id.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return atoms_.id[a] < atoms_.id[b]; });
    for (std::size_t i = 1; i < order.size(); ++i) {
      const std::size_t a = order[i - 1], b = order[i];
      if (atoms_.id[a] == atoms_.id[b]) {
        fail_at(atoms_.line[b], fmt::format("expected unique atom ids, but id {} also appears on "
                                            "line {}",
                                            atoms_.id[b], atoms_.line[a]));
      }
    }
    return order;
  }

  void fill_frame(Frame* frame) const {
    frame->timestep = frame_timestep_;
    frame->units = frame_units_;
    frame->box = make_box();
    frame->boundary = {"pp", "pp", "pp"};
    frame->has_image = atoms_.has_image;
    frame->type_names = type_names_;
    const auto order = id_order();
    const std::size_t n = order.size();
    frame->id.resize(n);
    frame->type.resize(n);
    frame->pos.resize(n);
    frame->image.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t src = order[i];
      frame->id[i] = atoms_.id[src];
      frame->type[i] = atoms_.type[src];
      // r = wrapped + h * shift, so the unwrapped position r + h * image_file is preserved by
      // adding the shift to the file's image flags.
      std::array<int, 3> shift{};
      check_within_image_range(frame->box, atoms_.pos[src], path_, atoms_.line[src]);
      frame->pos[i] = frame->box.wrap(atoms_.pos[src], &shift);
      for (int k = 0; k < 3; ++k) frame->image[i][k] = atoms_.image[src][k] + shift[k];
    }
    std::vector<std::size_t> extra_columns;
    if (style_) extra_columns = make_layout(*style_).extra;
    for (std::size_t c = 0; c < extra_columns.size(); ++c) {
      InputColumn column{std::string(style_->atom_columns[extra_columns[c]]), {}};
      column.values.reserve(n);
      for (const std::size_t src : order) column.values.push_back(atoms_.extra[c][src]);
      frame->columns.push_back(std::move(column));
    }
  }

  std::vector<Vec3> sorted_velocities(const std::vector<std::int64_t>& ids) const {
    if (!velocities_line_) return {};
    std::vector<Vec3> out(ids.size(), Vec3::Zero());
    std::vector<std::int64_t> first_line(ids.size(), 0);
    for (std::size_t k = 0; k < velocities_.id.size(); ++k) {
      const std::int64_t id = velocities_.id[k];
      const auto it = std::lower_bound(ids.begin(), ids.end(), id);
      if (it == ids.end() || *it != id) {
        fail_at(velocities_.line[k],
                fmt::format("expected an atom id from the Atoms section, got {}", id));
      }
      const auto i = static_cast<std::size_t>(it - ids.begin());
      if (first_line[i] != 0) {
        fail_at(velocities_.line[k],
                fmt::format("expected one Velocities line per atom, but id {} also appears on "
                            "line {}",
                            id, first_line[i]));
      }
      first_line[i] = velocities_.line[k];
      out[i] = velocities_.v[k];
    }
    return out;
  }

  std::string path_;
  std::string forced_style_;
  LineReader reader_;
  std::vector<std::string_view> words_;  // tokens of the current line (views into reader_)

  Header header_;
  std::int64_t frame_timestep_ = 0;
  std::string frame_units_;
  std::string last_section_;
  std::optional<std::int64_t> atoms_line_, velocities_line_, masses_line_;
  const AtomStyle* style_ = nullptr;
  AtomRecords atoms_;
  VelocityRecords velocities_;
  std::vector<std::optional<double>> masses_;
  std::vector<std::string> type_names_;
  std::unordered_map<std::string, int> labels_;
};

}  // namespace

DataFile read_lammps_data(const std::string& path, const std::string& atom_style) {
  if (!atom_style.empty() && !find_atom_style(atom_style)) {
    throw InputError(path, 0,
                     fmt::format("expected a supported atom style ({}), got '{}'",
                                 supported_atom_styles(), atom_style));
  }
  return DataParser(path, atom_style).parse();
}

}  // namespace mgs::io
