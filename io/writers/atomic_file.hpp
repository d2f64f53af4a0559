#pragma once
// An output file that appears only when complete: data goes to `path.tmp`, which is renamed over
// `path` on commit() and removed otherwise, so a failed run never leaves a half-written file and
// never destroys the output of an earlier run.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mgs::io {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  // Finishes writing: flushes and closes `path.tmp`, which stays until commit() renames it or
  // abort() removes it (so many files can wait for commit without an open descriptor each).
  void close();
  void commit();
  void abort() noexcept;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path tmp_;
  std::FILE* file_ = nullptr;
  bool closed_ = false;  // written and closed, not yet renamed
};

// Files that appear together: each is written and closed as it comes, and commit() renames
// them all, after every one was written; abort() removes every temporary file.
class AtomicFileSet {
 public:
  void add(const std::filesystem::path& path, std::string_view data);
  struct Parts {
    std::filesystem::path path;
    std::vector<std::string_view> parts;
  };
  // Several files at once, written concurrently: copying a frame's arrays into the page cache
  // is CPU work that one thread would do alone at the end of a run.
  void add_all(const std::vector<Parts>& files);
  void commit();
  void abort() noexcept;
  bool empty() const { return files_.empty(); }

 private:
  std::vector<std::unique_ptr<AtomicFile>> files_;
};

}  // namespace mgs::io
