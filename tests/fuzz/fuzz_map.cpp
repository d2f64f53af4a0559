// libFuzzer harness: experimental map files (issue 8/9). The first byte picks the file name's
// extension (.tif, .png, .pgm, .npy, .csv; the reader also sniffs magic bytes, so every format
// sees every input); the rest goes to a temporary file for read_map. A map that reads is then
// preprocessed and measured as compare_maps does (background, relative contrast, resampling,
// moments, autocorrelation, power spectrum), so odd shapes reach the numerics too. InputError is
// the documented failure of the reader, std::invalid_argument that of the numerics on a map they
// cannot take (constant, too small); anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "engine/errors.hpp"
#include "engine/map_preprocess.hpp"
#include "engine/map_statistics.hpp"
#include "io/maps/map_read.hpp"
#include "tests/fuzz/fuzz_common.hpp"

namespace {

void measure(const mgs::Map2D& map) {
  using namespace mgs;
  // Keep the numerics bounded: the reader accepts maps up to 2^28 pixels.
  if (map.size() > 4096) return;
  const mapstats::MapView view{map.values, map.nx, map.ny, 1.0};
  (void)mapstats::moments(map.values);
  try {
    (void)subtract_polynomial_background(map, 1);
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)relative_contrast(map);
  } catch (const std::invalid_argument&) {
  }
  Map2D unit = map;
  unit.pixel_size = 1.0;
  try {
    (void)resample(unit, 1.7);
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)mapstats::map_autocorrelation(view, false);
  } catch (const std::invalid_argument&) {
  }
  try {
    (void)mapstats::radial_power_spectrum(view, true);
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kExtensions[] = {".tif", ".png", ".pgm", ".npy", ".csv"};
  const char* ext = kExtensions[data[0] % 5];
  const std::string path = mgs::fuzz::temp_path("map", "") + ext;
  mgs::fuzz::write_file(path, data + 1, size - 1);
  mgs::Map2D map;
  try {
    map = mgs::io::read_map(path, {});
  } catch (const mgs::InputError&) {
    std::remove(path.c_str());
    return 0;
  }
  std::remove(path.c_str());
  measure(map);
  return 0;
}
