#pragma once
// One snapshot of the system, as a value: box, atoms sorted by id, in structure-of-arrays form.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/box.hpp"

namespace mgs {

// A named per-atom column read from the input that the engine does not interpret (e.g. c_pe).
struct InputColumn {
  std::string name;
  std::vector<double> values;
};

struct Frame {
  std::int64_t timestep = 0;
  std::optional<double> time;  // ITEM: TIME, when present
  std::string units;           // ITEM: UNITS, when present
  Box box;
  // LAMMPS boundary flags per dimension as written ("pp", "ff", "fs", "sm", ...).
  std::array<std::string, 3> boundary{"pp", "pp", "pp"};

  std::vector<std::int64_t> id;  // ascending
  std::vector<int> type;         // 1-based LAMMPS types
  // Positions inside the cell along periodic directions; r_unwrapped = pos + h * image.
  std::vector<Vec3> pos;
  std::vector<std::array<int, 3>> image;
  // True when the input carried image flags or unwrapped coordinates, so `image` is meaningful.
  bool has_image = false;
  // True when the input carried no ids and atoms were numbered in file order.
  bool ids_generated = false;
  std::vector<InputColumn> columns;
  // Element name per type (index = type); empty entries where unknown.
  std::vector<std::string> type_names;

  std::size_t size() const { return id.size(); }
  Vec3 unwrapped(std::size_t i) const {
    const auto& n = image[i];
    return pos[i] + box.cell() * Vec3(n[0], n[1], n[2]);
  }
  int max_type() const;
  const InputColumn* column(const std::string& name) const;
};

// Per-type properties from the run file (element, mass, radius); index = type.
struct TypeInfo {
  std::string element;
  std::optional<double> mass;
  std::optional<double> radius;
};

}  // namespace mgs
