// compare_maps through the CLI, as the worked example of issue 8 does it: a projected HAADF map
// written as TIFF by one run is read back as the "experimental" map of another and compared with
// the same projection (distance 0 up to the float32 rounding of the TIFF, SSIM 1); the same glass
// at 300 K is close but not equal; bad experimental maps are clear errors.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support.hpp"

using namespace mgs::test;

namespace {

const char* kProjection = R"({"type": "projection", "label": "haadf", "thickness": 50.0,
    "pixel_size": 0.5, "probe_fwhm": 2.0, "z_exponent": 1.7})";

std::string run_file(const std::string& input, const std::string& extra_analyzer,
                     const std::string& outputs) {
  return R"({"input": {"path": ")" + input +
         R"(", "types": {"1": {"element": "Cu"}, "2": {"element": "Zr"}}},
      "analyzers": [)" +
         kProjection + extra_analyzer + R"(], "outputs": [)" + outputs + "]}";
}

int run(const std::filesystem::path& dir, std::string* out) {
  return run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), out);
}

}  // namespace

TEST_CASE("compare_maps: a projection written as TIFF and read back compares as equal",
          "[compare_maps][cli]") {
  const auto dir = temp_dir("compare_maps_self");
  const std::string glass = example_data("cuzr2k_IS.dump").string();
  write_text(dir / "run.json", run_file(glass, "", R"({"format": "tiff", "path": "tiff"})"));
  std::string out;
  REQUIRE(run(dir, &out) == 0);
  INFO(out);
  write_text(dir / "run.json", run_file(glass, R"(, {"type": "compare_maps", "map": "haadf_map",
                       "experimental": "tiff/haadf_map_000000.tiff", "registered": true})",
                                        R"({"format": "json", "path": "s.json"},
                         {"format": "png", "path": "png"})"));
  REQUIRE(run(dir, &out) == 0);
  const auto s = nlohmann::json::parse(read_text(dir / "s.json"));
  const auto& c = s["frames"][0]["analyzers"]["compare_maps"];
  INFO(c.dump(1));
  // float32 rounding moves each value by less than its gap to all but a few neighbours: D is a
  // few 1/n at most.
  CHECK(c["kolmogorov_smirnov"]["statistic"].get<double>() <= 4.0 / 4096 + 1e-15);
  CHECK(c["wasserstein1"].get<double>() < 1e-6 * c["simulated"]["std"].get<double>());
  CHECK(c["ssim"].get<double>() == Approx(1.0).margin(1e-9));
  CHECK(c["experimental"]["cv"].get<double>() ==
        Approx(c["simulated"]["cv"].get<double>()).epsilon(1e-6));
  CHECK(c["correlation_length"]["experimental"]["one_over_e"].get<double>() > 0.0);
  CHECK(std::filesystem::exists(dir / "png/compare_maps_side_by_side_000000.png"));
  CHECK(std::filesystem::exists(dir / "png/compare_maps_power_spectra_000000.png"));
}

TEST_CASE("compare_maps: the glass at 300 K against its inherent structure: close, not equal",
          "[compare_maps][cli]") {
  const auto dir = temp_dir("compare_maps_300K");
  write_text(dir / "run.json",
             run_file(example_data("cuzr2k_IS.dump").string(),
                      R"(, {"type": "compare_maps", "map": "haadf_map", "normalise": "mean",
                       "experimental": ")" +
                          (source_dir() / "examples/maps/cuzr2k_300K_haadf.tiff").string() +
                          R"(", "registered": true})",
                      R"({"format": "json", "path": "s.json"})"));
  std::string out;
  REQUIRE(run(dir, &out) == 0);
  INFO(out);
  const auto s = nlohmann::json::parse(read_text(dir / "s.json"));
  const auto& c = s["frames"][0]["analyzers"]["compare_maps"];
  INFO(c.dump(1));
  const double ssim = c["ssim"].get<double>();
  CHECK(ssim > 0.5);
  CHECK(ssim < 0.99);
  CHECK(c["simulated"]["mean"].get<double>() == Approx(1.0));
  CHECK(c["kolmogorov_smirnov"]["statistic"].get<double>() < 0.1);
  CHECK(c["correlation_length"]["experimental"]["one_over_e"].get<double>() ==
        Approx(c["correlation_length"]["simulated"]["one_over_e"].get<double>()).epsilon(0.1));
}

TEST_CASE("compare_maps: bad experimental maps and names are clear errors", "[compare_maps][cli]") {
  const auto dir = temp_dir("compare_maps_bad");
  const std::string glass = example_data("cuzr2k_IS.dump").string();
  const auto fails_with = [&](const std::string& analyzer, const std::string& fragment) {
    write_text(dir / "run.json",
               run_file(glass, analyzer, R"({"format": "json", "path": "s.json"})"));
    std::string out;
    CHECK(run(dir, &out) != 0);
    CHECK_THAT(out, Catch::Contains(fragment));
    CHECK_FALSE(std::filesystem::exists(dir / "s.json"));
  };
  fails_with(R"(, {"type": "compare_maps", "map": "haadf_map", "experimental": "nope.tif"})",
             "nope.tif");
  write_text(dir / "map.csv", "1,2,3\n4,5,6\n7,8,9\n");
  fails_with(R"(, {"type": "compare_maps", "map": "haadf_map", "experimental": "map.csv"})",
             "give compare_maps.pixel_size");
  fails_with(R"(, {"type": "compare_maps", "map": "haadf_nope", "experimental": "map.csv",
                 "pixel_size": 0.5})",
             "haadf_map, haadf_contrast");
  write_text(dir / "ragged.csv", "1,2,3\n4,5\n");
  fails_with(R"(, {"type": "compare_maps", "map": "haadf_map", "experimental": "ragged.csv",
                 "pixel_size": 0.5})",
             "ragged.csv");
}
