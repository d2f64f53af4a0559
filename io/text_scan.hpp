#pragma once
// Small, allocation-free helpers for parsing whitespace-separated text.
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace mgs::io {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Eight bytes of text as one word with byte k in bits 8k..8k+7, on any host.
inline std::uint64_t load_word(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
  return w;
}

// The high bit of each byte of w that equals c, and no other bit (no carries between bytes:
// the low seven bits are added separately).
inline std::uint64_t bytes_equal(std::uint64_t w, char c) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kLow7 = kOnes * 0x7F;
  const std::uint64_t t = w ^ (kOnes * static_cast<unsigned char>(c));  // zero bytes where c is
  return ~(((t & kLow7) + kLow7) | t | kLow7);
}

// The number of bytes a bytes_equal() mask marks (0 to 8).
inline unsigned marked_bytes(std::uint64_t mask) {
  return static_cast<unsigned>((((mask >> 7) * 0x0101010101010101ULL) >> 56) & 0xFF);
}

// The number of '\n' in s, eight bytes at a time (a byte loop was a tenth of parsing a frame).
inline std::size_t count_newlines(std::string_view s) {
  std::size_t count = 0, i = 0;
  while (i + 8 <= s.size()) {
    // Per-byte counters (one per byte lane) for at most 255 words, then summed.
    std::uint64_t lanes = 0;
    for (int w = 0; w < 255 && i + 8 <= s.size(); ++w, i += 8) {
      lanes += bytes_equal(load_word(s.data() + i), '\n') >> 7;
    }
    for (int b = 0; b < 8; ++b) count += (lanes >> (8 * b)) & 0xFF;
  }
  for (; i < s.size(); ++i) count += s[i] == '\n' ? 1 : 0;
  return count;
}

// Splits on blanks; `out` is reused to avoid allocations.
inline void split(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_space(s[i]) || s[i] == '\n')) ++i;
    const std::size_t b = i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '\n') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
}

inline std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  split(s, out);
  return out;
}

// Clinger's fast path for the plain decimals dumps are made of (LAMMPS's %g and %.Ng): at most
// 19 digits that form an integer m < 2^53, times 10^e with |e| <= 22, is one correctly rounded
// product or quotient of two exact doubles, the value from_chars gives. Anything else (more
// digits, larger exponents, inf, nan, malformed text) is left to from_chars: nullopt here.
inline std::optional<double> decimal_fast_path(std::string_view s) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = s.data();
  const char* const end = p + s.size();
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t m = 0;
  int digits = 0, exponent = 0;
  for (; p < end && *p >= '0' && *p <= '9'; ++p, ++digits) m = 10 * m + (*p - '0');
  if (p < end && *p == '.') {
    for (++p; p < end && *p >= '0' && *p <= '9'; ++p, ++digits, --exponent) {
      m = 10 * m + (*p - '0');
    }
  }
  if (digits == 0 || digits > 19) return std::nullopt;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool negative_exponent = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+')) ++p;
    int e = 0, e_digits = 0;
    for (; p < end && *p >= '0' && *p <= '9' && e_digits < 4; ++p, ++e_digits) {
      e = 10 * e + (*p - '0');
    }
    if (e_digits == 0) return std::nullopt;
    exponent += negative_exponent ? -e : e;
  }
  if (p != end || m > (std::uint64_t{1} << 53) || exponent < -22 || exponent > 22) {
    return std::nullopt;
  }
  double v = static_cast<double>(m);
  v = exponent < 0 ? v / kPow10[-exponent] : v * kPow10[exponent];
  return negative ? -v : v;
}

inline std::optional<double> to_double(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (const auto fast = decimal_fast_path(s)) return fast;
  double v = 0.0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

inline std::optional<std::int64_t> to_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

inline bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A printable excerpt of a token for error messages (binary garbage stays readable).
inline std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 40)) {
    out += (static_cast<unsigned char>(c) >= 32 && static_cast<unsigned char>(c) < 127) ? c : '?';
  }
  if (s.size() > 40) out += "...";
  return out + "\"";
}

}  // namespace mgs::io
