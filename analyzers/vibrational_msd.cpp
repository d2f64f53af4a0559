#include "analyzers/vibrational_msd.hpp"

#include <fmt/format.h>

#include <Eigen/LU>
#include <algorithm>
#include <cmath>

#include "engine/displacement.hpp"
#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"
#include "engine/statistics.hpp"

namespace mgs::analyzers {

void PositionAccumulator::add(const std::vector<Vec3>& r) {
  if (frames_ == 0) {
    mean_.assign(r.size(), Vec3::Zero());
    m2_.assign(r.size(), Vec3::Zero());
  }
  ++frames_;
  const double inv = 1.0 / static_cast<double>(frames_);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const Vec3 delta = r[i] - mean_[i];
    mean_[i] += delta * inv;
    m2_[i] += delta.cwiseProduct(r[i] - mean_[i]);
  }
}

std::vector<double> PositionAccumulator::msd() const {
  std::vector<double> out(m2_.size());
  for (std::size_t i = 0; i < m2_.size(); ++i) out[i] = m2_[i].sum() / static_cast<double>(frames_);
  return out;
}

void LagMsd::add(const std::vector<Vec3>& r, std::int64_t timestep) {
  if (lags_ == 0) return;
  const std::size_t n = r.size();
  if (sums_.empty()) {
    sums_.assign(lags_ * n, 0.0);
    origins_.assign(lags_, 0);
    dt_.assign(lags_, 0.0);
  }
  const std::size_t reach = std::min(lags_, recent_.size());
  for (std::size_t lag = 1; lag <= reach; ++lag) {
    const std::vector<Vec3>& then = recent_[recent_.size() - lag];
    double* sum = sums_.data() + (lag - 1) * n;
    parallel::for_each_index(n, [&](std::size_t i) { sum[i] += (r[i] - then[i]).squaredNorm(); });
    ++origins_[lag - 1];
    dt_[lag - 1] += static_cast<double>(timestep - steps_[steps_.size() - lag]);
  }
  recent_.push_back(r);
  steps_.push_back(timestep);
  if (recent_.size() > lags_) {
    recent_.pop_front();
    steps_.pop_front();
  }
}

LagMsd::Curve LagMsd::curve(const std::vector<int>& group, int groups) const {
  Curve c;
  c.msd.resize(static_cast<std::size_t>(groups));
  const std::size_t n = group.size();
  std::vector<std::size_t> members(static_cast<std::size_t>(groups), 0);
  for (int g : group) {
    if (g >= 0) ++members[static_cast<std::size_t>(g)];
  }
  for (std::size_t lag = 1; lag <= lags_ && lag <= origins_.size() && origins_[lag - 1] > 0;
       ++lag) {
    const double origins = static_cast<double>(origins_[lag - 1]);
    c.lag_frames.push_back(static_cast<double>(lag));
    c.lag_timesteps.push_back(dt_[lag - 1] / origins);
    std::vector<double> total(static_cast<std::size_t>(groups), 0.0);
    const double* sum = sums_.data() + (lag - 1) * n;
    for (std::size_t i = 0; i < n; ++i) {
      if (group[i] >= 0) total[static_cast<std::size_t>(group[i])] += sum[i];
    }
    for (std::size_t g = 0; g < total.size(); ++g) {
      c.msd[g].push_back(members[g] ? total[g] / (origins * static_cast<double>(members[g]))
                                    : std::nan(""));
    }
  }
  return c;
}

std::vector<double> TrajectoryMsd::run_hops() const {
  if (half_frames_[0] == 0 || half_frames_[1] == 0) return {};
  std::vector<double> d(half_sum_[0].size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    d[i] = (half_sum_[0][i] / static_cast<double>(half_frames_[0]) -
            half_sum_[1][i] / static_cast<double>(half_frames_[1]))
               .norm();
  }
  return d;
}

std::vector<double> TrajectoryMsd::hop_distances() const {
  std::vector<double> d = run_hops();
  if (closed_.runs == 0) return d;
  if (!closed_.hops_known || (accumulator_.frames() > 0 && d.empty())) return {};
  if (d.empty()) return closed_.hop_max;
  for (std::size_t i = 0; i < d.size(); ++i) d[i] = std::max(d[i], closed_.hop_max[i]);
  return d;
}

std::vector<double> TrajectoryMsd::msd() const {
  std::vector<double> m = accumulator_.frames() > 0 ? accumulator_.msd() : std::vector<double>();
  if (closed_.runs == 0) return m;
  if (m.empty()) m.assign(closed_.msd_sum.size(), 0.0);
  const double runs = static_cast<double>(this->runs());
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = (m[i] + closed_.msd_sum[i]) / runs;
  return m;
}

std::vector<Vec3> TrajectoryMsd::mean() const {
  std::vector<Vec3> m = accumulator_.mean();
  if (closed_.runs == 0) return m;
  if (accumulator_.frames() == 0) m.assign(closed_.mean_sum.size(), Vec3::Zero());
  const double runs = static_cast<double>(this->runs());
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = (m[i] + closed_.mean_sum[i]) / runs;
  return m;
}

void TrajectoryMsd::close_run() {
  if (accumulator_.frames() == 0) return;
  const std::vector<double> m = accumulator_.msd();
  const std::vector<double> hops = run_hops();
  const std::size_t n = m.size();
  if (closed_.runs == 0) {
    closed_.msd_sum.assign(n, 0.0);
    closed_.mean_sum.assign(n, Vec3::Zero());
    closed_.hop_max.assign(n, 0.0);
  }
  for (std::size_t i = 0; i < n; ++i) {
    closed_.msd_sum[i] += m[i];
    closed_.mean_sum[i] += accumulator_.mean()[i];
    if (!hops.empty()) closed_.hop_max[i] = std::max(closed_.hop_max[i], hops[i]);
  }
  closed_.hops_known = closed_.hops_known && !hops.empty();
  ++closed_.runs;
  accumulator_ = PositionAccumulator();
  half_sum_ = {};
  half_frames_ = {};
  previous_.clear();
  lag_.restart();
}

VibrationalMsdAnalyzer::VibrationalMsdAnalyzer(std::string label, UnwrapMode mode,
                                               std::vector<TypeInfo> types, double hop_threshold,
                                               std::size_t lags, bool isoconfigurational)
    : Analyzer(std::move(label)),
      msd_(mode, std::move(types), lags, isoconfigurational),
      hop_threshold_(hop_threshold) {}

namespace {

// Positions travel from compute() to consume() in fields with these names; consume() removes them.
constexpr const char* kCarry[3] = {"_carry_x", "_carry_y", "_carry_z"};

}  // namespace

FrameResult VibrationalMsdAnalyzer::compute(const FrameContext& context) const {
  FrameResult out;
  msd_.carry(context.frame(), out);
  return out;
}

void TrajectoryMsd::carry(const Frame& f, FrameResult& out) const {
  const bool images = mode_ == UnwrapMode::Images || (mode_ == UnwrapMode::Auto && f.has_image);
  if (mode_ == UnwrapMode::Images && !f.has_image) {
    throw ComputeError(
        "unwrap \"images\" needs unwrapped coordinates (xu yu zu) or image flags in the input");
  }
  for (int a = 0; a < 3; ++a) {
    std::vector<double> c(f.size());
    for (std::size_t i = 0; i < f.size(); ++i) c[i] = images ? f.unwrapped(i)[a] : f.pos[i][a];
    out.fields.push_back({kCarry[a], "Å", "", std::move(c)});
  }
  // The cell (for minimum-image stepping), the atom ids and types, and the masses.
  nlohmann::json cell = nlohmann::json::array();
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) cell.push_back(f.box.cell()(r, c));
  }
  out.summary["_carry"] = {{"cell", cell}, {"images", images}};
  out.fields.push_back({"_carry_id", "", "", f.id});
  std::vector<std::int64_t> t(f.type.begin(), f.type.end());
  out.fields.push_back({"_carry_type", "", "", std::move(t)});
}

void TrajectoryMsd::fold(const FrameInfo& info, FrameResult& result) {
  const auto field = [&](const std::string& name) -> const PerAtomField& {
    for (const auto& f : result.fields) {
      if (f.name == name) return f;
    }
    throw std::logic_error("vibrational_msd: missing carried field " + name);
  };
  const auto& id = std::get<std::vector<std::int64_t>>(field("_carry_id").values);
  const auto& type = std::get<std::vector<std::int64_t>>(field("_carry_type").values);
  const std::size_t n = id.size();
  if (iso_ && frames_ > 0 && info.input_file != run_file_) close_run();
  run_file_ = info.input_file;
  if (frames_ == 0) {
    ids_ = id;
    types_of_atoms_.assign(type.begin(), type.end());
  } else if (id != ids_) {
    throw ComputeError(
        fmt::format("frame {} (timestep {}) has other atoms than the first frame: the vibrational "
                    "MSD follows the same atoms through the run",
                    info.index, info.timestep));
  }
  std::vector<Vec3> r(n);
  for (int a = 0; a < 3; ++a) {
    const auto& c = std::get<std::vector<double>>(field(kCarry[a]).values);
    for (std::size_t i = 0; i < n; ++i) r[i][a] = c[i];
  }
  const nlohmann::json carry = result.summary["_carry"];
  Mat3 h;
  for (int k = 0; k < 9; ++k)
    h(k / 3, k % 3) = carry["cell"][static_cast<std::size_t>(k)].get<double>();
  if (!carry["images"].get<bool>()) {
    // Minimum-image stepping: each step is the shortest periodic displacement from the previous
    // frame (valid while atoms move less than half a cell between frames).
    unwrap_used_ = "minimum-image stepping";
    if (!previous_.empty()) {
      step_unwrap(h, previous_, r);
    }
    previous_ = r;
  } else {
    unwrap_used_ = "unwrapped coordinates / image flags";
  }
  // Mass-weighted centre of mass removed frame by frame.
  Vec3 com = Vec3::Zero();
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto t = static_cast<std::size_t>(types_of_atoms_[i]);
    const double m = t < types_.size() && types_[t].mass ? *types_[t].mass : 1.0;
    com += m * r[i];
    total += m;
  }
  com /= total;
  for (auto& x : r) x -= com;
  // The length of this run: the whole input, or (isoconfigurational) this file's frames.
  const std::size_t length = !iso_ ? shape_.frames
                             : run_file_ < shape_.frames_per_file.size()
                                 ? shape_.frames_per_file[run_file_]
                                 : 0;
  if (length > 0) {
    // Frame k of a run of `length` belongs to the first half when k < length / 2 (the middle
    // frame of an odd run to the second).
    const std::size_t half = 2 * accumulator_.frames() < length - length % 2 ? 0 : 1;
    if (half_sum_[half].empty()) half_sum_[half].assign(n, Vec3::Zero());
    for (std::size_t i = 0; i < n; ++i) half_sum_[half][i] += r[i];
    ++half_frames_[half];
  }
  lag_.add(r, info.timestep);
  accumulator_.add(r);
  ++frames_;
  std::erase_if(result.fields,
                [](const PerAtomField& f) { return f.name.rfind("_carry", 0) == 0; });
  result.summary.erase("_carry");
  result.summary["frames_accumulated"] = frames_;
}

nlohmann::json describe_by_type(const std::vector<double>& values, const std::vector<int>& types) {
  nlohmann::json by_type = nlohmann::json::object();
  const int max_type = types.empty() ? 0 : *std::max_element(types.begin(), types.end());
  for (int t = 1; t <= max_type; ++t) {
    std::vector<double> v;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (types[i] == t) v.push_back(values[i]);
    }
    if (!v.empty()) by_type[std::to_string(t)] = stats::describe(v);
  }
  return by_type;
}

ParamSpec unwrap_param_spec() {
  return ParamSpec("unwrap", ParamKind::String, "auto", "",
                   "images (xu/yu/zu or image flags), stepping (minimum image between consecutive "
                   "frames) or auto (images when the input has them)")
      .one_of({"auto", "images", "stepping"});
}

UnwrapMode unwrap_mode_from(const nlohmann::json& p) {
  const std::string u = p["unwrap"].get<std::string>();
  return u == "images"     ? UnwrapMode::Images
         : u == "stepping" ? UnwrapMode::Stepping
                           : UnwrapMode::Auto;
}

std::optional<FrameResult> VibrationalMsdAnalyzer::finish() {
  if (msd_.frames() == 0) return std::nullopt;
  FrameResult out;
  const std::vector<double> msd = msd_.msd();
  out.fields.push_back(
      {"value", "Å^2", "mean over the frames of |r(t) − r̄|², centre-of-mass drift removed", msd});
  const std::vector<Vec3> mean = msd_.mean();
  for (int a = 0; a < 3; ++a) {
    std::vector<double> c(mean.size());
    for (std::size_t i = 0; i < mean.size(); ++i) c[i] = mean[i][a];
    out.fields.push_back({fmt::format("mean_{}", "xyz"[a]), "Å",
                          "time-averaged position (unwrapped, centre of mass at 0)", std::move(c)});
  }
  nlohmann::json& s = out.summary;
  s["frames"] = msd_.frames();
  s["runs"] = msd_.runs();
  s["unwrap"] = msd_.unwrap_used();
  s["all"] = stats::describe(msd);
  s["types"] = describe_by_type(msd, msd_.atom_types());

  // Hops: atoms whose cage moved between the halves of the run.
  const std::vector<double> hop = msd_.hop_distances();
  const std::vector<int>& types = msd_.atom_types();
  std::vector<int> group(types.size());  // MSD(t) groups: type - 1, or -1 for hopped atoms
  std::vector<double> settled;
  std::vector<int> settled_types;
  std::vector<std::int64_t> hopped(types.size(), 0);
  for (std::size_t i = 0; i < types.size(); ++i) {
    hopped[i] = !hop.empty() && hop[i] > hop_threshold_;
    group[i] = hopped[i] ? -1 : types[i] - 1;
    if (!hopped[i]) {
      settled.push_back(msd[i]);
      settled_types.push_back(types[i]);
    }
  }
  if (!hop.empty()) {
    out.fields.push_back({"hop_distance", "Å",
                          "distance between the atom's mean positions over the first and the "
                          "second half of the run",
                          hop});
    out.fields.push_back({"hopped", "",
                          "1 when hop_distance exceeds hop_threshold: the atom left its cage "
                          "(excluded from the plateau statistics and MSD(t))",
                          hopped});
    s["hop_threshold"] = hop_threshold_;
    s["hopped_atoms"] = types.size() - settled.size();
    s["plateau"] = {{"all", stats::describe(settled)},
                    {"types", describe_by_type(settled, settled_types)}};
  } else {
    s["warnings"].push_back("hops not detected: the run's halves need at least two frames");
  }

  if (msd_.lag_msd().lags() > 0) {
    const int max_type = types.empty() ? 0 : *std::max_element(types.begin(), types.end());
    std::vector<int> everyone(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) everyone[i] = group[i] < 0 ? -1 : 0;
    const LagMsd::Curve all = msd_.lag_msd().curve(everyone, 1);
    const LagMsd::Curve by_type = msd_.lag_msd().curve(group, max_type);
    Table t{"msd_t",
            {"lag_frames", "lag_timesteps", "msd_all"},
            {all.lag_frames, all.lag_timesteps, all.msd[0]}};
    for (int k = 0; k < max_type; ++k) {
      t.columns.push_back(fmt::format("msd_type_{}", k + 1));
      t.data.push_back(by_type.msd[static_cast<std::size_t>(k)]);
    }
    s["msd_t"] = {
        {"lag_frames", all.lag_frames}, {"lag_timesteps", all.lag_timesteps}, {"all", all.msd[0]}};
    out.tables.push_back(std::move(t));
  }
  return out;
}

namespace {

const bool registered = register_analyzer({
    "vibrational_msd",
    "Vibrational mean-square displacement of each atom about its time-averaged position over the "
    "run (unwrapped, mass-weighted centre-of-mass drift removed), accumulated frame by frame; "
    "written at the end as one final frame.",
    {unwrap_param_spec(),
     ParamSpec("hop_threshold", ParamKind::Number, 1.0, "Å",
               "an atom whose mean position over the first half of the run is farther than this "
               "from its mean over the second half has hopped: flagged (column hopped) and left "
               "out of the plateau statistics and MSD(t)")
         .at_least(0.0),
     ParamSpec("msd_lags", ParamKind::Integer, 0, "",
               "MSD(t) averaged over time origins per species for lags of 1 .. msd_lags frames "
               "(table msd_t; keeps the last msd_lags frames: msd_lags x atoms x 32 bytes); 0: off")
         .at_least(0.0),
     ParamSpec("isoconfigurational", ParamKind::Boolean, false, "",
               "each file of input.path is one run of an isoconfigurational ensemble (same "
               "starting configuration, other velocities): mean positions, MSD, hops and MSD(t) "
               "per run, the MSD averaged per atom over the runs")},
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      return std::make_unique<VibrationalMsdAnalyzer>(
          label, unwrap_mode_from(p), run.types, p["hop_threshold"].get<double>(),
          p["msd_lags"].get<std::size_t>(), p["isoconfigurational"].get<bool>());
    },
});

}  // namespace

}  // namespace mgs::analyzers
