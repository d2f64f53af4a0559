#include "engine/reference.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>

#include "engine/errors.hpp"

namespace mgs {

std::string ReferenceSpec::describe() const {
  if (kind == Kind::Offset) return fmt::format("offset {}", offset);
  if (path.empty()) return fmt::format("frame {}", frame);
  return fmt::format("frame {} of {}", frame, path);
}

std::vector<ParamSpec> reference_param_specs(bool required) {
  ParamSpec reference("reference", ParamKind::Object,
                      required ? nlohmann::json{{"frame", 0}} : nlohmann::json(), "",
                      "reference configuration: {\"frame\": k} (frame k of the input, before "
                      "frame selection), {\"offset\": -k} (k frames before the current one), "
                      "or {\"path\": \"file\", \"frame\": k}");
  if (!required) reference.optional();
  return {
      reference,
      ParamSpec("affine_mapping", ParamKind::String, "off", "",
                "off: compare positions as they are; to_reference: map the current "
                "configuration into the reference cell (removes homogeneous cell strain); "
                "to_current: map the reference into the current cell")
          .one_of({"off", "to_reference", "to_current"}),
      ParamSpec("displacements", ParamKind::String, "minimum_image", "",
                "minimum_image: shortest periodic image in reduced coordinates; unwrapped: from "
                "unwrapped coordinates (xu columns or image flags in both frames)")
          .one_of({"minimum_image", "unwrapped"}),
  };
}

ReferenceSpec reference_spec_from(const nlohmann::json& params, const std::string& json_path) {
  const nlohmann::json& r = params.at("reference");
  const std::string where = json_path + ".reference";
  const auto integer = [&](const char* key) -> std::int64_t {
    const auto& v = r.at(key);
    if (!v.is_number_integer()) {
      throw ConfigError(where + "." + key, fmt::format("expected an integer, found {}", v.dump()));
    }
    return v.get<std::int64_t>();
  };
  for (const auto& [key, value] : r.items()) {
    if (key != "frame" && key != "offset" && key != "path") {
      const std::string close = closest_key(key, {"frame", "offset", "path"});
      throw ConfigError(where + "." + key,
                        fmt::format("unknown key; expected frame, offset or path{}",
                                    close.empty() ? "" : " (did you mean " + close + "?)"));
    }
  }
  ReferenceSpec spec;
  if (r.contains("offset")) {
    if (r.contains("frame") || r.contains("path")) {
      throw ConfigError(where, "expected either offset, or frame (with an optional path)");
    }
    spec.kind = ReferenceSpec::Kind::Offset;
    spec.offset = integer("offset");
    if (spec.offset >= 0) {
      throw ConfigError(
          where + ".offset",
          fmt::format("expected a negative offset (an earlier frame), found {}", spec.offset));
    }
    return spec;
  }
  if (r.contains("frame")) {
    spec.frame = integer("frame");
    if (spec.frame < 0) {
      throw ConfigError(where + ".frame",
                        fmt::format("expected a frame number >= 0, found {}", spec.frame));
    }
  }
  if (r.contains("path")) {
    if (!r["path"].is_string() || r["path"].get<std::string>().empty()) {
      throw ConfigError(where + ".path", "expected a file name");
    }
    spec.path = r["path"].get<std::string>();
  }
  return spec;
}

std::optional<ReferenceSpec> optional_reference_spec_from(const nlohmann::json& params,
                                                          const std::string& json_path) {
  if (!params.contains("reference") || params["reference"].is_null()) return std::nullopt;
  return reference_spec_from(params, json_path);
}

AffineMapping affine_mapping_from(const nlohmann::json& params) {
  const std::string m = params.at("affine_mapping");
  if (m == "to_reference") return AffineMapping::ToReference;
  if (m == "to_current") return AffineMapping::ToCurrent;
  return AffineMapping::Off;
}

DisplacementMode displacement_mode_from(const nlohmann::json& params) {
  return params.at("displacements") == "unwrapped" ? DisplacementMode::Unwrapped
                                                   : DisplacementMode::MinimumImage;
}

ReferenceService::ReferenceService(std::string input_name, InputReader input, FileReader files,
                                   std::vector<VoronoiOptions> voronoi, std::size_t cache_capacity,
                                   std::size_t offered_capacity, bool cells, double search_radius)
    : input_name_(std::move(input_name)),
      input_(std::move(input)),
      files_(std::move(files)),
      cells_(cells),
      search_radius_(search_radius),
      voronoi_(std::move(voronoi)),
      capacity_(std::max<std::size_t>(1, cache_capacity)),
      offered_capacity_(offered_capacity) {}

std::shared_ptr<const ReferenceFrame> ReferenceService::prepare(
    const Key& key, std::shared_ptr<const Frame> frame) const {
  auto ref = std::make_shared<ReferenceFrame>();
  ref->file = key.first.empty() ? input_name_ : key.first;
  ref->input_index = key.second;
  if (cells_ || !voronoi_.empty()) {
    auto cells = std::make_shared<const CellList>(
        frame->box, frame->pos,
        cells_ ? search_bin_size(frame->box, frame->size(), search_radius_)
               : neighbor_bin_size(frame->box, frame->size(), 0.0));
    for (const auto& o : voronoi_) {
      ref->tessellations.push_back(compute_tessellation(*cells, frame->pos, frame->type, o));
    }
    if (cells_) ref->cells = std::move(cells);
  }
  ref->frame = std::move(frame);
  return ref;
}

ReferenceService::Key ReferenceService::key_of(const ReferenceSpec& spec,
                                               std::size_t current) const {
  if (spec.kind == ReferenceSpec::Kind::Frame)
    return {spec.path, static_cast<std::size_t>(spec.frame)};
  const auto k = static_cast<std::int64_t>(current) + spec.offset;
  if (k < 0) {
    throw InputError(input_name_, 0,
                     fmt::format("frame {} has no reference at offset {}: expected the run to "
                                 "start at frame {} or later (input.frames.start)",
                                 current, spec.offset, -spec.offset));
  }
  return {"", static_cast<std::size_t>(k)};
}

std::shared_ptr<const ReferenceFrame> ReferenceService::get(const ReferenceSpec& spec,
                                                            std::size_t current) {
  return load(key_of(spec, current), spec.kind == ReferenceSpec::Kind::Frame, true);
}

void ReferenceService::prefetch(const ReferenceSpec& spec) {
  if (spec.kind != ReferenceSpec::Kind::Frame) return;
  try {
    load(key_of(spec, 0), true, false);
  } catch (...) {
    // Kept in the entry; get() rethrows it.
  }
}

std::shared_ptr<const ReferenceFrame> ReferenceService::load(const Key& key, bool pinned,
                                                             bool wait) {
  std::promise<std::shared_ptr<const ReferenceFrame>> promise;
  std::shared_ptr<const Frame> offered;
  std::shared_future<std::shared_ptr<const ReferenceFrame>> value;
  {
    const std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      it->second.last_use = ++clock_;
      it->second.pinned = it->second.pinned || pinned;
      if (!wait) return nullptr;
      value = it->second.value;
    } else {
      Entry e;
      e.value = promise.get_future().share();
      e.pinned = pinned;
      e.last_use = ++clock_;
      entries_.emplace(key, e);
      if (key.first.empty()) {
        if (auto o = offered_.find(key.second); o != offered_.end()) offered = o->second;
      }
      evict();
    }
  }
  if (value.valid()) return value.get();
  // This thread loads it. Isolation keeps the parallel parse and neighbor build inside from
  // picking up another frame's task that would wait on this very entry.
  try {
    std::shared_ptr<const ReferenceFrame> ref;
    tbb::this_task_arena::isolate([&] {
      if (!offered) {
        try {
          offered = std::make_shared<const Frame>(
              key.first.empty() ? input_(key.second) : files_(key.first, key.second));
        } catch (const InputError& e) {
          throw InputError(e.file(), e.line(),
                           fmt::format("reading reference frame {}: {}", key.second, e.problem()));
        }
      }
      ref = prepare(key, std::move(offered));
    });
    promise.set_value(ref);
    return ref;
  } catch (...) {
    promise.set_exception(std::current_exception());
    throw;
  }
}

void ReferenceService::offer(std::size_t input_index, const std::shared_ptr<const Frame>& frame) {
  if (offered_capacity_ == 0) return;
  const std::lock_guard lock(mutex_);
  offered_[input_index] = frame;
  while (offered_.size() > offered_capacity_) offered_.erase(offered_.begin());
}

void ReferenceService::evict() {
  std::size_t unpinned = 0;
  for (const auto& [k, e] : entries_) unpinned += e.pinned ? 0 : 1;
  while (unpinned > capacity_) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (!it->second.pinned &&
          (oldest == entries_.end() || it->second.last_use < oldest->second.last_use)) {
        oldest = it;
      }
    }
    entries_.erase(oldest);  // holders keep their shared_ptr; only the cache forgets it
    --unpinned;
  }
}

void check_same_atoms(const Frame& current, const ReferenceFrame& reference) {
  const auto& a = current.id;
  const auto& b = reference.frame->id;
  if (a == b) return;
  std::vector<std::int64_t> only_current, only_reference;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_current));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_reference));
  const auto some = [](const std::vector<std::int64_t>& ids) {
    const std::size_t shown = std::min<std::size_t>(ids.size(), 5);
    std::string s =
        fmt::format("{}", fmt::join(ids.begin(), ids.begin() + static_cast<long>(shown), ", "));
    if (ids.size() > shown) s += ", ...";
    return s;
  };
  std::string what = fmt::format(
      "the reference frame {} has different atoms than the current frame (timestep {}): "
      "expected the same atom ids in both;",
      reference.input_index, current.timestep);
  if (!only_current.empty()) {
    what += fmt::format(" {} ids missing from the reference ({})", only_current.size(),
                        some(only_current));
  }
  if (!only_reference.empty()) {
    what +=
        fmt::format("{} {} ids missing from the current frame ({})",
                    only_current.empty() ? "" : ",", only_reference.size(), some(only_reference));
  }
  throw InputError(reference.file, 0, what);
}

}  // namespace mgs
