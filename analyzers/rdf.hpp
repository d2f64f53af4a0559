#pragma once
// Radial distribution functions and structure factors (SCIENCE.md §8): partial g_ab(r) for every
// type pair and the total g(r), running and first-shell coordination numbers, Faber–Ziman partial
// S_ab(q) and the X-ray (or electron) weighted total S(q), averaged over frames.
//
// Conventions (LAMMPS `compute rdf` compatible, so the curves agree with it bin for bin):
// - bins [k dr, (k+1) dr), dr = r_max / bins, reported at the centres (k + 1/2) dr;
// - normalised per ordered pair: g_ab = n_ab / (N_a (N_b - δ_ab) / V * 4π/3 (r_hi³ - r_lo³)),
//   n_ab = ordered pairs (i of type a, j of type b); the total uses N (N - 1);
// - over frames, counts and N_a (N_b - δ_ab) / V are summed separately (ratio of sums);
// - running coordination cn_ab(r_hi) = pairs within r_hi per a atom (b neighbours of an a atom).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/analyzer.hpp"

namespace mgs::analyzers {

// Pair counts of one frame, for the types present in it.
struct PairHistogram {
  int bins = 0;
  double r_max = 0.0;
  double volume = 0.0;
  std::vector<int> types;           // the types present, ascending
  std::vector<std::int64_t> atoms;  // atoms of each of `types`
  // Ordered pair counts per unordered type pair (index `pair_slot(a, b)` over positions in
  // `types`, a <= b), `bins` values each: for a < b the pairs (i of type a, j of type b), for
  // a == b every ordered pair (i, j), so each unordered pair counts twice. Periodic images are
  // distinct partners, so r_max may exceed half the box (a self-image counts once per image).
  std::vector<std::int64_t> counts;

  static std::size_t pair_slot(std::size_t a, std::size_t b, std::size_t ntypes) {
    if (a > b) std::swap(a, b);
    return a * ntypes - a * (a + 1) / 2 + b;
  }
};

// Histogram of all pair distances r < r_max in `bins` bins (bin = floor(r / dr), as LAMMPS),
// from the engine's cell list of `frame`; parallel over fixed blocks of atoms, integer sums.
PairHistogram pair_histogram(const Frame& frame, const CellList& cells, double r_max, int bins);

// Frames folded together: pair counts and normalisations summed, by type number.
class RdfAccumulator {
 public:
  void add(const PairHistogram& h);

  int bins() const { return bins_; }
  double r_max() const { return r_max_; }
  double dr() const { return r_max_ / bins_; }
  std::size_t frames() const { return frames_; }
  std::vector<int> types() const;  // every type seen, ascending
  // Frame-summed ordered counts n_ab per bin (n_ab == n_ba); zeros if the pair never occurred.
  std::vector<std::int64_t> counts(int a, int b) const;
  std::vector<std::int64_t> total_counts() const;
  std::int64_t atoms(int type) const;  // summed over frames
  std::int64_t atoms() const;
  // Σ_frames N_a (N_b - δ_ab) / V, and N (N - 1) / V for the total.
  double pair_norm(int a, int b) const;
  double total_norm() const { return total_norm_; }
  // Frame mean of N / V (Å^-3).
  double number_density() const {
    return frames_ ? density_sum_ / static_cast<double>(frames_) : 0;
  }

 private:
  int bins_ = 0;
  double r_max_ = 0.0;
  std::size_t frames_ = 0;
  std::map<std::pair<int, int>, std::vector<std::int64_t>> counts_;  // key a <= b
  std::map<std::pair<int, int>, double> pair_norm_;
  std::map<int, std::int64_t> atoms_;
  double total_norm_ = 0.0;
  double density_sum_ = 0.0;
};

// 4π/3 (r_hi³ - r_lo³) of every bin.
std::vector<double> shell_volumes(double r_max, int bins);
// g = counts / (norm * shell volume), 0 where norm is 0 (LAMMPS does the same).
std::vector<double> normalise(const std::vector<std::int64_t>& counts, double norm, double r_max);
// Running coordination: pairs with r < r_hi of each bin per central atom.
std::vector<double> running_coordination(const std::vector<std::int64_t>& counts,
                                         std::int64_t central_atoms);
// Running coordination at any r <= r_max, interpolated inside a bin by shell volume (exact for
// a g(r) that is constant inside each bin).
double coordination_at(const std::vector<double>& running, double r_max, double r);

// Gaussian smoothing with standard deviation `sigma_bins` (in bins, 0 = copy), truncated at 4σ
// and renormalised at the ends.
std::vector<double> smooth(const std::vector<double>& g, double sigma_bins);

struct Extremum {
  double r = 0.0;  // Å, sub-bin by a parabola through the smoothed curve
  double g = 0.0;  // the curve's value in that bin
};
struct FirstShell {
  std::optional<Extremum> peak;
  std::optional<Extremum> minimum;
};
// On g smoothed with σ = `smoothing` Å: the first peak is the maximum of the first run of bins
// with g > 1; the first minimum is the lowest point between that run and the next bin with g > 1
// (the middle of a flat bottom). No minimum when g never rises above 1 again.
FirstShell first_shell(const std::vector<double>& g, double dr, double smoothing);

enum class Window { None, Lorch };
// Faber–Ziman partial structure factor from a binned g(r):
//   S(q) = 1 + 4πρ Σ_k (g_k - 1) W(r_k) ∫_{r_lo}^{r_hi} r² sin(qr)/(qr) dr,
// the shell integral taken exactly ((sin x - x cos x) / q³), W the Lorch window
// sin(π r / r_max) / (π r / r_max) at the bin centre (or 1). ρ: total number density.
std::vector<double> faber_ziman(const std::vector<double>& g, double r_max, double rho,
                                const std::vector<double>& q, Window window);

// Atomic number of an element symbol (H .. U, case-insensitive: "cu" = "Cu"), 0 if unknown.
int atomic_number(std::string_view symbol);
// Electron scattering amplitude (arbitrary units) in the screened-Coulomb (Wentzel) model with
// the Thomas–Fermi radius R = 0.885 a0 Z^(-1/3): f_e(q) = Z / (q² + R⁻²), q in Å⁻¹.
double electron_form_factor(int z, double q);

enum class Weighting { Xray, Electron };

struct RdfParams {
  double r_max = 10.0;
  int bins = 200;
  double q_max = 12.0;
  int q_bins = 240;  // 0: no S(q)
  Weighting weighting = Weighting::Xray;
  Window window = Window::Lorch;
  double smoothing = 0.05;  // Å, only to locate peaks and minima
};

class RdfAnalyzer : public Analyzer {
 public:
  RdfAnalyzer(std::string label, RdfParams params);
  Needs needs() const override;
  FrameResult compute(const FrameContext& context) const override;
  void consume(const FrameInfo& info, FrameResult& result) override;
  std::optional<FrameResult> finish() override;

 private:
  RdfParams params_;
  RdfAccumulator acc_;
  std::map<int, std::string> elements_;  // by type, as seen in the frames
};

}  // namespace mgs::analyzers
