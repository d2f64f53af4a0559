#pragma once
// Correlation curves and lengths as they go into summaries and tables, shared by the analyzers
// that compute them (correlate, and bin / coarse_grain with autocorrelation) and by their
// frame averages.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "engine/correlation.hpp"
#include "engine/field.hpp"
#include "engine/grid_correlation.hpp"

namespace mgs::correlation {

// NaN (undefined) as JSON null, so that summaries compare equal and stay valid JSON.
nlohmann::json json_number(double v);
nlohmann::json json_curve(const std::vector<double>& c);
// {xi, amplitude, fit_range: [r_from, r_to], points, offset} or null.
nlohmann::json json_fit(const std::optional<LengthFit>& fit);
// The three real-space lengths of a C(r) curve, fits from r >= fit_from:
// {exponential, ornstein_zernike, integral: {xi, r0, zero_found}}.
nlohmann::json json_lengths(const Curve& curve, double fit_from);
// The Ornstein–Zernike fit of S(q): {xi, S0, q_range: [from, to], points} or null.
nlohmann::json json_structure_factor_fit(const std::optional<LengthFit>& fit);

// A grid field's curves as tables: "<name>_autocorrelation" (r, C, pairs) and
// "<name>_structure_factor" (q, S, modes), and back.
Table curve_table(const std::string& name, const Curve& curve);
Table spectrum_table(const std::string& name, const Spectrum& spectrum);
// The curve of a table made by curve_table (dr and volume as given).
Curve curve_from_table(const Table& table, double dr, double volume);
Spectrum spectrum_from_table(const Table& table, double dq);

}  // namespace mgs::correlation
