#include "io/text_source.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "engine/errors.hpp"

namespace mgs::io {

namespace {

class MappedSource final : public TextSource {
 public:
  MappedSource(std::string path, int fd, std::size_t size)
      : TextSource(std::move(path)), size_(size) {
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        throw InputError(this->path(), 0, fmt::format("cannot map file: {}", std::strerror(err)));
      }
      data_ = static_cast<const char*>(p);
      ::madvise(p, size_, MADV_SEQUENTIAL);
    }
    ::close(fd);
  }
  ~MappedSource() override {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  bool compressed() const override { return false; }
  void scan(const std::function<void(std::string_view, std::uint64_t)>& chunk) override {
    // In windows, each dropped once scanned: the index needs the whole file once, and a
    // multi-gigabyte trajectory must not stay resident (frames are read again one by one).
    constexpr std::uint64_t kWindow = 32u << 20;
    for (std::uint64_t offset = 0; offset < size_; offset += kWindow) {
      const std::uint64_t length = std::min<std::uint64_t>(kWindow, size_ - offset);
      chunk(std::string_view(data_ + offset, length), offset);
      release(offset, length);
    }
  }
  void release(std::uint64_t offset, std::uint64_t length) override {
    // Whole pages inside the range only: pages at its ends may hold a neighbor frame's text.
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t begin = (offset + page - 1) / page * page;
    const std::uint64_t end = std::min<std::uint64_t>(offset + length, size_) / page * page;
    if (end > begin) ::madvise(const_cast<char*>(data_) + begin, end - begin, MADV_DONTNEED);
  }
  std::string_view read(std::uint64_t offset, std::uint64_t length, std::string&) override {
    if (offset + length > size_) {
      throw InputError(path(), 0, "the file changed size while it was being read");
    }
    return {data_ + offset, length};
  }

 private:
  const char* data_ = nullptr;
  std::size_t size_;
};

class GzipSource final : public TextSource {
 public:
  explicit GzipSource(std::string path) : TextSource(std::move(path)) { reopen(); }
  ~GzipSource() override {
    if (gz_) gzclose(gz_);
  }
  bool compressed() const override { return true; }

  void scan(const std::function<void(std::string_view, std::uint64_t)>& chunk) override {
    reopen();
    std::vector<char> buf(1 << 22);
    std::uint64_t offset = 0;
    while (true) {
      const int n = gzread(gz_, buf.data(), static_cast<unsigned>(buf.size()));
      if (n < 0) fail();
      if (n == 0) {
        check_clean_end();
        break;
      }
      try {
        chunk(std::string_view(buf.data(), static_cast<std::size_t>(n)), offset);
      } catch (const InputError&) {
        // Corrupt compressed data can decompress to garbage before zlib notices (at the latest
        // at the CRC check at the end); then the gzip error is the one to report.
        check_rest();
        throw;
      }
      offset += static_cast<std::uint64_t>(n);
    }
    reopen();
  }

  std::string_view read(std::uint64_t offset, std::uint64_t length, std::string& buffer) override {
    if (offset < position_) reopen();
    // Skip forward by decompressing; zlib's gzseek does the same for files open for reading.
    if (offset > position_) {
      if (gzseek(gz_, static_cast<z_off_t>(offset), SEEK_SET) < 0) fail();
      position_ = offset;
    }
    buffer.resize(length);
    std::uint64_t got = 0;
    while (got < length) {
      const auto want = static_cast<unsigned>(std::min<std::uint64_t>(length - got, 1u << 30));
      const int n = gzread(gz_, buffer.data() + got, want);
      if (n < 0) fail();
      if (n == 0) throw InputError(path(), 0, "compressed data ends early (truncated gzip file)");
      got += static_cast<std::uint64_t>(n);
    }
    position_ += length;
    return buffer;
  }

 private:
  void reopen() {
    if (gz_) gzclose(gz_);
    gz_ = gzopen(path().c_str(), "rb");
    if (!gz_) throw InputError(path(), 0, "cannot open gzip file");
    gzbuffer(gz_, 1 << 20);
    position_ = 0;
  }
  // zlib's error text without the "path: " prefix it adds.
  std::string zlib_message(int& code) const {
    const char* msg = gzerror(gz_, &code);
    std::string_view m = msg && *msg ? msg : "unknown error";
    const std::string prefix = path() + ": ";
    if (m.substr(0, prefix.size()) == prefix) m.remove_prefix(prefix.size());
    return std::string(m);
  }
  [[noreturn]] void fail() {
    int code = 0;
    const std::string msg = zlib_message(code);
    throw InputError(path(), 0, fmt::format("corrupt gzip data: {}", msg));
  }
  // Decompresses the rest of the stream and throws if it is corrupt or truncated.
  void check_rest() {
    std::vector<char> buf(1 << 20);
    int n = 0;
    while ((n = gzread(gz_, buf.data(), static_cast<unsigned>(buf.size()))) > 0) {
    }
    if (n < 0) fail();
    check_clean_end();
  }
  void check_clean_end() {
    int code = 0;
    const std::string msg = zlib_message(code);
    // zlib reports a stream cut short as Z_BUF_ERROR at the end of input.
    if (code == Z_BUF_ERROR) {
      throw InputError(
          path(), 0, fmt::format("truncated gzip file: the compressed data ends early ({})", msg));
    }
    if (code != Z_OK && code != Z_STREAM_END) {
      throw InputError(path(), 0, fmt::format("corrupt or truncated gzip data: {}", msg));
    }
  }

  gzFile gz_ = nullptr;
  std::uint64_t position_ = 0;
};

}  // namespace

std::unique_ptr<TextSource> TextSource::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw InputError(path, 0, fmt::format("cannot open: {}", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const bool dir = S_ISDIR(st.st_mode);
    ::close(fd);
    throw InputError(path, 0, dir ? "expected a file, got a directory" : "expected a regular file");
  }
  unsigned char magic[2] = {0, 0};
  const ssize_t got = ::pread(fd, magic, 2, 0);
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    ::close(fd);
    return std::make_unique<GzipSource>(path);
  }
  return std::make_unique<MappedSource>(path, fd, static_cast<std::size_t>(st.st_size));
}

}  // namespace mgs::io
