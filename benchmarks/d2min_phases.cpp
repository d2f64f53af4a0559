// d2min_phases.cpp -- times the phases of mgscope's D2min on one pair with the engine's own
// functions (no source changes): read both frames, reduced displacements, reference cell list +
// neighbor list (as ReferenceService::prepare builds it), the per-atom gather + fit
// (fit_local_strain, as D2minAnalyzer::compute calls it), and strain_measures (incl. the SVD).
// For comparison it also times the bare cell-list search (counting neighbors only) in atom order
// and in the cell list's bin order.
//
// Build against a Release build dir B (the object files of the analyzers library are used):
//   g++ -O3 -DNDEBUG -std=c++20 -I. -isystem /usr/include/eigen3 benchmarks/d2min_phases.cpp \
//     B/CMakeFiles/mgs_analyzers.dir/analyzers/*.o B/libmgs_io.a B/libmgs_engine.a \
//     -ltbb -lfmt -lz -lvoro++ -o /tmp/d2min_phases
// Run: /tmp/d2min_phases REF.dump CURRENT.dump THREADS [CUTOFF]
#include <tbb/global_control.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "analyzers/d2min.hpp"
#include "engine/cell_list.hpp"
#include "engine/displacement.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/parallel.hpp"
#include "io/trajectory.hpp"

using namespace mgs;
using mgs::io::InputSpec;
using mgs::io::read_frame;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s REF.dump CURRENT.dump THREADS [CUTOFF]\n", argv[0]);
    return 1;
  }
  const int threads = std::atoi(argv[3]);
  const double cutoff = argc > 4 ? std::atof(argv[4]) : 5.0;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  auto t = Clock::now();
  auto lap = [&](const char* name) {
    const auto now = Clock::now();
    std::printf("%-28s %8.3f s\n", name, std::chrono::duration<double>(now - t).count());
    t = now;
  };
  InputSpec rs;
  rs.paths = {argv[1]};
  InputSpec cs;
  cs.paths = {argv[2]};
  const Frame ref = read_frame(rs, 0);
  lap("read reference");
  const Frame cur = read_frame(cs, 0);
  lap("read current");
  const std::vector<Vec3> ds =
      reduced_displacements(cur, ref, DisplacementMode::MinimumImage, argv[1]);
  const MappedCells cells = mapped_cells(cur.box, ref.box, AffineMapping::Off);
  lap("reduced displacements");
  const std::size_t n = ref.size();
  const double spacing = std::cbrt(ref.box.volume() / static_cast<double>(n));
  const CellList cl(ref.box, ref.pos, std::max(1.5 * spacing, 0.5 * cutoff));
  lap("cell list");
  // The search alone, without storing or sorting (what the neighbor list costs beyond it is the
  // per-atom sort and the block buffers + their serial concatenation).
  std::vector<std::uint32_t> cnt(n);
  parallel::for_each_index(n, [&](std::size_t i) {
    std::uint32_t c = 0;
    cl.for_each_within(ref.pos[i], cutoff, [&](std::uint32_t, Image, const Vec3&, double) { ++c; });
    cnt[i] = c;
  }, 512);
  lap("cell search only, atom order");
  const auto& order = cl.atoms_in_bin_order();
  parallel::for_each_index(n, [&](std::size_t k) {
    const std::uint32_t i = order[k];
    std::uint32_t c = 0;
    cl.for_each_within(ref.pos[i], cutoff, [&](std::uint32_t, Image, const Vec3&, double) { ++c; });
    cnt[i] = c;
  }, 512);
  lap("cell search only, bin order");
  const NeighborList nl(cl, ref.pos, cutoff);
  lap("neighbor list (sorted)");
  const Mat3 to_reduced = ref.box.inverse();
  const double cut2 = cutoff * cutoff;
  std::vector<Mat3> F(n);
  std::vector<double> d2(n);
  parallel::for_blocks(n, [&](std::size_t begin, std::size_t end) {
    std::vector<Vec3> d, d0;
    for (std::size_t i = begin; i < end; ++i) {
      d.clear();
      d0.clear();
      for (const Neighbor& nb : nl.of(i)) {
        const Vec3 sep = nl.delta(i, nb);
        if (sep.squaredNorm() > cut2) break;
        const Vec3 s = to_reduced * sep;
        const Vec3 shift = ds[nb.index] - ds[i];
        d0.push_back(cells.reference * s);
        d.push_back(cells.current * Vec3(s + shift));
      }
      const analyzers::LocalStrain fit = analyzers::fit_local_strain(d.data(), d0.data(), d.size());
      F[i] = fit.F;
      d2[i] = fit.d2min;
    }
  });
  lap("gather + fit (X, Y, F, D2min)");
  std::vector<double> vm(n);
  parallel::for_each_index(n, [&](std::size_t i) {
    vm[i] = analyzers::strain_measures(F[i]).von_mises;
  });
  lap("strain_measures (E, vM, SVD)");
  double s = 0, v = 0;
  for (std::size_t i = 0; i < n; ++i) s += d2[i], v += vm[i];
  std::printf("atoms %zu, neighbor entries %zu (%.2f per atom), mean D2min %.6g, mean vM %.6g\n", n,
              nl.total_entries(), static_cast<double>(nl.total_entries()) / n, s / n, v / n);
  return 0;
}
