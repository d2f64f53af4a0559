// Pictures as PNG files in the folder `path`, drawn by the engine itself (libpng, FreeType):
//   <label>_<grid>_<frame>.png   a map of every grid field with two or three resolved axes (a 3-D
//                                grid: its middle slice along c), or the curve of a 1-D profile;
//   <label>_<table>_<frame>.png  the curves of every table (x = first column);
//   <column>_hist_<frame>.png    a histogram of every per-atom column listed in `fields`, in
//                                every record that has it (frames, or "final" for fields only
//                                finish() returns); none when `fields` is empty (a run has
//                                dozens of columns). A name no record had is an error at the end.
// <frame> is the frame's index in the selected sequence (six digits) or "final" for results of
// the whole run (time-averaged grids, the RDF of a trajectory), as in the npy output. Each file
// is written to <name>.tmp as its frame arrives and renamed at commit.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/errors.hpp"
#include "io/png/axes.hpp"
#include "io/png/curve_plot.hpp"
#include "io/png/font.hpp"
#include "io/png/map_plot.hpp"
#include "io/png/png_encode.hpp"
#include "io/writers/atomic_file.hpp"
#include "io/writers/binary.hpp"
#include "io/writers/columns.hpp"
#include "io/writers/sinks.hpp"

namespace mgs::io {

namespace {

constexpr char kAxisName[] = "abc";

std::string when(const FrameRecord* rec) {
  if (!rec) return "result of the whole run";
  return fmt::format("frame {} (timestep {})", rec->info.index, rec->info.timestep);
}

// The slab a grid analyzer (bin, coarse_grain) kept, from its summary's "grid" entry.
std::string slab_text(const nlohmann::json& summary) {
  const auto grid = summary.find("grid");
  if (grid == summary.end() || !grid->is_object() || !grid->contains("slab")) return {};
  const auto& slab = (*grid)["slab"];
  if (!slab.contains("axis") || !slab.contains("from") || !slab.contains("to")) return {};
  return fmt::format(", slab {} {:.3g}\u2013{:.3g} of the cell", slab["axis"].get<std::string>(),
                     slab["from"].get<double>(), slab["to"].get<double>());
}

// A 1-D profile as a curve against the distance along its axis (nm, bin centres).
CurvePlot profile_plot(const GridField& g, const std::string& title, const std::string& subtitle) {
  int axis = 0;
  for (int k = 0; k < 3; ++k) {
    if (g.dims[k] > 1) axis = k;
  }
  CurvePlot p;
  p.title = title;
  p.subtitle = subtitle;
  p.x_label = fmt::format("along {} (nm)", kAxisName[axis]);
  const double step = g.step.col(axis).norm() / 10.0;
  for (int i = 0; i < g.dims[axis]; ++i) p.x.push_back((i + 0.5) * step);
  p.panels.push_back({{g.name, g.values}});
  const std::string unit = pretty_unit(g.unit);
  p.y_labels.push_back(unit.empty() ? g.name : g.name + " (" + unit + ")");
  return p;
}

class PngSink final : public FrameSink {
 public:
  explicit PngSink(const OutputSpec& spec) : spec_(spec) {}

  std::string format(const FrameRecord&) const override { return {}; }

  void append(const FrameRecord& rec, std::string) override {
    const std::string tag = frame_tag(rec);
    // The slab of each grid analyzer, for the subtitles of its time averages (whose summary
    // has no grid entry).
    if (!rec.final) {
      for (const auto& r : rec.results) {
        if (const std::string slab = slab_text(r.result.summary); !slab.empty()) {
          slabs_[r.label] = slab;
        }
      }
    }
    if (!spec_.fields.empty()) {
      for (const auto& c : histogram_columns(rec)) {
        const std::size_t n = rec.frame->size();
        const std::string unit = c.field ? pretty_unit(c.field->unit) : std::string{};
        const std::string label = unit.empty() ? c.name : c.name + " (" + unit + ")";
        const std::string title = "histogram of " + c.name;
        add(c.name + "_hist_" + tag,
            draw_histogram(column_as_double(c, n), c.field && c.field->is_integer(), label, title,
                           rec.final ? when(nullptr) : when(&rec), font_),
            title);
      }
    }
    if (rec.final) return;  // the final frame's grids and tables arrive through finish()
    draw_results(rec.results, tag, &rec);
  }

  void finish(const std::vector<AnalyzerResult>& results) override {
    check_fields_drawn();
    draw_results(results, "final", nullptr);
  }

  void commit(const nlohmann::json&) override { files_.commit(); }

  void abort() noexcept override { files_.abort(); }

 private:
  // The listed columns this record has, in the list's order: per frame every per-atom column
  // (input columns too), in the final record only what finish() returned. A listed text column
  // is an error; a name no record has is one too, at the end (finish()), so that fields only a
  // cross-frame analyzer returns at the end (vibrational_msd_value) can be drawn.
  std::vector<OutputColumn> histogram_columns(const FrameRecord& rec) {
    std::vector<OutputColumn> all;
    if (!rec.final) {
      all = field_columns(rec);
    } else {
      for (const auto& r : rec.results) {
        for (const auto& f : r.result.fields) {
          if (!f.is_private()) all.push_back({r.label + "_" + f.name, &f, nullptr});
        }
      }
    }
    std::vector<OutputColumn> out;
    for (const auto& name : spec_.fields) {
      const auto it = std::find_if(all.begin(), all.end(),
                                   [&](const OutputColumn& c) { return c.name == name; });
      if (it == all.end()) continue;
      if (it->is_text()) {
        throw ConfigError("outputs.fields",
                          fmt::format("\"{}\" is a text field; png draws histograms of numbers "
                                      "only (write it with csv or json)",
                                      name));
      }
      out.push_back(*it);
      drawn_.insert(name);
    }
    for (const auto& c : all) available_.insert(c.name);
    return out;
  }

  void check_fields_drawn() const {
    for (const auto& name : spec_.fields) {
      if (!drawn_.count(name)) {
        throw ConfigError("outputs.fields",
                          fmt::format("no per-atom field named \"{}\"; available: {}", name,
                                      fmt::join(available_, ", ")));
      }
    }
  }

  void draw_results(const std::vector<AnalyzerResult>& results, const std::string& tag,
                    const FrameRecord* rec) {
    for (const auto& r : results) {
      for (const auto& g : r.result.grids) {
        const std::string title = r.label + ": " + g.name;
        std::string subtitle = when(rec);
        if (!rec && r.result.summary.contains("time_average")) {
          const auto& avg = r.result.summary["time_average"];
          if (avg.is_object() && avg.contains("frames")) {
            subtitle = fmt::format("average over {} frames", avg["frames"].dump());
          }
        }
        const std::string name = r.label + "_" + g.name + "_" + tag;
        if (const auto plane = map_plane(g)) {
          subtitle += fmt::format(", {} \u00D7 {} bins", g.dims[plane->u], g.dims[plane->v]);
          std::string slab = slab_text(r.result.summary);
          if (slab.empty() && !rec && slabs_.count(r.label)) slab = slabs_.at(r.label);
          subtitle += slab;
          if (plane->sliced) {
            const double thick = g.step.col(plane->w).norm() / 10.0;  // nm along w
            subtitle += fmt::format(", middle slice {} of {} along {} ({:.2f}–{:.2f} nm)",
                                    plane->slice + 1, g.dims[plane->w], kAxisName[plane->w],
                                    plane->slice * thick, (plane->slice + 1) * thick);
          }
          add(name, draw_map(g, *plane, font_, title, subtitle), title);
        } else if (std::count_if(g.dims.begin(), g.dims.end(), [](int d) { return d > 1; }) == 1) {
          add(name, draw_curves(profile_plot(g, title, subtitle), font_), title);
        }
      }
      for (const auto& t : r.result.tables) {
        if (t.columns.size() < 2 || t.data.empty() || t.data.front().empty()) continue;
        const std::string title = r.label + ": " + t.name;
        add(r.label + "_" + t.name + "_" + tag, draw_curves(table_plot(t, title, when(rec)), font_),
            title);
      }
    }
  }

  void add(const std::string& name, const Image& image, const std::string& title) {
    files_.add(spec_.path / (name + ".png"), encode_png(image, title));
  }

  OutputSpec spec_;
  std::map<std::string, std::string> slabs_;  // analyzer label -> slab_text of its grid
  std::set<std::string> drawn_;               // listed fields drawn so far
  std::set<std::string> available_;           // per-atom columns seen, for the error message
  Font font_;  // loaded when the sink is made: a missing font fails before any frame is read
  AtomicFileSet files_;
};

}  // namespace

std::unique_ptr<FrameSink> make_png_sink(const OutputSpec& spec) {
  return std::make_unique<PngSink>(spec);
}

}  // namespace mgs::io
