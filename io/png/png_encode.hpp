#pragma once
// PNG encoding of an Image with libpng (8-bit RGB, no interlace), into memory so that the
// writers put it into a file through AtomicFile like every other output.
#include <string>

#include "io/png/image.hpp"

namespace mgs::io {

// The PNG file's bytes. `title` goes into a iTXt (UTF-8) "Title" chunk when not empty.
std::string encode_png(const Image& image, const std::string& title = {});

}  // namespace mgs::io
