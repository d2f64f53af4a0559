#include "engine/frame.hpp"

#include <algorithm>

namespace mgs {

int Frame::max_type() const {
  return type.empty() ? 0 : *std::max_element(type.begin(), type.end());
}

const InputColumn* Frame::column(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace mgs
