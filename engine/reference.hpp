#pragma once
// Reference configurations: which frame an analyzer compares the current frame to, how the two
// cells are related (affine mapping) and how per-atom displacements cross periodic boundaries.
// The engine loads each reference once and shares it read-only between frames and analyzers.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/cell_list.hpp"
#include "engine/frame.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/params.hpp"
#include "engine/voronoi.hpp"

namespace mgs {

// Run-file form: {"frame": k} (default {"frame": 0}), {"offset": -k}, or {"path": "file",
// "frame": k}. Frame numbers count the frames of the input (all files, before the run's frame
// selection), from 0.
struct ReferenceSpec {
  enum class Kind { Frame, Offset };
  Kind kind = Kind::Frame;
  std::int64_t frame = 0;   // Kind::Frame
  std::int64_t offset = 0;  // Kind::Offset, negative
  std::string path;         // Kind::Frame: external file; "" = the run's input
  bool operator==(const ReferenceSpec&) const = default;
  std::string describe() const;
};

// How the current cell relates to the reference cell when displacements and local strains are
// measured (OVITO's "affine mapping"): `off` compares positions as they are, `to_reference`
// maps the current configuration into the reference cell (removing the homogeneous cell
// deformation), `to_current` maps the reference configuration into the current cell.
enum class AffineMapping { Off, ToReference, ToCurrent };
// How an atom's displacement crosses periodic boundaries: the shortest image in reduced
// coordinates (right for displacements below half a cell), or from unwrapped coordinates
// (`xu` columns or image flags in both frames).
enum class DisplacementMode { MinimumImage, Unwrapped };

// Parameter specs shared by every analyzer that uses a reference: reference, affine_mapping,
// displacements.
// With `required` false, `reference` has no default and the analyzer works without one.
std::vector<ParamSpec> reference_param_specs(bool required = true);
// Reads the validated parameters of reference_param_specs(); throws ConfigError naming
// `json_path`.reference... for a malformed reference object.
ReferenceSpec reference_spec_from(const nlohmann::json& params, const std::string& json_path);
// nullopt when the parameters have no `reference` (see reference_param_specs(false)).
std::optional<ReferenceSpec> optional_reference_spec_from(const nlohmann::json& params,
                                                          const std::string& json_path);
AffineMapping affine_mapping_from(const nlohmann::json& params);
DisplacementMode displacement_mode_from(const nlohmann::json& params);

// A loaded reference configuration with the services built on it once.
struct ReferenceFrame {
  std::string file;         // where it was read, for messages
  std::size_t input_index;  // frame number in that input
  std::shared_ptr<const Frame> frame;
  std::vector<Tessellation> tessellations;  // one per Voronoi option set asked for
  std::shared_ptr<const CellList> cells;    // null when no analyzer asked for one
};

// Loads and caches reference frames. Thread-safe: concurrent requests for the same frame load it
// once. Fixed references stay for the whole run; frames reached by an offset live in a small
// cache (the pipeline also offers the frames it has just parsed, so incremental windows rarely
// read anything twice).
class ReferenceService {
 public:
  // Reads frame k of the run input (thread-safe).
  using InputReader = std::function<Frame(std::size_t)>;
  // Reads frame k of an external file (thread-safe).
  using FileReader = std::function<Frame(const std::string& path, std::size_t)>;

  // `cache_capacity` bounds the frames kept for offsets, `offered_capacity` the frames kept
  // from offer() (0 when no analyzer uses an offset). `cells`: keep each reference's cell list,
  // binned for searches of up to `search_radius` (see Needs::search_radius).
  ReferenceService(std::string input_name, InputReader input, FileReader files,
                   std::vector<VoronoiOptions> voronoi, std::size_t cache_capacity,
                   std::size_t offered_capacity, bool cells = false, double search_radius = 0.0);

  // The reference of the frame with input number `current` for `spec`. Throws InputError when
  // the reference frame does not exist.
  std::shared_ptr<const ReferenceFrame> get(const ReferenceSpec& spec, std::size_t current);
  // Starts loading a fixed reference (Kind::Frame) unless it is loaded or being loaded, and
  // returns when it is loaded; never waits for another thread's load. The pipeline calls it
  // alongside a frame's parse, so that reading the reference overlaps reading the frame. An
  // error is kept for get() to report: the run then fails as it would without the prefetch.
  void prefetch(const ReferenceSpec& spec);
  // A frame of the run input that the pipeline has parsed anyway; kept if an offset may need it.
  void offer(std::size_t input_index, const std::shared_ptr<const Frame>& frame);

 private:
  using Key = std::pair<std::string, std::size_t>;  // (external path or "", frame number)
  struct Entry {
    std::shared_future<std::shared_ptr<const ReferenceFrame>> value;
    bool pinned = false;
    std::uint64_t last_use = 0;
  };
  Key key_of(const ReferenceSpec& spec, std::size_t current) const;
  // The entry of `key`, loaded by this thread if there is none; when there is one, waits for it
  // (`wait`) or returns null.
  std::shared_ptr<const ReferenceFrame> load(const Key& key, bool pinned, bool wait);
  std::shared_ptr<const ReferenceFrame> prepare(const Key& key,
                                                std::shared_ptr<const Frame> f) const;
  void evict();

  std::string input_name_;
  InputReader input_;
  FileReader files_;
  bool cells_;
  double search_radius_;
  std::vector<VoronoiOptions> voronoi_;
  std::size_t capacity_;
  std::size_t offered_capacity_;
  std::mutex mutex_;
  std::map<Key, Entry> entries_;
  std::map<std::size_t, std::shared_ptr<const Frame>> offered_;
  std::uint64_t clock_ = 0;
};

// Throws InputError when the two frames do not hold the same atom ids, naming some of the ids
// missing on either side. Atoms are matched by id (frames keep atoms sorted by id), never by
// file order.
void check_same_atoms(const Frame& current, const ReferenceFrame& reference);

}  // namespace mgs
