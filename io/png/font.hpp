#pragma once
// Text for the png pictures, rendered by FreeType from the DejaVu Sans font (a well-kept library
// and font rather than hand-drawn glyphs: any Unicode the font has, Å ² ν ξ included, hinted and
// anti-aliased). The font file is $MGS_FONT when set, else kDefaultFont.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/png/image.hpp"

namespace mgs::io {

inline constexpr const char* kDefaultFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// A line of text as coverage (0..255 per pixel), `baseline` rows below its top.
struct TextMask {
  int width = 0;
  int height = 0;
  int baseline = 0;
  std::vector<std::uint8_t> alpha;  // row by row
};

enum class HAlign { Left, Center, Right };
enum class VAlign { Top, Middle, Bottom };

class Font {
 public:
  // $MGS_FONT or kDefaultFont; throws InputError naming the file (and what to install) when it
  // cannot be loaded.
  static std::string default_path();
  explicit Font(const std::string& path = default_path());
  ~Font();
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;

  // One line of UTF-8 text at `pixels` (em size in pixels). Characters the font lacks are
  // drawn as its missing-glyph box.
  TextMask render(std::string_view utf8, int pixels) const;

  // Draws `utf8` with its box aligned at (x, y); `vertical` turns it 90° counter-clockwise
  // (reading upwards, for y-axis labels), aligning the turned box. Returns the box width drawn.
  int draw(Image& image, std::string_view utf8, int pixels, int x, int y, HAlign h, VAlign v,
           Rgb color = kBlack, bool vertical = false) const;
  int width(std::string_view utf8, int pixels) const { return render(utf8, pixels).width; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// UTF-8 to code points (malformed bytes become U+FFFD).
std::vector<char32_t> decode_utf8(std::string_view s);

}  // namespace mgs::io
