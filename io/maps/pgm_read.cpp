// PGM maps (Netpbm): P2 (ASCII) and P5 (binary), maxval up to 65535 (two bytes per sample,
// big-endian, from 256 on). '#' comments are allowed between the header fields and, in P2,
// between values. Values are kept as stored (not divided by maxval).
#include <fmt/format.h>

#include <cctype>
#include <charconv>

#include "engine/errors.hpp"
#include "io/maps/map_formats.hpp"
#include "io/text_scan.hpp"

namespace mgs::io::maps {

namespace {

class PgmScanner {
 public:
  PgmScanner(const std::string& path, std::string_view bytes) : path_(path), b_(bytes) {}

  // The next whitespace-delimited token, skipping comments; "" at the end of the file.
  std::string_view token() {
    while (pos_ < b_.size()) {
      const char c = b_[pos_];
      if (c == '#') {
        while (pos_ < b_.size() && b_[pos_] != '\n') ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else {
        break;
      }
    }
    const std::size_t start = pos_;
    while (pos_ < b_.size() && !std::isspace(static_cast<unsigned char>(b_[pos_])) &&
           b_[pos_] != '#') {
      ++pos_;
    }
    return b_.substr(start, pos_ - start);
  }

  std::uint64_t number(const char* what, std::uint64_t max) {
    const std::string_view t = token();
    if (t.empty()) fail(fmt::format("the file ends where the {} was expected", what));
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size() || v > max) {
      fail(fmt::format("expected the {} (an integer from 0 to {}), got {}", what, max, quote(t)));
    }
    return v;
  }

  [[noreturn]] void fail(const std::string& what) const { throw InputError(path_, 0, what); }

  std::size_t pos() const { return pos_; }
  void skip(std::size_t n) { pos_ += n; }

 private:
  const std::string& path_;
  std::string_view b_;
  std::size_t pos_ = 0;
};

}  // namespace

Map2D decode_pgm(const std::string& path, std::string_view bytes) {
  PgmScanner s(path, bytes);
  const bool binary = s.token() == "P5";  // read_map saw "P2" or "P5"
  const std::uint64_t nx = s.number("width", kMaxSide);
  const std::uint64_t ny = s.number("height", kMaxSide);
  const std::uint64_t maxval = s.number("maxval", 65535);
  if (maxval == 0) s.fail("maxval 0; expected 1 to 65535");
  Map2D map = blank_map(path, nx, ny);
  const std::size_t n = map.values.size();
  if (binary) {
    // Exactly one whitespace character separates maxval from the samples.
    if (s.pos() >= bytes.size() || !std::isspace(static_cast<unsigned char>(bytes[s.pos()]))) {
      s.fail("no pixel data after the header");
    }
    s.skip(1);
    const std::size_t width = maxval > 255 ? 2 : 1;
    const std::size_t have = bytes.size() - s.pos();
    if (have < n * width) {
      s.fail(
          fmt::format("truncated: {} bytes of pixel data, expected {} ({} x {} pixels of {} "
                      "byte(s))",
                      have, n * width, nx, ny, width));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + s.pos());
    for (std::size_t k = 0; k < n; ++k) {
      const unsigned v = width == 2 ? (p[2 * k] << 8) | p[2 * k + 1] : p[k];
      if (v > maxval) {
        s.fail(fmt::format("pixel {} is {}, above maxval {}", k, v, maxval));
      }
      map.values[k] = v;
    }
    return map;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const std::string_view t = s.token();
    if (t.empty()) s.fail(fmt::format("the file ends after {} of {} pixel values", k, n));
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size() || v > maxval) {
      s.fail(fmt::format("pixel {}: expected an integer from 0 to maxval {}, got {}", k, maxval,
                         quote(t)));
    }
    map.values[k] = static_cast<double>(v);
  }
  if (!s.token().empty()) {
    s.fail(fmt::format("more than {} x {} pixel values", nx, ny));
  }
  return map;
}

}  // namespace mgs::io::maps
