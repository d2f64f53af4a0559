#include "engine/analyzer.hpp"

#include <stdexcept>

namespace mgs {

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

}  // namespace mgs
