// The mgscope command line: run, info, analyzers.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "engine/cli/progress.hpp"
#include "engine/errors.hpp"
#include "engine/map2d.hpp"
#include "engine/map_statistics.hpp"
#include "engine/registry.hpp"
#include "io/config.hpp"
#include "io/field_use.hpp"
#include "io/lammps_data.hpp"
#include "io/lammps_dump.hpp"
#include "io/maps/map_read.hpp"
#include "io/trajectory.hpp"

namespace {

using namespace mgs;

// Set by SIGINT/SIGTERM. A signal handler can only touch a lock-free atomic, hence this one
// process-wide flag.
std::atomic<bool> g_stop{false};

extern "C" void on_stop_signal(int) {
  g_stop.store(true);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

nlohmann::json run_info(const io::RunConfig& cfg) {
  nlohmann::json info;
  info["mgscope"] = {{"version", MGS_VERSION}};
  info["run_file"] = cfg.file.string();
  info["input"] = {{"paths", cfg.input.paths},
                   {"frames",
                    {{"start", cfg.input.frames.start},
                     {"step", cfg.input.frames.step},
                     {"stop", cfg.input.frames.stop ? nlohmann::json(*cfg.input.frames.stop)
                                                    : nlohmann::json()}}}};
  nlohmann::json analyzers = nlohmann::json::array();
  for (const auto& a : cfg.analyzers) {
    analyzers.push_back({{"type", a.type}, {"label", a.label}, {"params", a.params}});
  }
  info["analyzers"] = std::move(analyzers);
  return info;
}

// Stage times as a table on stderr: seconds summed over frames (with several frames in flight
// the sum exceeds the elapsed time) and each stage's share of the sum.
void print_timings(const StageTimes& times) {
  const auto entries = times.entries();
  double total = 0.0;
  for (const auto& [stage, s] : entries) total += s;
  fmt::print(stderr, "mgscope: time per stage (wall seconds summed over frames)\n");
  for (const auto& [stage, s] : entries) {
    fmt::print(stderr, "  {:<44} {:10.3f} s {:6.1f} %\n", stage, s,
               total > 0 ? 100.0 * s / total : 0.0);
  }
}

int command_run(const std::string& run_file, int threads, bool quiet, bool timings) {
  const io::RunConfig cfg = io::load_run_config(run_file);
  const RunContext run = io::run_context(cfg.types);
  std::vector<std::unique_ptr<Analyzer>> analyzers;
  for (const auto& a : cfg.analyzers) {
    analyzers.push_back(Registry::instance().find(a.type)->make(a.params, a.label, run));
  }
  // Analyzers may skip fields that no output writes and no analyzer names.
  const FieldUse field_use = io::used_fields(cfg);
  for (auto& a : analyzers) a->set_field_use(field_use);
  auto source = io::open_trajectory(cfg.input);
  if (g_stop.load()) throw Interrupted();
  std::vector<std::unique_ptr<FrameSink>> sinks;
  const nlohmann::json info = run_info(cfg);
  for (const auto& o : cfg.outputs) sinks.push_back(io::make_sink(o, info));

  PipelineOptions options;
  options.threads = threads > 0 ? threads : cfg.threads;
  options.types = cfg.types;
  options.stop_requested = &g_stop;
  // A stop during a computation that cannot be cancelled (a dense eigensolver, say): the
  // pipeline has removed the temporary outputs; leave without waiting for it.
  options.on_stuck_stop = [] {
    fmt::print(stderr, "\nmgscope: {}\n", Interrupted().what());
    std::fflush(stderr);
    std::_Exit(130);
  };
  StageTimes times;
  if (timings) options.timings = &times;
  io::FrameFiles reference_files(cfg.input.type_elements);
  options.read_reference_file = [&reference_files](const std::string& path, std::size_t k) {
    return reference_files.read(path, k);
  };
  cli::ProgressBar bar(!quiet && ::isatty(STDERR_FILENO));
  options.progress = [&](std::size_t done, std::size_t total, std::size_t atoms) {
    bar.update(done, total, atoms);
  };
  const auto t0 = std::chrono::steady_clock::now();
  const nlohmann::json summary = run_pipeline(*source, analyzers, sinks, options);
  bar.finish();
  if (!quiet) {
    for (const auto& w : summary["warnings"])
      fmt::print(stderr, "mgscope: warning: {}\n", w.get<std::string>());
  }
  if (!quiet) {
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print(stderr, "mgscope: {} frame(s) in {:.2f} s\n", source->frame_count(), secs);
    for (const auto& o : cfg.outputs)
      fmt::print(stderr, "  wrote {} ({})\n", o.path.string(), o.format);
  }
  if (timings) print_timings(times);
  return 0;
}

void print_box_and_types(const Frame& first) {
  const Box& b = first.box;
  fmt::print("box:        {} (boundary {} {} {}), volume {:.6g} Å^3\n",
             b.is_orthogonal() ? "orthogonal"
                               : (b.is_lower_triangular() ? "triclinic" : "general triclinic"),
             first.boundary[0], first.boundary[1], first.boundary[2], b.volume());
  const char* names[3] = {"a", "b", "c"};
  for (int k = 0; k < 3; ++k) {
    fmt::print("  {} = ({:.10g}, {:.10g}, {:.10g})\n", names[k], b.cell()(0, k), b.cell()(1, k),
               b.cell()(2, k));
  }
  fmt::print("  origin = ({:.10g}, {:.10g}, {:.10g})\n", b.origin()[0], b.origin()[1],
             b.origin()[2]);
  std::vector<std::size_t> per_type(static_cast<std::size_t>(first.max_type()) + 1, 0);
  for (int t : first.type) ++per_type[static_cast<std::size_t>(t)];
  fmt::print("types (first frame):");
  for (std::size_t t = 1; t < per_type.size(); ++t) {
    if (!per_type[t]) continue;
    const std::string name = t < first.type_names.size() ? first.type_names[t] : "";
    fmt::print(" {}{}: {}", t, name.empty() ? "" : " (" + name + ")", per_type[t]);
  }
  fmt::print("\n");
}

int command_info_data(const std::string& file) {
  const io::DataFile data = io::read_lammps_data(file);
  fmt::print("file:       {} (LAMMPS data file, atom_style {})\n", file, data.atom_style);
  fmt::print("frames:     1\n");
  fmt::print("atoms:      {}\n", data.frame.size());
  std::vector<std::string> cols{"id", "type", "x", "y", "z"};
  for (const auto& c : data.frame.columns) cols.push_back(c.name);
  fmt::print("columns:    {}{}\n", fmt::join(cols, " "),
             data.velocities.empty() ? "" : " (+ Velocities)");
  print_box_and_types(data.frame);
  return 0;
}

int command_info_map(const std::string& file) {
  const Map2D map = io::read_map(file);
  const mapstats::Moments m = mapstats::moments(map.values);
  fmt::print("file:       {} (map)\n", file);
  fmt::print("pixels:     {} x {}\n", map.nx, map.ny);
  if (map.pixel_size > 0.0) {
    fmt::print("pixel size: {:.6g} Å (field of view {:.6g} x {:.6g} nm)\n", map.pixel_size,
               0.1 * map.nx * map.pixel_size, 0.1 * map.ny * map.pixel_size);
  } else {
    fmt::print("pixel size: not in the file (give pixel_size in the run file)\n");
  }
  fmt::print(
      "values:     min {:.6g}, max {:.6g}, mean {:.6g}, std {:.6g}, CV {:.4g}, skewness {:.4g}\n",
      m.min, m.max, m.mean, m.std, m.cv, m.skewness);
  return 0;
}

int command_info(const std::string& file) {
  if (io::has_image_map_extension(file)) return command_info_map(file);
  if (io::is_data_file(file)) return command_info_data(file);
  const io::DumpIndex index(file);
  const auto& frames = index.frames();
  std::string buffer;
  const auto text = index.text(0, buffer);
  const Frame first = io::parse_dump_frame(text, file, frames.front().first_line);
  const auto columns = io::dump_columns(text, file, frames.front().first_line);
  fmt::print("file:       {}{}\n", file, index.compressed() ? " (gzip)" : "");
  fmt::print("frames:     {}\n", frames.size());
  fmt::print("timesteps:  {} .. {}", frames.front().timestep, frames.back().timestep);
  if (frames.size() > 1) {
    const auto step = frames[1].timestep - frames[0].timestep;
    bool uniform = true;
    for (std::size_t k = 1; k < frames.size(); ++k)
      uniform &= frames[k].timestep - frames[k - 1].timestep == step;
    if (uniform) fmt::print(" (every {})", step);
  }
  fmt::print("\n");
  std::uint64_t amin = frames.front().atoms, amax = amin;
  for (const auto& f : frames) amin = std::min(amin, f.atoms), amax = std::max(amax, f.atoms);
  if (amin == amax)
    fmt::print("atoms:      {}\n", amin);
  else
    fmt::print("atoms:      {} .. {} (varies between frames)\n", amin, amax);
  fmt::print("columns:    {}\n", fmt::join(columns, " "));
  print_box_and_types(first);
  if (first.ids_generated)
    fmt::print("note:       no id column; atoms are numbered in file order\n");
  return 0;
}

int command_analyzers() {
  for (const auto* spec : Registry::instance().all()) {
    fmt::print("{}\n  {}\n", spec->name, spec->doc);
    for (const auto& p : spec->params) {
      std::string def = p.default_value.is_null() ? (p.is_optional ? "optional" : "required")
                                                  : "default " + p.default_value.dump();
      fmt::print("  {:<26} {:<8} {:<18} {}{}\n", p.key, kind_name(p.kind), def,
                 p.unit.empty() ? "" : "[" + p.unit + "] ", p.doc);
    }
    fmt::print("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mgscope: post-processing of LAMMPS simulations of metallic glasses"};
  app.set_version_flag("--version", std::string("mgscope ") + MGS_VERSION);
  app.require_subcommand(1);

  std::string run_file;
  int threads = 0;
  bool quiet = false;
  bool timings = false;
  auto* run = app.add_subcommand("run", "run the analyses described by a JSON run file");
  run->add_option("run_file", run_file, "JSON run file")->required();
  run->add_option("--threads,-t", threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--quiet,-q", quiet, "no progress bar or messages");
  run->add_flag("--timings", timings,
                "print the wall time of each stage (services, analyzers, outputs) on stderr");

  std::string info_file;
  auto* info = app.add_subcommand("info", "describe a LAMMPS dump: frames, atoms, box, columns");
  info->add_option("file", info_file, "dump file (plain or .gz)")->required();

  auto* list = app.add_subcommand("analyzers", "list analyzers with their parameters");
  auto* schema = app.add_subcommand("schema", "print the JSON Schema of run files");

  CLI11_PARSE(app, argc, argv);
  install_signal_handlers();
  try {
    if (*run) return command_run(run_file, threads, quiet, timings);
    if (*info) return command_info(info_file);
    if (*list) return command_analyzers();
    if (*schema) {
      fmt::print("{}\n", io::run_schema().dump(2));
      return 0;
    }
  } catch (const Interrupted& e) {
    fmt::print(stderr, "\nmgscope: {}\n", e.what());
    return 130;
  } catch (const ConfigError& e) {
    fmt::print(stderr, "mgscope: error: {}: {}\n", run_file, e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "mgscope: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
