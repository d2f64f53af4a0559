#include "io/maps/tiff_memory.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace mgs::io::maps {

namespace {

// libtiff allocations of one buffer beyond this come from damaged headers (strip sizes of GBs).
constexpr tmsize_t kMaxTiffAlloc = tmsize_t{1} << 31;

int keep_error(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
  char text[512];
  std::vsnprintf(text, sizeof text, fmt, ap);
  auto* m = static_cast<TiffMessages*>(user);
  const bool named = module && *module && module != m->name;
  m->error = named ? std::string(module) + ": " + text : std::string(text);
  return 1;  // handled: libtiff does not call the process-wide handler
}

int drop_warning(TIFF*, void*, const char*, const char*, va_list) {
  return 1;
}

// A few libtiff paths report through the process-wide handlers only (no TIFF* yet); they would
// print to stderr. Silenced once for the process: mgscope prints errors as exceptions.
void silence_global_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    TIFFSetErrorHandler(nullptr);
    TIFFSetWarningHandler(nullptr);
  });
}

tmsize_t read_proc(thandle_t h, void* data, tmsize_t size) {
  auto* b = static_cast<TiffBuffer*>(h);
  if (size <= 0 || b->pos >= b->view.size()) return 0;
  const std::uint64_t n =
      std::min<std::uint64_t>(static_cast<std::uint64_t>(size), b->view.size() - b->pos);
  std::memcpy(data, b->view.data() + b->pos, n);
  b->pos += n;
  return static_cast<tmsize_t>(n);
}

tmsize_t write_proc(thandle_t h, void* data, tmsize_t size) {
  auto* b = static_cast<TiffBuffer*>(h);
  if (!b->out || size < 0) return -1;
  const std::uint64_t n = static_cast<std::uint64_t>(size);
  if (b->out->size() < b->pos + n) b->out->resize(b->pos + n);
  std::memcpy(b->out->data() + b->pos, data, n);
  b->pos += n;
  b->view = *b->out;
  return size;
}

toff_t seek_proc(thandle_t h, toff_t off, int whence) {
  auto* b = static_cast<TiffBuffer*>(h);
  const std::uint64_t size = b->out ? b->out->size() : b->view.size();
  std::uint64_t base = 0;
  if (whence == SEEK_CUR) base = b->pos;
  if (whence == SEEK_END) base = size;
  // Offsets are unsigned; libtiff passes negative relative offsets as large values (wrap).
  const std::uint64_t to = base + off;
  // A writer may seek past the end (the gap is zero-filled on the next write); a reader may not.
  if (!b->out && to > size) return static_cast<toff_t>(-1);
  if (b->out && to > size) b->out->resize(to);
  if (b->out) b->view = *b->out;
  b->pos = to;
  return to;
}

int close_proc(thandle_t) {
  return 0;
}

toff_t size_proc(thandle_t h) {
  auto* b = static_cast<TiffBuffer*>(h);
  return b->out ? b->out->size() : b->view.size();
}

int map_proc(thandle_t, void**, toff_t*) {
  return 0;
}  // no mapping: libtiff reads instead
void unmap_proc(thandle_t, void*, toff_t) {}

struct OptionsDeleter {
  void operator()(TIFFOpenOptions* o) const { TIFFOpenOptionsFree(o); }
};

}  // namespace

TiffHandle::TiffHandle(TiffBuffer& buffer, const char* mode, const std::string& name) {
  silence_global_handlers();
  messages_.name = name;
  std::unique_ptr<TIFFOpenOptions, OptionsDeleter> opts(TIFFOpenOptionsAlloc());
  if (!opts) throw std::runtime_error("libtiff: cannot allocate open options");
  TIFFOpenOptionsSetErrorHandlerExtR(opts.get(), keep_error, &messages_);
  TIFFOpenOptionsSetWarningHandlerExtR(opts.get(), drop_warning, nullptr);
  TIFFOpenOptionsSetMaxSingleMemAlloc(opts.get(), kMaxTiffAlloc);
  // "m": no memory mapping (the map procs refuse anyway).
  const std::string m = std::string(mode) + "m";
  tif_ = TIFFClientOpenExt(name.c_str(), m.c_str(), &buffer, read_proc, write_proc, seek_proc,
                           close_proc, size_proc, map_proc, unmap_proc, opts.get());
  if (!tif_) {
    throw std::runtime_error(messages_.error.empty() ? "libtiff cannot open it" : messages_.error);
  }
}

TiffHandle::~TiffHandle() {
  if (tif_) TIFFClose(tif_);
}

void TiffHandle::close() {
  if (!tif_) return;
  TIFF* t = tif_;
  tif_ = nullptr;
  TIFFClose(t);
}

}  // namespace mgs::io::maps
