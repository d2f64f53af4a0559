// select_within: every code path (scalar, SSE2, AVX where the processor has it) selects exactly
// the points a plain loop selects, in order, for every length (the four-wide loop and its tail),
// with points exactly on the sphere, NaN coordinates and an empty input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "engine/select_within.hpp"

using mgs::SelectPath;

TEST_CASE("select_within: every code path selects what a plain loop selects", "[neighbors]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> coord(-6.0, 6.0);
  const double px = 0.25, py = -0.5, pz = 1.0, r = 4.0, r2max = r * r;
  int paths = 0;
  for (const SelectPath path :
       {SelectPath::kAuto, SelectPath::kScalar, SelectPath::kSse2, SelectPath::kAvx}) {
    if (!mgs::select_path_available(path)) continue;
    ++paths;
    for (std::size_t n = 0; n <= 41; ++n) {
      std::vector<double> x(n), y(n), z(n);
      for (std::size_t m = 0; m < n; ++m) {
        x[m] = coord(rng), y[m] = coord(rng), z[m] = coord(rng);
        if (m % 7 == 3) x[m] = px + r, y[m] = py, z[m] = pz;  // exactly on the sphere: inside
        if (m % 11 == 5) y[m] = std::numeric_limits<double>::quiet_NaN();  // never inside
      }
      std::vector<std::uint32_t> expected;
      for (std::size_t m = 0; m < n; ++m) {
        const double d2 =
            (x[m] - px) * (x[m] - px) + (y[m] - py) * (y[m] - py) + (z[m] - pz) * (z[m] - pz);
        if (d2 <= r2max) expected.push_back(static_cast<std::uint32_t>(m));
      }
      std::vector<std::uint32_t> got(n + 3);
      const std::size_t count =
          mgs::select_within(x.data(), y.data(), z.data(), n, px, py, pz, r2max, got.data(), path);
      got.resize(count);
      INFO("path " << static_cast<int>(path) << ", n = " << n);
      CHECK(got == expected);
      if (n >= 4) CHECK(std::find(got.begin(), got.end(), 3u) != got.end());
    }
  }
  CHECK(paths >= 2);
}
