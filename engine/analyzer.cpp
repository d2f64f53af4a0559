#include "engine/analyzer.hpp"

#include <stdexcept>

namespace mgs {

const NeighborList& FrameContext::neighbors() const {
  if (!neighbors_) throw std::logic_error("neighbor list used without declaring it in needs()");
  return *neighbors_;
}

const Tessellation& FrameContext::voronoi(const VoronoiOptions& options) const {
  for (const Tessellation* t : voronoi_) {
    if (t->options == options) return *t;
  }
  throw std::logic_error("Voronoi tessellation used without declaring it in needs()");
}

}  // namespace mgs
