// NumPy .npy maps: format versions 1, 2 and 3, a 2-D array (rows, columns) = (ny, nx) of
// f4, f8, i1, u1, i2, u2, i4, u4, i8, u8 in either byte order, C or Fortran order. The header
// is a Python dict literal; it is parsed strictly (it is the part a hostile file controls):
// exactly the keys descr, fortran_order and shape, and the data size must match the file.
// 64-bit integers beyond 2^53 lose precision as doubles.
#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include "engine/errors.hpp"
#include "io/maps/map_formats.hpp"
#include "io/text_scan.hpp"

namespace mgs::io::maps {

namespace {

struct Header {
  char kind = 0;         // 'f', 'i' or 'u'
  std::size_t size = 0;  // bytes per element
  bool big_endian = false;
  bool fortran = false;
  std::vector<std::uint64_t> shape;
};

class HeaderParser {
 public:
  HeaderParser(const std::string& path, std::string_view text) : path_(path), t_(text) {}

  Header parse() {
    Header h;
    bool descr = false, fortran = false, shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr" && !descr) {
        parse_descr(string_literal(), h);
        descr = true;
      } else if (key == "fortran_order" && !fortran) {
        h.fortran = boolean();
        fortran = true;
      } else if (key == "shape" && !shape) {
        h.shape = tuple();
        shape = true;
      } else {
        fail(fmt::format("unexpected or repeated key {} in the header", quote(key)));
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}' after a header value");
    }
    ++pos_;
    skip_space();
    if (pos_ != t_.size()) fail("unexpected text after the header dict");
    if (!descr || !fortran || !shape) {
      fail("the header lacks one of the keys 'descr', 'fortran_order', 'shape'");
    }
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path_, 0, fmt::format("npy header: {}", what));
  }
  char peek() const { return pos_ < t_.size() ? t_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(fmt::format("expected '{}' at character {}", c, pos_));
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    const char q = peek();
    if (q != '\'' && q != '"') fail(fmt::format("expected a quoted string at character {}", pos_));
    const std::size_t end = t_.find(q, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(t_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    if (t_.substr(pos_).starts_with("True")) {
      pos_ += 4;
      return true;
    }
    if (t_.substr(pos_).starts_with("False")) {
      pos_ += 5;
      return false;
    }
    fail("expected True or False for 'fortran_order'");
  }
  std::vector<std::uint64_t> tuple() {
    expect('(');
    std::vector<std::uint64_t> v;
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (v.size() >= 32) fail("too many dimensions in 'shape'");
      std::uint64_t x = 0;
      const char* b = t_.data() + pos_;
      const auto [p, ec] = std::from_chars(b, t_.data() + t_.size(), x);
      if (ec != std::errc() || p == b) fail("expected a non-negative integer in 'shape'");
      pos_ += static_cast<std::size_t>(p - b);
      v.push_back(x);
      skip_space();
      if (peek() == ',') {
        ++pos_;
      } else if (peek() != ')') {
        fail("expected ',' or ')' in 'shape'");
      }
    }
    ++pos_;
    return v;
  }
  void parse_descr(const std::string& d, Header& h) const {
    const auto bad = [&] {
      fail(
          fmt::format("dtype {}; expected one of f4, f8, i1, u1, i2, u2, i4, u4, i8, u8 with "
                      "byte order <, > or |",
                      quote(d)));
    };
    if (d.size() != 3) bad();
    const char order = d[0];
    h.kind = d[1];
    h.size = static_cast<std::size_t>(d[2] - '0');
    const bool ok_kind = (h.kind == 'f' && (h.size == 4 || h.size == 8)) ||
                         ((h.kind == 'i' || h.kind == 'u') &&
                          (h.size == 1 || h.size == 2 || h.size == 4 || h.size == 8));
    if (!ok_kind) bad();
    if (order == '>') {
      h.big_endian = true;
    } else if (order == '<' || order == '=' || (order == '|' && h.size == 1)) {
      h.big_endian = false;  // '=' is the writer's native order; numpy writes it as '<' or '>'
    } else {
      bad();
    }
  }

  const std::string& path_;
  std::string_view t_;
  std::size_t pos_ = 0;
};

template <class T>
double element(const unsigned char* p, bool swap) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if (swap) {
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  }
  T v;
  std::memcpy(&v, b, sizeof(T));
  return static_cast<double>(v);
}

double value(const unsigned char* p, const Header& h, bool swap) {
  switch (h.kind) {
    case 'f':
      return h.size == 4 ? element<float>(p, swap) : element<double>(p, swap);
    case 'i':
      switch (h.size) {
        case 1:
          return element<std::int8_t>(p, swap);
        case 2:
          return element<std::int16_t>(p, swap);
        case 4:
          return element<std::int32_t>(p, swap);
        default:
          return element<std::int64_t>(p, swap);
      }
    default:
      switch (h.size) {
        case 1:
          return element<std::uint8_t>(p, swap);
        case 2:
          return element<std::uint16_t>(p, swap);
        case 4:
          return element<std::uint32_t>(p, swap);
        default:
          return element<std::uint64_t>(p, swap);
      }
  }
}

std::uint32_t little_endian(std::string_view b, std::size_t at, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < n; ++i)
    v |= std::uint32_t{static_cast<unsigned char>(b[at + i])} << (8 * i);
  return v;
}

}  // namespace

Map2D decode_npy(const std::string& path, std::string_view bytes) {
  // magic (6) + version (2) + header length (2 in version 1, 4 in versions 2 and 3)
  if (bytes.size() < 10) throw InputError(path, 0, "npy file shorter than its preamble");
  const int major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3) {
    throw InputError(path, 0, fmt::format("npy format version {}; expected 1, 2 or 3", major));
  }
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) throw InputError(path, 0, "npy file shorter than its preamble");
  const std::uint64_t header_len = little_endian(bytes, 8, len_bytes);
  const std::size_t data_at = 8 + len_bytes;
  if (header_len > bytes.size() - data_at) {
    throw InputError(
        path, 0,
        fmt::format("npy header of {} bytes but the file has {} bytes", header_len, bytes.size()));
  }
  const Header h = HeaderParser(path, bytes.substr(data_at, header_len)).parse();
  if (h.shape.size() != 2) {
    std::string shape;
    for (auto s : h.shape) shape += fmt::format("{}, ", s);
    throw InputError(path, 0,
                     fmt::format("npy array of shape ({}); expected a 2-D array (rows, "
                                 "columns)",
                                 shape.empty() ? "" : shape.substr(0, shape.size() - 2)));
  }
  const std::uint64_t ny = h.shape[0], nx = h.shape[1];
  Map2D map = blank_map(path, nx, ny);
  const std::size_t n = map.values.size();
  const std::size_t have = bytes.size() - data_at - header_len;
  if (have != n * h.size) {
    throw InputError(path, 0,
                     fmt::format("{} bytes of data after the npy header; expected {} ({} x {} of "
                                 "{} bytes)",
                                 have, n * h.size, ny, nx, h.size));
  }
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data() + data_at + header_len);
  const bool swap = h.big_endian != (std::endian::native == std::endian::big);
  for (std::size_t j = 0; j < ny; ++j) {
    for (std::size_t i = 0; i < nx; ++i) {
      // Element [j, i]: row-major (C) or column-major (Fortran) storage.
      const std::size_t at = h.fortran ? i * ny + j : j * nx + i;
      map.values[j * nx + i] = value(data + at * h.size, h, swap);
    }
  }
  return map;
}

}  // namespace mgs::io::maps
