#pragma once
// Electron correlation microscopy (SCIENCE.md §7, temporal heterogeneity): the intensity
// autocorrelation g₂(τ) of a time series (one pixel of a stack of maps over frames), its KWW
// (stretched-exponential) fit 1 + A exp[−2(τ/τ_c)^β], the same fit over every pixel of a stack
// (τ_c, β, A, R² maps), and the MD analogue: the self-intermediate scattering F_s(q, t) of a set
// of atoms from unwrapped positions, fitted with A exp[−(t/τ)^β]. Trajectories must span many τ:
// every fit reports its window and flags a τ beyond it. Pure functions without file I/O; results
// are bit-identical for any thread count.
//
// Implementation: ecm.cpp (g₂, stacks, F_s), kww_fit.cpp (the fits).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "engine/box.hpp"

namespace mgs::ecm {

// g₂(τ) = ⟨I(t) I(t+τ)⟩_t / ⟨I⟩² for τ = 0..max_lag frames: the product averaged over all
// T − τ time origins, ⟨I⟩ the mean over all T frames (the usual ECM normalisation; its bias is of
// order (Σ_τ c(τ))/T, negligible when the series spans many τ_c). Direct sum, O(T · max_lag).
// Throws std::invalid_argument for max_lag < 0, max_lag >= T or a non-finite value; g₂ is NaN
// when ⟨I⟩ = 0.
std::vector<double> intensity_autocorrelation(std::span<const double> series, int max_lag);

// The decay shapes: Intensity for g₂ − 1 = A exp[−2(t/τ)^β] (ECM: the intensity correlation of
// a field decaying as exp[−(t/τ)^β], Siegert relation), Field for f(t) = A exp[−(t/τ)^β]
// (F_s(q, t), or any correlation function that decays itself).
enum class DecayModel { Intensity, Field };

// A stretched-exponential (Kohlrausch–Williams–Watts) fit over the points t in [t_from, t_to].
// Least squares (unweighted) by Levenberg–Marquardt (Eigen's unsupported LevenbergMarquardt,
// MINPACK's lmder) in the parameters (A, ln τ, u), β = 2 / (1 + e^{−u}): τ > 0 and β ∈ (0, 2)
// without explicit bounds. Started from the crossing of y(t_from)/e (τ₀ = t_e · k^{1/β₀}, k = 2
// for Intensity, 1 for Field; 2 t_to · k^{1/β₀} if there is no crossing) and A₀ = y(t_from), with
// β₀ = 0.5, 1 and 1.5; the start with the smallest residual wins.
// `converged` is false when the minimiser failed (no convergence within the evaluation budget),
// with fewer than 4 points, a non-finite parameter or R², or A <= 0; `tau_beyond_window` when
// τ > t_to (the decay is not sampled: τ is an extrapolation).
struct KwwFit {
  double amplitude = std::numeric_limits<double>::quiet_NaN();  // A
  double tau = std::numeric_limits<double>::quiet_NaN();        // τ_c, in the unit of t
  double beta = std::numeric_limits<double>::quiet_NaN();       // β
  double t_from = 0.0, t_to = 0.0;                              // the fit window
  std::size_t points = 0;
  double r_squared = std::numeric_limits<double>::quiet_NaN();     // 1 − SS_res / SS_tot
  double rms_residual = std::numeric_limits<double>::quiet_NaN();  // √(SS_res / points)
  bool converged = false;
  bool tau_beyond_window = false;
  bool ok() const { return converged && !tau_beyond_window; }
};

// Fits y(t) with `model` over the points with t_from <= t <= t_to, t > 0 and y finite
// (t_to <= 0: up to the last point). Throws std::invalid_argument when t and y differ in size.
KwwFit fit_stretched_exponential(std::span<const double> t, std::span<const double> y,
                                 DecayModel model, double t_from = 0.0, double t_to = 0.0);

// The ECM fit of g₂ (index = lag in frames, as from intensity_autocorrelation): g₂ − 1 over the
// lags [lag_from, lag_to] with DecayModel::Intensity, times in frames × frame_time.
// lag_to <= 0 or beyond the curve: its last lag.
KwwFit fit_g2(std::span<const double> g2, int lag_from = 1, int lag_to = 0,
              double frame_time = 1.0);

// g₂ and its fit for every pixel of a stack of T maps of `pixels` values each, stored frame by
// frame (stack[t · pixels + p]). Pixels are processed in parallel in fixed blocks, each on its
// own, so the maps do not depend on the thread count. A pixel whose fit failed (see KwwFit) has
// NaN in every map; `status` says why.
enum class FitStatus : std::uint8_t { Ok = 0, Failed = 1, TauBeyondWindow = 2 };
struct KwwMaps {
  std::vector<double> tau, beta, amplitude, r_squared;  // one per pixel
  std::vector<FitStatus> status;
  int lag_from = 1, lag_to = 0;  // the fit window, in frames
  double frame_time = 1.0;
};
// Throws std::invalid_argument when the stack is not a whole number of frames, lag_from < 1 or
// lag_to >= T (lag_to <= 0: T / 4, the lags over which g₂ still averages many origins).
KwwMaps fit_g2_stack(std::span<const double> stack, std::size_t pixels, int lag_from = 1,
                     int lag_to = 0, double frame_time = 1.0);

// F_s(q, τ) = ⟨(1/N) Σ_j sin(q r_j)/(q r_j)⟩ for τ = 0..max_lag frames, r_j = |x_j(t+τ) − x_j(t)|
// the displacement of atom j over τ frames from unwrapped positions, averaged over all T − τ
// origins t: the isotropic average of exp(iq·Δr) (for Gaussian displacements of variance σ² per
// axis, exp(−q²σ²/2)). `frames[t][j]` is atom j in frame t; `atoms` selects the atoms (empty:
// all). F_s(q, 0) = 1. Atoms are summed in fixed blocks (thread-count independent).
// Throws std::invalid_argument for q <= 0, max_lag outside [0, T), frames of different sizes or
// an atom index out of range.
std::vector<double> self_intermediate_scattering(const std::vector<std::vector<Vec3>>& frames,
                                                 double q, int max_lag,
                                                 std::span<const std::size_t> atoms = {});

}  // namespace mgs::ecm
