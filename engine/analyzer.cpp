#include "engine/analyzer.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>

#include "engine/errors.hpp"

namespace mgs {

std::string FrameContext::element_of(int type) const {
  const auto t = static_cast<std::size_t>(type);
  if (t < frame_.type_names.size() && !frame_.type_names[t].empty()) return frame_.type_names[t];
  if (t < types_.size() && !types_[t].element.empty()) return types_[t].element;
  return "";
}

const CellList& FrameContext::cells() const {
  if (!cells_) throw std::logic_error("cell list used without declaring it in needs()");
  return *cells_;
}

const NeighborList& FrameContext::neighbors() const {
  if (!neighbors_) throw std::logic_error("neighbor list used without declaring it in needs()");
  return *neighbors_;
}

const Tessellation& FrameContext::voronoi(const VoronoiOptions& options) const {
  // One built with faces also serves a request without them (see compute_frame).
  for (const Tessellation* t : voronoi_) {
    VoronoiOptions asked = options;
    asked.store_faces = t->options.store_faces;
    if (t->options == asked && (t->options.store_faces || !options.store_faces)) return *t;
  }
  throw std::logic_error("Voronoi tessellation used without declaring it in needs()");
}

const CellList& ReferenceView::cells() const {
  if (!reference.cells) {
    throw std::logic_error("reference cell list used without declaring it in needs()");
  }
  return *reference.cells;
}

const Tessellation& ReferenceView::voronoi(const VoronoiOptions& options) const {
  for (const Tessellation& t : reference.tessellations) {
    if (t.options == options) return t;
  }
  throw std::logic_error("reference tessellation used without declaring it in needs()");
}

ReferenceView FrameContext::reference(const ReferenceSpec& spec) const {
  if (references_) {
    for (const auto& [s, r] : *references_) {
      if (s == spec) return ReferenceView{*r};
    }
  }
  throw std::logic_error("reference used without declaring it in needs()");
}

std::optional<std::string> FrameContext::field_unit(const std::string& column) const {
  if (earlier_) {
    for (const auto& r : *earlier_) {
      for (const auto& f : r.result.fields) {
        if (!f.is_text() && !f.is_private() && r.label + "_" + f.name == column) return f.unit;
      }
    }
  }
  if (frame_.column(column)) return std::string();
  return std::nullopt;
}

std::optional<std::vector<double>> FrameContext::field(const std::string& column) const {
  if (earlier_) {
    for (const auto& r : *earlier_) {
      for (const auto& f : r.result.fields) {
        if (f.is_text() || f.is_private() || r.label + "_" + f.name != column) continue;
        std::vector<double> v(f.size());
        for (std::size_t i = 0; i < v.size(); ++i) v[i] = f.as_double(i);
        return v;
      }
    }
  }
  if (const InputColumn* c = frame_.column(column)) return c->values;
  return std::nullopt;
}

const GridField* FrameContext::grid(const std::string& name) const {
  if (!earlier_) return nullptr;
  for (const auto& r : *earlier_) {
    for (const auto& g : r.result.grids) {
      if (r.label + "_" + g.name == name) return &g;
    }
  }
  return nullptr;
}

std::vector<std::string> FrameContext::grid_names() const {
  std::vector<std::string> names;
  if (!earlier_) return names;
  for (const auto& r : *earlier_) {
    for (const auto& g : r.result.grids) names.push_back(r.label + "_" + g.name);
  }
  return names;
}

std::vector<std::string> FrameContext::field_names() const {
  std::vector<std::string> names;
  if (earlier_) {
    for (const auto& r : *earlier_) {
      for (const auto& f : r.result.fields) {
        if (!f.is_text() && !f.is_private()) names.push_back(r.label + "_" + f.name);
      }
    }
  }
  for (const auto& c : frame_.columns) names.push_back(c.name);
  return names;
}

std::vector<double> require_field(const FrameContext& context, const std::string& column,
                                  const std::string& json_path) {
  if (auto v = context.field(column)) return std::move(*v);
  const auto names = context.field_names();
  throw ConfigError(json_path,
                    fmt::format("no per-atom field \"{}\": expected the output column of an "
                                "analyzer listed before this one, or an input column{}",
                                column,
                                names.empty() ? std::string(" (there are none)")
                                              : fmt::format(" ({})", fmt::join(names, ", "))));
}

}  // namespace mgs
