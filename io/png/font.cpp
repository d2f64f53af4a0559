#include "io/png/font.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "engine/errors.hpp"

namespace mgs::io {

struct Font::Impl {
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  ~Impl() {
    if (face) FT_Done_Face(face);
    if (library) FT_Done_FreeType(library);
  }
};

std::string Font::default_path() {
  const char* env = std::getenv("MGS_FONT");
  return env && *env ? std::string(env) : std::string(kDefaultFont);
}

Font::Font(const std::string& path) : impl_(std::make_unique<Impl>()) {
  if (FT_Init_FreeType(&impl_->library) != 0) {
    throw std::runtime_error("FreeType: cannot initialise the library");
  }
  if (!std::filesystem::is_regular_file(path) ||
      FT_New_Face(impl_->library, path.c_str(), 0, &impl_->face) != 0) {
    throw InputError(path, 0,
                     "cannot load the font for png pictures: expected a TrueType font file "
                     "(install the Debian package fonts-dejavu-core, or set MGS_FONT to a .ttf)");
  }
}

Font::~Font() = default;

std::vector<char32_t> decode_utf8(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || (extra > 0 && i + static_cast<std::size_t>(extra) >= s.size())) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d >> 6) != 2) ok = false;
      cp = (cp << 6) | (d & 0x3F);
    }
    out.push_back(ok ? cp : char32_t{0xFFFD});
    i += ok ? static_cast<std::size_t>(extra) + 1 : 1;
  }
  return out;
}

TextMask Font::render(std::string_view utf8, int pixels) const {
  FT_Face face = impl_->face;
  FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(pixels));
  const int ascender = static_cast<int>((face->size->metrics.ascender + 63) >> 6);
  const int descender = static_cast<int>((-face->size->metrics.descender + 63) >> 6);
  struct Glyph {
    int x, top, w, h;
    std::vector<std::uint8_t> bits;
  };
  std::vector<Glyph> glyphs;
  long pen = 0;  // 26.6 fixed point
  FT_UInt previous = 0;
  int left = 0, right = 0;
  for (char32_t cp : decode_utf8(utf8)) {
    const FT_UInt index = FT_Get_Char_Index(face, cp);
    if (previous && index && FT_HAS_KERNING(face)) {
      FT_Vector k;
      FT_Get_Kerning(face, previous, index, FT_KERNING_DEFAULT, &k);
      pen += k.x;
    }
    previous = index;
    if (FT_Load_Glyph(face, index, FT_LOAD_RENDER) != 0) continue;
    const FT_GlyphSlot slot = face->glyph;
    const FT_Bitmap& bm = slot->bitmap;
    Glyph g{static_cast<int>((pen + 32) >> 6) + slot->bitmap_left,
            slot->bitmap_top,
            static_cast<int>(bm.width),
            static_cast<int>(bm.rows),
            {}};
    g.bits.resize(static_cast<std::size_t>(g.w) * static_cast<std::size_t>(g.h));
    for (int r = 0; r < g.h; ++r) {
      std::copy_n(bm.buffer + static_cast<std::ptrdiff_t>(r) * bm.pitch, g.w,
                  g.bits.begin() + static_cast<std::ptrdiff_t>(r) * g.w);
    }
    left = std::min(left, g.x);
    pen += slot->advance.x;
    right = std::max({right, g.x + g.w, static_cast<int>((pen + 63) >> 6)});
    glyphs.push_back(std::move(g));
  }
  TextMask m;
  m.width = right - left;
  m.height = ascender + descender;
  m.baseline = ascender;
  m.alpha.assign(static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.height), 0);
  for (const Glyph& g : glyphs) {
    for (int r = 0; r < g.h; ++r) {
      const int y = m.baseline - g.top + r;
      if (y < 0 || y >= m.height) continue;
      for (int c = 0; c < g.w; ++c) {
        const int x = g.x - left + c;
        auto& a = m.alpha[static_cast<std::size_t>(y) * static_cast<std::size_t>(m.width) +
                          static_cast<std::size_t>(x)];
        a = std::max(a, g.bits[static_cast<std::size_t>(r) * static_cast<std::size_t>(g.w) +
                               static_cast<std::size_t>(c)]);
      }
    }
  }
  return m;
}

int Font::draw(Image& image, std::string_view utf8, int pixels, int x, int y, HAlign h, VAlign v,
               Rgb color, bool vertical) const {
  const TextMask m = render(utf8, pixels);
  // The box as drawn: turned, the text's height runs along x and its width along y.
  const int bw = vertical ? m.height : m.width;
  const int bh = vertical ? m.width : m.height;
  const int x0 = h == HAlign::Left ? x : h == HAlign::Center ? x - bw / 2 : x - bw;
  const int y0 = v == VAlign::Top ? y : v == VAlign::Middle ? y - bh / 2 : y - bh;
  for (int r = 0; r < m.height; ++r) {
    for (int c = 0; c < m.width; ++c) {
      const double a = m.alpha[static_cast<std::size_t>(r) * static_cast<std::size_t>(m.width) +
                               static_cast<std::size_t>(c)] /
                       255.0;
      if (a <= 0) continue;
      if (vertical) {
        image.blend(x0 + r, y0 + (m.width - 1 - c), color, a);
      } else {
        image.blend(x0 + c, y0 + r, color, a);
      }
    }
  }
  return bw;
}

}  // namespace mgs::io
