#pragma once
// An output file that appears only when complete: data goes to `path.tmp`, which is renamed over
// `path` on commit() and removed otherwise, so a failed run never leaves a half-written file and
// never destroys the output of an earlier run.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace mgs::io {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void commit();
  void abort() noexcept;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path tmp_;
  std::FILE* file_ = nullptr;
};

}  // namespace mgs::io
