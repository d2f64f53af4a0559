#include "engine/correlation_summary.hpp"

#include <cmath>
#include <stdexcept>

namespace mgs::correlation {

nlohmann::json json_number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nullptr;
}

nlohmann::json json_curve(const std::vector<double>& c) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : c) out.push_back(json_number(v));
  return out;
}

nlohmann::json json_fit(const std::optional<LengthFit>& fit) {
  if (!fit) return nullptr;
  return {{"xi", fit->xi},
          {"amplitude", fit->amplitude},
          {"fit_range", {fit->r_from, fit->r_to}},
          {"points", fit->points},
          {"offset", fit->offset}};
}

nlohmann::json json_lengths(const Curve& curve, double fit_from) {
  const IntegralLength integral = integral_length(curve);
  return {{"exponential", json_fit(exponential_fit(curve, fit_from))},
          {"ornstein_zernike", json_fit(ornstein_zernike_fit(curve, fit_from))},
          {"integral",
           {{"xi", integral.xi}, {"r0", integral.r0}, {"zero_found", integral.zero_found}}}};
}

nlohmann::json json_structure_factor_fit(const std::optional<LengthFit>& fit) {
  if (!fit) return nullptr;
  return {{"xi", fit->xi},
          {"S0", fit->amplitude},
          {"q_range", {fit->r_from, fit->r_to}},
          {"points", fit->points}};
}

namespace {

std::vector<double> as_doubles(const std::vector<std::uint64_t>& v) {
  return {v.begin(), v.end()};
}

std::vector<std::uint64_t> as_counts(const std::vector<double>& v) {
  std::vector<std::uint64_t> out;
  out.reserve(v.size());
  for (double x : v) out.push_back(static_cast<std::uint64_t>(std::llround(x)));
  return out;
}

void check_shape(const Table& t, std::size_t columns) {
  if (t.data.size() != columns) throw std::invalid_argument("table " + t.name + ": wrong shape");
}

}  // namespace

Table curve_table(const std::string& name, const Curve& curve) {
  return {
      name + "_autocorrelation", {"r", "C", "pairs"}, {curve.r, curve.c, as_doubles(curve.pairs)}};
}

Table spectrum_table(const std::string& name, const Spectrum& spectrum) {
  return {name + "_structure_factor",
          {"q", "S", "modes"},
          {spectrum.q, spectrum.s, as_doubles(spectrum.modes)}};
}

Curve curve_from_table(const Table& table, double dr, double volume) {
  check_shape(table, 3);
  Curve c;
  c.r = table.data[0];
  c.c = table.data[1];
  c.pairs = as_counts(table.data[2]);
  c.dr = dr;
  c.volume = volume;
  return c;
}

Spectrum spectrum_from_table(const Table& table, double dq) {
  check_shape(table, 3);
  Spectrum s;
  s.q = table.data[0];
  s.s = table.data[1];
  s.modes = as_counts(table.data[2]);
  s.dq = dq;
  return s;
}

}  // namespace mgs::correlation
