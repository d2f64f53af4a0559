#include "io/maps/tiff_write.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "engine/errors.hpp"
#include "io/maps/tiff_format.hpp"
#include "io/maps/tiff_memory.hpp"
#include "io/writers/atomic_file.hpp"

namespace mgs::io {

namespace {

[[noreturn]] void fail(const std::string& what, const maps::TiffHandle& tif) {
  throw std::runtime_error(tif.error().empty() ? what : fmt::format("{} ({})", what, tif.error()));
}

std::vector<float> float_values(const Map2D& map) {
  if (map.nx < 1 || map.ny < 1 || map.values.size() != map.size()) {
    throw std::invalid_argument(fmt::format("map {}: {} x {} pixels with {} values", map.source,
                                            map.nx, map.ny, map.values.size()));
  }
  std::vector<float> out(map.values.size());
  constexpr double kMax = std::numeric_limits<float>::max();
  for (std::size_t k = 0; k < out.size(); ++k) {
    const double v = map.values[k];
    if (!std::isfinite(v) || std::abs(v) > kMax) {
      throw std::invalid_argument(fmt::format(
          "map {}: pixel at row {}, column {} is {}; a float32 TIFF takes finite values up to {}",
          map.source, k / static_cast<std::size_t>(map.nx), k % static_cast<std::size_t>(map.nx), v,
          kMax));
    }
    out[k] = static_cast<float>(v);
  }
  return out;
}

}  // namespace

std::string encode_tiff_map(const Map2D& map) {
  std::vector<float> values = float_values(map);
  std::string out;
  maps::TiffBuffer buffer{{}, &out};
  maps::TiffHandle tif(buffer, "w", map.source.empty() ? "map.tif" : map.source);
  TIFF* t = tif.get();
  const auto w = static_cast<std::uint32_t>(map.nx);
  const auto h = static_cast<std::uint32_t>(map.ny);
  const std::string description =
      map.pixel_size > 0.0 ? maps::mgscope_description(map.pixel_size) : std::string();
  bool ok = TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w) && TIFFSetField(t, TIFFTAG_IMAGELENGTH, h) &&
            TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, std::uint16_t{1}) &&
            TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, std::uint16_t{32}) &&
            TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, std::uint16_t{SAMPLEFORMAT_IEEEFP}) &&
            TIFFSetField(t, TIFFTAG_PHOTOMETRIC, std::uint16_t{PHOTOMETRIC_MINISBLACK}) &&
            TIFFSetField(t, TIFFTAG_PLANARCONFIG, std::uint16_t{PLANARCONFIG_CONTIG}) &&
            TIFFSetField(t, TIFFTAG_COMPRESSION, std::uint16_t{COMPRESSION_NONE}) &&
            TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(t, 0)) &&
            TIFFSetField(t, TIFFTAG_SOFTWARE, "mgscope");
  if (ok && map.pixel_size > 0.0) {
    // XResolution is an unsigned rational (32-bit numerator): up to ~4e9 pixels per cm.
    const double per_cm = 1e8 / map.pixel_size;
    if (!(per_cm <= 4e9)) {
      throw std::invalid_argument(fmt::format(
          "pixel size {} Å is below the 0.025 Å a TIFF resolution in pixels per cm can state",
          map.pixel_size));
    }
    ok = TIFFSetField(t, TIFFTAG_XRESOLUTION, per_cm) &&
         TIFFSetField(t, TIFFTAG_YRESOLUTION, per_cm) &&
         TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, std::uint16_t{RESUNIT_CENTIMETER}) &&
         TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, description.c_str());
  }
  if (!ok) fail("cannot set the TIFF tags", tif);
  for (std::uint32_t row = 0; row < h; ++row) {
    if (TIFFWriteScanline(t, values.data() + std::size_t{row} * w, row, 0) != 1) {
      fail(fmt::format("cannot write row {}", row), tif);
    }
  }
  if (!TIFFFlush(t)) fail("cannot finish the TIFF file", tif);
  tif.close();
  return out;
}

void write_tiff_map(const Map2D& map, const std::string& path) {
  std::string bytes;
  try {
    bytes = encode_tiff_map(map);
  } catch (const std::exception& e) {
    throw InputError(path, 0, fmt::format("cannot write the map as TIFF: {}", e.what()));
  }
  AtomicFile file(path);
  file.write(bytes);
  file.commit();
}

}  // namespace mgs::io
