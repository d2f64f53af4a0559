#include "engine/eam.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs {

EamPotential::EamPotential(const EamTables& t, std::vector<int> species_of_type)
    : style_(t.style),
      file_(t.file),
      elements_(t.elements),
      masses_(t.masses),
      species_(std::move(species_of_type)),
      cutoff_(t.cutoff),
      rho_max_((t.nrho - 1) * t.drho) {
  const std::size_t ne = t.elements.size();
  for (std::size_t a = 0; a < ne; ++a) embedding_.emplace_back(t.embedding[a], t.drho);
  density_.resize(ne);
  r_phi_.resize(ne);
  for (std::size_t a = 0; a < ne; ++a) {
    for (std::size_t b = 0; b < ne; ++b) {
      density_[a].emplace_back(t.density[a][b], t.dr);
      r_phi_[a].emplace_back(t.r_phi[a][b], t.dr);
    }
  }
}

std::optional<double> EamPotential::mass_of_type(int type) const {
  if (type < 1 || static_cast<std::size_t>(type) >= species_.size() || species_[type] < 0) {
    return std::nullopt;
  }
  return masses_[static_cast<std::size_t>(species_[type])];
}

std::string EamPotential::describe() const {
  std::string map;
  for (std::size_t t = 1; t < species_.size(); ++t) {
    map +=
        fmt::format("{}type {} = {}", map.empty() ? "" : ", ", t,
                    species_[t] >= 0 ? elements_[static_cast<std::size_t>(species_[t])] : "none");
  }
  return fmt::format("{} {} ({})", style_, std::filesystem::path(file_).filename().string(), map);
}

void EamPotential::check_types(const Frame& frame) const {
  std::vector<std::size_t> bad;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const int t = frame.type[i];
    if (t < 1 || static_cast<std::size_t>(t) >= species_.size() || species_[t] < 0)
      bad.push_back(i);
  }
  if (!bad.empty()) {
    // The message first: the atom list is moved into the exception.
    const std::string what = fmt::format(
        "atom type {} has no element of the potential: \"elements\" names types 1 to {}",
        frame.type[bad.front()], species_.size() - 1);
    throw ComputeError(what, std::move(bad));
  }
}

const LammpsSpline& EamPotential::embedding(int type) const {
  return embedding_[static_cast<std::size_t>(species_[static_cast<std::size_t>(type)])];
}

EamPairSplines EamPotential::pair(int ti, int tj) const {
  const auto a = static_cast<std::size_t>(species_[static_cast<std::size_t>(ti)]);
  const auto b = static_cast<std::size_t>(species_[static_cast<std::size_t>(tj)]);
  return {&density_[b][a], &density_[a][b], &r_phi_[a][b]};
}

LammpsSpline::Value EamPotential::embed(int type, double rho) const {
  LammpsSpline::Value v = embedding(type)(rho);
  // LAMMPS: "if rho > rhomax ... add linear term to conserve energy".
  if (rho > rho_max_) v.f += v.df * (rho - rho_max_);
  return v;
}

std::vector<double> EamPotential::densities(const Frame& frame, const NeighborList& nl) const {
  const double rc2 = cutoff_ * cutoff_;
  std::vector<double> rho(frame.size(), 0.0);
  parallel::for_each_index(frame.size(), [&](std::size_t i) {
    double sum = 0.0;
    for (const Neighbor& nb : nl.of(i)) {
      const double r2 = nl.delta(i, nb).squaredNorm();
      if (r2 >= rc2) continue;
      sum += (*pair(frame.type[i], frame.type[nb.index]).density_to_i)(std::sqrt(r2)).f;
    }
    rho[i] = sum;
  });
  return rho;
}

ForceResult EamPotential::compute(const Frame& frame, const NeighborList& nl) const {
  check_types(frame);
  const std::size_t n = frame.size();
  const double rc2 = cutoff_ * cutoff_;
  const std::vector<double> rho = densities(frame, nl);
  std::vector<double> fp(n), embedding_energy(n);
  for (std::size_t i = 0; i < n; ++i) {
    const LammpsSpline::Value v = embed(frame.type[i], rho[i]);
    fp[i] = v.df;
    embedding_energy[i] = v.f;
  }
  ForceResult out;
  out.energy.resize(n);
  out.force.resize(n);
  out.virial.resize(n);
  parallel::for_each_index(n, [&](std::size_t i) {
    double e = embedding_energy[i];
    Vec3 f = Vec3::Zero();
    std::array<double, 6> w{};
    for (const Neighbor& nb : nl.of(i)) {
      const Vec3 d = nl.delta(i, nb);  // x_j - x_i
      const double r2 = d.squaredNorm();
      if (r2 >= rc2) continue;
      const std::size_t j = nb.index;
      const double r = std::sqrt(r2);
      const EamPairSplines s = pair(frame.type[i], frame.type[j]);
      // As PairEAM::compute: psip = F'_i ρ'_{j→i} + F'_j ρ'_{i→j} + φ'.
      const double rhoip = (*s.density_to_j)(r).df;
      const double rhojp = (*s.density_to_i)(r).df;
      const LammpsSpline::Value z = (*s.r_phi)(r);
      const double recip = 1.0 / r;
      const double phi = z.f * recip;
      const double phip = z.df * recip - phi * recip;
      const double psip = fp[i] * rhojp + fp[j] * rhoip + phip;
      const double fpair = -psip * recip;
      f -= d * fpair;  // LAMMPS: f_i += (x_i - x_j) fpair
      e += 0.5 * phi;
      add_pair_virial(w, d, fpair);
    }
    out.energy[i] = e;
    out.force[i] = f;
    out.virial[i] = w;
  });
  return out;
}

}  // namespace mgs
