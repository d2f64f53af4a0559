#pragma once
// Wall time spent in each stage of a run (parsing, the neighbor and Voronoi services, each
// analyzer, formatting and writing outputs), summed over frames: what `mgscope run --timings`
// prints, and how the benchmarks tell an analyzer's cost from the services it reuses. Kept out
// of the run summary, whose bytes must not depend on the machine or the thread count.
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mgs {

class StageTimes {
 public:
  // Thread-safe: frames in flight add concurrently.
  void add(const std::string& stage, double seconds);
  // (stage, seconds) in the order the stages were first seen.
  std::vector<std::pair<std::string, double>> entries() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, double>> entries_;
};

// Adds the wall time from construction to destruction to `times` (if not null) under `stage`.
class StageTimer {
 public:
  StageTimer(StageTimes* times, std::string stage)
      : times_(times), stage_(std::move(stage)), start_(std::chrono::steady_clock::now()) {}
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;
  ~StageTimer() {
    if (times_) {
      times_->add(stage_,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
  }

 private:
  StageTimes* times_;
  std::string stage_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace mgs
