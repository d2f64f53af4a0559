#pragma once
// What per-atom writers share: the list of output columns of a frame and fast, parallel,
// deterministic text formatting of rows.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "engine/parallel.hpp"
#include "engine/pipeline.hpp"

namespace mgs::io {

// One output column: an analyzer field, or a per-atom column carried over from the input
// (e.g. c_pe), under its input name.
struct OutputColumn {
  std::string name;  // "<label>_<field>", e.g. voronoi_volume
  const PerAtomField* field;
  const std::vector<double>* input;

  bool is_text() const { return field && field->is_text(); }
  // The value as text, unquoted (writers that need quoting do it themselves).
  void append(fmt::memory_buffer& out, std::size_t i) const;
};

// Input columns first, then every analyzer field, in analyzer order. With `only` not empty, just
// those names (in that order); an unknown name throws ConfigError listing the available ones.
std::vector<OutputColumn> field_columns(const FrameRecord& record,
                                        const std::vector<std::string>& only = {});

// The numeric columns of field_columns(record, only); a text column asked for by name is a
// ConfigError (naming `format`) rather than a silent gap.
std::vector<OutputColumn> numeric_columns(const FrameRecord& record,
                                          const std::vector<std::string>& only,
                                          const std::string& format);

// Shortest representation that reads back to the same double; integers without a point.
inline void append_number(fmt::memory_buffer& out, double v) { fmt::format_to(std::back_inserter(out), "{}", v); }
inline void append_field(fmt::memory_buffer& out, const PerAtomField& f, std::size_t i) {
  if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&f.values)) {
    fmt::format_to(std::back_inserter(out), "{}", (*ints)[i]);
  } else if (const auto* text = std::get_if<std::vector<std::string>>(&f.values)) {
    out.append((*text)[i]);
  } else {
    append_number(out, std::get<std::vector<double>>(f.values)[i]);
  }
}

inline void OutputColumn::append(fmt::memory_buffer& out, std::size_t i) const {
  if (field) append_field(out, *field, i);
  else append_number(out, (*input)[i]);
}

// Formats rows [0, n) with row(i, buffer) in fixed blocks, concurrently, and joins them in order.
template <class Row>
std::string format_rows(std::size_t n, Row&& row) {
  constexpr std::size_t kBlock = 4096;
  std::vector<std::string> parts((n + kBlock - 1) / kBlock);
  parallel::for_blocks(
      n,
      [&](std::size_t b, std::size_t e) {
        fmt::memory_buffer buf;
        for (std::size_t i = b; i < e; ++i) row(i, buf);
        parts[b / kBlock] = fmt::to_string(buf);
      },
      kBlock);
  std::size_t total = 0;
  for (const auto& p : parts) total += p.size();
  std::string out;
  out.reserve(total);
  for (const auto& p : parts) out += p;
  return out;
}

}  // namespace mgs::io
