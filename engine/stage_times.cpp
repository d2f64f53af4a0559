#include "engine/stage_times.hpp"

#include <algorithm>

namespace mgs {

void StageTimes::add(const std::string& stage, double seconds) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const auto& e) { return e.first == stage; });
  if (it == entries_.end())
    entries_.emplace_back(stage, seconds);
  else
    it->second += seconds;
}

std::vector<std::pair<std::string, double>> StageTimes::entries() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return entries_;
}

}  // namespace mgs
