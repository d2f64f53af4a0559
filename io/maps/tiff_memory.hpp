#pragma once
// libtiff on a buffer in memory, with errors kept per open file instead of libtiff's process-wide
// handlers (which print to stderr): the reader decodes the bytes read_map loaded, the writer
// encodes into a string that goes to disk through AtomicFile like every other output.
#include <tiffio.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace mgs::io::maps {

// The messages libtiff reported for one TIFF* (TIFFOpenOptionsSetErrorHandlerExtR, libtiff 4.5).
struct TiffMessages {
  std::string name;   // the file's name, which libtiff gives as "module" of open errors
  std::string error;  // the last error, without that name (callers say it already)
};

// The memory a TIFF client reads or writes: reads see `view`; writes go to `out` (and `view`
// follows it, since libtiff may read back what it wrote).
struct TiffBuffer {
  std::string_view view;
  std::string* out = nullptr;
  std::uint64_t pos = 0;
};

// An open TIFF on a TiffBuffer; closes it on destruction. Throws std::runtime_error with
// libtiff's message when opening fails (the callers add the file name).
class TiffHandle {
 public:
  // mode "r" (reading `view`) or "w" (writing into `*out`).
  TiffHandle(TiffBuffer& buffer, const char* mode, const std::string& name);
  ~TiffHandle();
  TiffHandle(const TiffHandle&) = delete;
  TiffHandle& operator=(const TiffHandle&) = delete;

  TIFF* get() const { return tif_; }
  // libtiff's last error message ("" when none); reset by clear().
  const std::string& error() const { return messages_.error; }
  void clear() { messages_.error.clear(); }
  // Flushes and closes now (writers call it to get errors from the final write).
  void close();

 private:
  TiffMessages messages_;
  TIFF* tif_ = nullptr;
};

}  // namespace mgs::io::maps
