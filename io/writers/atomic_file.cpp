#include "io/writers/atomic_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"

namespace mgs::io {

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  tmp_ = path_;
  tmp_ += ".tmp";
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  if (std::filesystem::is_directory(path_)) {
    throw InputError(path_.string(), 0, "output path is a directory; expected a file name");
  }
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (!file_) {
    throw InputError(path_.string(), 0,
                     fmt::format("cannot create output file: {}", std::strerror(errno)));
  }
  // Large buffer: writers hand over whole frames.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::~AtomicFile() {
  abort();
}

void AtomicFile::write(std::string_view data) {
  if (!file_) throw std::logic_error("write to a closed output file");
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    throw InputError(path_.string(), 0, fmt::format("write failed: {}", std::strerror(errno)));
  }
}

void AtomicFile::close() {
  if (!file_) return;
  const bool ok = std::fflush(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok || !closed) {
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);
    throw InputError(path_.string(), 0, fmt::format("write failed: {}", std::strerror(errno)));
  }
  closed_ = true;
}

void AtomicFile::commit() {
  if (!file_ && !closed_) return;
  close();
  closed_ = false;
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) {
    std::filesystem::remove(tmp_);
    throw InputError(path_.string(), 0,
                     fmt::format("cannot rename output into place: {}", ec.message()));
  }
}

void AtomicFile::abort() noexcept {
  if (!file_ && !closed_) return;
  if (file_) std::fclose(file_);
  file_ = nullptr;
  closed_ = false;
  std::error_code ec;
  std::filesystem::remove(tmp_, ec);
}

void AtomicFileSet::add(const std::filesystem::path& path, std::string_view data) {
  files_.push_back(std::make_unique<AtomicFile>(path));
  files_.back()->write(data);
  files_.back()->close();
}

void AtomicFileSet::add_all(const std::vector<Parts>& files) {
  // On an error the files made so far are destroyed here, which removes them.
  std::vector<std::unique_ptr<AtomicFile>> made(files.size());
  parallel::for_each_index(
      files.size(),
      [&](std::size_t k) {
        made[k] = std::make_unique<AtomicFile>(files[k].path);
        for (const std::string_view part : files[k].parts) made[k]->write(part);
        made[k]->close();
      },
      1);
  for (auto& f : made) files_.push_back(std::move(f));
}

void AtomicFileSet::commit() {
  for (auto& f : files_) f->commit();
  files_.clear();
}

void AtomicFileSet::abort() noexcept {
  for (auto& f : files_) f->abort();
  files_.clear();
}

}  // namespace mgs::io
