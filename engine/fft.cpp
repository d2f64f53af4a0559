#include "engine/fft.hpp"

#include <unsupported/Eigen/FFT>

#include <cmath>
#include <cstddef>
#include <map>
#include <stdexcept>

#include "engine/parallel.hpp"

namespace mgs::fft {

namespace {

// Transforms lines of one length, forward or inverse, unnormalised. Holds kissfft plans and, for
// lengths with a large prime factor, the Bluestein chirp and its transform. Not thread-safe:
// one per block of lines.
class LineTransform {
 public:
  explicit LineTransform(int n) : n_(n) {
    fft_.SetFlag(Eigen::FFT<double>::Unscaled);
    if (largest_prime_factor(n) <= kBluesteinPrime) return;
    m_ = 1;
    while (m_ < 2 * n - 1) m_ *= 2;
    chirp_.resize(static_cast<std::size_t>(n));
    const auto two_n = 2 * static_cast<long long>(n);
    for (int k = 0; k < n; ++k) {
      // exp(−iπk²/n) with k² reduced mod 2n so the angle stays accurate for large k.
      const long long k2 = (static_cast<long long>(k) * k) % two_n;
      const double angle = -M_PI * static_cast<double>(k2) / n;
      chirp_[static_cast<std::size_t>(k)] = Complex(std::cos(angle), std::sin(angle));
    }
    std::vector<Complex> b(static_cast<std::size_t>(m_), Complex(0.0, 0.0));
    b[0] = std::conj(chirp_[0]);
    for (int k = 1; k < n; ++k) {
      b[static_cast<std::size_t>(k)] = std::conj(chirp_[static_cast<std::size_t>(k)]);
      b[static_cast<std::size_t>(m_ - k)] = std::conj(chirp_[static_cast<std::size_t>(k)]);
    }
    fft_.fwd(chirp_spectrum_, b);
    work_.resize(static_cast<std::size_t>(m_));
  }

  // In place on line[0 .. n).
  void apply(std::vector<Complex>& line, bool inverse) {
    if (n_ == 1) return;
    if (m_ == 0) {
      out_.resize(line.size());
      if (inverse) {
        fft_.inv(out_, line);
      } else {
        fft_.fwd(out_, line);
      }
      line.swap(out_);
      return;
    }
    // Bluestein: X_h = w_h Σ_k (x_k w_k) conj(w_{h−k}), w_k = exp(−iπk²/n); the inverse is the
    // conjugate of the forward transform of the conjugate.
    const auto n = static_cast<std::size_t>(n_);
    for (std::size_t k = 0; k < n; ++k) {
      const Complex x = inverse ? std::conj(line[k]) : line[k];
      work_[k] = x * chirp_[k];
    }
    std::fill(work_.begin() + static_cast<std::ptrdiff_t>(n), work_.end(), Complex(0.0, 0.0));
    fft_.fwd(out_, work_);
    for (std::size_t k = 0; k < out_.size(); ++k) out_[k] *= chirp_spectrum_[k];
    fft_.inv(work_, out_);
    const double scale = 1.0 / static_cast<double>(m_);
    for (std::size_t k = 0; k < n; ++k) {
      const Complex y = work_[k] * scale * chirp_[k];
      line[k] = inverse ? std::conj(y) : y;
    }
  }

 private:
  int n_;
  int m_ = 0;  // Bluestein length (power of two), 0 when kissfft does the line directly
  Eigen::FFT<double> fft_;
  std::vector<Complex> chirp_, chirp_spectrum_, work_, out_;
};

}  // namespace

int largest_prime_factor(int n) {
  if (n < 1) throw std::invalid_argument("largest_prime_factor: n >= 1 expected");
  int largest = 1;
  for (int p = 2; static_cast<long long>(p) * p <= n; ++p) {
    while (n % p == 0) {
      largest = p;
      n /= p;
    }
  }
  return n > 1 ? n : largest;
}

std::vector<Complex> transform_line(const std::vector<Complex>& x, bool inverse) {
  if (x.empty()) return {};
  LineTransform t(static_cast<int>(x.size()));
  std::vector<Complex> line = x;
  t.apply(line, inverse);
  if (inverse) {
    for (Complex& v : line) v /= static_cast<double>(x.size());
  }
  return line;
}

void transform(std::vector<Complex>& data, const std::array<int, 3>& dims, bool inverse) {
  const std::size_t n0 = static_cast<std::size_t>(dims[0]), n1 = static_cast<std::size_t>(dims[1]),
                    n2 = static_cast<std::size_t>(dims[2]);
  if (dims[0] < 1 || dims[1] < 1 || dims[2] < 1 || data.size() != n0 * n1 * n2) {
    throw std::invalid_argument("fft::transform: data size does not match the dimensions");
  }
  const std::array<std::size_t, 3> stride{1, n0, n0 * n1};
  for (int axis = 0; axis < 3; ++axis) {
    const auto n = static_cast<std::size_t>(dims[static_cast<std::size_t>(axis)]);
    if (n == 1) continue;
    const std::size_t s = stride[static_cast<std::size_t>(axis)];
    const std::size_t lines = data.size() / n;
    // Line l starts at the flat index of its position with the axis index 0.
    auto start = [&](std::size_t l) {
      const std::size_t below = l % s;  // indices of the faster axes
      return below + (l / s) * s * n;
    };
    parallel::for_blocks(
        lines,
        [&](std::size_t begin, std::size_t end) {
          LineTransform t(static_cast<int>(n));
          std::vector<Complex> line(n);
          for (std::size_t l = begin; l < end; ++l) {
            const std::size_t o = start(l);
            for (std::size_t k = 0; k < n; ++k) line[k] = data[o + k * s];
            t.apply(line, inverse);
            for (std::size_t k = 0; k < n; ++k) data[o + k * s] = line[k];
          }
        },
        64);
  }
  if (inverse) {
    const double scale = 1.0 / static_cast<double>(data.size());
    parallel::for_each_index(
        data.size(), [&](std::size_t i) { data[i] *= scale; }, 1 << 16);
  }
}

}  // namespace mgs::fft
