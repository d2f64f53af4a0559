#include "engine/elastic.hpp"

#include <Eigen/IterativeLinearSolvers>
#include <Eigen/Sparse>

#include <algorithm>

#include "engine/minimize.hpp"

namespace mgs {

namespace {

// Displacement gradient of Voigt strain b (see the header).
Mat3 strain_direction(int b) {
  static constexpr int kRow[6] = {0, 1, 2, 1, 0, 0};
  static constexpr int kCol[6] = {0, 1, 2, 2, 2, 1};
  Mat3 u = Mat3::Zero();
  u(kRow[b], kCol[b]) = 1.0;
  return u;
}

struct Evaluation {
  Eigen::Matrix<double, 6, 1> stress;  // Voigt, tension positive
  Eigen::VectorXd force;               // 3N
  double max_force = 0.0;
};

Evaluation evaluate(const Frame& frame, const Potential& potential, const NeighborList& neighbors) {
  const ForceResult f = potential.compute(frame, neighbors);
  std::array<double, 6> w{};  // xx yy zz xy xz yz
  for (const auto& wi : f.virial) {
    for (std::size_t k = 0; k < 6; ++k) w[k] += wi[k];
  }
  const double v = frame.box.volume();
  Evaluation e;
  e.stress << -w[0] / v, -w[1] / v, -w[2] / v, -w[5] / v, -w[4] / v, -w[3] / v;
  e.force.resize(static_cast<Eigen::Index>(3 * frame.size()));
  for (std::size_t i = 0; i < frame.size(); ++i) {
    e.force.segment<3>(static_cast<Eigen::Index>(3 * i)) = f.force[i];
  }
  e.max_force = max_force(f);
  return e;
}

// The frame with its cell and atoms mapped by I + u about the cell's origin.
Evaluation evaluate(const Frame& frame, const Potential& potential) {
  return evaluate(frame, potential, build_neighbor_list(frame.box, frame.pos, potential.cutoff()));
}

Frame deformed(const Frame& frame, const Mat3& u) {
  Frame out = frame;
  const Mat3 map = Mat3::Identity() + u;
  const Vec3& o = frame.box.origin();
  out.box = Box(map * frame.box.cell(), o, frame.box.periodic());
  for (auto& r : out.pos) r = o + map * (r - o);
  return out;
}

}  // namespace

double voigt_shear_modulus(const Voigt6& c) {
  const Voigt6 s = 0.5 * (c + c.transpose());
  return (s(0, 0) + s(1, 1) + s(2, 2) - s(0, 1) - s(0, 2) - s(1, 2) +
          3.0 * (s(3, 3) + s(4, 4) + s(5, 5))) /
         15.0;
}

double voigt_bulk_modulus(const Voigt6& c) {
  const Voigt6 s = 0.5 * (c + c.transpose());
  return (s(0, 0) + s(1, 1) + s(2, 2) + 2.0 * (s(0, 1) + s(0, 2) + s(1, 2))) / 9.0;
}

ElasticConstants elastic_constants(const Frame& frame, const Potential& potential,
                                   double strain_step) {
  ElasticConstants out;
  const std::size_t n = frame.size();
  const auto dim = static_cast<Eigen::Index>(3 * n);
  // One list of the undeformed frame serves its forces and its Hessian.
  const NeighborList neighbors = build_neighbor_list(frame.box, frame.pos, potential.cutoff());
  const Evaluation here = evaluate(frame, potential, neighbors);
  out.stress = here.stress;
  out.max_force = here.max_force;
  const double volume = frame.box.volume();

  // Affine responses: stress column and Ξ_b per strain.
  Eigen::MatrixXd xi(dim, 6);
  for (int b = 0; b < 6; ++b) {
    const Mat3 u = strain_step * strain_direction(b);
    const Evaluation plus = evaluate(deformed(frame, u), potential);
    const Evaluation minus = evaluate(deformed(frame, -u), potential);
    out.affine.col(b) = (plus.stress - minus.stress) / (2.0 * strain_step);
    xi.col(b) = (plus.force - minus.force) / (2.0 * strain_step);
    // Translations carry no relaxation (Σ_i Ξ_i = 0 up to differencing noise): remove them so
    // the right-hand side lies in the range of the singular Hessian.
    for (int k = 0; k < 3; ++k) {
      double mean = 0.0;
      for (std::size_t i = 0; i < n; ++i) mean += xi(static_cast<Eigen::Index>(3 * i) + k, b);
      mean /= static_cast<double>(n);
      for (std::size_t i = 0; i < n; ++i) xi(static_cast<Eigen::Index>(3 * i) + k, b) -= mean;
    }
  }

  // H⁺ Ξ by conjugate gradients: H is positive semi-definite at a minimum, its null space (the
  // translations) is orthogonal to Ξ, and CG from zero stays orthogonal to it.
  const SparseHessian hessian = potential.hessian(frame, neighbors);
  const Eigen::SparseMatrix<double> h =
      hessian.dynamical_matrix(std::vector<double>(n, 1.0), false);
  Eigen::ConjugateGradient<Eigen::SparseMatrix<double>, Eigen::Lower | Eigen::Upper> cg;
  cg.setTolerance(1e-12);
  cg.setMaxIterations(static_cast<Eigen::Index>(std::max<std::size_t>(1000, 3 * n)));
  cg.compute(h);
  Eigen::MatrixXd x(dim, 6);
  for (int b = 0; b < 6; ++b) {
    if (xi.col(b).norm() == 0.0) {  // e.g. a Bravais lattice: every atom a centre of symmetry
      x.col(b).setZero();
      continue;
    }
    x.col(b) = cg.solve(xi.col(b));
    out.cg_iterations = std::max(out.cg_iterations, static_cast<int>(cg.iterations()));
    out.cg_error = std::max(out.cg_error, (h * x.col(b) - xi.col(b)).norm() / xi.col(b).norm());
  }
  out.nonaffine = xi.transpose() * x / volume;
  out.relaxed = out.affine - out.nonaffine;
  return out;
}

}  // namespace mgs
