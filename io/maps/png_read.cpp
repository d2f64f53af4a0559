// Grayscale PNG maps through libpng: 1 to 16-bit gray, values unchanged (a 16-bit file gives
// 0..65535). Colour images are rejected rather than turned into luminance: microscope maps saved
// in colour are false-colour renderings, and the luminance of a colour map is not the measured
// quantity. A gray + alpha image keeps its gray channel. The pixel size comes from pHYs in
// pixels per metre (when square).
#include <png.h>

#include <fmt/format.h>

#include <csetjmp>
#include <cstring>
#include <vector>

#include "engine/errors.hpp"
#include "io/maps/map_formats.hpp"

namespace mgs::io::maps {

namespace {

struct Source {
  std::string_view bytes;
  std::size_t pos = 0;
  std::string error;  // libpng's message
};

void read_bytes(png_structp png, png_bytep out, png_size_t n) {
  auto* s = static_cast<Source*>(png_get_io_ptr(png));
  if (n > s->bytes.size() - s->pos) png_error(png, "the file ends early (truncated)");
  std::memcpy(out, s->bytes.data() + s->pos, n);
  s->pos += n;
}

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  auto* s = static_cast<Source*>(png_get_error_ptr(png));
  s->error = message;
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

// Owns the libpng read structures.
struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  explicit PngReader(Source* source) {
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, on_error, on_warning);
    if (png) info = png_create_info_struct(png);
    if (!png || !info) {
      png_destroy_read_struct(&png, &info, nullptr);
      throw std::runtime_error("libpng: cannot create a read structure");
    }
    png_set_read_fn(png, source, read_bytes);
  }
  ~PngReader() { png_destroy_read_struct(&png, &info, nullptr); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;
};

struct Header {
  png_uint_32 width = 0, height = 0, x_per_metre = 0, y_per_metre = 0;
  int depth = 0, color = 0, phys_unit = -1;
};

// libpng reports errors by longjmp to the setjmp of the function that called it: these two
// functions hold no C++ object, so the jump skips no destructor.
bool read_header(png_structp png, png_infop info, Header* h) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_user_limits(png, static_cast<png_uint_32>(kMaxSide), static_cast<png_uint_32>(kMaxSide));
  png_read_info(png, info);
  int interlace = 0;
  png_get_IHDR(png, info, &h->width, &h->height, &h->depth, &h->color, &interlace, nullptr,
               nullptr);
  if (png_get_valid(png, info, PNG_INFO_pHYs)) {
    png_get_pHYs(png, info, &h->x_per_metre, &h->y_per_metre, &h->phys_unit);
  }
  return true;
}

bool read_pixels(png_structp png, png_infop info, png_bytepp rows, std::size_t row_bytes) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_set_packing(png);  // 1, 2, 4-bit gray to one byte each, values unchanged
  if (png_get_color_type(png, info) == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_strip_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_rowbytes(png, info) != row_bytes) png_error(png, "unexpected row size");
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  return true;
}

}  // namespace

Map2D decode_png(const std::string& path, std::string_view bytes) {
  Source source;
  source.bytes = bytes;
  PngReader r(&source);
  auto fail = [&](const std::string& what) -> InputError {
    return InputError(path, 0,
                      source.error.empty() ? what : fmt::format("{} ({})", what, source.error));
  };
  Header h;
  if (!read_header(r.png, r.info, &h)) throw fail("not a readable PNG file");
  if (h.color != PNG_COLOR_TYPE_GRAY && h.color != PNG_COLOR_TYPE_GRAY_ALPHA) {
    throw InputError(path, 0,
                     "a colour PNG; expected a grayscale image (colour maps are renderings: "
                     "export the measured values as grayscale, TIFF or npy)");
  }
  Map2D map = blank_map(path, h.width, h.height);
  const std::size_t bytes_per_sample = h.depth == 16 ? 2 : 1;
  const std::size_t row_bytes = static_cast<std::size_t>(h.width) * bytes_per_sample;
  std::vector<unsigned char> pixels(row_bytes * h.height);
  std::vector<png_bytep> rows(h.height);
  for (std::size_t y = 0; y < rows.size(); ++y) rows[y] = pixels.data() + y * row_bytes;
  if (!read_pixels(r.png, r.info, rows.data(), row_bytes)) throw fail("cannot read the PNG pixels");
  for (std::size_t k = 0; k < map.values.size(); ++k) {
    const unsigned char* p = pixels.data() + k * bytes_per_sample;
    map.values[k] = bytes_per_sample == 2 ? (p[0] << 8) | p[1] : p[0];  // PNG is big-endian
  }
  // Non-square pixels (x and y densities differ) leave the size unknown: it must be given.
  if (h.phys_unit == PNG_RESOLUTION_METER && h.x_per_metre > 0 && h.y_per_metre == h.x_per_metre) {
    map.pixel_size = 1e10 / h.x_per_metre;
  }
  return map;
}

}  // namespace mgs::io::maps
