#pragma once
// Perfect crystals as frames, for analytic test cases.
#include <string>

#include "engine/frame.hpp"

namespace mgs::test {

// n x n x n conventional cells of "fcc", "bcc" or "sc" with lattice constant a, fully periodic,
// all atoms type 1, ids 1..N.
Frame cubic_lattice(const std::string& kind, double a, int n);

}  // namespace mgs::test
