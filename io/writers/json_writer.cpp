// The JSON summary: what ran (version, input, every number-changing parameter) and every
// analyzer's per-frame scalars and tables.
#include "io/writers/atomic_file.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

class JsonSink final : public FrameSink {
 public:
  JsonSink(const OutputSpec& spec, nlohmann::json run_info)
      : file_(spec.path), run_info_(std::move(run_info)) {}

  std::string format(const FrameRecord&) const override { return {}; }
  void append(const FrameRecord&, std::string) override {}
  void commit(const nlohmann::json& run_summary) override {
    nlohmann::json doc = run_info_;
    for (const auto& [key, value] : run_summary.items()) doc[key] = value;
    file_.write(doc.dump(2));
    file_.write("\n");
    file_.commit();
  }
  void abort() noexcept override { file_.abort(); }

 private:
  AtomicFile file_;
  nlohmann::json run_info_;
};

}  // namespace

std::unique_ptr<FrameSink> make_json_sink(const OutputSpec& spec, const nlohmann::json& run_info) {
  return std::make_unique<JsonSink>(spec, run_info);
}

}  // namespace mgs::io
