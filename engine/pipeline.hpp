#pragma once
// The frame pipeline: in-order read, parallel parse + services + compute + formatting,
// in-order fold and write. Frames in flight are bounded, so memory does not grow with the run.
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/analyzer.hpp"
#include "engine/stage_times.hpp"

namespace mgs {

// The raw text of one frame, handed from the serial reader stage to a parallel parser.
struct RawFrame {
  std::size_t index = 0;        // position in the selected sequence
  std::size_t input_index = 0;  // frame number in the input, before selection
  std::string file;             // for error messages
  std::size_t file_index = 0;   // position of `file` in the input's path list
  std::int64_t first_line = 1;  // line number of the chunk's first line in `file`
  std::string owned;            // the text, when it had to be copied (e.g. decompressed)
  std::string_view mapped;      // the text, when it lives in a mapped file
  std::string_view text() const { return owned.empty() ? mapped : std::string_view(owned); }
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Number of frames that next() will deliver.
  virtual std::size_t frame_count() const = 0;
  // Of those, the number from each input file, in the input's order.
  virtual std::vector<std::size_t> frames_per_file() const { return {frame_count()}; }
  // Serial: the next selected frame's text, or nullopt at the end.
  virtual std::optional<RawFrame> next() = 0;
  // Thread-safe: parse one frame's text.
  virtual Frame parse(const RawFrame& raw) const = 0;
  // Thread-safe: `raw` has been parsed and its text is not needed any more.
  virtual void release(const RawFrame&) const {}
  // Name of the input for messages (the first file).
  virtual std::string name() const = 0;
  // Thread-safe random access to frame k of the input (before selection), e.g. a reference.
  // Does not disturb next().
  virtual Frame read_input_frame(std::size_t k) const = 0;
};

struct FrameRecord {
  FrameInfo info;
  std::shared_ptr<const Frame> frame;
  std::vector<AnalyzerResult> results;
  bool final = false;  // the extra frame that carries results of finish()
};

// An output. format() runs in the parallel stage (e.g. text formatting of a big frame);
// append() receives the chunks serially in frame order; commit() publishes the file (write to
// a temporary file, rename on success); abort() removes the temporary file.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual std::string format(const FrameRecord& record) const = 0;
  virtual void append(const FrameRecord& record, std::string chunk) = 0;
  // Every analyzer's finish() result (fields or not), serially, before commit().
  virtual void finish(const std::vector<AnalyzerResult>&) {}
  virtual void commit(const nlohmann::json& run_summary) = 0;
  virtual void abort() noexcept = 0;
};

struct PipelineOptions {
  int threads = 0;  // 0: all cores
  std::vector<TypeInfo> types;
  // Called serially after each frame: (frames done, frames total, atoms done).
  std::function<void(std::size_t, std::size_t, std::size_t)> progress;
  // Set (e.g. by a signal handler) to stop the run: work in flight is cancelled within a block
  // of atoms, outputs are aborted, and run_pipeline throws Interrupted.
  const std::atomic<bool>* stop_requested = nullptr;
  // Some computations cannot be cancelled midway (a dense eigensolver, a sparse factorisation).
  // If the run has not stopped `stop_grace` after a stop request, the outputs are aborted (their
  // temporary files removed; no output is written after that) and `on_stuck_stop` is called; it
  // must end the process (the CLI exits with status 130). Without it the run waits.
  std::chrono::milliseconds stop_grace{700};
  std::function<void()> on_stuck_stop;
  // Reads frame k of an external reference file ({"reference": {"path": ...}}); thread-safe.
  ReferenceService::FileReader read_reference_file;
  // When set, the wall time of every stage (parse, services, each analyzer, outputs) is added.
  StageTimes* timings = nullptr;
};

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted: the run was stopped, no partial output kept") {}
};

// Runs the analyzers over every frame of `source` and feeds the sinks. Returns the run summary
// (per-frame scalars of every analyzer). On any error the sinks are aborted and the error
// rethrown.
nlohmann::json run_pipeline(FrameSource& source, std::vector<std::unique_ptr<Analyzer>>& analyzers,
                            std::vector<std::unique_ptr<FrameSink>>& sinks,
                            const PipelineOptions& options);

// Builds the services that `analyzers` need for `frame` and runs every compute(), in order (an
// analyzer sees the fields of those before it). `references` serves analyzers that declare a
// reference; `input_index` is the frame's number in the input. Exposed for tests.
std::vector<AnalyzerResult> compute_frame(const Frame& frame,
                                          const std::vector<std::unique_ptr<Analyzer>>& analyzers,
                                          const std::vector<TypeInfo>& types,
                                          ReferenceService* references = nullptr,
                                          std::size_t input_index = 0,
                                          StageTimes* timings = nullptr);

// The reference service for a run of `analyzers` over `source`, or null when none needs one.
std::unique_ptr<ReferenceService> make_reference_service(
    const FrameSource& source, const std::vector<std::unique_ptr<Analyzer>>& analyzers,
    const ReferenceService::FileReader& read_file, std::size_t frames_in_flight);

}  // namespace mgs
