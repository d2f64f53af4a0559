#include "engine/pipeline.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <tbb/global_control.h>
#include <tbb/parallel_invoke.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/errors.hpp"

namespace mgs {

namespace {

struct Work {
  RawFrame raw;
  std::shared_ptr<const Frame> frame;
  std::vector<AnalyzerResult> results;
  std::vector<std::string> chunks;
};

}  // namespace

std::unique_ptr<ReferenceService> make_reference_service(
    const FrameSource& source, const std::vector<std::unique_ptr<Analyzer>>& analyzers,
    const ReferenceService::FileReader& read_file, std::size_t frames_in_flight) {
  bool any = false;
  bool cells = false;
  double search_radius = 0.0;
  std::int64_t deepest = 0;
  std::vector<VoronoiOptions> voronoi;
  for (const auto& a : analyzers) {
    const Needs needs = a->needs();
    if (!needs.reference) continue;
    any = true;
    cells = cells || needs.reference_cells;
    if (needs.reference_cells) search_radius = std::max(search_radius, needs.search_radius);
    if (needs.reference_voronoi &&
        std::find(voronoi.begin(), voronoi.end(), *needs.reference_voronoi) == voronoi.end()) {
      voronoi.push_back(*needs.reference_voronoi);
    }
    if (needs.reference->kind == ReferenceSpec::Kind::Offset) {
      deepest = std::max(deepest, -needs.reference->offset);
    }
  }
  if (!any) return nullptr;
  const ReferenceService::FileReader files =
      read_file ? read_file : [](const std::string& path, std::size_t) -> Frame {
    throw InputError(path, 0, "reference files are not available in this context");
  };
  // Frames in flight plus the deepest offset: every frame an incremental window can still need.
  const std::size_t capacity = frames_in_flight + static_cast<std::size_t>(deepest) + 1;
  return std::make_unique<ReferenceService>(
      source.name(), [&source](std::size_t k) { return source.read_input_frame(k); }, files,
      std::move(voronoi), capacity, deepest > 0 ? capacity : 0, cells, search_radius);
}

std::vector<AnalyzerResult> compute_frame(const Frame& frame,
                                          const std::vector<std::unique_ptr<Analyzer>>& analyzers,
                                          const std::vector<TypeInfo>& types,
                                          ReferenceService* references, std::size_t input_index,
                                          StageTimes* timings) {
  double cutoff = 0.0;
  bool want_cells = false;
  double search_radius = 0.0;
  std::vector<VoronoiOptions> voronoi_options;
  FrameContext::References refs;
  for (const auto& a : analyzers) {
    const Needs needs = a->needs();
    cutoff = std::max(cutoff, needs.neighbor_cutoff);
    want_cells = want_cells || needs.cells;
    if (needs.cells) search_radius = std::max(search_radius, needs.search_radius);
    if (needs.reference && std::none_of(refs.begin(), refs.end(), [&](const auto& r) {
          return r.first == *needs.reference;
        })) {
      if (!references) throw std::logic_error("a reference is needed but no service was given");
      const StageTimer timer(timings, "service: reference frames");
      auto ref = references->get(*needs.reference, input_index);
      check_same_atoms(frame, *ref);
      refs.emplace_back(*needs.reference, std::move(ref));
    }
    if (!needs.voronoi) continue;
    // Requests that differ only in store_faces share one tessellation that keeps the faces:
    // the faces do not change any number, so every analyzer sees the same cells.
    const auto same =
        std::find_if(voronoi_options.begin(), voronoi_options.end(), [&](VoronoiOptions o) {
          o.store_faces = needs.voronoi->store_faces;
          return o == *needs.voronoi;
        });
    if (same == voronoi_options.end())
      voronoi_options.push_back(*needs.voronoi);
    else
      same->store_faces = same->store_faces || needs.voronoi->store_faces;
  }
  std::optional<StageTimer> timer(std::in_place, timings, "service: cell and neighbor lists");
  std::optional<CellList> cells;
  if (want_cells || cutoff > 0.0 || !voronoi_options.empty()) {
    const double neighbor_bins = neighbor_bin_size(frame.box, frame.size(), cutoff);
    cells.emplace(frame.box, frame.pos,
                  want_cells ? std::max(neighbor_bins,
                                        search_bin_size(frame.box, frame.size(), search_radius))
                             : neighbor_bins);
  }
  std::optional<NeighborList> neighbors;
  if (cutoff > 0.0) neighbors.emplace(*cells, frame.pos, cutoff);
  if (voronoi_options.empty())
    timer.reset();
  else
    timer.emplace(timings, "service: voronoi");
  std::vector<Tessellation> tessellations;
  tessellations.reserve(voronoi_options.size());
  for (const auto& o : voronoi_options) {
    tessellations.push_back(compute_tessellation(*cells, frame.pos, frame.type, o));
  }
  timer.reset();
  std::vector<const Tessellation*> tess_ptrs;
  for (const auto& t : tessellations) tess_ptrs.push_back(&t);
  FrameContext context(frame, types, cells ? &*cells : nullptr, neighbors ? &*neighbors : nullptr,
                       tess_ptrs);
  std::vector<AnalyzerResult> results;
  results.reserve(analyzers.size());  // no reallocation: the context reads earlier results
  context.set_references(&refs);
  context.set_earlier_results(&results);
  for (const auto& a : analyzers) {
    timer.emplace(timings, "analyzer: " + a->label());
    FrameResult r = a->compute(context);
    timer.reset();
    for (const auto& f : r.fields) {
      if (!f.is_private() && f.size() != frame.size()) {
        throw std::logic_error(
            fmt::format("analyzer {} returned {} values for field {} of a "
                        "{}-atom frame",
                        a->label(), f.size(), f.name, frame.size()));
      }
    }
    results.push_back({a->label(), std::move(r)});
  }
  return results;
}

namespace {

// The kernels see positions only, so their errors name neither the file nor the atoms; here the
// frame's file, first line and timestep are known, and the atoms' indices become ids.
std::vector<AnalyzerResult> compute_in_file(const Frame& frame, const RawFrame& raw,
                                            const std::vector<std::unique_ptr<Analyzer>>& analyzers,
                                            const std::vector<TypeInfo>& types,
                                            ReferenceService* references, StageTimes* timings) {
  try {
    return compute_frame(frame, analyzers, types, references, raw.input_index, timings);
  } catch (const ComputeError& e) {
    std::vector<std::int64_t> ids;
    for (const auto a : e.atoms()) {
      if (a < frame.size()) ids.push_back(frame.id[a]);
    }
    throw InputError(
        raw.file, raw.first_line,
        fmt::format("frame of timestep {}: {}{}", frame.timestep, e.what(),
                    ids.empty() ? std::string()
                                : fmt::format(" (atom id{} {})", ids.size() > 1 ? "s" : "",
                                              fmt::join(ids, ", "))));
  }
}

}  // namespace

nlohmann::json run_pipeline(FrameSource& source, std::vector<std::unique_ptr<Analyzer>>& analyzers,
                            std::vector<std::unique_ptr<FrameSink>>& sinks,
                            const PipelineOptions& options) {
  const int threads =
      options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  // Allow more workers than cores when asked (TBB caps them at the core count otherwise).
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  const std::size_t total = source.frame_count();
  nlohmann::json frames = nlohmann::json::array();
  std::size_t done = 0, atoms_done = 0;
  std::shared_ptr<const Frame> last_frame;
  // Warnings from the input and from analyzers (a summary's "warnings" list), each once.
  std::vector<std::string> warnings;
  const auto warn = [&warnings](const std::string& w) {
    if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(w);
  };
  FrameInfo last_info;
  // Items in flight live in a ring of slots: at most `tokens` items are in flight and they
  // leave the last (in-order) stage in order, so slot k % tokens is free when item k starts.
  // Owning them here (not in the items TBB passes) also frees them when a run is cancelled.
  const std::size_t tokens = static_cast<std::size_t>(threads) + 1;
  std::vector<Work> slots(tokens);
  std::size_t next_slot = 0;
  const std::unique_ptr<ReferenceService> references =
      make_reference_service(source, analyzers, options.read_reference_file, tokens);
  // The fixed references (the same frame for every frame) are read alongside the first frame.
  std::vector<ReferenceSpec> fixed_references;
  for (const auto& a : analyzers) {
    const auto spec = a->needs().reference;
    if (spec && spec->kind == ReferenceSpec::Kind::Frame &&
        std::find(fixed_references.begin(), fixed_references.end(), *spec) ==
            fixed_references.end()) {
      fixed_references.push_back(*spec);
    }
  }
  const RunShape shape{total, source.frames_per_file()};
  for (auto& a : analyzers) a->begin(shape);
  tbb::task_group_context group;
  // A stop request cancels the whole task group, including the parallel loops inside frames;
  // the watcher polls because a signal handler may do nothing but set the flag.
  std::atomic<bool> finished{false};
  // Held while outputs are written, so that a stuck stop aborts them between two writes.
  std::mutex output_mutex;
  std::thread watcher;
  if (options.stop_requested) {
    watcher = std::thread([&] {
      const auto tick = std::chrono::milliseconds(20);
      while (!finished.load()) {
        if (options.stop_requested->load()) {
          group.cancel_group_execution();
          if (!options.on_stuck_stop) return;
          const auto deadline = std::chrono::steady_clock::now() + options.stop_grace;
          while (!finished.load() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(tick);
          }
          if (finished.load()) return;
          const std::lock_guard<std::mutex> lock(output_mutex);
          for (auto& s : sinks) s->abort();
          options.on_stuck_stop();  // does not return
          return;
        }
        std::this_thread::sleep_for(tick);
      }
    });
  }
  const auto stop_watcher = [&] {
    finished = true;
    if (watcher.joinable()) watcher.join();
  };
  try {
    arena.execute([&] {
      tbb::parallel_pipeline(
          tokens,
          tbb::make_filter<void, Work*>(tbb::filter_mode::serial_in_order,
                                        [&](tbb::flow_control& fc) -> Work* {
                                          const StageTimer timer(options.timings, "read input");
                                          auto raw = source.next();
                                          if (!raw) {
                                            fc.stop();
                                            return nullptr;
                                          }
                                          Work* w = &slots[next_slot];
                                          next_slot = (next_slot + 1) % slots.size();
                                          *w = Work{};
                                          w->raw = std::move(*raw);
                                          return w;
                                        }) &
              tbb::make_filter<Work*, Work*>(
                  tbb::filter_mode::parallel,
                  [&](Work* w) {
                    std::optional<StageTimer> timer(std::in_place, options.timings, "parse input");
                    const auto parse = [&] {
                      w->frame = std::make_shared<const Frame>(source.parse(w->raw));
                    };
                    if (references && !fixed_references.empty()) {
                      // Loaded (once) while the frame is parsed: each read has a serial part.
                      tbb::parallel_invoke(parse, [&] {
                        for (const auto& spec : fixed_references) references->prefetch(spec);
                      });
                    } else {
                      parse();
                    }
                    source.release(w->raw);
                    w->raw.owned.clear();
                    w->raw.owned.shrink_to_fit();
                    if (references) references->offer(w->raw.input_index, w->frame);
                    timer.reset();
                    w->results = compute_in_file(*w->frame, w->raw, analyzers, options.types,
                                                 references.get(), options.timings);
                    timer.emplace(options.timings, "format outputs");
                    const FrameInfo info{w->raw.index, w->frame->timestep, w->raw.input_index,
                                         w->raw.file_index};
                    FrameRecord rec{info, w->frame, {}, false};
                    rec.results = std::move(w->results);
                    for (const auto& s : sinks) w->chunks.push_back(s->format(rec));
                    w->results = std::move(rec.results);
                    timer.reset();
                    return w;
                  }) &
              tbb::make_filter<Work*, void>(
                  tbb::filter_mode::serial_in_order,
                  [&](Work* w) {
                    const FrameInfo info{w->raw.index, w->frame->timestep, w->raw.input_index,
                                         w->raw.file_index};
                    nlohmann::json entry = {{"index", info.index},
                                            {"input_frame", info.input_index},
                                            {"timestep", info.timestep},
                                            {"atoms", w->frame->size()}};
                    if (w->frame->ids_generated) {
                      warn("the input has no id column: atoms are numbered in file order");
                    }
                    const StageTimer timer(options.timings, "consume and write outputs");
                    const std::lock_guard<std::mutex> lock(output_mutex);
                    for (std::size_t a = 0; a < analyzers.size(); ++a) {
                      analyzers[a]->consume(info, w->results[a].result);
                      const auto& s = w->results[a].result.summary;
                      if (s.contains("warnings")) {
                        for (const auto& m : s["warnings"]) {
                          warn(w->results[a].label + ": " + m.get<std::string>());
                        }
                      }
                      entry["analyzers"][w->results[a].label] = s;
                    }
                    frames.push_back(std::move(entry));
                    FrameRecord rec{info, w->frame, std::move(w->results), false};
                    for (std::size_t s = 0; s < sinks.size(); ++s) {
                      sinks[s]->append(rec, std::move(w->chunks[s]));
                    }
                    last_frame = w->frame;
                    last_info = info;
                    ++done;
                    atoms_done += w->frame->size();
                    if (options.progress) options.progress(done, total, atoms_done);
                    *w = Work{};  // release the slot's memory now, not when it is reused
                  }),
          group);
    });
    stop_watcher();
    if (options.stop_requested && options.stop_requested->load()) throw Interrupted();
    if (done == 0) throw InputError("", 0, "no frames selected from the input");
    // Cross-frame results travel as one final frame on the last frame's positions.
    FrameRecord final_rec{last_info, last_frame, {}, true};
    std::optional<StageTimer> timer(std::in_place, options.timings, "finish analyzers");
    nlohmann::json final_summary = nlohmann::json::object();
    for (auto& a : analyzers) {
      if (auto r = a->finish()) {
        final_summary[a->label()] = r->summary;
        final_rec.results.push_back({a->label(), std::move(*r)});
      }
    }
    timer.emplace(options.timings, "write final outputs");
    const std::lock_guard<std::mutex> lock(output_mutex);
    // Only per-atom results need the extra frame; summaries go to the run summary.
    const bool final_fields =
        std::any_of(final_rec.results.begin(), final_rec.results.end(),
                    [](const AnalyzerResult& r) { return !r.result.fields.empty(); });
    if (final_fields) {
      for (auto& s : sinks) s->append(final_rec, s->format(final_rec));
    }
    for (auto& s : sinks) s->finish(final_rec.results);
    nlohmann::json summary = {{"frames", std::move(frames)}};
    if (!final_summary.empty()) summary["final"] = std::move(final_summary);
    summary["warnings"] = warnings;
    for (auto& s : sinks) s->commit(summary);
    return summary;
  } catch (...) {
    stop_watcher();
    for (auto& s : sinks) s->abort();
    // Work cut short by the stop (parallel::Cancelled) is the stop, not an error.
    if (options.stop_requested && options.stop_requested->load()) throw Interrupted();
    throw;
  }
}

}  // namespace mgs
