#include "engine/map2d.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace mgs {

GridField to_grid_field(const Map2D& map, std::string name, std::string unit, std::string doc) {
  if (map.nx < 1 || map.ny < 1 || map.values.size() != map.size()) {
    throw std::invalid_argument(fmt::format("map {}: {} x {} pixels with {} values", map.source,
                                            map.nx, map.ny, map.values.size()));
  }
  GridField g;
  g.name = std::move(name);
  g.unit = std::move(unit);
  g.doc = std::move(doc);
  g.dims = {map.nx, map.ny, 1};
  g.binned = {true, true, false};
  g.origin = Vec3::Zero();
  const double p = map.pixel_size > 0.0 ? map.pixel_size : 1.0;
  g.step = Mat3::Identity();
  g.step(0, 0) = p;
  g.step(1, 1) = p;
  g.values = map.values;
  return g;
}

Map2D map_from_grid_field(const GridField& field, std::string source) {
  const Mat3& s = field.step;
  const double p = s(0, 0);
  // Square pixels in the x-y plane: exactly what to_grid_field writes, up to rounding.
  const double tol = 1e-12 * std::abs(p);
  const bool square = p > 0.0 && std::abs(s(1, 1) - p) <= tol && std::abs(s(1, 0)) <= tol &&
                      std::abs(s(2, 0)) <= tol && std::abs(s(0, 1)) <= tol &&
                      std::abs(s(2, 1)) <= tol;
  if (field.dims[2] != 1 || field.dims[0] < 1 || field.dims[1] < 1 || !square) {
    throw std::invalid_argument(
        fmt::format("grid field {} ({} x {} x {}) is not a map of square pixels in the x-y plane",
                    field.name, field.dims[0], field.dims[1], field.dims[2]));
  }
  Map2D m;
  m.nx = field.dims[0];
  m.ny = field.dims[1];
  if (field.values.size() != m.size()) {
    throw std::invalid_argument(fmt::format("grid field {}: {} values for {} x {} points",
                                            field.name, field.values.size(), m.nx, m.ny));
  }
  m.pixel_size = p;
  m.values = field.values;
  m.source = std::move(source);
  return m;
}

Map2D image_from_grid(const GridField& field, std::string source) {
  std::vector<int> axes;
  for (int k = 0; k < 3; ++k) {
    if (field.dims[k] > 1) axes.push_back(k);
  }
  if (axes.size() != 2) {
    throw std::invalid_argument(fmt::format(
        "grid field {} ({} x {} x {}) is not a 2-D map: it needs exactly two axes with more "
        "than one bin",
        field.name, field.dims[0], field.dims[1], field.dims[2]));
  }
  const int a = axes[0], b = axes[1];
  Map2D m;
  m.nx = field.dims[a];
  m.ny = field.dims[b];
  m.pixel_size = std::sqrt(field.step.col(a).norm() * field.step.col(b).norm());
  m.source = std::move(source);
  m.values.resize(m.size());
  std::array<std::size_t, 3> stride{
      1, static_cast<std::size_t>(field.dims[0]),
      static_cast<std::size_t>(field.dims[0]) * static_cast<std::size_t>(field.dims[1])};
  for (int j = 0; j < m.ny; ++j) {
    for (int i = 0; i < m.nx; ++i) {
      const std::size_t from = static_cast<std::size_t>(i) * stride[a] +
                               static_cast<std::size_t>(m.ny - 1 - j) * stride[b];
      m.values[static_cast<std::size_t>(j) * static_cast<std::size_t>(m.nx) +
               static_cast<std::size_t>(i)] = field.values[from];
    }
  }
  return m;
}

}  // namespace mgs
