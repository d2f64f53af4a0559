#pragma once
// Perfect crystals as frames, for analytic test cases.
#include <string>
#include <vector>

#include "engine/field.hpp"
#include "engine/frame.hpp"

namespace mgs::test {

// n x n x n conventional cells of "fcc", "bcc" or "sc" with lattice constant a, fully periodic,
// all atoms type 1, ids 1..N.
Frame cubic_lattice(const std::string& kind, double a, int n);

// A frame of the given atoms (ids 1..N in order, image flags 0, boundary pp or ff per direction).
Frame make_frame(const Box& box, std::vector<Vec3> pos, std::vector<int> type);

// Center (type 2) + ideal icosahedral shell (type 1) at 2.7 Å, alone in a 20 Å box centred on 0.
Frame icosahedron_frame(bool periodic);

// The per-atom field `name` of a result; fails the test if absent.
const PerAtomField& find_field(const FrameResult& result, const std::string& name);

}  // namespace mgs::test
