#include "io/png/png_encode.hpp"

#include <png.h>

#include <csetjmp>
#include <stdexcept>
#include <vector>

namespace mgs::io {

namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t size) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), size);
}

void no_flush(png_structp) {}

// The message goes to a buffer owned by encode_png, then control returns to its setjmp.
[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  auto* text = static_cast<std::string*>(png_get_error_ptr(png));
  if (text) *text = message;
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

// Owns the libpng write structures (png_destroy_write_struct in every exit path).
struct PngWriter {
  png_structp png = nullptr;
  png_infop info = nullptr;
  explicit PngWriter(std::string* error) {
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, error, on_error, on_warning);
    if (!png) throw std::runtime_error("libpng: cannot create a write structure");
    info = png_create_info_struct(png);
    if (!info) {
      png_destroy_write_struct(&png, nullptr);
      throw std::runtime_error("libpng: cannot create an info structure");
    }
  }
  ~PngWriter() { png_destroy_write_struct(&png, &info); }
  PngWriter(const PngWriter&) = delete;
  PngWriter& operator=(const PngWriter&) = delete;
};

}  // namespace

// libpng reports errors by longjmp to the setjmp below; every C++ object lives in this frame and
// is built before it, so the jump skips no destructor. PngWriter frees the libpng structures.
std::string encode_png(const Image& image, const std::string& title) {
  std::string out;
  std::string error;
  PngWriter w(&error);
  std::string key = "Title";
  std::string text = title;
  png_text chunk{};
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.height()));
  const auto* data = image.bytes().data();
  for (std::size_t y = 0; y < rows.size(); ++y) {
    rows[y] = const_cast<png_bytep>(data + y * static_cast<std::size_t>(image.width()) * 3);
  }
  if (setjmp(png_jmpbuf(w.png))) throw std::runtime_error("libpng: " + error);
  png_set_write_fn(w.png, &out, append_bytes, no_flush);
  png_set_IHDR(w.png, w.info, static_cast<png_uint_32>(image.width()),
               static_cast<png_uint_32>(image.height()), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!title.empty()) {
    chunk.compression = PNG_ITXT_COMPRESSION_NONE;  // iTXt: UTF-8 text
    chunk.key = key.data();
    chunk.text = text.data();
    chunk.itxt_length = text.size();
    png_set_text(w.png, w.info, &chunk, 1);
  }
  png_set_rows(w.png, w.info, rows.data());
  png_write_png(w.png, w.info, PNG_TRANSFORM_IDENTITY, nullptr);
  return out;
}

}  // namespace mgs::io
