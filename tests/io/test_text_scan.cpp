// count_newlines (eight bytes at a time) against a byte-by-byte count.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

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

TEST_CASE("to_double gives from_chars's value, or rejects what from_chars rejects", "[io]") {
  // Numbers as dumps write them (%g, %.10g, %.16e), and edge cases of the fast path: digits
  // beyond 19 or 2^53, exponents beyond 22, signs, lone dots, truncated exponents.
  std::mt19937_64 rng(11);
  const auto reference = [](std::string_view s) -> std::optional<double> {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0.0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
  };
  std::vector<std::string> cases = {"0",
                                    "-0",
                                    "-0.0",
                                    "+1.5",
                                    ".5",
                                    "5.",
                                    ".",
                                    "-",
                                    "1e",
                                    "1e+",
                                    "1.5e-3",
                                    "2E22",
                                    "3e23",
                                    "1e-22",
                                    "7e-23",
                                    "inf",
                                    "-nan",
                                    "1e00005",
                                    "9007199254740993",
                                    "9007199254740992",
                                    "12345678901234567890",
                                    "0.1.2",
                                    "1e5x",
                                    "--1",
                                    "1,5",
                                    ""};
  char buf[64];
  for (int k = 0; k < 20000; ++k) {
    const double x = std::ldexp(std::uniform_real_distribution<double>(-1.0, 1.0)(rng),
                                std::uniform_int_distribution<int>(-80, 80)(rng));
    const int digits = std::uniform_int_distribution<int>(1, 18)(rng);
    std::snprintf(buf, sizeof buf, k % 3 == 0 ? "%.*g" : k % 3 == 1 ? "%.*e" : "%.*f", digits, x);
    cases.emplace_back(buf);
  }
  for (const auto& s : cases) {
    const auto got = mgs::io::to_double(s);
    const auto want = reference(s);
    INFO("\"" << s << "\"");
    REQUIRE(got.has_value() == want.has_value());
    if (got) {
      CHECK(std::memcmp(&*got, &*want, sizeof(double)) == 0);  // the same bits, sign of 0 too
    }
  }
}
