// ldlt_fill_probe.cpp -- symbolic size of the sparse LDLT factor that soft_spots' shift-invert
// builds for N > kDenseFactorAtoms (Eigen SimplicialLDLT, AMD ordering), without the numbers.
//
// Reads one LAMMPS dump frame (columns id type x y z, orthogonal periodic box), builds the pattern
// of the EAM Hessian (atom pairs closer than twice the potential cutoff: EAM couples any two atoms
// that share a neighbor, see engine/eam_hessian.cpp), runs Eigen's AMD ordering and symbolic
// analysis (elimination tree + column counts), and prints nnz(D), nnz(L) and the flop count of the
// numeric factorisation. By default it works on the atom graph (3x3 blocks, 9x fewer entries) and
// scales up (each atom column is 3 scalar columns of ~3x the length: nnz(L) ~ 9 Σ c_j,
// work ~ Σ_scalar c² / 2 ~ 13.5 Σ c_j² multiply-adds); --scalar analyses the 3N x 3N pattern itself
// (more memory); --factor (implies --scalar) also times the numeric SimplicialLDLT factorisation of
// a positive definite matrix with that pattern, to calibrate the speed of Eigen's simplicial code.
//
// Build: g++ -O2 -std=c++20 -I/usr/include/eigen3 benchmarks/ldlt_fill_probe.cpp -o ldlt_fill_probe
// Usage: ldlt_fill_probe DUMP [--range 15.2] [--scalar] [--factor]
#include <Eigen/Sparse>
#include <Eigen/SparseCholesky>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Matrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

// Exposes the column counts that Eigen's symbolic analysis computes.
struct Probe : Eigen::SimplicialLDLT<Matrix, Eigen::Lower, Eigen::AMDOrdering<int>> {
  const Eigen::VectorXi& column_counts() const { return m_nonZerosPerCol; }
};

struct Frame {
  std::array<double, 3> lo{}, len{};
  std::vector<std::array<double, 3>> x;
};

Frame read_dump(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  Frame f;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    if (line.rfind("ITEM: NUMBER OF ATOMS", 0) == 0) {
      std::getline(in, line);
      n = std::stoul(line);
    } else if (line.rfind("ITEM: BOX BOUNDS", 0) == 0) {
      for (int a = 0; a < 3; ++a) {
        double lo, hi;
        in >> lo >> hi;
        f.lo[a] = lo;
        f.len[a] = hi - lo;
      }
      std::getline(in, line);
    } else if (line.rfind("ITEM: ATOMS", 0) == 0) {
      f.x.resize(n);
      for (std::size_t k = 0; k < n; ++k) {
        long id;
        int type;
        double p[3];
        in >> id >> type >> p[0] >> p[1] >> p[2];
        f.x[static_cast<std::size_t>(id - 1)] = {p[0], p[1], p[2]};
      }
      break;
    }
  }
  if (f.x.empty()) throw std::runtime_error("no atoms in " + path);
  return f;
}

// Lower-triangle pattern (i >= j) of atom pairs closer than `range` (minimum image), diagonal
// included; with `block` each atom pair becomes a 3x3 block.
Matrix pattern(const Frame& f, double range, bool block) {
  const std::size_t n = f.x.size();
  std::array<int, 3> nc{};
  for (int a = 0; a < 3; ++a) nc[a] = std::max(1, static_cast<int>(f.len[a] / range));
  auto cell_of = [&](const std::array<double, 3>& p) {
    std::array<int, 3> c{};
    for (int a = 0; a < 3; ++a) {
      double s = (p[a] - f.lo[a]) / f.len[a];
      s -= std::floor(s);
      c[a] = std::min(nc[a] - 1, static_cast<int>(s * nc[a]));
    }
    return c;
  };
  std::vector<std::vector<int>> cells(static_cast<std::size_t>(nc[0] * nc[1] * nc[2]));
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = cell_of(f.x[i]);
    cells[static_cast<std::size_t>((c[0] * nc[1] + c[1]) * nc[2] + c[2])].push_back(static_cast<int>(i));
  }
  const double r2 = range * range;
  std::vector<Eigen::Triplet<double, int>> t;
  const int b = block ? 3 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = cell_of(f.x[i]);
    std::vector<char> seen_cell(cells.size(), 0);
    for (int dx = -1; dx <= 1; ++dx)
      for (int dy = -1; dy <= 1; ++dy)
        for (int dz = -1; dz <= 1; ++dz) {
          const int cx = (c[0] + dx + nc[0]) % nc[0], cy = (c[1] + dy + nc[1]) % nc[1],
                    cz = (c[2] + dz + nc[2]) % nc[2];
          const auto ci = static_cast<std::size_t>((cx * nc[1] + cy) * nc[2] + cz);
          if (seen_cell[ci]) continue;  // fewer than 3 cells along an axis
          seen_cell[ci] = 1;
          for (int j : cells[ci]) {
            if (static_cast<std::size_t>(j) > i) continue;
            double d2 = 0.0;
            for (int a = 0; a < 3; ++a) {
              double d = f.x[i][a] - f.x[static_cast<std::size_t>(j)][a];
              d -= f.len[a] * std::round(d / f.len[a]);
              d2 += d * d;
            }
            if (d2 >= r2) continue;
            for (int p = 0; p < b; ++p)
              for (int q = 0; q < b; ++q) {
                const int row = b * static_cast<int>(i) + p, col = b * j + q;
                if (row >= col) t.emplace_back(row, col, 1.0);
              }
          }
        }
  }
  Matrix m(static_cast<int>(b * n), static_cast<int>(b * n));
  m.setFromTriplets(t.begin(), t.end());
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ldlt_fill_probe DUMP [--range R] [--scalar]\n";
    return 2;
  }
  double range = 2 * 7.6;  // twice the cutoff of CuZr_mm.eam.fs
  bool scalar = false, factor = false;
  for (int k = 2; k < argc; ++k) {
    const std::string a = argv[k];
    if (a == "--range" && k + 1 < argc) range = std::stod(argv[++k]);
    else if (a == "--scalar") scalar = true;
    else if (a == "--factor") scalar = factor = true;
  }
  const Frame f = read_dump(argv[1]);
  const auto n = static_cast<double>(f.x.size());
  const auto t0 = std::chrono::steady_clock::now();
  const Matrix a = pattern(f, range, scalar);
  Probe probe;
  probe.analyzePattern(a);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Eigen::VectorXi& c = probe.column_counts();  // off-diagonal entries per column of L
  double sum = 0.0, sum2 = 0.0;
  for (Eigen::Index j = 0; j < c.size(); ++j) {
    sum += c[j];
    sum2 += static_cast<double>(c[j]) * c[j];
  }
  const double dim = 3 * n;
  // Scalar estimates (3N x 3N): exact with --scalar, scaled from the atom graph otherwise.
  const double nnz_a = scalar ? static_cast<double>(a.nonZeros()) : 9.0 * static_cast<double>(a.nonZeros()) - 3.0 * n;
  const double nnz_l = scalar ? sum : 9.0 * sum + 3.0 * n;  // strictly lower part of L
  const double flops = scalar ? 0.5 * sum2 : 13.5 * sum2;
  std::printf("atoms %.0f  dimension %.0f  Hessian range %.2f A  (%s analysis, %.1f s)\n", n, dim, range,
              scalar ? "scalar" : "atom-graph", secs);
  std::printf("lower(D) nnz %.4g  (%.1f%% of the dense lower triangle, %.0f MiB as double+int)\n", nnz_a,
              100.0 * nnz_a / (dim * (dim + 1) / 2), nnz_a * 12 / 1048576);
  std::printf("L nnz %.4g  (%.1f%% of the dense lower triangle, %.0f MiB as double+int)\n", nnz_l,
              100.0 * nnz_l / (dim * (dim - 1) / 2), nnz_l * 12 / 1048576);
  std::printf("factorisation ~%.3g multiply-adds (dense Cholesky: %.3g)\n", flops, dim * dim * dim / 6);
  if (factor) {
    // Diagonally dominant values on the same pattern: positive definite, no pivoting trouble.
    Matrix m = a;
    for (int k = 0; k < m.outerSize(); ++k)
      for (Matrix::InnerIterator it(m, k); it; ++it) it.valueRef() = it.row() == it.col() ? 1e4 : -1.0 / (1 + (it.row() + 7 * it.col()) % 13);
    const auto t1 = std::chrono::steady_clock::now();
    probe.factorize(m);
    const double fs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    std::printf("numeric factorisation %.1f s (%s): %.2f G multiply-adds/s\n", fs,
                probe.info() == Eigen::Success ? "ok" : "FAILED", flops / fs / 1e9);
  }
  std::printf("max column count of L %d (scalar: ~%d)\n", c.maxCoeff(), scalar ? c.maxCoeff() : 3 * c.maxCoeff() + 2);
  return 0;
}
