// io::used_fields: the per-atom columns a run file uses, from its outputs and the strings in its
// analyzers' parameters (defaults included).
#include <catch2/catch.hpp>

#include "io/config.hpp"
#include "io/field_use.hpp"

namespace {

mgs::FieldUse use_of(const std::string& outputs, const std::string& analyzers) {
  const std::string text = R"({"input": {"path": "in.dump"}, "analyzers": )" + analyzers +
                           R"(, "outputs": )" + outputs + "}";
  return mgs::io::used_fields(mgs::io::parse_run_config(nlohmann::json::parse(text), "/base"));
}

}  // namespace

TEST_CASE("used_fields: outputs that write every column by default use them all", "[config]") {
  const std::string d2min = R"([{"type": "d2min", "cutoff": 5.0}])";
  for (const std::string format : {"lammps_dump", "csv", "npy", "vtu"}) {
    INFO(format);
    const auto use = use_of(R"([{"format": ")" + format + R"(", "path": "out"}])", d2min);
    CHECK(use.all());
    CHECK(use.uses("d2min_F_xy"));
  }
}

TEST_CASE("used_fields: listed columns and names in analyzer parameters", "[config]") {
  // json without fields, png without fields and grid outputs write no per-atom column.
  const auto summaries = use_of(
      R"([{"format": "json", "path": "s.json"}, {"format": "png", "path": "png"},
          {"format": "vti", "path": "vti"}])",
      R"([{"type": "d2min", "cutoff": 5.0}])");
  CHECK_FALSE(summaries.all());
  CHECK_FALSE(summaries.uses("d2min_value"));
  CHECK_FALSE(summaries.uses("d2min_F_xx"));

  const auto listed =
      use_of(R"([{"format": "npy", "path": "npy", "fields": ["d2min_value", "d2min_F_xy"]}])",
             R"([{"type": "d2min", "cutoff": 5.0}])");
  CHECK_FALSE(listed.all());
  CHECK(listed.uses("d2min_value"));
  CHECK(listed.uses("d2min_F_xy"));
  CHECK_FALSE(listed.uses("d2min_F_yx"));
  CHECK_FALSE(listed.uses("d2min_rotation_angle"));

  // stz reads d2min_value by default (a filled-in default), bin the columns it lists.
  const auto read = use_of(
      R"([{"format": "json", "path": "s.json"}])",
      R"([{"type": "d2min", "cutoff": 5.0}, {"type": "stz", "cutoff": 3.5, "top_fraction": 0.05},
                               {"type": "bin", "bins": [2, 2, 2], "fields": ["d2min_strain_xy"]}])");
  CHECK(read.uses("d2min_value"));
  CHECK(read.uses("d2min_strain_xy"));
  CHECK_FALSE(read.uses("d2min_strain_xx"));
}
