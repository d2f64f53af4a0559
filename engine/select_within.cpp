#include "engine/select_within.hpp"

#include <array>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MGS_SELECT_WITHIN_X86 1
#endif

namespace mgs {

namespace {

// Four comparison bits -> the positions of the set bits, in increasing order (unused lanes 0).
struct HitTable {
  std::array<std::array<std::uint32_t, 4>, 16> lanes{};
  std::array<std::uint32_t, 16> count{};
  constexpr HitTable() {
    for (std::uint32_t mask = 0; mask < 16; ++mask) {
      std::uint32_t c = 0;
      for (std::uint32_t bit = 0; bit < 4; ++bit) {
        if (mask & (1u << bit)) lanes[mask][c++] = bit;
      }
      count[mask] = c;
    }
  }
};
constexpr HitTable kHits;

// The candidates from `m` on, one at a time (the tail after the four-wide loop, or everything
// where there is no vector path).
std::size_t select_rest(const double* x, const double* y, const double* z, std::size_t m,
                        std::size_t n, double px, double py, double pz, double r2max,
                        std::uint32_t* out, std::size_t count) {
  for (; m < n; ++m) {
    const double dx = x[m] - px, dy = y[m] - py, dz = z[m] - pz;
    const double d2 = dx * dx + dy * dy + dz * dz;
    out[count] = static_cast<std::uint32_t>(m);
    count += d2 <= r2max ? 1 : 0;
  }
  return count;
}

#ifdef MGS_SELECT_WITHIN_X86

// Stores the indices m + lane of the set bits of `mask`, four wide.
inline std::size_t store_hits(unsigned mask, std::size_t m, std::uint32_t* out, std::size_t count) {
  const __m128i lanes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kHits.lanes[mask].data()));
  const __m128i index = _mm_add_epi32(lanes, _mm_set1_epi32(static_cast<int>(m)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out + count), index);
  return count + kHits.count[mask];
}

// Two doubles per instruction (SSE2, every x86-64 processor).
std::size_t select_sse2(const double* x, const double* y, const double* z, std::size_t n, double px,
                        double py, double pz, double r2max, std::uint32_t* out) {
  const __m128d vx = _mm_set1_pd(px), vy = _mm_set1_pd(py), vz = _mm_set1_pd(pz);
  const __m128d limit = _mm_set1_pd(r2max);
  const auto within = [&](std::size_t m) {
    const __m128d dx = _mm_sub_pd(_mm_loadu_pd(x + m), vx);
    const __m128d dy = _mm_sub_pd(_mm_loadu_pd(y + m), vy);
    const __m128d dz = _mm_sub_pd(_mm_loadu_pd(z + m), vz);
    const __m128d d2 =
        _mm_add_pd(_mm_add_pd(_mm_mul_pd(dx, dx), _mm_mul_pd(dy, dy)), _mm_mul_pd(dz, dz));
    return static_cast<unsigned>(_mm_movemask_pd(_mm_cmple_pd(d2, limit)));
  };
  std::size_t count = 0, m = 0;
  for (; m + 4 <= n; m += 4) count = store_hits(within(m) | within(m + 2) << 2, m, out, count);
  return select_rest(x, y, z, m, n, px, py, pz, r2max, out, count);
}

// Four doubles per instruction. Plain AVX (no FMA), so the distances round as in the SSE2 path.
__attribute__((target("avx"))) std::size_t select_avx(const double* x, const double* y,
                                                      const double* z, std::size_t n, double px,
                                                      double py, double pz, double r2max,
                                                      std::uint32_t* out) {
  const __m256d vx = _mm256_set1_pd(px), vy = _mm256_set1_pd(py), vz = _mm256_set1_pd(pz);
  const __m256d limit = _mm256_set1_pd(r2max);
  std::size_t count = 0, m = 0;
  for (; m + 4 <= n; m += 4) {
    const __m256d dx = _mm256_sub_pd(_mm256_loadu_pd(x + m), vx);
    const __m256d dy = _mm256_sub_pd(_mm256_loadu_pd(y + m), vy);
    const __m256d dz = _mm256_sub_pd(_mm256_loadu_pd(z + m), vz);
    const __m256d d2 = _mm256_add_pd(_mm256_add_pd(_mm256_mul_pd(dx, dx), _mm256_mul_pd(dy, dy)),
                                     _mm256_mul_pd(dz, dz));
    const auto mask =
        static_cast<unsigned>(_mm256_movemask_pd(_mm256_cmp_pd(d2, limit, _CMP_LE_OQ)));
    count = store_hits(mask, m, out, count);
  }
  return select_rest(x, y, z, m, n, px, py, pz, r2max, out, count);
}

#endif

}  // namespace

bool select_path_available(SelectPath path) {
  switch (path) {
    case SelectPath::kAuto:
    case SelectPath::kScalar:
      return true;
#ifdef MGS_SELECT_WITHIN_X86
    case SelectPath::kSse2:
      return true;
    case SelectPath::kAvx: {
      static const bool avx = __builtin_cpu_supports("avx");
      return avx;
    }
#else
    case SelectPath::kSse2:
    case SelectPath::kAvx:
      return false;
#endif
  }
  return false;
}

std::size_t select_within(const double* x, const double* y, const double* z, std::size_t n,
                          double px, double py, double pz, double r2max, std::uint32_t* out,
                          SelectPath path) {
  // Resolved once: this runs once per atom.
  static const SelectPath best = select_path_available(SelectPath::kAvx)    ? SelectPath::kAvx
                                 : select_path_available(SelectPath::kSse2) ? SelectPath::kSse2
                                                                            : SelectPath::kScalar;
  if (path == SelectPath::kAuto) path = best;
  switch (path) {
#ifdef MGS_SELECT_WITHIN_X86
    case SelectPath::kAvx:
      return select_avx(x, y, z, n, px, py, pz, r2max, out);
    case SelectPath::kSse2:
      return select_sse2(x, y, z, n, px, py, pz, r2max, out);
#endif
    default:
      return select_rest(x, y, z, 0, n, px, py, pz, r2max, out, 0);
  }
}

}  // namespace mgs
