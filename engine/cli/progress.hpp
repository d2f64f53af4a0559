#pragma once
// A one-line progress bar on stderr: frames done/total, atoms per second, time left.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace mgs::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), start_(Clock::now()) {}

  void update(std::size_t done, std::size_t total, std::size_t atoms) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(atoms) / secs : 0.0;
    const double eta = done > 0 ? secs * static_cast<double>(total - done) / static_cast<double>(done) : 0.0;
    constexpr int kWidth = 30;
    const int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
    fmt::print(stderr, "\r[{:#<{}}{:<{}}] {}/{} frames  {:.3g} atoms/s  ETA {:02}:{:02}  ", "", filled,
               "", kWidth - filled, done, total, rate, static_cast<int>(eta) / 60,
               static_cast<int>(eta) % 60);
    std::fflush(stderr);
    shown_ = true;
  }

  void finish() {
    if (enabled_ && shown_) fmt::print(stderr, "\n");
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool shown_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

}  // namespace mgs::cli
