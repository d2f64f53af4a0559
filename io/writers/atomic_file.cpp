#include "io/writers/atomic_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "engine/errors.hpp"

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

AtomicFile::~AtomicFile() { abort(); }

void AtomicFile::write(std::string_view data) {
  if (!file_) throw std::logic_error("write to a closed output file");
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    throw InputError(path_.string(), 0, fmt::format("write failed: {}", std::strerror(errno)));
  }
}

void AtomicFile::commit() {
  if (!file_) return;
  const bool ok = std::fflush(file_) == 0;
  std::fclose(file_);
  file_ = nullptr;
  if (!ok) {
    std::filesystem::remove(tmp_);
    throw InputError(path_.string(), 0, fmt::format("write failed: {}", std::strerror(errno)));
  }
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) {
    std::filesystem::remove(tmp_);
    throw InputError(path_.string(), 0, fmt::format("cannot rename output into place: {}", ec.message()));
  }
}

void AtomicFile::abort() noexcept {
  if (!file_) return;
  std::fclose(file_);
  file_ = nullptr;
  std::error_code ec;
  std::filesystem::remove(tmp_, ec);
}

}  // namespace mgs::io
