#pragma once
// Statistics of per-atom fields (SCIENCE.md §7): spatial auto- and cross-correlation C_AB(r) by a
// direct pair sum with the cell list, correlation lengths (exponential fit, integral to the first
// zero, Ornstein–Zernike fit), rank and linear correlation of per-atom values, overlap of top
// sets and ROC-AUC. Pure functions; results are bit-identical for any thread count.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/cell_list.hpp"

namespace mgs::correlation {

// C_AB(r) = <δa_i δb_j>_{pairs with |r_ij| in the shell} / (σ_a σ_b), δ = value - mean, σ the
// population standard deviation; shells of width r_max / bins from 0. Every ordered pair i != j
// (and every periodic image within r_max) counts, so C_AB(r) = C_BA(r). C_AA at r = 0 (the self
// term) is 1 and the atom-level Pearson coefficient is C_AB(0).
struct Curve {
  std::vector<double> r;             // shell centres (Å)
  std::vector<double> c;             // C(r); NaN in a shell without pairs
  std::vector<std::uint64_t> pairs;  // ordered pairs in each shell
  double dr = 0.0;
  double volume = 0.0;  // of the cell (Å³); 0: unknown (no finite-volume correction in fits)
};

// `cells` must be built on the positions the values belong to (index i = atom i). Throws
// std::invalid_argument for sizes that do not match, bins < 1, r_max <= 0 or a constant field.
Curve pair_correlation(const CellList& cells, const std::vector<Vec3>& positions,
                       const std::vector<double>& a, const std::vector<double>& b, double r_max,
                       int bins);

// The pair distribution g(r) of the shells from the pair counts (ideal gas = 1).
std::vector<double> pair_distribution(const Curve& curve, std::size_t atoms, double volume);

// The end of the first coordination shell: the first minimum of g(r) after its main peak (the
// first shell where g has fallen below 1 after the peak, then downhill to the local minimum).
// nullopt when there is no peak above 1.
std::optional<double> first_shell_end(const std::vector<double>& r, const std::vector<double>& g);

// A fit of C(r) ≈ A f(r; ξ) over the shells with centres in [r_from, r_to].
struct LengthFit {
  double xi = 0.0;         // Å
  double amplitude = 0.0;  // A
  double r_from = 0.0;     // centre of the first shell used
  double r_to = 0.0;       // centre of the last shell used
  std::size_t points = 0;
  double offset = 0.0;  // the modelled finite-volume offset b (see exponential_fit)
};

// The shells a fit may use: centres >= r_min, stopping before the first shell whose C is <= 0,
// NaN, or below the noise level 3/sqrt(pairs) of the shell. Returns [first, last) indices.
std::pair<std::size_t, std::size_t> fit_window(const Curve& curve, double r_min);

// C(r) = A exp(-r/ξ): weighted least squares of ln C on r (weights pairs·C², i.e. the inverse
// variance of ln C when the variance of C goes as 1/pairs) over fit_window(curve, r_min).
// Subtracting the sample mean lowers a measured C(r) by (1/V)∫C dV, so with a known cell volume
// V the model is C(r) = A (exp(-r/ξ) - 8πξ³/V), fitted as ln(C + b) with b = 8πAξ³/V iterated
// to convergence (b = 0.009 for ξ = L/15, a 5 % error in ξ if ignored).
// nullopt with fewer than 3 shells or a slope >= 0.
std::optional<LengthFit> exponential_fit(const Curve& curve, double r_min);

// The Ornstein–Zernike form: S(q) = S0/(1 + q²ξ²) is the Fourier transform of
// C(r) = A exp(-r/ξ)/r in 3-D, fitted in real space as ln(r C) linear in r, same window and
// weights as exponential_fit; finite-volume offset b = 4πAξ²/V.
std::optional<LengthFit> ornstein_zernike_fit(const Curve& curve, double r_min);

// ξ = ∫_0^{r0} C(r) dr by the trapezoid rule through (0, 1) (the self term) and the shell
// centres with pairs, r0 the first zero crossing (linear interpolation between shell centres).
// For C = exp(-r/ξ) it gives ξ (1 - exp(-r0/ξ)). Without a zero crossing the integral runs to the
// last shell and `zero_found` is false (then it is a lower bound for a positive tail).
struct IntegralLength {
  double xi = 0.0;
  double r0 = 0.0;
  bool zero_found = false;
};
IntegralLength integral_length(const Curve& curve);

// Pearson's r of per-atom values (NaN if either is constant).
double pearson(const std::vector<double>& a, const std::vector<double>& b);
// Ranks 1..n, tied values sharing their average rank.
std::vector<double> average_ranks(const std::vector<double>& values);
// Spearman's ρ: Pearson's r of the average ranks.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

// Overlap of the top sets: A = atoms whose a is at least the k-th largest a, k =
// max(1, round(fraction·N)) (ties at the threshold included, so |A| may exceed k); B likewise.
struct TopOverlap {
  std::size_t size_a = 0, size_b = 0, intersection = 0, union_size = 0;
  double jaccard = 0.0;     // |A∩B| / |A∪B|
  double enrichment = 0.0;  // |A∩B| / (|A||B|/N): 1 for independent sets
};
TopOverlap top_overlap(const std::vector<double>& a, const std::vector<double>& b, double fraction);

// ROC-AUC of `score` predicting `flag` (flag != 0 positive): the Mann–Whitney probability that a
// random positive scores above a random negative, ties counting 1/2. NaN without positives or
// without negatives.
double roc_auc(const std::vector<double>& score, const std::vector<double>& flag);

}  // namespace mgs::correlation
