// TIFF maps through libtiff: one grayscale channel of 8/16/32/64-bit integers or 32/64-bit
// floats, in strips or tiles, any compression libtiff decodes; the pixel size from the
// resolution tags (or ImageJ's description, since ImageJ is what microscopists save with).
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

#include "engine/errors.hpp"
#include "io/maps/map_formats.hpp"
#include "io/maps/tiff_format.hpp"
#include "io/maps/tiff_memory.hpp"

namespace mgs::io::maps {

namespace {

enum class Sample { U8, I8, U16, I16, U32, I32, U64, I64, F32, F64 };

template <class T>
double load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // libtiff hands decoded samples in host byte order
  return static_cast<double>(v);
}

double sample_at(const unsigned char* p, Sample s) {
  switch (s) {
    case Sample::U8:
      return load<std::uint8_t>(p);
    case Sample::I8:
      return load<std::int8_t>(p);
    case Sample::U16:
      return load<std::uint16_t>(p);
    case Sample::I16:
      return load<std::int16_t>(p);
    case Sample::U32:
      return load<std::uint32_t>(p);
    case Sample::I32:
      return load<std::int32_t>(p);
    case Sample::U64:
      return load<std::uint64_t>(p);
    case Sample::I64:
      return load<std::int64_t>(p);
    case Sample::F32:
      return load<float>(p);
    case Sample::F64:
      return load<double>(p);
  }
  return 0.0;
}

class TiffReader {
 public:
  TiffReader(const std::string& path, TiffHandle& tif) : path_(path), h_(tif), tif_(tif.get()) {}

  [[noreturn]] void fail(const std::string& what) const {
    const std::string& why = h_.error();
    throw InputError(path_, 0, why.empty() ? what : fmt::format("{} ({})", what, why));
  }

  void select_page(int page) {
    if (page == 0) return;
    if (!TIFFSetDirectory(tif_, static_cast<tdir_t>(page))) {
      fail(fmt::format("page {} requested; the file has {} page(s) (counted from 0)", page,
                       TIFFNumberOfDirectories(tif_)));
    }
  }

  Map2D read() {
    std::uint32_t w = 0, h = 0;
    if (!TIFFGetField(tif_, TIFFTAG_IMAGEWIDTH, &w) ||
        !TIFFGetField(tif_, TIFFTAG_IMAGELENGTH, &h)) {
      fail("no ImageWidth / ImageLength tag; expected a TIFF image");
    }
    std::uint16_t spp = 1, bps = 1, format = SAMPLEFORMAT_UINT,
                  photometric = PHOTOMETRIC_MINISBLACK;
    TIFFGetFieldDefaulted(tif_, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif_, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(tif_, TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetField(tif_, TIFFTAG_PHOTOMETRIC, &photometric);
    if (spp != 1) {
      fail(fmt::format("{} samples per pixel; expected a single-channel (grayscale) image", spp));
    }
    if (photometric == PHOTOMETRIC_PALETTE) {
      fail("a palette (indexed colour) image; expected a single-channel (grayscale) image");
    }
    sample_ = sample_kind(bps, format);
    bytes_ = bps / 8;
    Map2D map = blank_map(path_, w, h);
    if (TIFFScanlineSize64(tif_) < static_cast<std::uint64_t>(w) * bytes_)
      fail("inconsistent row size");
    if (TIFFIsTiled(tif_)) {
      read_tiles(map);
    } else {
      read_strips(map);
    }
    return map;
  }

 private:
  Sample sample_kind(std::uint16_t bps, std::uint16_t format) const {
    if (format == SAMPLEFORMAT_IEEEFP) {
      if (bps == 32) return Sample::F32;
      if (bps == 64) return Sample::F64;
    } else if (format == SAMPLEFORMAT_UINT || format == SAMPLEFORMAT_VOID) {
      if (bps == 8) return Sample::U8;
      if (bps == 16) return Sample::U16;
      if (bps == 32) return Sample::U32;
      if (bps == 64) return Sample::U64;
    } else if (format == SAMPLEFORMAT_INT) {
      if (bps == 8) return Sample::I8;
      if (bps == 16) return Sample::I16;
      if (bps == 32) return Sample::I32;
      if (bps == 64) return Sample::I64;
    }
    const char* kind = format == SAMPLEFORMAT_IEEEFP ? "floating-point"
                       : format == SAMPLEFORMAT_INT  ? "signed integer"
                       : format == SAMPLEFORMAT_UINT ? "unsigned integer"
                                                     : "complex or unknown";
    fail(
        fmt::format("{}-bit {} samples (SampleFormat {}); expected 8, 16, 32 or 64-bit integers "
                    "or 32 or 64-bit floats",
                    bps, kind, format));
  }

  void convert_row(const unsigned char* src, Map2D& map, std::uint32_t row, std::uint32_t x0,
                   std::uint32_t n) const {
    double* dst = map.values.data() + static_cast<std::size_t>(row) * map.nx + x0;
    for (std::uint32_t i = 0; i < n; ++i)
      dst[i] = sample_at(src + std::size_t{i} * bytes_, sample_);
  }

  void read_strips(Map2D& map) {
    const std::uint32_t h = static_cast<std::uint32_t>(map.ny);
    std::uint32_t rows_per_strip = h;
    TIFFGetFieldDefaulted(tif_, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
    if (rows_per_strip == 0 || rows_per_strip > h) rows_per_strip = h;
    const std::uint64_t line = TIFFScanlineSize64(tif_);
    const std::uint32_t strips = (h + rows_per_strip - 1) / rows_per_strip;
    if (TIFFNumberOfStrips(tif_) < strips) {
      fail(fmt::format("{} strips for {} rows of {} per strip", TIFFNumberOfStrips(tif_), h,
                       rows_per_strip));
    }
    std::vector<unsigned char> buf(line * rows_per_strip);
    for (std::uint32_t s = 0; s < strips; ++s) {
      const std::uint32_t y0 = s * rows_per_strip;
      const std::uint32_t rows = std::min(rows_per_strip, h - y0);
      const auto want = static_cast<tmsize_t>(line * rows);
      h_.clear();
      if (TIFFReadEncodedStrip(tif_, s, buf.data(), want) != want) {
        fail(fmt::format("cannot read strip {} of {} (rows {} to {}; truncated or damaged file?)",
                         s, strips, y0, y0 + rows - 1));
      }
      for (std::uint32_t r = 0; r < rows; ++r) {
        convert_row(buf.data() + r * line, map, y0 + r, 0, static_cast<std::uint32_t>(map.nx));
      }
    }
  }

  void read_tiles(Map2D& map) {
    std::uint32_t tw = 0, th = 0;
    if (!TIFFGetField(tif_, TIFFTAG_TILEWIDTH, &tw) ||
        !TIFFGetField(tif_, TIFFTAG_TILELENGTH, &th) || tw == 0 || th == 0) {
      fail("tiled image without a tile size");
    }
    const std::uint64_t tile_row = TIFFTileRowSize64(tif_);
    const std::uint64_t tile_size = TIFFTileSize64(tif_);
    if (tile_row < std::uint64_t{tw} * bytes_ || tile_size < tile_row * th)
      fail("inconsistent tile size");
    std::vector<unsigned char> buf(tile_size);
    const auto w = static_cast<std::uint32_t>(map.nx);
    const auto h = static_cast<std::uint32_t>(map.ny);
    for (std::uint32_t y0 = 0; y0 < h; y0 += std::min(th, h - y0)) {
      for (std::uint32_t x0 = 0; x0 < w; x0 += std::min(tw, w - x0)) {
        const std::uint32_t t = TIFFComputeTile(tif_, x0, y0, 0, 0);
        h_.clear();
        if (TIFFReadEncodedTile(tif_, t, buf.data(), static_cast<tmsize_t>(tile_size)) !=
            static_cast<tmsize_t>(tile_size)) {
          fail(fmt::format("cannot read the tile at column {}, row {} (truncated or damaged file?)",
                           x0, y0));
        }
        const std::uint32_t rows = std::min(th, h - y0);
        const std::uint32_t cols = std::min(tw, w - x0);
        for (std::uint32_t r = 0; r < rows; ++r)
          convert_row(buf.data() + r * tile_row, map, y0 + r, x0, cols);
      }
    }
  }

  const std::string& path_;
  TiffHandle& h_;
  TIFF* tif_;
  Sample sample_ = Sample::U8;
  std::uint32_t bytes_ = 1;
};

// Å per pixel from the resolution tags; 0 when the file does not say.
double pixel_size(const std::string& path, TIFF* tif) {
  float xres = 0.0f, yres = 0.0f;
  std::uint16_t unit = RESUNIT_INCH;  // the TIFF default
  const bool has_x = TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres) != 0;
  const bool has_y = TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres) != 0;
  TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
  const char* text = nullptr;
  const std::string description = TIFFGetField(tif, TIFFTAG_IMAGEDESCRIPTION, &text) && text
                                      ? std::string(text)
                                      : std::string();
  if (!has_x || !(std::isfinite(xres) && xres > 0.0f)) return 0.0;
  if (has_y && std::isfinite(yres) && yres > 0.0f &&
      std::abs(yres - xres) > 1e-6 * static_cast<double>(xres)) {
    throw InputError(path, 0,
                     fmt::format("non-square pixels (XResolution {}, YResolution {}); give the "
                                 "pixel size explicitly",
                                 xres, yres));
  }
  double per_unit = 0.0;  // Å in the unit XResolution counts pixels per
  if (const auto imagej = imagej_unit(description)) {
    per_unit = *imagej;
  } else if (unit == RESUNIT_CENTIMETER) {
    per_unit = 1e8;
  } else if (unit == RESUNIT_INCH) {
    per_unit = 2.54e8;
  }
  if (per_unit <= 0.0) return 0.0;  // RESUNIT_NONE: an aspect ratio, not a size
  const double size = per_unit / static_cast<double>(xres);
  // Our own files also state the size in the description, exactly (XResolution is a float):
  // used when it agrees with the tag, so that a later edit of the tag by another tool wins.
  if (const auto exact = mgscope_pixel_size(description)) {
    if (std::abs(*exact - size) <= 1e-6 * size) return *exact;
  }
  return size;
}

}  // namespace

Map2D decode_tiff(const std::string& path, std::string_view bytes, const MapReadOptions& options) {
  TiffBuffer buffer{bytes};
  std::optional<TiffHandle> tif;
  try {
    tif.emplace(buffer, "r", path);
  } catch (const std::runtime_error& e) {
    throw InputError(path, 0, fmt::format("not a readable TIFF file ({})", e.what()));
  }
  TiffReader reader(path, *tif);
  reader.select_page(options.page);
  Map2D map = reader.read();
  if (!options.pixel_size) map.pixel_size = pixel_size(path, tif->get());
  return map;
}

}  // namespace mgs::io::maps
