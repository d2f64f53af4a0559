#pragma once
// The inner loop of a neighbor search over gathered candidates: which of n points (given per
// axis in contiguous arrays) lie within a distance of a point. One loop, no branch per
// candidate: the distances are computed four at a time and the indices of the hits stored
// through a table indexed by the four comparison bits.
#include <cstddef>
#include <cstdint>

namespace mgs {

// The code paths: the best the processor has (kAuto), or one named (tests compare them).
enum class SelectPath { kAuto, kScalar, kSse2, kAvx };
// Whether this build and processor have the path.
bool select_path_available(SelectPath path);

// Writes the indices m < n with (x[m]-px)² + (y[m]-py)² + (z[m]-pz)² <= r2max to `out`, in
// increasing order, and returns how many there are. `out` must have room for n + 3 indices (the
// stores are four wide). Every distance is computed as written, in double precision without
// fused multiply-adds, so every code path selects exactly the same points.
std::size_t select_within(const double* x, const double* y, const double* z, std::size_t n,
                          double px, double py, double pz, double r2max, std::uint32_t* out,
                          SelectPath path = SelectPath::kAuto);

}  // namespace mgs
