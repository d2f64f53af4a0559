#include <catch2/catch.hpp>

#include "io/config.hpp"
#include "support.hpp"

using namespace mgs::test;

TEST_CASE("schema: configs/run.schema.json is what the parameter specs generate", "[config][schema]") {
  const auto published = nlohmann::json::parse(read_text(source_dir() / "configs/run.schema.json"));
  // If this fails after adding or changing a parameter: build/mgscope schema > configs/run.schema.json
  CHECK(published == mgs::io::run_schema());
}

TEST_CASE("schema: every run file in configs/ validates (python3-jsonschema)", "[config][schema]") {
  std::string out;
  const int rc = run_command("/usr/bin/python3 " + (source_dir() / "tests/io/check_schema.py").string() +
                                 " " + (source_dir() / "configs").string(),
                             &out);
  INFO(out);
  CHECK(rc == 0);
}
