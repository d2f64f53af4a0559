#include "io/maps/map_read.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "engine/errors.hpp"
#include "io/maps/map_formats.hpp"

namespace mgs::io {

namespace {

enum class Format { Tiff, Png, Pgm, Npy, Csv, Unknown };

// What the first bytes say; Unknown for text without a signature.
Format sniff(std::string_view b) {
  if (b.starts_with(std::string_view("II*\0", 4)) || b.starts_with(std::string_view("MM\0*", 4)) ||
      b.starts_with(std::string_view("II+\0", 4)) || b.starts_with(std::string_view("MM\0+", 4))) {
    return Format::Tiff;  // classic TIFF and BigTIFF, both byte orders
  }
  if (b.starts_with("\x89PNG\r\n\x1a\n")) return Format::Png;
  if (b.starts_with("\x93NUMPY")) return Format::Npy;
  if (b.size() >= 3 && b[0] == 'P' && (b[1] == '2' || b[1] == '5') &&
      std::isspace(static_cast<unsigned char>(b[2]))) {
    return Format::Pgm;
  }
  return Format::Unknown;
}

Format from_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".tif" || ext == ".tiff") return Format::Tiff;
  if (ext == ".png") return Format::Png;
  if (ext == ".pgm") return Format::Pgm;
  if (ext == ".npy") return Format::Npy;
  if (ext == ".csv" || ext == ".txt" || ext == ".dat") return Format::Csv;
  return Format::Unknown;
}

std::string read_bytes(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw InputError(path, 0, "cannot open the map file: no such file");
  }
  if (std::filesystem::is_directory(status)) {
    throw InputError(path, 0, "is a directory; expected a map file");
  }
  // A device or pipe (/dev/zero, a FIFO) could be read forever: maps are files.
  if (!std::filesystem::is_regular_file(status)) {
    throw InputError(path, 0, "is not a regular file; expected a map file");
  }
  // The largest map the readers accept (2^28 pixels) takes at most a few GB even as CSV text.
  constexpr std::uintmax_t kMaxBytes = std::uintmax_t{16} << 30;
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxBytes) {
    throw InputError(path, 0, fmt::format("{} bytes; expected a map file of at most 16 GiB", size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError(path, 0, fmt::format("cannot open the map file: {}", std::strerror(errno)));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path, 0, "read error");
  if (bytes.empty()) {
    throw InputError(path, 0, "empty file; expected a map (TIFF, PNG, PGM, npy or CSV)");
  }
  return bytes;
}

}  // namespace

bool has_image_map_extension(const std::string& path) {
  const Format f = from_extension(path);
  return f != Format::Unknown && f != Format::Csv;
}

Map2D read_map(const std::string& path, const MapReadOptions& options) {
  if (options.pixel_size && !(std::isfinite(*options.pixel_size) && *options.pixel_size > 0.0)) {
    throw InputError(
        path, 0, fmt::format("pixel size {} Å; expected a positive number", *options.pixel_size));
  }
  if (options.page < 0) {
    throw InputError(path, 0, fmt::format("page {}; expected 0 or more", options.page));
  }
  const std::string bytes = read_bytes(path);
  const Format sniffed = sniff(bytes);
  const Format named = from_extension(path);
  // The signature wins over the name; a binary format's name without its signature is an error
  // that says which signature was missing.
  Format format = sniffed;
  if (format == Format::Unknown) {
    switch (named) {
      case Format::Tiff:
        throw InputError(path, 0, "not a TIFF file (expected it to start with II*\\0 or MM\\0*)");
      case Format::Png:
        throw InputError(path, 0, "not a PNG file (no PNG signature)");
      case Format::Pgm:
        throw InputError(path, 0, "not a PGM file (expected it to start with P2 or P5)");
      case Format::Npy:
        throw InputError(path, 0, "not a NumPy .npy file (no \\x93NUMPY signature)");
      case Format::Csv:
        format = Format::Csv;
        break;
      case Format::Unknown:
        throw InputError(path, 0,
                         "unknown map format; expected a .tif/.tiff, .png, .pgm, .npy or .csv "
                         "(.txt, .dat) file");
    }
  }
  if (format != Format::Tiff && options.page != 0) {
    throw InputError(path, 0,
                     fmt::format("page {} requested; only TIFF files hold more than one "
                                 "image",
                                 options.page));
  }
  Map2D map;
  switch (format) {
    case Format::Tiff:
      map = maps::decode_tiff(path, bytes, options);
      break;
    case Format::Png:
      map = maps::decode_png(path, bytes);
      break;
    case Format::Pgm:
      map = maps::decode_pgm(path, bytes);
      break;
    case Format::Npy:
      map = maps::decode_npy(path, bytes);
      break;
    case Format::Csv:
      map = maps::decode_csv(path, bytes);
      break;
    case Format::Unknown:
      break;  // handled above
  }
  maps::check_finite(map);
  if (options.pixel_size) map.pixel_size = *options.pixel_size;
  map.source = path;
  return map;
}

MapLoader map_loader() {
  return [](const std::string& path, const MapReadOptions& options) {
    return read_map(path, options);
  };
}

}  // namespace mgs::io
