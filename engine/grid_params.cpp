#include "engine/grid_params.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "engine/errors.hpp"

namespace mgs {

namespace {

// "a"/"x" -> 0, "b"/"y" -> 1, "c"/"z" -> 2, else -1.
int axis_index(char c) {
  switch (c) {
    case 'a':
    case 'x':
      return 0;
    case 'b':
    case 'y':
      return 1;
    case 'c':
    case 'z':
      return 2;
    default:
      return -1;
  }
}

constexpr const char* kAxisNames = "abc";

}  // namespace

std::vector<ParamSpec> grid_param_specs() {
  return {
      ParamSpec("axes", ParamKind::String, "abc", "",
                "cell axes to bin: \"abc\" (3-D), two of them (2-D map, e.g. \"ab\"), or one "
                "(profile, e.g. \"c\"); x, y, z are accepted for a, b, c"),
      ParamSpec("bins", ParamKind::Any, nullptr, "",
                "bins per binned axis: one integer for all, or a list with one count per "
                "binned axis (give bins or bin_size)")
          .optional(),
      ParamSpec("bin_size", ParamKind::Number, nullptr, "Å",
                "target bin thickness; counts = max(1, round(w / size)) with w the cell's "
                "thickness along the axis (lattice-plane spacing; the edge length when "
                "orthogonal)")
          .optional()
          .at_least(1e-6),
      ParamSpec("slab", ParamKind::Object, nullptr, "",
                "only atoms in a range along one axis that is not binned: {\"axis\": \"c\", "
                "\"from\": 0.4, \"to\": 0.6} (fractions of the cell), with \"units\": "
                "\"angstrom\" for distances from the cell's origin face along the plane normal")
          .optional(),
  };
}

GridRequest grid_request_from(const nlohmann::json& p, const std::string& label) {
  GridRequest g;
  const std::string axes = p["axes"].get<std::string>();
  g.binned = {false, false, false};
  int nbinned = 0;
  for (char c : axes) {
    const int k = axis_index(c);
    if (k < 0 || g.binned[k]) {
      throw ConfigError(label + ".axes",
                        "expected distinct cell axes from a, b, c (or x, y, z), e.g. \"abc\"");
    }
    g.binned[k] = true;
    ++nbinned;
  }
  if (nbinned == 0) throw ConfigError(label + ".axes", "expected at least one axis");
  const bool has_bins = p.contains("bins"), has_size = p.contains("bin_size");
  if (has_bins == has_size) {
    throw ConfigError(label, "expected exactly one of bins (counts) or bin_size (Å)");
  }
  if (has_bins) {
    const auto& b = p["bins"];
    std::vector<long long> given;
    if (b.is_number_integer()) {
      given.assign(static_cast<std::size_t>(nbinned), b.get<long long>());
    } else if (b.is_array() && b.size() == static_cast<std::size_t>(nbinned)) {
      for (const auto& v : b) {
        if (!v.is_number_integer())
          given.push_back(0);
        else
          given.push_back(v.get<long long>());
      }
    } else {
      throw ConfigError(label + ".bins",
                        fmt::format("expected an integer or a list of {} integers (one per "
                                    "binned axis)",
                                    nbinned));
    }
    std::array<int, 3> counts{1, 1, 1};
    std::size_t next = 0;
    for (int k = 0; k < 3; ++k) {
      if (!g.binned[k]) continue;
      const long long n = given[next++];
      if (n < 1 || n > 1000000) {
        throw ConfigError(label + ".bins", "expected counts between 1 and 10^6");
      }
      counts[k] = static_cast<int>(n);
    }
    g.counts = counts;
  } else {
    g.bin_size = p["bin_size"].get<double>();
  }
  if (p.contains("slab")) {
    const auto& s = p["slab"];
    const std::string path = label + ".slab";
    for (const auto& [key, value] : s.items()) {
      if (key != "axis" && key != "from" && key != "to" && key != "units") {
        throw ConfigError(path + "." + key, "unknown key; expected axis, from, to, units");
      }
    }
    if (!s.contains("axis") || !s["axis"].is_string() || s["axis"].get<std::string>().size() != 1 ||
        axis_index(s["axis"].get<std::string>()[0]) < 0) {
      throw ConfigError(path + ".axis", "expected one of \"a\", \"b\", \"c\" (or x, y, z)");
    }
    const int axis = axis_index(s["axis"].get<std::string>()[0]);
    if (g.binned[axis]) {
      throw ConfigError(path + ".axis", "the slab axis must not be one of the binned axes");
    }
    for (const char* key : {"from", "to"}) {
      if (!s.contains(key) || !s[key].is_number()) {
        throw ConfigError(path + "." + key, "expected a number");
      }
    }
    g.slab_axis = axis;
    g.slab_from = s["from"].get<double>();
    g.slab_to = s["to"].get<double>();
    const std::string units = s.value("units", std::string("fraction"));
    if (units != "fraction" && units != "angstrom") {
      throw ConfigError(path + ".units", "expected \"fraction\" or \"angstrom\"");
    }
    g.slab_in_angstrom = units == "angstrom";
    if (!(g.slab_from < g.slab_to) || g.slab_from < 0.0 ||
        (!g.slab_in_angstrom && g.slab_to > 1.0)) {
      throw ConfigError(path, "expected 0 <= from < to (<= 1 for fractions)");
    }
  }
  return g;
}

Grid GridRequest::make(const Box& box) const {
  const std::array<int, 3> c = counts ? *counts : Grid::counts_for_size(box, bin_size, binned);
  std::optional<Slab> slab;
  if (slab_axis) {
    Slab s{*slab_axis, slab_from, slab_to};
    if (slab_in_angstrom) {
      const double w = box.perpendicular_width(*slab_axis);
      s.lo = slab_from / w;
      s.hi = std::min(1.0, slab_to / w);
      if (!(s.lo < s.hi)) {
        throw ComputeError(fmt::format("the slab [{}, {}) Å lies outside the cell ({} Å thick)",
                                       slab_from, slab_to, w));
      }
    }
    slab = s;
  }
  return Grid(box, c, slab);
}

nlohmann::json GridRequest::describe() const {
  nlohmann::json j;
  std::string axes;
  for (int k = 0; k < 3; ++k) {
    if (binned[k]) axes += kAxisNames[k];
  }
  j["axes"] = axes;
  if (counts)
    j["bins"] = *counts;
  else
    j["bin_size"] = bin_size;
  if (slab_axis) {
    j["slab"] = {{"axis", std::string(1, kAxisNames[*slab_axis])},
                 {"from", slab_from},
                 {"to", slab_to},
                 {"units", slab_in_angstrom ? "angstrom" : "fraction"}};
  }
  return j;
}

nlohmann::json describe_grid(const Grid& grid) {
  nlohmann::json j;
  j["dims"] = grid.counts();
  j["bin_thickness"] = {grid.bin_thickness(0), grid.bin_thickness(1), grid.bin_thickness(2)};
  j["bin_volume"] = grid.bin_volume();
  if (grid.slab()) {
    j["slab"] = {{"axis", std::string(1, kAxisNames[grid.slab()->axis])},
                 {"from", grid.slab()->lo},
                 {"to", grid.slab()->hi}};
  }
  return j;
}

}  // namespace mgs
