#pragma once
// Little-endian binary arrays for the npy and VTK XML writers, and the file names they share.
#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engine/pipeline.hpp"
#include "io/writers/columns.hpp"

namespace mgs::io {

static_assert(std::endian::native == std::endian::little,
              "the npy and VTK writers write the host's bytes as little-endian");

template <class T>
void append_bytes(std::string& out, const T* data, std::size_t n) {
  const std::size_t at = out.size();
  out.resize(at + n * sizeof(T));
  if (n) std::memcpy(out.data() + at, data, n * sizeof(T));
}

// The values of an output column as doubles (int fields convert exactly up to 2^53).
std::vector<double> column_as_double(const OutputColumn& c, std::size_t n);

// Frame tag in per-frame file names: the frame's index in the selected sequence, six digits
// ("000012"), or "final" for the results of the whole run.
inline std::string frame_tag(const FrameRecord& rec) {
  return rec.final ? std::string("final") : fmt::format("{:06}", rec.info.index);
}

// The header of a NumPy .npy file (format 1.0): `descr` such as "<f8", `shape` as given. With
// fortran_order the first index varies fastest in the data that follows it.
std::string npy_header(const std::string& descr, const std::vector<std::size_t>& shape,
                       bool fortran_order);
// A whole .npy file: the header, then `data`.
std::string npy_file(const std::string& descr, const std::vector<std::size_t>& shape,
                     bool fortran_order, const std::string& data);

// The bytes of n values, to write as they are stored.
template <class T>
std::string_view raw_bytes(const T* data, std::size_t n) {
  return {reinterpret_cast<const char*>(data), n * sizeof(T)};
}

// The shape of a grid field as the npy output writes it: the binned cell axes in order a, b, c
// (fortran order, so arr[i, j, k] is bin (i, j, k)); a 3-D grid is (na, nb, nc), a map in the
// a-b plane (na, nb), a profile along c (nc,).
std::vector<std::size_t> grid_shape(const GridField& g);

}  // namespace mgs::io
