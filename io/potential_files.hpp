#pragma once
// Potential files as LAMMPS reads them: EAM setfl (eam/alloy) and Finnis–Sinclair (eam/fs)
// tables; and the loader the CLI and tests hand to analyzers through the RunContext.
#include <string>

#include "engine/eam.hpp"
#include "engine/potential.hpp"

namespace mgs::io {

// Reads `path` as a `style` ("eam/fs" or "eam/alloy") file: three comment lines, the element
// line, "Nrho drho Nr dr cutoff", per element "Z mass ..." then F(ρ) and the density
// function(s), then r·φ for each pair i >= j. Like LAMMPS, each table starts on a new line and
// may span any number of lines; '#' starts a comment after the header. Throws InputError with
// the line number and what was expected.
EamTables read_eam_file(const std::string& path, const std::string& style);

// Builds potentials from requests: EAM files read once per (file, style) and bound to the
// requested elements; lj/cut from the run file's parameters.
PotentialLoader potential_loader();

}  // namespace mgs::io
