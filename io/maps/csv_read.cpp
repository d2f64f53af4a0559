// CSV maps: one image row per line (top row first), values separated by commas and/or blanks,
// '#' comment lines and blank lines skipped; every row has the same number of values.
#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "engine/errors.hpp"
#include "io/maps/map_formats.hpp"
#include "io/text_scan.hpp"

namespace mgs::io::maps {

namespace {

// The fields of a line: split at commas, then at blanks inside each comma field ("1, 2" and
// "1 2" are both two values). An empty comma field ("1,,2", a trailing ",") is an error.
bool fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  const bool commas = line.find(',') != std::string_view::npos;
  while (true) {
    const std::size_t end = std::min(line.find(',', pos), line.size());
    split(line.substr(pos, end - pos), words);
    if (commas && words.empty()) return false;
    out.insert(out.end(), words.begin(), words.end());
    if (end == line.size()) return true;
    pos = end + 1;
  }
}

}  // namespace

Map2D decode_csv(const std::string& path, std::string_view bytes) {
  std::vector<double> values;
  std::size_t nx = 0, ny = 0;
  std::int64_t first_row_line = 0;
  std::vector<std::string_view> f;
  std::size_t pos = 0;
  std::int64_t line_no = 0;
  while (pos < bytes.size()) {
    const std::size_t end = std::min(bytes.find('\n', pos), bytes.size());
    const std::string_view line = trim(bytes.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (!fields(line, f)) {
      throw InputError(path, line_no, "empty field between commas; expected a number in each");
    }
    if (ny == 0) {
      nx = f.size();
      first_row_line = line_no;
      check_size(path, nx, 1);
    } else if (f.size() != nx) {
      throw InputError(path, line_no,
                       fmt::format("{} values; expected {} like the first row (line {}): all "
                                   "rows of a map have the same length",
                                   f.size(), nx, first_row_line));
    }
    ++ny;
    check_size(path, nx, ny);
    for (std::size_t i = 0; i < f.size(); ++i) {
      const auto v = to_double(f[i]);
      if (!v) {
        throw InputError(path, line_no,
                         fmt::format("column {}: expected a number, got {}", i + 1, quote(f[i])));
      }
      if (!std::isfinite(*v)) {
        throw InputError(
            path, line_no,
            fmt::format("column {}: {} is not finite; expected finite values", i + 1, quote(f[i])));
      }
      values.push_back(*v);
    }
  }
  if (ny == 0) throw InputError(path, 0, "no rows of numbers; expected a map as CSV");
  Map2D map = blank_map(path, nx, ny);
  map.values = std::move(values);
  return map;
}

}  // namespace mgs::io::maps
