#pragma once
// Random access to the text of a (possibly gzip-compressed) file. Plain files are memory-mapped
// and handed out as views without copying; gzip files are decompressed on demand, forward only
// when read in order.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mgs::io {

class TextSource {
 public:
  virtual ~TextSource() = default;
  // Opens `path`, recognising gzip by its magic bytes. Throws InputError if unreadable.
  static std::unique_ptr<TextSource> open(const std::string& path);

  const std::string& path() const { return path_; }
  // Total length of the (uncompressed) text, known after scan() for gzip files.
  virtual bool compressed() const = 0;
  // Calls `chunk(text, offset)` on consecutive pieces of the whole text, in order. Pieces end
  // anywhere (not necessarily at line ends).
  virtual void scan(const std::function<void(std::string_view, std::uint64_t)>& chunk) = 0;
  // The bytes [offset, offset + length). The view stays valid until the next read() when the
  // data had to be copied into `buffer`; for mapped files it points into the mapping.
  virtual std::string_view read(std::uint64_t offset, std::uint64_t length, std::string& buffer) = 0;
  // The bytes [offset, offset + length) are not needed any more: a mapped file drops their
  // pages from memory (they are read from the file again if asked for), so a run over a long
  // trajectory does not keep every frame it has read resident. Safe to call concurrently.
  virtual void release(std::uint64_t /*offset*/, std::uint64_t /*length*/) {}

 protected:
  explicit TextSource(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

}  // namespace mgs::io
