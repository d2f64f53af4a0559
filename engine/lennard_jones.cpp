#include "engine/lennard_jones.hpp"

#include <fmt/format.h>

#include <cmath>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs {

namespace {

double lj_energy(const LjPair& p, double r2) {
  const double s6 = std::pow(p.sigma * p.sigma / r2, 3);
  return 4.0 * p.epsilon * (s6 * s6 - s6);
}

// LAMMPS Pair::mix_energy / mix_distance.
LjPair mixed(const LjPair& a, const LjPair& b, const std::string& rule) {
  LjPair m;
  if (rule == "sixthpower") {
    const double a6 = std::pow(a.sigma, 6), b6 = std::pow(b.sigma, 6);
    m.epsilon = 2.0 * std::sqrt(a.epsilon * b.epsilon) * std::pow(a.sigma, 3) *
                std::pow(b.sigma, 3) / (a6 + b6);
    m.sigma = std::pow(0.5 * (a6 + b6), 1.0 / 6.0);
    m.cutoff = std::pow(0.5 * (std::pow(a.cutoff, 6) + std::pow(b.cutoff, 6)), 1.0 / 6.0);
  } else {
    m.epsilon = std::sqrt(a.epsilon * b.epsilon);
    const bool arithmetic = rule == "arithmetic";
    m.sigma = arithmetic ? 0.5 * (a.sigma + b.sigma) : std::sqrt(a.sigma * b.sigma);
    m.cutoff = arithmetic ? 0.5 * (a.cutoff + b.cutoff) : std::sqrt(a.cutoff * b.cutoff);
  }
  return m;
}

}  // namespace

LennardJonesPotential::LennardJonesPotential(std::vector<std::vector<std::optional<LjPair>>> pairs)
    : pairs_(std::move(pairs)) {
  for (const auto& row : pairs_) {
    for (const auto& p : row) {
      if (p) cutoff_ = std::max(cutoff_, p->cutoff);
    }
  }
}

std::string LennardJonesPotential::describe() const {
  std::string s = "lj/cut";
  for (std::size_t a = 1; a < pairs_.size(); ++a) {
    for (std::size_t b = a; b < pairs_.size(); ++b) {
      if (const auto& p = pairs_[a][b]) {
        s += fmt::format(" {}-{}: ε {:g} σ {:g} rc {:g}{}", a, b, p->epsilon, p->sigma, p->cutoff,
                         p->offset != 0.0 ? " shifted" : "");
      }
    }
  }
  return s;
}

const LjPair& LennardJonesPotential::pair(int ti, int tj) const {
  return *pairs_[static_cast<std::size_t>(ti)][static_cast<std::size_t>(tj)];
}

void LennardJonesPotential::check_types(const Frame& frame) const {
  std::vector<int> present(pairs_.size() + 1, 0);
  std::vector<std::size_t> bad;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const int t = frame.type[i];
    if (t < 1 || static_cast<std::size_t>(t) >= pairs_.size()) {
      bad.push_back(i);
    } else {
      present[static_cast<std::size_t>(t)] = 1;
    }
  }
  if (!bad.empty()) {
    const std::string what = fmt::format(
        "atom type {} has no Lennard-Jones parameters (\"pair_coeff\")", frame.type[bad.front()]);
    throw ComputeError(what, std::move(bad));
  }
  for (std::size_t a = 1; a < pairs_.size(); ++a) {
    for (std::size_t b = a; b < pairs_.size(); ++b) {
      if (present[a] && present[b] && !pairs_[a][b]) {
        throw ComputeError(
            fmt::format("the Lennard-Jones pair of types {} and {} has no parameters "
                        "(give it in \"pair_coeff\" or give both {}-{} and {}-{} to mix)",
                        a, b, a, a, b, b));
      }
    }
  }
}

ForceResult LennardJonesPotential::compute(const Frame& frame, const NeighborList& nl) const {
  check_types(frame);
  const std::size_t n = frame.size();
  ForceResult out;
  out.energy.resize(n);
  out.force.resize(n);
  out.virial.resize(n);
  parallel::for_each_index(n, [&](std::size_t i) {
    double e = 0.0;
    Vec3 f = Vec3::Zero();
    std::array<double, 6> w{};
    for (const Neighbor& nb : nl.of(i)) {
      const LjPair& p = pair(frame.type[i], frame.type[nb.index]);
      const Vec3 d = nl.delta(i, nb);  // x_j - x_i
      const double r2 = d.squaredNorm();
      if (r2 >= p.cutoff * p.cutoff) continue;
      // As PairLJCut::compute, with lj1 = 48 ε σ^12, lj2 = 24 ε σ^6.
      const double r2inv = 1.0 / r2;
      const double r6inv = r2inv * r2inv * r2inv;
      const double s6 = std::pow(p.sigma, 6);
      const double forcelj = r6inv * (48.0 * p.epsilon * s6 * s6 * r6inv - 24.0 * p.epsilon * s6);
      const double fpair = forcelj * r2inv;
      f -= d * fpair;
      e += 0.5 * (r6inv * (4.0 * p.epsilon * s6 * s6 * r6inv - 4.0 * p.epsilon * s6) - p.offset);
      add_pair_virial(w, d, fpair);
    }
    out.energy[i] = e;
    out.force[i] = f;
    out.virial[i] = w;
  });
  return out;
}

std::shared_ptr<const Potential> make_lennard_jones(const PotentialRequest& request) {
  const nlohmann::json& lj = request.lj;
  const std::string base = request.json_path + ".lj";
  const std::string rule = lj.value("mixing", std::string("geometric"));
  const bool shift = lj.value("shift", false);
  const bool has_global_cutoff = lj.contains("cutoff");
  const double global_cutoff = has_global_cutoff ? lj["cutoff"].get<double>() : 0.0;
  const nlohmann::json& list = lj.at("pair_coeff");
  if (!list.is_array() || list.empty()) {
    throw ConfigError(base + ".pair_coeff",
                      "expected a non-empty list of {\"types\": [i, j], "
                      "\"epsilon\", \"sigma\", \"cutoff\"} objects");
  }
  std::vector<std::vector<std::optional<LjPair>>> pairs;
  auto ensure = [&pairs](std::size_t t) {
    if (pairs.size() <= t) pairs.resize(t + 1);
    for (auto& row : pairs) row.resize(pairs.size());
  };
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::string path = fmt::format("{}.pair_coeff[{}]", base, k);
    const nlohmann::json& e = list[k];
    auto number = [&](const char* key, bool positive) {
      if (!e.is_object() || !e.contains(key) || !e[key].is_number()) {
        throw ConfigError(path + "." + key, "expected a number");
      }
      const double v = e[key].get<double>();
      if (!std::isfinite(v) || (positive ? v <= 0.0 : v < 0.0)) {
        throw ConfigError(path + "." + key, positive ? "expected a positive number"
                                                     : "expected a non-negative number");
      }
      return v;
    };
    if (!e.is_object() || !e.contains("types") || !e["types"].is_array() ||
        e["types"].size() != 2 || !e["types"][0].is_number_integer() ||
        !e["types"][1].is_number_integer() || e["types"][0].get<long long>() < 1 ||
        e["types"][1].get<long long>() < 1 || e["types"][0].get<long long>() > 1000 ||
        e["types"][1].get<long long>() > 1000) {
      throw ConfigError(path + ".types", "expected two atom types [i, j] between 1 and 1000");
    }
    for (const auto& [key, value] : e.items()) {
      if (key != "types" && key != "epsilon" && key != "sigma" && key != "cutoff") {
        throw ConfigError(path + "." + key, "unknown key (expected types, epsilon, sigma, cutoff)");
      }
    }
    const auto a = e["types"][0].get<std::size_t>(), b = e["types"][1].get<std::size_t>();
    LjPair p;
    p.epsilon = number("epsilon", false);
    p.sigma = number("sigma", true);
    if (e.contains("cutoff")) {
      p.cutoff = number("cutoff", true);
    } else if (has_global_cutoff && global_cutoff > 0.0) {
      p.cutoff = global_cutoff;
    } else {
      throw ConfigError(path + ".cutoff", "no cutoff for this pair and no global \"cutoff\"");
    }
    ensure(std::max(a, b));
    if (pairs[a][b])
      throw ConfigError(path + ".types", fmt::format("pair {}-{} is given twice", a, b));
    pairs[a][b] = pairs[b][a] = p;
  }
  for (std::size_t a = 1; a < pairs.size(); ++a) {
    for (std::size_t b = a + 1; b < pairs.size(); ++b) {
      if (!pairs[a][b] && pairs[a][a] && pairs[b][b]) {
        // As PairLJCut::init_one: ε, σ and the cutoff are all mixed.
        pairs[a][b] = pairs[b][a] = mixed(*pairs[a][a], *pairs[b][b], rule);
      }
    }
  }
  for (auto& row : pairs) {
    for (auto& p : row) {
      if (p && shift) p->offset = lj_energy(*p, p->cutoff * p->cutoff);
    }
  }
  return std::make_shared<LennardJonesPotential>(std::move(pairs));
}

}  // namespace mgs

namespace mgs {

SparseHessian LennardJonesPotential::hessian(const Frame& frame, const NeighborList& nl) const {
  check_types(frame);
  return SparseHessian(frame.size(), [&](std::size_t i, SparseHessian::RowBuilder& row) {
    for (const Neighbor& nb : nl.of(i)) {
      const LjPair& p = pair(frame.type[i], frame.type[nb.index]);
      const Vec3 d = nl.delta(i, nb);
      const double r2 = d.squaredNorm();
      if (r2 >= p.cutoff * p.cutoff) continue;
      const double r = std::sqrt(r2);
      const double s6 = std::pow(p.sigma, 6), r6 = r2 * r2 * r2;
      // φ = 4ε (σ¹² r⁻¹² − σ⁶ r⁻⁶)
      const double d1 = 4.0 * p.epsilon * (-12.0 * s6 * s6 / (r6 * r6 * r) + 6.0 * s6 / (r6 * r));
      const double d2 =
          4.0 * p.epsilon * (156.0 * s6 * s6 / (r6 * r6 * r2) - 42.0 * s6 / (r6 * r2));
      const Mat3 k = pair_block(d, r, d1, d2);
      row.add(static_cast<std::uint32_t>(i), k);
      row.add(nb.index, -k);
    }
  });
}

}  // namespace mgs
