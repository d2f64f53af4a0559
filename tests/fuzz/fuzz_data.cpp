// libFuzzer harness: LAMMPS data-file reader (issue 9). read_lammps_data takes a path, so the
// bytes go to a temporary file (read as gzip when they start with the gzip magic). The first
// byte picks the atom style: the one named by the "Atoms # style" comment, or a forced one.
// InputError is the documented failure; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/errors.hpp"
#include "io/lammps_data.hpp"
#include "tests/fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char* const styles[] = {"",          "",     "",      "atomic", "charge",
                                       "molecular", "full", "sphere", "dipole", "bond",
                                       "angle",     ""};
  const std::string style = size ? styles[data[0] % (sizeof styles / sizeof *styles)] : "";
  const std::string& path = mgs::fuzz::temp_path("data", ".data");
  mgs::fuzz::write_file(path, data, size);
  try {
    (void)mgs::io::read_lammps_data(path, style);
  } catch (const mgs::InputError&) {
  }
  return 0;
}
