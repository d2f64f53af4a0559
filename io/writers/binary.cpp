#include "io/writers/binary.hpp"

namespace mgs::io {

std::vector<double> column_as_double(const OutputColumn& c, std::size_t n) {
  if (c.input) return *c.input;
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = c.field->as_double(i);
  return v;
}

std::string npy_header(const std::string& descr, const std::vector<std::size_t>& shape,
                       bool fortran_order) {
  std::string dims;
  for (std::size_t s : shape) dims += fmt::format("{}, ", s);
  if (shape.size() > 1)
    dims.resize(dims.size() - 2);  // (n,) keeps its comma
  else if (!dims.empty())
    dims.pop_back();
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': {}, 'shape': ({}), }}", descr,
                                   fortran_order ? "True" : "False", dims);
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of
  // 64 bytes and ended by a newline.
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out.push_back(static_cast<char>(len & 0xff));
  out.push_back(static_cast<char>(len >> 8));
  out += header;
  return out;
}

std::string npy_file(const std::string& descr, const std::vector<std::size_t>& shape,
                     bool fortran_order, const std::string& data) {
  return npy_header(descr, shape, fortran_order) + data;
}

std::vector<std::size_t> grid_shape(const GridField& g) {
  std::vector<std::size_t> shape;
  for (int k = 0; k < 3; ++k) {
    if (g.binned[k]) shape.push_back(static_cast<std::size_t>(g.dims[k]));
  }
  if (shape.empty()) shape.push_back(g.values.size());
  return shape;
}

}  // namespace mgs::io
