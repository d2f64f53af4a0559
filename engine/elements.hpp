#pragma once
// Atomic numbers of the chemical elements, for contrast models that weight atoms by Z (HAADF).
#include <optional>
#include <string_view>

namespace mgs {

// Z of an element symbol as LAMMPS and the periodic table spell it ("Cu" -> 29); case matters
// ("CU" is not an element). nullopt for anything else.
std::optional<int> atomic_number(std::string_view symbol);

}  // namespace mgs
