// count_newlines (eight bytes at a time) against a byte-by-byte count.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "io/text_scan.hpp"

TEST_CASE("count_newlines agrees with a byte count on any bytes and lengths", "[io]") {
  std::mt19937 rng(7);
  // Bytes that differ from '\n' (0x0A) in one bit, or only in the high bit, and all high bits.
  const std::string tricky = {'\n', '\x0B', '\x08', '\x8A', '\x0A', '\xFF', '\x00', '\x7F', 'a'};
  for (std::size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 2040u, 2041u, 2048u, 2047u, 5000u, 70000u}) {
    std::string s(len, ' ');
    for (auto& c : s) c = tricky[rng() % tricky.size()];
    const auto expected = static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
    CHECK(mgs::io::count_newlines(s) == expected);
    // Every offset into the string (unaligned starts).
    if (len < 100) {
      for (std::size_t b = 0; b < len; ++b) {
        const std::string_view v(s.data() + b, len - b);
        CHECK(mgs::io::count_newlines(v) ==
              static_cast<std::size_t>(std::count(v.begin(), v.end(), '\n')));
      }
    }
  }
  // All newlines: 255-word lane counters must not overflow.
  const std::string all(8 * 300 + 5, '\n');
  CHECK(mgs::io::count_newlines(all) == all.size());
}
