#pragma once
// Named, typed results of one shape, so that every writer and every later service (binning,
// correlation) can take any analyzer's output.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "engine/grid.hpp"

namespace mgs {

// One value per atom (in the frame's id order). Integer fields are kept as integers so writers
// print them without a decimal point. Text fields (labels such as a Voronoi index "<0,2,8,2>")
// go to the text formats (csv, json) only: LAMMPS dumps must stay numeric for OVITO and ASE, so
// an analyzer with a text field also gives a numeric code for it.
struct PerAtomField {
  std::string name;  // short name inside the analyzer ("volume"); writers prefix the label
  std::string unit;  // "Å^3", "" for dimensionless
  std::string doc;
  std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>> values;

  std::size_t size() const {
    return std::visit([](const auto& v) { return v.size(); }, values);
  }
  // A field named "_..." is private to its analyzer: data that compute() hands to consume() (which
  // removes it). Writers and later analyzers do not see it, and it may hold any number of values
  // (e.g. the pixels of a map that a cross-frame analyzer keeps).
  bool is_private() const { return !name.empty() && name.front() == '_'; }
  bool is_integer() const { return std::holds_alternative<std::vector<std::int64_t>>(values); }
  bool is_text() const { return std::holds_alternative<std::vector<std::string>>(values); }
  // Numeric fields only: a text field has no number, and a silent NaN would poison reductions.
  double as_double(std::size_t i) const {
    return std::visit(
        [this, i](const auto& v) -> double {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::vector<std::string>>) {
            throw std::logic_error("per-atom field " + name + " is text, not a number");
          } else {
            return static_cast<double>(v[i]);
          }
        },
        values);
  }
};

// A small table of curves (e.g. r, g(r) per pair): named columns of equal length, written as
// CSV by the csv_tables output and kept in the JSON summary by the analyzer as it sees fit.
struct Table {
  std::string name;                       // "g" -> <label>_g.csv
  std::vector<std::string> columns;       // header
  std::vector<std::vector<double>> data;  // one vector per column
};

// What an analyzer returns for one frame (or, from finish(), for the whole run).
struct FrameResult {
  std::vector<PerAtomField> fields;
  std::vector<Table> tables;
  std::vector<GridField> grids;  // binned or coarse-grained fields (vti and npy outputs)
  nlohmann::json summary = nlohmann::json::object();  // per-frame scalars and tables
};

struct AnalyzerResult {
  std::string label;
  FrameResult result;
};

}  // namespace mgs
