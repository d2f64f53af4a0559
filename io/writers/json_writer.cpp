// The JSON summary: what ran (version, input, every number-changing parameter) and every
// analyzer's per-frame scalars and tables. With `fields` given, also those per-atom columns per
// frame (under "atoms"; opt-in, because per-atom data would swamp the summary), text fields as
// strings.
#include "io/writers/atomic_file.hpp"
#include "io/writers/columns.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

nlohmann::json column_values(const OutputColumn& c) {
  if (!c.field) return *c.input;
  return std::visit([](const auto& v) { return nlohmann::json(v); }, c.field->values);
}

class JsonSink final : public FrameSink {
 public:
  JsonSink(const OutputSpec& spec, nlohmann::json run_info)
      : spec_(spec), file_(spec.path), run_info_(std::move(run_info)) {}

  std::string format(const FrameRecord&) const override { return {}; }
  // Serial, in frame order: the per-atom columns asked for (the final frame: all of its fields).
  void append(const FrameRecord& rec, std::string) override {
    if (spec_.fields.empty()) return;
    nlohmann::json entry;
    entry["frame"] = rec.final ? nlohmann::json("final") : nlohmann::json(rec.info.index);
    entry["timestep"] = rec.frame->timestep;
    entry["id"] = rec.frame->id;
    for (const auto& c :
         field_columns(rec, rec.final ? std::vector<std::string>{} : spec_.fields)) {
      entry[c.name] = column_values(c);
    }
    atoms_.push_back(std::move(entry));
  }
  void commit(const nlohmann::json& run_summary) override {
    nlohmann::json doc = run_info_;
    for (const auto& [key, value] : run_summary.items()) doc[key] = value;
    if (!spec_.fields.empty()) doc["atoms"] = std::move(atoms_);
    file_.write(doc.dump(2));
    file_.write("\n");
    file_.commit();
  }
  void abort() noexcept override { file_.abort(); }

 private:
  OutputSpec spec_;
  AtomicFile file_;
  nlohmann::json run_info_;
  nlohmann::json atoms_ = nlohmann::json::array();
};

}  // namespace

std::unique_ptr<FrameSink> make_json_sink(const OutputSpec& spec, const nlohmann::json& run_info) {
  return std::make_unique<JsonSink>(spec, run_info);
}

}  // namespace mgs::io
