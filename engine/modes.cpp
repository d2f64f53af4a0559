#include "engine/modes.hpp"

#include <fmt/format.h>

#include <Spectra/SymEigsShiftSolver.h>
#include <Eigen/Eigenvalues>
#include <Eigen/SparseCholesky>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs {

namespace {

// Spectra's shift-and-invert operator: y = (D − σI)⁻¹ x through a sparse LDLᵀ factorisation
// (Eigen's SimplicialLDLT with AMD ordering: symmetric, so half the work of the LU that
// Spectra's own SparseSymShiftSolve uses).
class ShiftInvertLdlt {
 public:
  using Scalar = double;
  explicit ShiftInvertLdlt(Eigen::SparseMatrix<double> lower) : lower_(std::move(lower)) {}
  Eigen::Index rows() const { return lower_.rows(); }
  Eigen::Index cols() const { return lower_.cols(); }
  // Spectra calls this once, from its constructor: the matrix is shifted in place.
  void set_shift(double sigma) {
    for (Eigen::Index k = 0; k < lower_.rows(); ++k) lower_.coeffRef(k, k) -= sigma;
    ldlt_.compute(lower_);
    if (ldlt_.info() != Eigen::Success) {
      throw ComputeError(
          "the sparse LDLT factorisation of the dynamical matrix failed (singular at the shift)");
    }
  }
  void perform_op(const double* x, double* y) const {
    Eigen::Map<const Eigen::VectorXd> in(x, rows());
    Eigen::Map<Eigen::VectorXd>(y, rows()) = ldlt_.solve(in);
  }

 private:
  Eigen::SparseMatrix<double> lower_;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>> ldlt_;
};

// The same operator on a dense matrix: for up to a few thousand atoms the sparse factor fills
// in almost completely (blocks reach 2 r_c), and a blocked dense Cholesky is far faster.
class DenseShiftInvert {
 public:
  using Scalar = double;
  explicit DenseShiftInvert(Eigen::MatrixXd d) : a_(std::move(d)) {}
  Eigen::Index rows() const { return a_.rows(); }
  Eigen::Index cols() const { return a_.cols(); }
  // Spectra calls this once, from its constructor: the factor overwrites the matrix (one copy of
  // 72 N² bytes instead of three).
  void set_shift(double sigma) {
    if (llt_) throw std::logic_error("DenseShiftInvert: the shift is set once");
    a_.diagonal().array() -= sigma;
    llt_.emplace(a_);
    if (llt_->info() != Eigen::Success) {
      throw ComputeError(
          "the dynamical matrix is not positive semi-definite (imaginary modes): not an energy "
          "minimum");
    }
  }
  void perform_op(const double* x, double* y) const {
    Eigen::Map<Eigen::VectorXd> out(y, rows());
    out = Eigen::Map<const Eigen::VectorXd>(x, rows());
    llt_->solveInPlace(out);
  }

 private:
  Eigen::MatrixXd a_;
  std::optional<Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>, Eigen::Lower>> llt_;
};

// Spectra's shift-invert Lanczos for the nev eigenpairs nearest sigma.
template <class Op>
void shift_invert(Op& op, Eigen::Index nev, Eigen::Index ncv, double sigma, std::size_t count,
                  Modes& m, Eigen::VectorXd& values, Eigen::MatrixXd& vectors) {
  Spectra::SymEigsShiftSolver<Op> eigs(op, nev, ncv, sigma);
  eigs.init();
  eigs.compute(Spectra::SortRule::LargestMagn, 1000, 1e-12, Spectra::SortRule::SmallestAlge);
  if (eigs.info() != Spectra::CompInfo::Successful) {
    throw ComputeError(
        fmt::format("shift-invert Lanczos did not converge for the lowest {} modes", count));
  }
  m.iterations = static_cast<int>(eigs.num_iterations());
  values = eigs.eigenvalues();
  vectors = eigs.eigenvectors();
}

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
      for (std::size_t i = 0; i < n; ++i)
        dot += std::sqrt(mass[i]) *
               vectors(static_cast<Eigen::Index>(3 * i + a), static_cast<Eigen::Index>(l));
      weight[l] += dot * dot / total_mass;
    }
  }
  std::vector<std::size_t> order(cols);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weight[a] > weight[b]; });
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
  std::stable_sort(keep.begin(), keep.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
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

// x − Σ_t t (t·x) over the three unit translation vectors (√m_i along each axis, normalised).
void project_out_translations(Eigen::VectorXd& x, const std::vector<double>& sqrt_mass,
                              double total_mass) {
  const std::size_t n = sqrt_mass.size();
  for (int a = 0; a < 3; ++a) {
    double dot = 0.0;
    for (std::size_t i = 0; i < n; ++i)
      dot += sqrt_mass[i] * x[static_cast<Eigen::Index>(3 * i + a)];
    dot /= total_mass;
    for (std::size_t i = 0; i < n; ++i)
      x[static_cast<Eigen::Index>(3 * i + a)] -= dot * sqrt_mass[i];
  }
}

}  // namespace

std::vector<double> inverse_mode_weights(const Modes& m) {
  if (m.eigenvalues.size() + 3 != m.dimension) {
    throw std::logic_error("inverse_mode_weights: needs every mode");
  }
  const std::size_t n = m.dimension / 3;
  std::vector<double> w(n, 0.0);
  for (std::size_t l = 0; l < m.eigenvalues.size(); ++l) {
    const auto col = m.vectors.col(static_cast<Eigen::Index>(l));
    for (std::size_t i = 0; i < n; ++i) {
      w[i] += col.segment<3>(static_cast<Eigen::Index>(3 * i)).squaredNorm() / m.eigenvalues[l];
    }
  }
  return w;
}

namespace {

std::vector<double> dense_inverse_mode_weights(const SparseHessian& hessian,
                                               const std::vector<double>& mass) {
  const std::size_t n = hessian.atoms();
  Eigen::MatrixXd A = Eigen::MatrixXd(hessian.dynamical_matrix(mass, false));
  const double c = A.trace() / static_cast<double>(A.rows());
  const double total_mass = std::accumulate(mass.begin(), mass.end(), 0.0);
  for (int a = 0; a < 3; ++a) {
    Eigen::VectorXd t = Eigen::VectorXd::Zero(A.rows());
    for (std::size_t i = 0; i < n; ++i)
      t[static_cast<Eigen::Index>(3 * i + a)] = std::sqrt(mass[i] / total_mass);
    A.selfadjointView<Eigen::Lower>().rankUpdate(t, c);
  }
  // In place: A holds the Cholesky factor L afterwards.
  const Eigen::LLT<Eigen::Ref<Eigen::MatrixXd>, Eigen::Lower> llt(A);
  if (llt.info() != Eigen::Success) {
    throw ComputeError(
        "the dynamical matrix is not positive semi-definite (imaginary modes): not an energy "
        "minimum");
  }
  // (D + c P_T)⁻¹ = L⁻ᵀ L⁻¹: its diagonal is the squared column norms of L⁻¹. Column k of L⁻¹
  // is zero above row k and equals the inverse of L's trailing block there, so blocks of columns
  // are solved against trailing blocks only (a third of a full inverse) and in parallel.
  const Eigen::Index m = A.rows();
  std::vector<double> diag(static_cast<std::size_t>(m));
  constexpr std::size_t kBlock = 128;
  parallel::for_blocks(
      static_cast<std::size_t>(m),
      [&](std::size_t b, std::size_t e) {
        const auto k0 = static_cast<Eigen::Index>(b), width = static_cast<Eigen::Index>(e - b);
        Eigen::MatrixXd X = Eigen::MatrixXd::Identity(m - k0, width);
        A.bottomRightCorner(m - k0, m - k0).triangularView<Eigen::Lower>().solveInPlace(X);
        for (Eigen::Index c = 0; c < width; ++c)
          diag[static_cast<std::size_t>(k0 + c)] = X.col(c).squaredNorm();
      },
      kBlock);
  std::vector<double> w(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < 3; ++a) w[i] += diag[3 * i + static_cast<std::size_t>(a)];
    w[i] -= 3.0 * mass[i] / (total_mass * c);
  }
  return w;
}

}  // namespace

std::vector<double> inverse_mode_weights(const SparseHessian& hessian,
                                         const std::vector<double>& mass, bool dense) {
  if (dense) return dense_inverse_mode_weights(hessian, mass);
  const std::size_t n = hessian.atoms();
  Eigen::SparseMatrix<double> lower = hessian.dynamical_matrix(mass, true);
  double trace = 0.0;
  for (Eigen::Index k = 0; k < lower.rows(); ++k) trace += lower.coeff(k, k);
  const double sigma = -1e-10 * trace / static_cast<double>(3 * n);
  for (Eigen::Index k = 0; k < lower.rows(); ++k) lower.coeffRef(k, k) -= sigma;
  const Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>, Eigen::Lower, Eigen::AMDOrdering<int>>
      ldlt(lower);
  if (ldlt.info() != Eigen::Success)
    throw ComputeError("the sparse LDLT factorisation of the dynamical matrix failed");
  std::vector<double> sqrt_mass(n);
  for (std::size_t i = 0; i < n; ++i) sqrt_mass[i] = std::sqrt(mass[i]);
  const double total_mass = std::accumulate(mass.begin(), mass.end(), 0.0);
  std::vector<double> w(n, 0.0);
  parallel::for_each_index(
      n,
      [&](std::size_t i) {
        for (int a = 0; a < 3; ++a) {
          Eigen::VectorXd b = Eigen::VectorXd::Zero(lower.rows());
          b[static_cast<Eigen::Index>(3 * i + a)] = 1.0;
          project_out_translations(b, sqrt_mass, total_mass);
          Eigen::VectorXd x = ldlt.solve(b);
          project_out_translations(x, sqrt_mass, total_mass);
          w[i] += x[static_cast<Eigen::Index>(3 * i + a)];
        }
      },
      4);
  return w;
}

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
    remove_translations(m, mass, std::move(values),
                        eig.eigenvectors().leftCols(static_cast<Eigen::Index>(keep)));
    return m;
  }
  if (count == 0 || count > available) {
    throw ComputeError(fmt::format(
        "shift-invert computes the lowest modes only: ask for 1 to {} modes", available));
  }
  // σ just below zero: D − σI is positive definite at a minimum, and the eigenvalues nearest σ
  // are the translations and the softest modes.
  double trace = 0.0;
  for (std::size_t i = 0; i < hessian.atoms(); ++i) trace += hessian.at(i, i).trace() / mass[i];
  const double sigma = -1e-4 * trace / static_cast<double>(dim);
  const auto nev = static_cast<Eigen::Index>(count + 3);
  const auto ncv = static_cast<Eigen::Index>(
      std::min<std::size_t>(dim, std::max<std::size_t>(2 * (count + 3) + 1, 40)));
  Eigen::VectorXd ev;
  Eigen::MatrixXd vectors;
  if (solver == ModeSolver::ShiftInvert && hessian.atoms() <= kDenseFactorAtoms) {
    DenseShiftInvert op(Eigen::MatrixXd(hessian.dynamical_matrix(mass, false)));
    shift_invert(op, nev, ncv, sigma, count, m, ev, vectors);
  } else {
    ShiftInvertLdlt op(hessian.dynamical_matrix(mass, true));
    shift_invert(op, nev, ncv, sigma, count, m, ev, vectors);
  }
  std::vector<double> values(ev.data(), ev.data() + ev.size());
  remove_translations(m, mass, std::move(values), std::move(vectors));
  return m;
}

}  // namespace mgs
