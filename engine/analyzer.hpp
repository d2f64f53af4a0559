#pragma once
// The analyzer interface: a const per-frame computation plus an optional in-order fold.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/field.hpp"
#include "engine/field_use.hpp"
#include "engine/frame.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/reference.hpp"
#include "engine/voronoi.hpp"

namespace mgs {

// What an analyzer asks the engine to build for each frame.
struct Needs {
  double neighbor_cutoff = 0.0;            // 0: no neighbor list
  bool cells = false;                      // the frame's cell list (any radius)
  std::optional<VoronoiOptions> voronoi;   // tessellation with these options
  std::optional<ReferenceSpec> reference;  // a reference configuration
  bool reference_cells = false;            // cell list of the reference (any radius)
  // The largest radius searched in the cell lists above; it sizes their bins (search_bin_size).
  double search_radius = 0.0;
  std::optional<VoronoiOptions> reference_voronoi;  // tessellation of the reference
};

// A reference configuration as an analyzer sees it for one frame (same atoms, same order).
struct ReferenceView {
  const ReferenceFrame& reference;
  const Frame& frame() const { return *reference.frame; }
  // The reference's cell list (declared as reference_cells): searches of any radius.
  const CellList& cells() const;
  // The reference's tessellation with these options (declared as reference_voronoi).
  const Tessellation& voronoi(const VoronoiOptions& options) const;
};

// Services the engine built for one frame; analyzers read them, never build them.
class FrameContext {
 public:
  FrameContext(const Frame& frame, const std::vector<TypeInfo>& types, const CellList* cells,
               const NeighborList* neighbors, const std::vector<const Tessellation*>& voronoi)
      : frame_(frame), types_(types), cells_(cells), neighbors_(neighbors), voronoi_(voronoi) {}

  const Frame& frame() const { return frame_; }
  const std::vector<TypeInfo>& types() const { return types_; }
  // The element of a type: from the input (element column, data file) or the run file; "" if
  // neither names it.
  std::string element_of(int type) const;
  // The frame's cell list (declared as cells).
  const CellList& cells() const;
  // The shared neighbor list; its cutoff is the largest any analyzer asked for.
  const NeighborList& neighbors() const;
  // The tessellation built with these options (declared through needs()); one that also keeps
  // the faces may answer a request without them.
  const Tessellation& voronoi(const VoronoiOptions& options) const;
  // The reference declared through needs() (atoms already matched by id).
  ReferenceView reference(const ReferenceSpec& spec) const;
  // A numeric per-atom field by its output column name: "<label>_<field>" of an analyzer listed
  // earlier in the run, or an extra input column (e.g. c_pe). nullopt if there is none.
  std::optional<std::vector<double>> field(const std::string& column) const;
  // The unit of the field that field(column) returns ("" for input columns and dimensionless
  // fields), nullopt if there is none.
  std::optional<std::string> field_unit(const std::string& column) const;
  // Every name field() accepts, for error messages.
  std::vector<std::string> field_names() const;
  // A grid field of an analyzer listed earlier in the run by "<label>_<grid>" (e.g.
  // "haadf_contrast"); null if there is none.
  const GridField* grid(const std::string& name) const;
  // Every name grid() accepts, for error messages.
  std::vector<std::string> grid_names() const;

  using References = std::vector<std::pair<ReferenceSpec, std::shared_ptr<const ReferenceFrame>>>;
  void set_references(const References* references) { references_ = references; }
  void set_earlier_results(const std::vector<AnalyzerResult>* results) { earlier_ = results; }

 private:
  const Frame& frame_;
  const std::vector<TypeInfo>& types_;
  const CellList* cells_;
  const NeighborList* neighbors_;
  const std::vector<const Tessellation*>& voronoi_;
  const References* references_ = nullptr;
  const std::vector<AnalyzerResult>* earlier_ = nullptr;
};

// context.field(column), or a ConfigError at `json_path` listing the fields there are.
std::vector<double> require_field(const FrameContext& context, const std::string& column,
                                  const std::string& json_path);

struct FrameInfo {
  std::size_t index = 0;  // position in the selected frame sequence
  std::int64_t timestep = 0;
  std::size_t input_index = 0;  // frame number in the input, before selection
  std::size_t input_file = 0;   // which file of the input's path list the frame comes from
};

// What a run will deliver, told to analyzers before the first frame.
struct RunShape {
  std::size_t frames = 0;                    // selected frames in all
  std::vector<std::size_t> frames_per_file;  // selected frames of each input file, in order
};

class Analyzer {
 public:
  explicit Analyzer(std::string label) : label_(std::move(label)) {}
  virtual ~Analyzer() = default;
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  const std::string& label() const { return label_; }
  virtual Needs needs() const = 0;
  // Runs concurrently on many frames: must not touch mutable state.
  virtual FrameResult compute(const FrameContext& context) const = 0;
  // Called serially in frame order after compute(); may fold cross-frame state.
  virtual void consume(const FrameInfo&, FrameResult&) {}
  // Called once by the pipeline before the first frame with the numbers of frames the run will
  // deliver (for cross-frame analyzers that split the run, e.g. into halves or per input file).
  virtual void begin(const RunShape&) {}
  // Fields that need the whole run (written as one final frame); nullopt if none.
  virtual std::optional<FrameResult> finish() { return std::nullopt; }
  // The columns the run uses (told before the first frame). compute() may leave out a field
  // whose column is not used; by default every column is.
  void set_field_use(FieldUse use) { field_use_ = std::move(use); }

 protected:
  // Whether the run uses this analyzer's field `field` (column "<label>_<field>").
  bool field_used(const std::string& field) const { return field_use_.uses(label_ + "_" + field); }

 private:
  std::string label_;
  FieldUse field_use_;
};

}  // namespace mgs
