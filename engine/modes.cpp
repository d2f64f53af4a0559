#include "engine/modes.hpp"

#include <fmt/format.h>

#include <Eigen/Eigenvalues>
#include <Eigen/SparseCholesky>
#include <Spectra/SymEigsShiftSolver.h>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/errors.hpp"

namespace mgs {

namespace {

// Spectra's shift-and-invert operator: y = (D − σI)⁻¹ x through a sparse LDLᵀ factorisation
// (Eigen's SimplicialLDLT with AMD ordering: symmetric, so half the work of the LU that
// Spectra's own SparseSymShiftSolve uses).
class ShiftInvertLdlt {
 public:
  using Scalar = double;
  explicit ShiftInvertLdlt(const Eigen::SparseMatrix<double>& lower) : lower_(lower) {}
  Eigen::Index rows() const { return lower_.rows(); }
  Eigen::Index cols() const { return lower_.cols(); }
  void set_shift(double sigma) {
    Eigen::SparseMatrix<double> shifted = lower_;
    for (Eigen::Index k = 0; k < shifted.rows(); ++k) shifted.coeffRef(k, k) -= sigma;
    ldlt_.compute(shifted);
    if (ldlt_.info() != Eigen::Success) {
      throw ComputeError("the sparse LDLT factorisation of the dynamical matrix failed (singular at the shift)");
    }
  }
  void perform_op(const double* x, double* y) const {
    Eigen::Map<const Eigen::VectorXd> in(x, rows());
    Eigen::Map<Eigen::VectorXd>(y, rows()) = ldlt_.solve(in);
  }

 private:
  const Eigen::SparseMatrix<double>& lower_;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt_;
};

// Removes the 3 modes with the largest weight in the rigid-translation subspace (for a periodic
// box these are the zero modes; in mass-weighted coordinates translation a is √m_i along a).
void remove_translations(Modes& m, const std::vector<double>& mass, std::vector<double> values,
                         Eigen::MatrixXd vectors) {
  const std::size_t n = mass.size();
  const auto cols = static_cast<std::size_t>(vectors.cols());
  double total_mass = std::accumulate(mass.begin(), mass.end(), 0.0);
  std::vector<double> weight(cols, 0.0);
  for (std::size_t l = 0; l < cols; ++l) {
    for (int a = 0; a < 3; ++a) {
      double dot = 0.0;
      for (std::size_t i = 0; i < n; ++i) dot += std::sqrt(mass[i]) * vectors(static_cast<Eigen::Index>(3 * i + a), static_cast<Eigen::Index>(l));
      weight[l] += dot * dot / total_mass;
    }
  }
  std::vector<std::size_t> order(cols);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return weight[a] > weight[b]; });
  std::vector<char> drop(cols, 0);
  for (std::size_t k = 0; k < std::min<std::size_t>(3, cols); ++k) {
    drop[order[k]] = 1;
    m.translational.push_back(values[order[k]]);
  }
  std::sort(m.translational.begin(), m.translational.end());
  std::vector<std::size_t> keep;
  for (std::size_t l = 0; l < cols; ++l) {
    if (!drop[l]) keep.push_back(l);
  }
  std::stable_sort(keep.begin(), keep.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  m.eigenvalues.clear();
  m.vectors.resize(vectors.rows(), static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) {
    m.eigenvalues.push_back(values[keep[k]]);
    Eigen::VectorXd v = vectors.col(static_cast<Eigen::Index>(keep[k]));
    // A sign convention so that runs agree bit for bit: the largest component is positive.
    Eigen::Index at = 0;
    v.cwiseAbs().maxCoeff(&at);
    if (v[at] < 0) v = -v;
    m.vectors.col(static_cast<Eigen::Index>(k)) = v;
    if (values[keep[k]] < 0) ++m.imaginary;
  }
}

}  // namespace

double frequency_thz(double eigenvalue) {
  return eigenvalue >= 0 ? kThzPerSqrtEigenvalue * std::sqrt(eigenvalue)
                         : -kThzPerSqrtEigenvalue * std::sqrt(-eigenvalue);
}

double participation_ratio(const Eigen::Ref<const Eigen::VectorXd>& mode) {
  const Eigen::Index n = mode.size() / 3;
  double s2 = 0.0, s4 = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double w = mode.segment<3>(3 * i).squaredNorm();
    s2 += w;
    s4 += w * w;
  }
  return s4 > 0 ? s2 * s2 / (static_cast<double>(n) * s4) : 0.0;
}

Modes lowest_modes(const SparseHessian& hessian, const std::vector<double>& mass, std::size_t count,
                   ModeSolver solver) {
  const std::size_t dim = 3 * hessian.atoms();
  if (dim < 6) throw ComputeError("normal modes need at least 2 atoms");
  const std::size_t available = dim - 3;
  Modes m;
  m.solver = solver;
  m.dimension = dim;
  if (solver == ModeSolver::Dense) {
    const Eigen::MatrixXd D = Eigen::MatrixXd(hessian.dynamical_matrix(mass, false));
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(D);
    if (eig.info() != Eigen::Success) throw ComputeError("the dense eigensolver did not converge");
    const std::size_t keep = count == 0 ? dim : std::min(dim, count + 3);
    std::vector<double> values(eig.eigenvalues().data(), eig.eigenvalues().data() + keep);
    remove_translations(m, mass, std::move(values), eig.eigenvectors().leftCols(static_cast<Eigen::Index>(keep)));
    return m;
  }
  if (count == 0 || count > available) {
    throw ComputeError(fmt::format("shift-invert computes the lowest modes only: ask for 1 to {} modes", available));
  }
  const Eigen::SparseMatrix<double> lower = hessian.dynamical_matrix(mass, true);
  // σ just below zero: D − σI is positive definite at a minimum, and the eigenvalues nearest σ
  // are the translations and the softest modes.
  double trace = 0.0;
  for (Eigen::Index k = 0; k < lower.rows(); ++k) trace += lower.coeff(k, k);
  const double sigma = -1e-4 * trace / static_cast<double>(dim);
  const auto nev = static_cast<Eigen::Index>(count + 3);
  const auto ncv = static_cast<Eigen::Index>(std::min<std::size_t>(dim, std::max<std::size_t>(2 * (count + 3) + 1, 40)));
  ShiftInvertLdlt op(lower);
  Spectra::SymEigsShiftSolver<ShiftInvertLdlt> eigs(op, nev, ncv, sigma);
  eigs.init();
  eigs.compute(Spectra::SortRule::LargestMagn, 1000, 1e-12, Spectra::SortRule::SmallestAlge);
  if (eigs.info() != Spectra::CompInfo::Successful) {
    throw ComputeError(fmt::format("shift-invert Lanczos did not converge for the lowest {} modes", count));
  }
  m.iterations = static_cast<int>(eigs.num_iterations());
  const Eigen::VectorXd ev = eigs.eigenvalues();
  std::vector<double> values(ev.data(), ev.data() + ev.size());
  remove_translations(m, mass, std::move(values), eigs.eigenvectors());
  return m;
}

}  // namespace mgs
