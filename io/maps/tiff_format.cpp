#include "io/maps/tiff_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "io/text_scan.hpp"

namespace mgs::io::maps {

namespace {

constexpr std::string_view kMgscopeHeader = "mgscope map\npixel_size_angstrom=";

// The value of `key=` on a line of its own ("" when absent).
std::string_view line_value(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    if (line.starts_with(key) && line.size() > key.size() && line[key.size()] == '=') {
      return trim(line.substr(key.size() + 1));
    }
    pos = end + 1;
  }
  return {};
}

}  // namespace

std::optional<double> imagej_unit(const std::string& description) {
  if (!description.starts_with("ImageJ=")) return std::nullopt;
  const std::string_view u = line_value(description, "unit");
  // ImageJ writes µ as the escape "\u00B5"; other tools write it in UTF-8 (µ or μ).
  if (u == "A" || u == "Å" || u == "angstrom" || u == "\\u00C5") return 1.0;
  if (u == "pm") return 0.01;
  if (u == "nm" || u == "nanometer") return 10.0;
  if (u == "micron" || u == "microns" || u == "um" || u == "µm" || u == "μm" || u == "\\u00B5m") {
    return 1e4;
  }
  if (u == "mm") return 1e7;
  if (u == "cm") return 1e8;
  if (u == "m" || u == "meter") return 1e10;
  if (u == "inch") return 2.54e8;
  return std::nullopt;
}

std::string mgscope_description(double pixel_size) {
  return fmt::format("{}{}\n", kMgscopeHeader, pixel_size);  // shortest exact representation
}

std::optional<double> mgscope_pixel_size(const std::string& description) {
  if (!description.starts_with(kMgscopeHeader)) return std::nullopt;
  std::string_view rest = std::string_view(description).substr(kMgscopeHeader.size());
  rest = trim(rest.substr(0, rest.find('\n')));
  const auto v = to_double(rest);
  if (!v || !std::isfinite(*v) || *v <= 0.0) return std::nullopt;
  return v;
}

}  // namespace mgs::io::maps
