// Parsing of one LAMMPS dump frame: header items, box conversion, atom lines (in parallel for
// big frames), coordinate kinds, sorting by id.
#include "io/lammps_dump.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/mman.h>
#include <tbb/parallel_sort.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <map>
#include <numeric>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "io/atom_range.hpp"
#include "io/text_scan.hpp"

namespace mgs::io {

namespace {

enum class Role { Id, Type, Element, X, Y, Z, IX, IY, IZ, Extra };
enum class CoordKind { Wrapped, Unwrapped, Scaled, ScaledUnwrapped };

struct Header {
  std::int64_t timestep = 0;
  std::optional<double> time;
  std::string units;
  std::uint64_t atoms = 0;
  std::optional<Box> box;
  std::array<std::string, 3> boundary{"pp", "pp", "pp"};
  std::vector<std::string> columns;
  std::int64_t atoms_line = 0;   // line of ITEM: ATOMS
  std::size_t atoms_offset = 0;  // byte offset of the first atom line in the frame text
};

// Reads lines one at a time from a frame's text, tracking line numbers.
class LineReader {
 public:
  LineReader(std::string_view text, std::int64_t first_line) : text_(text), line_(first_line - 1) {}
  bool next(std::string_view& out) {
    if (pos_ >= text_.size()) return false;
    const void* nl = std::memchr(text_.data() + pos_, '\n', text_.size() - pos_);
    const std::size_t end =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text_.data()) : text_.size();
    out = text_.substr(pos_, end - pos_);
    pos_ = nl ? end + 1 : text_.size();
    ++line_;
    return true;
  }
  std::int64_t line() const { return line_; }
  std::size_t position() const { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t line_;
};

std::array<std::string, 3> parse_boundary(const std::vector<std::string_view>& flags,
                                          const std::string& file, std::int64_t line) {
  std::array<std::string, 3> out{"pp", "pp", "pp"};
  if (flags.empty()) return out;  // very old dumps write no flags
  if (flags.size() != 3) {
    throw InputError(file, line, "expected three boundary flags (e.g. pp pp pp) after BOX BOUNDS");
  }
  for (int k = 0; k < 3; ++k) {
    const auto f = flags[static_cast<std::size_t>(k)];
    const bool ok = f.size() == 2 && std::strchr("pfsm", f[0]) && std::strchr("pfsm", f[1]) &&
                    ((f[0] == 'p') == (f[1] == 'p'));
    if (!ok) {
      throw InputError(
          file, line,
          fmt::format("expected a boundary flag like pp, ff, fs or sm, got {}", quote(f)));
    }
    out[static_cast<std::size_t>(k)] = std::string(f);
  }
  return out;
}

std::vector<double> numbers(std::string_view line, std::size_t count, const std::string& file,
                            std::int64_t line_no, const char* what) {
  const auto tokens = split(line);
  if (tokens.size() < count) {
    throw InputError(
        file, line_no,
        fmt::format("expected {} numbers ({}), got {}", count, what, quote(trim(line))));
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto v = to_double(tokens[i]);
    if (!v || !std::isfinite(*v)) {
      throw InputError(
          file, line_no,
          fmt::format("expected a finite number ({}), got {}", what, quote(tokens[i])));
    }
    out.push_back(*v);
  }
  return out;
}

// LAMMPS (domain.cpp) refuses a tilt beyond half the box length along a periodic direction:
// xy and xz against x, yz against y. The tolerance lets through tilts at the limit written with
// few digits.
void check_tilt(double tilt, const char* name, double length, const char* axis, bool periodic,
                const std::string& file, std::int64_t line) {
  if (!periodic || std::abs(tilt) <= 0.5 * length * (1.0 + 1e-6)) return;
  throw InputError(file, line,
                   fmt::format("expected a tilt |{0}| <= ({1}hi - {1}lo) / 2 = {2:.10g} (LAMMPS' "
                               "limit for triclinic boxes), got {0} = {3:.10g}",
                               name, axis, 0.5 * length, tilt));
}

Box read_box(LineReader& lines, std::string_view item, const std::string& file,
             std::array<std::string, 3>& boundary) {
  const std::int64_t item_line = lines.line();
  auto words = split(item);  // "ITEM:" "BOX" "BOUNDS" ...
  words.erase(words.begin(), words.begin() + 3);
  enum class Kind { Orthogonal, Restricted, General } kind = Kind::Orthogonal;
  if (words.size() >= 3 && words[0] == "xy" && words[1] == "xz" && words[2] == "yz") {
    kind = Kind::Restricted;
    words.erase(words.begin(), words.begin() + 3);
  } else if (words.size() >= 2 && words[0] == "abc" && words[1] == "origin") {
    kind = Kind::General;
    words.erase(words.begin(), words.begin() + 2);
  }
  boundary = parse_boundary(words, file, item_line);
  const std::array<bool, 3> periodic{boundary[0] == "pp", boundary[1] == "pp", boundary[2] == "pp"};
  std::array<std::vector<double>, 3> rows;
  for (int k = 0; k < 3; ++k) {
    std::string_view l;
    if (!lines.next(l)) throw InputError(file, lines.line(), "frame ends inside ITEM: BOX BOUNDS");
    const std::size_t count = kind == Kind::Orthogonal ? 2 : (kind == Kind::Restricted ? 3 : 4);
    rows[static_cast<std::size_t>(k)] =
        numbers(l, count, file, lines.line(),
                kind == Kind::Orthogonal   ? "lo hi"
                : kind == Kind::Restricted ? "lo_bound hi_bound tilt"
                                           : "edge vector and origin component");
  }
  try {
    if (kind == Kind::General) {
      Mat3 h;
      Vec3 origin;
      for (int k = 0; k < 3; ++k) {
        const auto& r = rows[static_cast<std::size_t>(k)];
        h.col(k) = Vec3(r[0], r[1], r[2]);
        origin[k] = r[3];
      }
      return Box(h, origin, periodic);
    }
    double xy = 0, xz = 0, yz = 0;
    double xlo = rows[0][0], xhi = rows[0][1], ylo = rows[1][0], yhi = rows[1][1];
    const double zlo = rows[2][0], zhi = rows[2][1];
    if (kind == Kind::Restricted) {
      // LAMMPS writes the bounding box of the tilted cell; undo it as read_dump.cpp does.
      xy = rows[0][2];
      xz = rows[1][2];
      yz = rows[2][2];
      xlo -= std::min({0.0, xy, xz, xy + xz});
      xhi -= std::max({0.0, xy, xz, xy + xz});
      ylo -= std::min(0.0, yz);
      yhi -= std::max(0.0, yz);
    }
    const std::array<std::array<double, 2>, 3> bounds{{{xlo, xhi}, {ylo, yhi}, {zlo, zhi}}};
    for (int k = 0; k < 3; ++k) {
      const auto [lo, hi] = bounds[static_cast<std::size_t>(k)];
      if (!(hi > lo)) {
        throw InputError(
            file, item_line + 1 + k,
            fmt::format("expected box bounds {0}lo < {0}hi{1}, got {0}lo = {2}, {0}hi = {3} (box "
                        "length {4} <= 0)",
                        "xyz"[k], kind == Kind::Restricted ? " (after removing the tilt)" : "", lo,
                        hi, hi - lo));
      }
    }
    if (kind == Kind::Restricted) {
      check_tilt(xy, "xy", xhi - xlo, "x", periodic[0], file, item_line + 1);
      check_tilt(xz, "xz", xhi - xlo, "x", periodic[0], file, item_line + 2);
      check_tilt(yz, "yz", yhi - ylo, "y", periodic[1], file, item_line + 3);
    }
    return Box::from_lammps(xlo, xhi, ylo, yhi, zlo, zhi, xy, xz, yz, periodic);
  } catch (const ComputeError& e) {
    throw InputError(file, item_line, e.what());
  }
}

Header read_header(std::string_view text, const std::string& file, std::int64_t first_line) {
  Header h;
  LineReader lines(text, first_line);
  std::string_view l;
  bool have_timestep = false, have_count = false;
  while (lines.next(l)) {
    const std::string_view t = trim(l);
    if (t.empty()) continue;
    const auto expect_value = [&](const char* what) {
      std::string_view v;
      if (!lines.next(v))
        throw InputError(file, lines.line(), fmt::format("frame ends before {}", what));
      return trim(v);
    };
    if (t == "ITEM: TIMESTEP") {
      const auto v = expect_value("the timestep");
      const auto ts = to_int(v);
      if (!ts)
        throw InputError(file, lines.line(),
                         fmt::format("expected a timestep (integer), got {}", quote(v)));
      h.timestep = *ts;
      have_timestep = true;
    } else if (t == "ITEM: TIME") {
      const auto v = expect_value("the time");
      const auto x = to_double(v);
      if (!x)
        throw InputError(file, lines.line(),
                         fmt::format("expected a time (number), got {}", quote(v)));
      h.time = *x;
    } else if (t == "ITEM: UNITS") {
      h.units = std::string(expect_value("the units"));
    } else if (t == "ITEM: NUMBER OF ATOMS") {
      const auto v = expect_value("the number of atoms");
      const auto n = to_int(v);
      if (!n || *n < 0)
        throw InputError(file, lines.line(),
                         fmt::format("expected a number of atoms, got {}", quote(v)));
      h.atoms = static_cast<std::uint64_t>(*n);
      have_count = true;
    } else if (starts_with(t, "ITEM: BOX BOUNDS")) {
      h.box = read_box(lines, t, file, h.boundary);
    } else if (starts_with(t, "ITEM: ATOMS")) {
      h.atoms_line = lines.line();
      h.atoms_offset = lines.position();
      for (auto w : split(t.substr(11))) h.columns.emplace_back(w);
      if (h.columns.empty())
        throw InputError(file, lines.line(), "expected column names after ITEM: ATOMS");
      break;
    } else if (starts_with(t, "ITEM:")) {
      throw InputError(file, lines.line(), fmt::format("unknown header item {}", quote(t)));
    } else {
      throw InputError(file, lines.line(), fmt::format("expected an ITEM: line, got {}", quote(t)));
    }
  }
  if (!have_timestep) throw InputError(file, first_line, "expected ITEM: TIMESTEP");
  if (!have_count) throw InputError(file, lines.line(), "expected ITEM: NUMBER OF ATOMS");
  if (!h.box) throw InputError(file, lines.line(), "expected ITEM: BOX BOUNDS before ITEM: ATOMS");
  if (h.columns.empty()) throw InputError(file, lines.line(), "expected ITEM: ATOMS");
  return h;
}

struct ColumnPlan {
  std::vector<Role> roles;
  std::vector<int> slot;  // index into the numeric arrays for X/Y/Z/Extra, image for IX..
  CoordKind kind = CoordKind::Wrapped;
  bool has_id = false, has_type = false, has_element = false, has_image = false;
  std::vector<std::string> extra_names;
  std::vector<std::string> names;  // every column, for error messages
};

ColumnPlan plan_columns(const std::vector<std::string>& cols, const std::string& file,
                        std::int64_t line) {
  ColumnPlan p;
  const auto find = [&](const char* name) {
    return std::find(cols.begin(), cols.end(), name) != cols.end();
  };
  const std::array<std::pair<CoordKind, std::array<const char*, 3>>, 4> kinds{{
      {CoordKind::Wrapped, {"x", "y", "z"}},
      {CoordKind::Unwrapped, {"xu", "yu", "zu"}},
      {CoordKind::Scaled, {"xs", "ys", "zs"}},
      {CoordKind::ScaledUnwrapped, {"xsu", "ysu", "zsu"}},
  }};
  const std::array<const char*, 3>* coord = nullptr;
  for (const auto& [k, names] : kinds) {
    if (find(names[0]) && find(names[1]) && find(names[2])) {
      p.kind = k;
      coord = &names;
      break;
    }
  }
  if (!coord) {
    throw InputError(file, line,
                     fmt::format("expected coordinate columns x y z, xu yu zu, xs ys zs or xsu ysu "
                                 "zsu in ITEM: ATOMS, got columns {}",
                                 fmt::join(cols, " ")));
  }
  // Image flags go with wrapped coordinates, Cartesian (x) or scaled (xs, as `dump atom` writes
  // them with `dump_modify image yes`).
  const bool wrapped = p.kind == CoordKind::Wrapped || p.kind == CoordKind::Scaled;
  int extra = 0;
  for (const auto& c : cols) {
    if (std::count(cols.begin(), cols.end(), c) > 1) {
      throw InputError(file, line, fmt::format("column {} appears twice in ITEM: ATOMS", c));
    }
    Role r = Role::Extra;
    int slot = 0;
    if (c == "id")
      r = Role::Id, p.has_id = true;
    else if (c == "type")
      r = Role::Type, p.has_type = true;
    else if (c == "element")
      r = Role::Element, p.has_element = true;
    else if (c == (*coord)[0])
      r = Role::X;
    else if (c == (*coord)[1])
      r = Role::Y, slot = 1;
    else if (c == (*coord)[2])
      r = Role::Z, slot = 2;
    else if (c == "ix" && wrapped)
      r = Role::IX;
    else if (c == "iy" && wrapped)
      r = Role::IY, slot = 1;
    else if (c == "iz" && wrapped)
      r = Role::IZ, slot = 2;
    if (r == Role::Extra) {
      slot = extra++;
      p.extra_names.push_back(c);
    }
    p.roles.push_back(r);
    p.slot.push_back(slot);
    p.names.push_back(c);
  }
  const bool ix = find("ix"), iy = find("iy"), iz = find("iz");
  p.has_image = wrapped && ix && iy && iz;
  if (wrapped && (ix || iy || iz) && !p.has_image) {
    throw InputError(file, line, "expected all three image flags ix iy iz, or none");
  }
  if (!p.has_type && !p.has_element) {
    throw InputError(file, line, "expected a type or element column in ITEM: ATOMS");
  }
  return p;
}

// The atom section of one frame, parsed straight into the frame's arrays in file order (positions
// already wrapped, image flags adjusted); sorted by id afterwards only when the file is not.
struct AtomBlockPlan {
  std::vector<std::size_t> cuts;   // byte offsets of block starts (at line starts), + end
  std::vector<std::size_t> first;  // first row of each block, + total line count
};

[[noreturn]] void column_count_error(const ColumnPlan& plan, std::size_t got, bool cut,
                                     const std::string& file, std::int64_t line_no) {
  if (got == 0) {
    throw InputError(file, line_no,
                     fmt::format("expected an atom line with the {} columns of ITEM: ATOMS "
                                 "({}), got a blank line",
                                 plan.roles.size(), fmt::join(plan.names, " ")));
  }
  throw InputError(
      file, line_no,
      fmt::format(
          "expected {} columns as named by ITEM: ATOMS ({}), got {}{}", plan.roles.size(),
          fmt::join(plan.names, " "), got,
          cut && got < plan.roles.size() ? " (the file ends inside this line: truncated?)" : ""));
}

std::size_t count_tokens(std::string_view l) {
  return split(l).size();
}

// Parses rows [first_row, first_row + count) from `block` (which starts at a line start).
void parse_rows(std::string_view block, std::size_t first_row, std::size_t count,
                const ColumnPlan& plan, const Box& box, Frame& f,
                std::vector<std::string_view>& elements, const std::string& file,
                std::int64_t first_atom_line) {
  const bool scaled = plan.kind == CoordKind::Scaled || plan.kind == CoordKind::ScaledUnwrapped;
  const std::size_t ncols = plan.roles.size();
  const char* p = block.data();
  const char* const end = block.data() + block.size();
  for (std::size_t r = 0; r < count; ++r) {
    const std::size_t row = first_row + r;
    const std::int64_t line_no = first_atom_line + static_cast<std::int64_t>(row);
    const char* q = p;
    Vec3 coord = Vec3::Zero();
    std::array<int, 3> image{0, 0, 0};
    for (std::size_t c = 0; c < ncols; ++c) {
      while (q < end && is_space(*q)) ++q;
      if (q == end || *q == '\n') column_count_error(plan, c, q == end, file, line_no);
      const char* const b = q;
      while (q < end && !is_space(*q) && *q != '\n') ++q;
      const std::string_view tok(b, static_cast<std::size_t>(q - b));
      const Role role = plan.roles[c];
      const auto slot = static_cast<std::size_t>(plan.slot[c]);
      switch (role) {
        case Role::Element:
          elements[row] = tok;
          break;
        case Role::Id:
        case Role::Type:
        case Role::IX:
        case Role::IY:
        case Role::IZ: {
          const auto v = to_int(tok);
          if (!v) {
            throw InputError(file, line_no,
                             fmt::format("expected an integer in column {} ({}), got {}", c + 1,
                                         plan.names[c], quote(tok)));
          }
          if (role == Role::Id) {
            f.id[row] = *v;
          } else if (role == Role::Type) {
            if (*v < 1 || *v > 1000000) {
              throw InputError(file, line_no,
                               fmt::format("expected an atom type >= 1, got {}", *v));
            }
            f.type[row] = static_cast<int>(*v);
          } else {
            if (*v < -(1 << 29) || *v > (1 << 29)) {
              throw InputError(file, line_no, fmt::format("image flag {} is out of range", *v));
            }
            image[slot] = static_cast<int>(*v);
          }
          break;
        }
        case Role::X:
        case Role::Y:
        case Role::Z:
        case Role::Extra: {
          const auto v = to_double(tok);
          if (!v) {
            throw InputError(file, line_no,
                             fmt::format("expected a number in column {} ({}), got {}", c + 1,
                                         plan.names[c], quote(tok)));
          }
          if (role == Role::Extra) {
            f.columns[slot].values[row] = *v;
          } else {
            if (!std::isfinite(*v)) {
              throw InputError(file, line_no,
                               fmt::format("expected a finite coordinate in column {} ({}), got {}",
                                           c + 1, plan.names[c], quote(tok)));
            }
            coord[static_cast<Eigen::Index>(slot)] = *v;
          }
          break;
        }
      }
    }
    while (q < end && is_space(*q)) ++q;
    if (q < end && *q != '\n') {
      const void* nl = std::memchr(q, '\n', static_cast<std::size_t>(end - q));
      const char* const eol = nl ? static_cast<const char*>(nl) : end;
      column_count_error(plan, count_tokens(std::string_view(p, static_cast<std::size_t>(eol - p))),
                         false, file, line_no);
    }
    const Vec3 at = scaled ? box.to_cartesian(coord) : coord;
    check_within_image_range(box, at, file, line_no);
    std::array<int, 3> shift{};
    f.pos[row] = box.wrap(at, &shift);
    for (std::size_t d = 0; d < 3; ++d) f.image[row][d] = shift[d] + image[d];
    p = q < end ? q + 1 : end;
  }
}

// Cuts the atom section into blocks at line ends and counts the lines of each block.
AtomBlockPlan plan_blocks(std::string_view text) {
  constexpr std::size_t kTargetBlockBytes = 1 << 18;
  AtomBlockPlan plan;
  plan.cuts.push_back(0);
  while (plan.cuts.back() < text.size()) {
    std::size_t next = std::min(text.size(), plan.cuts.back() + kTargetBlockBytes);
    if (next < text.size()) {
      const void* nl = std::memchr(text.data() + next, '\n', text.size() - next);
      next = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1
                : text.size();
    }
    plan.cuts.push_back(next);
  }
  const std::size_t nblocks = plan.cuts.size() - 1;
  std::vector<std::size_t> lines_in(nblocks, 0);
  parallel::for_each_index(
      nblocks,
      [&](std::size_t b) {
        const std::string_view blk = text.substr(plan.cuts[b], plan.cuts[b + 1] - plan.cuts[b]);
        std::size_t c = count_newlines(blk);
        if (!blk.empty() && blk.back() != '\n') ++c;  // last line without '\n'
        lines_in[b] = c;
      },
      1);
  plan.first.assign(nblocks + 1, 0);
  for (std::size_t b = 0; b < nblocks; ++b) plan.first[b + 1] = plan.first[b] + lines_in[b];
  return plan;
}

// Throws unless the atom section cut into `blocks` has at least the n lines the header declares.
void check_atom_line_count(const AtomBlockPlan& blocks, std::size_t n, const std::string& file,
                           std::int64_t first_atom_line) {
  const std::size_t lines = blocks.first[blocks.cuts.size() - 1];
  if (lines < n) {
    throw InputError(file, first_atom_line + static_cast<std::int64_t>(lines),
                     fmt::format("expected {} atom lines after ITEM: ATOMS, found {}", n, lines));
  }
}

// Parses the `count` atom lines of `text` (cut into `blocks`, checked by check_atom_line_count)
// into f (file order) and checks that what follows them is blank.
void parse_atoms(std::string_view text, const AtomBlockPlan& blocks, std::size_t n,
                 const ColumnPlan& plan, Frame& f, std::vector<std::string_view>& elements,
                 const std::string& file, std::int64_t first_atom_line) {
  const std::size_t nblocks = blocks.cuts.size() - 1;
  const Box box = f.box;
  const auto parse_block = [&](std::size_t b) {
    const std::size_t first = blocks.first[b];
    const std::string_view blk = text.substr(blocks.cuts[b], blocks.cuts[b + 1] - blocks.cuts[b]);
    const std::size_t lines_here = blocks.first[b + 1] - first;
    const std::size_t rows_here = first >= n ? 0 : std::min(lines_here, n - first);
    parse_rows(blk, first, rows_here, plan, box, f, elements, file, first_atom_line);
    if (rows_here < lines_here) {
      // The declared count ended inside this block: what follows must be blank.
      std::size_t pos = 0;
      for (std::size_t k = 0; k < rows_here; ++k) pos = blk.find('\n', pos) + 1;
      if (!trim(blk.substr(pos)).empty()) {
        throw InputError(file, first_atom_line + static_cast<std::int64_t>(n),
                         fmt::format("expected {} atom lines, found more", n));
      }
    }
  };
  // Every block keeps its own first error; the earliest in the file wins, whatever the timing.
  std::vector<std::exception_ptr> errors(nblocks);
  parallel::for_each_index(
      nblocks,
      [&](std::size_t b) {
        try {
          parse_block(b);
        } catch (...) {
          errors[b] = std::current_exception();
        }
      },
      1);
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// Maps element names to types: names in `options` keep their type, others follow alphabetically.
void assign_element_types(const std::vector<std::string_view>& elements, std::vector<int>& type,
                          const DumpParseOptions& options, std::vector<std::string>& type_names) {
  std::map<std::string, int, std::less<>> by_name;
  for (std::size_t t = 1; t < options.type_elements.size(); ++t) {
    if (!options.type_elements[t].empty()) {
      by_name.emplace(options.type_elements[t], static_cast<int>(t));
    }
  }
  std::vector<std::string> unknown;
  for (auto e : elements) {
    if (by_name.find(e) == by_name.end() &&
        std::find(unknown.begin(), unknown.end(), e) == unknown.end()) {
      unknown.emplace_back(e);
    }
  }
  std::sort(unknown.begin(), unknown.end());
  int next = static_cast<int>(std::max<std::size_t>(options.type_elements.size(), 1));
  for (const auto& u : unknown) by_name.emplace(u, next++);
  for (std::size_t i = 0; i < elements.size(); ++i) type[i] = by_name.find(elements[i])->second;
  type_names.assign(static_cast<std::size_t>(next), "");
  for (const auto& [name, t] : by_name) type_names[static_cast<std::size_t>(t)] = name;
}

// Sizes a fresh per-atom array. Big arrays are advised to use transparent huge pages (THP in
// "madvise" mode): a 1M-atom frame otherwise costs ~12k page faults, a large share of its parse.
template <class T>
void allocate(std::vector<T>& v, std::size_t n) {
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  v.reserve(n);
  if (n * sizeof(T) >= 2 * kHuge) {
    const auto b = (reinterpret_cast<std::uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
    const auto e = (reinterpret_cast<std::uintptr_t>(v.data()) + n * sizeof(T)) & ~(kHuge - 1);
    if (e > b) ::madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);
  }
  v.resize(n);
}

template <class T>
void permute(std::vector<T>& v, const std::vector<std::size_t>& order) {
  std::vector<T> out;
  allocate(out, v.size());
  parallel::for_each_index(order.size(), [&](std::size_t k) { out[k] = v[order[k]]; });
  v.swap(out);
}

// Sorts the atoms of f (in file order) by id. `atom_line(row)` gives the line of a row for the
// error message about a duplicate id.
template <class LineOf>
void sort_by_id(Frame& f, const std::string& file, LineOf atom_line) {
  const std::size_t n = f.size();
  bool sorted = true;
  for (std::size_t k = 1; k < n && sorted; ++k) sorted = f.id[k - 1] < f.id[k];
  if (sorted) return;
  const auto duplicate = [&](std::size_t later, std::size_t earlier) {
    throw InputError(
        file, atom_line(later),
        fmt::format("duplicate atom id {} (also on line {})", f.id[later], atom_line(earlier)));
  };
  std::vector<std::size_t> order(n);
  const auto [lo, hi] = std::minmax_element(f.id.begin(), f.id.end());
  if (*lo == 1 && *hi == static_cast<std::int64_t>(n)) {
    // Ids 1..n in some order (the usual LAMMPS case): place each row at its id.
    constexpr std::size_t kUnset = ~std::size_t{0};
    std::fill(order.begin(), order.end(), kUnset);
    for (std::size_t r = 0; r < n; ++r) {
      auto& slot = order[static_cast<std::size_t>(f.id[r] - 1)];
      if (slot != kUnset) duplicate(r, slot);
      slot = r;
    }
  } else {
    std::vector<std::pair<std::int64_t, std::size_t>> keyed(n);
    for (std::size_t r = 0; r < n; ++r) keyed[r] = {f.id[r], r};
    tbb::parallel_sort(keyed.begin(), keyed.end());
    for (std::size_t k = 1; k < n; ++k) {
      if (keyed[k].first == keyed[k - 1].first) duplicate(keyed[k].second, keyed[k - 1].second);
    }
    for (std::size_t k = 0; k < n; ++k) order[k] = keyed[k].second;
  }
  permute(f.id, order);
  permute(f.type, order);
  permute(f.pos, order);
  permute(f.image, order);
  for (auto& c : f.columns) permute(c.values, order);
}

}  // namespace

std::vector<std::string> dump_columns(std::string_view text, const std::string& file,
                                      std::int64_t first_line) {
  return read_header(text, file, first_line).columns;
}

Frame parse_dump_frame(std::string_view text, const std::string& file, std::int64_t first_line,
                       const DumpParseOptions& options) {
  const Header h = read_header(text, file, first_line);
  const ColumnPlan plan = plan_columns(h.columns, file, h.atoms_line);
  const auto n = static_cast<std::size_t>(h.atoms);

  Frame f;
  f.timestep = h.timestep;
  f.time = h.time;
  f.units = h.units;
  f.box = *h.box;
  f.boundary = h.boundary;
  f.has_image = plan.has_image || plan.kind == CoordKind::Unwrapped ||
                plan.kind == CoordKind::ScaledUnwrapped;
  // Count the atom lines before sizing anything by the header: a header that claims 10^12 atoms
  // over a few lines of text must fail on the text, not on a terabyte allocation (found while
  // fuzzing; DumpIndex checks the count too, but this function also parses text nobody indexed).
  const std::string_view atom_text = text.substr(h.atoms_offset);
  const std::int64_t first_atom_line = h.atoms_line + 1;
  const AtomBlockPlan blocks = plan_blocks(atom_text);
  check_atom_line_count(blocks, n, file, first_atom_line);
  allocate(f.id, n);
  allocate(f.type, n);
  allocate(f.pos, n);
  allocate(f.image, n);
  for (const auto& name : plan.extra_names) {
    f.columns.push_back({name, {}});
    allocate(f.columns.back().values, n);
  }
  std::vector<std::string_view> elements(plan.has_element ? n : 0);
  parse_atoms(atom_text, blocks, n, plan, f, elements, file, first_atom_line);

  if (plan.has_element) {
    if (plan.has_type) {
      // Both given: the type column rules, the element names label the types.
      for (std::size_t i = 0; i < n; ++i) {
        const auto t = static_cast<std::size_t>(f.type[i]);
        if (f.type_names.size() <= t) f.type_names.resize(t + 1);
        if (f.type_names[t].empty()) f.type_names[t] = std::string(elements[i]);
      }
    } else {
      assign_element_types(elements, f.type, options, f.type_names);
    }
  }
  // Element names from the run file label types the dump leaves unnamed.
  if (f.type_names.size() < options.type_elements.size()) {
    f.type_names.resize(options.type_elements.size());
  }
  for (std::size_t t = 0; t < options.type_elements.size(); ++t) {
    if (f.type_names[t].empty()) f.type_names[t] = options.type_elements[t];
  }
  if (!plan.has_id) {
    std::iota(f.id.begin(), f.id.end(), std::int64_t{1});
    f.ids_generated = true;
  }
  sort_by_id(f, file,
             [&](std::size_t row) { return first_atom_line + static_cast<std::int64_t>(row); });
  return f;
}

}  // namespace mgs::io
