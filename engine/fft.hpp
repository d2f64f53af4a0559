#pragma once
// Discrete Fourier transforms of periodic 1-, 2- and 3-D arrays, for correlation functions and
// power spectra of gridded fields.
//
// Backend: Eigen's FFT module (unsupported/Eigen/FFT, kissfft), header-only and part of
// libeigen3-dev, which mgscope already depends on; no new package. kissfft is mixed-radix
// (butterflies for 2, 3, 4, 5 and a generic O(p²) one for other primes); lengths whose largest
// prime factor exceeds kBluesteinPrime go through Bluestein's chirp-z algorithm on a
// power-of-two kissfft, so every length costs O(n log n) (a 1 Å grid over a 254 Å cell has
// 254 = 2·127 bins). The threshold 31: a 255³ transform (255 = 3·5·17) takes 3.0 s with the
// radix-17 butterfly and 4.4 s through Bluestein (one core). FFTW would be faster, but its
// headers are not installed here (libfftw3-dev) and it is GPL.
#include <array>
#include <complex>
#include <vector>

namespace mgs::fft {

using Complex = std::complex<double>;

inline constexpr int kBluesteinPrime = 31;

// In-place DFT of `data`, dims[0] × dims[1] × dims[2] values with index 0 fastest
// (flat = (k·n1 + j)·n0 + i, as Grid stores bins). Forward: X(h) = Σ x(n) exp(−2πi h·n/N) per axis,
// unnormalised; inverse: the conjugate exponent, divided by the number of values, so that
// inverse(forward(x)) = x. Axes of length 1 are left alone. Lines are transformed in fixed
// blocks in parallel; every line is computed the same way whatever the thread count.
void transform(std::vector<Complex>& data, const std::array<int, 3>& dims, bool inverse);

// The same for one line (any length ≥ 1), for tests and small uses.
std::vector<Complex> transform_line(const std::vector<Complex>& x, bool inverse);

// Largest prime factor of n (1 for n = 1).
int largest_prime_factor(int n);

}  // namespace mgs::fft
