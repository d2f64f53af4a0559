// libFuzzer harness: EAM potential files (issue 9). The first byte picks eam/fs or eam/alloy; the
// rest goes to a temporary file for read_eam_file. A file that reads is then used: every type
// mapped to an element, a dimer and a trimer at a few distances evaluated (energies, forces,
// Hessian), so damaged tables reach the spline and the evaluation too. InputError is the
// documented failure of the reader; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/cell_list.hpp"
#include "engine/eam.hpp"
#include "engine/errors.hpp"
#include "engine/neighbor_list.hpp"
#include "io/potential_files.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace {

void evaluate(const mgs::EamTables& tables) {
  using mgs::Vec3;
  const std::size_t ne = tables.elements.size();
  std::vector<int> species(ne + 1, -1);
  for (std::size_t k = 0; k < ne; ++k) species[k + 1] = static_cast<int>(k);
  const mgs::EamPotential pot(tables, species);
  const double rc = pot.cutoff();
  // A box large enough for the cutoff (the reader accepts any positive cutoff: keep it bounded).
  if (!(rc < 50.0)) return;
  const double L = 3.0 * rc + 1.0;
  for (double r : {0.5 * rc, 0.99 * rc, 0.01}) {
    mgs::Frame f;
    f.box = mgs::Box(mgs::Mat3::Identity() * L, Vec3::Zero(), {true, true, true});
    f.pos = {Vec3(1, 1, 1), Vec3(1 + r, 1, 1), Vec3(1, 1 + r, 1)};
    f.id = {1, 2, 3};
    f.type = {1, static_cast<int>(ne), 1};
    f.image.assign(3, {0, 0, 0});
    const mgs::NeighborList nl = mgs::build_neighbor_list(f.box, f.pos, rc);
    (void)pot.compute(f, nl);
    (void)pot.hessian(f, nl);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string style = data[0] % 2 ? "eam/alloy" : "eam/fs";
  const std::string& path = mgs::fuzz::temp_path("potential", ".eam");
  mgs::fuzz::write_file(path, data + 1, size - 1);
  mgs::EamTables tables;
  try {
    tables = mgs::io::read_eam_file(path, style);
  } catch (const mgs::InputError&) {
    return 0;
  }
  evaluate(tables);
  return 0;
}
