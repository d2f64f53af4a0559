#include "analyzers/rdf.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <numbers>
#include <set>

#include "engine/errors.hpp"
#include "engine/parallel.hpp"
#include "engine/registry.hpp"

namespace mgs::analyzers {

namespace {

constexpr double kPi = std::numbers::pi;

// A self-image closer than this is the atom itself (Å²).
constexpr double kSelfDistance2 = 1e-12;

}  // namespace

PairHistogram pair_histogram(const Frame& frame, const CellList& cells, double r_max, int bins) {
  PairHistogram h;
  h.bins = bins;
  h.r_max = r_max;
  h.volume = frame.box.volume();
  const std::size_t n = frame.size();
  std::map<int, std::int64_t> present;
  for (int t : frame.type) ++present[t];
  std::map<int, std::size_t> slot_of_type;
  for (const auto& [t, count] : present) {
    slot_of_type[t] = h.types.size();
    h.types.push_back(t);
    h.atoms.push_back(count);
  }
  const std::size_t nt = h.types.size();
  std::vector<std::uint32_t> dense(n);
  for (std::size_t i = 0; i < n; ++i) {
    dense[i] = static_cast<std::uint32_t>(slot_of_type[frame.type[i]]);
  }
  const auto nbins = static_cast<std::size_t>(bins);
  const std::size_t size = nt * (nt + 1) / 2 * nbins;
  // LAMMPS: delr = cutoff / nbin, ibin = (int) (r * (1 / delr)).
  const double dr = r_max / bins;
  const double inv_dr = 1.0 / dr;
  using Counts = std::vector<std::int64_t>;
  // Integer counts: any combination order gives the same result; the block size only bounds
  // the number of partial histograms held at once.
  const std::size_t block = std::max<std::size_t>(64, (n + 255) / 256);
  h.counts = parallel::reduce_blocks<Counts>(
      n,
      [&](std::size_t b, std::size_t e) {
        Counts local(size, 0);
        for (std::size_t i = b; i < e; ++i) {
          const std::size_t ti = dense[i];
          // Each unordered pair once, from its lower index: weight 2 for like types (both
          // orders), 1 for unlike types (the ordered pair with the lower type first). A periodic
          // image of the atom itself is seen from i once per image (+n and -n): weight 1 each.
          cells.for_each_within(
              frame.pos[i], r_max, [&](std::uint32_t j, Image, const Vec3&, double r2) {
                if (j < i) return;
                std::int64_t weight = 1;
                if (j == i) {
                  if (r2 < kSelfDistance2) return;
                } else if (dense[j] == ti) {
                  weight = 2;
                }
                const auto bin = static_cast<std::size_t>(std::sqrt(r2) * inv_dr);
                if (bin >= nbins) return;
                local[PairHistogram::pair_slot(ti, dense[j], nt) * nbins + bin] += weight;
              });
        }
        return local;
      },
      [](Counts& total, const Counts& part) {
        if (total.empty()) total.assign(part.size(), 0);
        for (std::size_t k = 0; k < part.size(); ++k) total[k] += part[k];
      },
      block);
  if (h.counts.empty()) h.counts.assign(size, 0);
  return h;
}

void RdfAccumulator::add(const PairHistogram& h) {
  if (frames_ == 0) {
    bins_ = h.bins;
    r_max_ = h.r_max;
  } else if (h.bins != bins_ || h.r_max != r_max_) {
    throw std::logic_error("rdf: frames binned differently cannot be accumulated");
  }
  const std::size_t nt = h.types.size();
  const auto nbins = static_cast<std::size_t>(bins_);
  std::int64_t total_atoms = 0;
  for (std::size_t a = 0; a < nt; ++a) {
    total_atoms += h.atoms[a];
    atoms_[h.types[a]] += h.atoms[a];
    for (std::size_t b = a; b < nt; ++b) {
      const std::pair<int, int> key{h.types[a], h.types[b]};
      auto& v = counts_[key];
      if (v.empty()) v.assign(nbins, 0);
      const std::size_t off = PairHistogram::pair_slot(a, b, nt) * nbins;
      for (std::size_t k = 0; k < nbins; ++k) v[k] += h.counts[off + k];
      const double partners = static_cast<double>(h.atoms[b] - (a == b ? 1 : 0));
      pair_norm_[key] += static_cast<double>(h.atoms[a]) * partners / h.volume;
    }
  }
  const auto n = static_cast<double>(total_atoms);
  total_norm_ += n * (n - 1.0) / h.volume;
  density_sum_ += n / h.volume;
  ++frames_;
}

std::vector<int> RdfAccumulator::types() const {
  std::vector<int> out;
  for (const auto& [t, count] : atoms_) out.push_back(t);
  return out;
}

std::vector<std::int64_t> RdfAccumulator::counts(int a, int b) const {
  const auto it = counts_.find({std::min(a, b), std::max(a, b)});
  if (it == counts_.end()) return std::vector<std::int64_t>(static_cast<std::size_t>(bins_), 0);
  return it->second;
}

std::vector<std::int64_t> RdfAccumulator::total_counts() const {
  std::vector<std::int64_t> out(static_cast<std::size_t>(bins_), 0);
  for (const auto& [key, v] : counts_) {
    // n_ab + n_ba for unlike types; like-type counts are already ordered.
    const std::int64_t mult = key.first == key.second ? 1 : 2;
    for (std::size_t k = 0; k < v.size(); ++k) out[k] += mult * v[k];
  }
  return out;
}

std::int64_t RdfAccumulator::atoms(int type) const {
  const auto it = atoms_.find(type);
  return it == atoms_.end() ? 0 : it->second;
}

std::int64_t RdfAccumulator::atoms() const {
  std::int64_t n = 0;
  for (const auto& [t, count] : atoms_) n += count;
  return n;
}

double RdfAccumulator::pair_norm(int a, int b) const {
  const auto it = pair_norm_.find({std::min(a, b), std::max(a, b)});
  return it == pair_norm_.end() ? 0.0 : it->second;
}

std::vector<double> shell_volumes(double r_max, int bins) {
  const double dr = r_max / bins;
  std::vector<double> out(static_cast<std::size_t>(bins));
  for (int k = 0; k < bins; ++k) {
    const double lo = k * dr, hi = (k + 1) * dr;
    out[static_cast<std::size_t>(k)] = 4.0 * kPi / 3.0 * (hi * hi * hi - lo * lo * lo);
  }
  return out;
}

std::vector<double> normalise(const std::vector<std::int64_t>& counts, double norm, double r_max) {
  const auto shells = shell_volumes(r_max, static_cast<int>(counts.size()));
  std::vector<double> g(counts.size(), 0.0);
  if (norm == 0.0) return g;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    g[k] = static_cast<double>(counts[k]) / (norm * shells[k]);
  }
  return g;
}

std::vector<double> running_coordination(const std::vector<std::int64_t>& counts,
                                         std::int64_t central_atoms) {
  std::vector<double> out(counts.size(), 0.0);
  if (central_atoms == 0) return out;
  std::int64_t sum = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    sum += counts[k];
    out[k] = static_cast<double>(sum) / static_cast<double>(central_atoms);
  }
  return out;
}

double coordination_at(const std::vector<double>& running, double r_max, double r) {
  if (running.empty() || r <= 0.0) return 0.0;
  const auto bins = static_cast<int>(running.size());
  const double dr = r_max / bins;
  const int k = std::clamp(static_cast<int>(std::floor(r / dr)), 0, bins - 1);
  const double lo = k * dr, hi = (k + 1) * dr;
  const double x = std::min(r, hi);
  const double below = k > 0 ? running[static_cast<std::size_t>(k - 1)] : 0.0;
  const double frac = (x * x * x - lo * lo * lo) / (hi * hi * hi - lo * lo * lo);
  return below + (running[static_cast<std::size_t>(k)] - below) * frac;
}

std::vector<double> smooth(const std::vector<double>& g, double sigma_bins) {
  if (!(sigma_bins > 0.0)) return g;
  const int half = static_cast<int>(std::ceil(4.0 * sigma_bins));
  std::vector<double> kernel(static_cast<std::size_t>(half) + 1);
  for (int d = 0; d <= half; ++d) {
    kernel[static_cast<std::size_t>(d)] = std::exp(-0.5 * d * d / (sigma_bins * sigma_bins));
  }
  const auto n = static_cast<int>(g.size());
  std::vector<double> out(g.size());
  for (int k = 0; k < n; ++k) {
    double sum = 0.0, weight = 0.0;
    for (int j = std::max(0, k - half); j <= std::min(n - 1, k + half); ++j) {
      const double w = kernel[static_cast<std::size_t>(std::abs(j - k))];
      sum += w * g[static_cast<std::size_t>(j)];
      weight += w;
    }
    out[static_cast<std::size_t>(k)] = sum / weight;
  }
  return out;
}

namespace {

// Offset (in bins, within ±1/2) of the vertex of the parabola through s[k-1], s[k], s[k+1];
// `sign` +1 for a maximum, -1 for a minimum.
double vertex_offset(const std::vector<double>& s, std::size_t k, double sign) {
  if (k == 0 || k + 1 >= s.size()) return 0.0;
  const double y0 = s[k - 1], y1 = s[k], y2 = s[k + 1];
  const double curvature = y0 - 2.0 * y1 + y2;
  if (!(sign * curvature < 0.0)) return 0.0;
  return std::clamp(0.5 * (y0 - y2) / curvature, -0.5, 0.5);
}

}  // namespace

FirstShell first_shell(const std::vector<double>& g, double dr, double smoothing) {
  FirstShell out;
  const std::vector<double> s = smooth(g, smoothing / dr);
  const std::size_t n = s.size();
  std::size_t start = 0;
  while (start < n && !(s[start] > 1.0)) ++start;
  if (start == n) return out;
  std::size_t end = start;
  while (end < n && s[end] > 1.0) ++end;
  std::size_t peak = start;
  for (std::size_t k = start; k < end; ++k) {
    if (s[k] > s[peak]) peak = k;
  }
  out.peak =
      Extremum{(static_cast<double>(peak) + 0.5 + vertex_offset(s, peak, 1.0)) * dr, g[peak]};
  std::size_t next = end;
  while (next < n && !(s[next] > 1.0)) ++next;
  if (end == n || next == n) return out;  // g does not rise above 1 again
  std::size_t low = end;
  for (std::size_t k = end; k < next; ++k) {
    if (s[k] < s[low]) low = k;
  }
  std::size_t low_end = low;  // flat bottom: take its middle
  while (low_end + 1 < next && s[low_end + 1] == s[low]) ++low_end;
  double position;
  std::size_t at;
  if (low_end > low) {
    position = 0.5 * static_cast<double>(low + low_end) + 0.5;
    at = (low + low_end) / 2;
  } else {
    position = static_cast<double>(low) + 0.5 + vertex_offset(s, low, -1.0);
    at = low;
  }
  out.minimum = Extremum{position * dr, g[at]};
  return out;
}

namespace {

// sin x - x cos x, by its series where the difference cancels.
double shell_kernel(double x) {
  if (x < 0.05) {
    const double x2 = x * x;
    return x2 * x * (1.0 / 3.0 - x2 * (1.0 / 30.0 - x2 * (1.0 / 840.0 - x2 / 45360.0)));
  }
  return std::sin(x) - x * std::cos(x);
}

}  // namespace

std::vector<double> faber_ziman(const std::vector<double>& g, double r_max, double rho,
                                const std::vector<double>& q, Window window) {
  const std::size_t bins = g.size();
  const double dr = r_max / static_cast<double>(bins);
  std::vector<double> weight(bins);
  for (std::size_t k = 0; k < bins; ++k) {
    double w = 1.0;
    if (window == Window::Lorch) {
      const double x = kPi * (static_cast<double>(k) + 0.5) * dr / r_max;
      w = std::sin(x) / x;
    }
    weight[k] = (g[k] - 1.0) * w;
  }
  std::vector<double> out(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    const double qi = q[i];
    double sum = 0.0;
    for (std::size_t k = 0; k < bins; ++k) {
      const double lo = static_cast<double>(k) * dr, hi = static_cast<double>(k + 1) * dr;
      const double integral = qi > 0.0
                                  ? (shell_kernel(qi * hi) - shell_kernel(qi * lo)) / (qi * qi * qi)
                                  : (hi * hi * hi - lo * lo * lo) / 3.0;
      sum += weight[k] * integral;
    }
    out[i] = 1.0 + 4.0 * kPi * rho * sum;
  }
  return out;
}

int atomic_number(std::string_view symbol) {
  static constexpr std::array<std::string_view, 92> kSymbols = {
      "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si",
      "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni",
      "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo",
      "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba",
      "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
      "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po",
      "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U"};
  if (symbol.empty() || symbol.size() > 2) return 0;
  std::string s(symbol);
  s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  if (s.size() > 1) s[1] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
  for (std::size_t z = 0; z < kSymbols.size(); ++z) {
    if (kSymbols[z] == s) return static_cast<int>(z) + 1;
  }
  return 0;
}

double electron_form_factor(int z, double q) {
  constexpr double kBohr = 0.529177210903;  // Å
  const double radius = 0.885 * kBohr / std::cbrt(static_cast<double>(z));
  return z / (q * q + 1.0 / (radius * radius));
}

RdfAnalyzer::RdfAnalyzer(std::string label, RdfParams params)
    : Analyzer(std::move(label)), params_(params) {}

// The histogram walks the engine's cell list directly: a stored neighbor list out to r_max
// (~250 neighbors per atom at 10 Å) would cost memory and a sort per atom for nothing.
Needs RdfAnalyzer::needs() const {
  Needs n;
  n.cells = true;
  return n;
}

namespace {

// Display names of types: their elements when every type has a distinct one, else numbers.
std::map<int, std::string> type_names(const std::vector<int>& types,
                                      const std::map<int, std::string>& elements) {
  std::map<int, std::string> out;
  std::vector<std::string> seen;
  bool use_elements = true;
  for (int t : types) {
    const auto it = elements.find(t);
    if (it == elements.end() || it->second.empty() ||
        std::find(seen.begin(), seen.end(), it->second) != seen.end()) {
      use_elements = false;
      break;
    }
    seen.push_back(it->second);
  }
  for (int t : types) out[t] = use_elements ? elements.at(t) : std::to_string(t);
  return out;
}

// The curves of the summary as tables for the csv_tables output: g.csv (r, g and running
// coordination per pair) and S.csv (q, S per pair and total).
void add_curve_tables(FrameResult& out) {
  const auto& s = out.summary;
  const auto table = [&](const char* name, const char* x,
                         const std::vector<std::pair<std::string, std::string>>& groups) {
    Table t;
    t.name = name;
    t.columns.push_back(x);
    t.data.push_back(s[x].get<std::vector<double>>());
    for (const auto& [key, prefix] : groups) {
      for (const auto& [curve, values] : s[key].items()) {
        t.columns.push_back(prefix + curve);
        t.data.push_back(values.get<std::vector<double>>());
      }
    }
    out.tables.push_back(std::move(t));
  };
  table("g", "r", {{"g", "g_"}, {"cn", "cn_"}});
  if (s.contains("q")) table("S", "q", {{"S", "S_"}});
}

nlohmann::json to_json(const std::optional<Extremum>& e) {
  if (!e) return nullptr;
  return {{"r", e->r}, {"g", e->g}};
}

const char* normalisation_doc() {
  return "per ordered pair: g_ab = n_ab / (N_a (N_b - delta_ab) / V * 4pi/3 (r_hi^3 - r_lo^3)) "
         "(LAMMPS compute rdf); over frames, counts and N_a (N_b - delta_ab) / V are summed";
}

// The element of every present type: from the frame (element column) or the run file.
std::vector<std::string> frame_elements(const FrameContext& context,
                                        const std::vector<int>& types) {
  const Frame& frame = context.frame();
  std::vector<std::string> out;
  for (int t : types) {
    const auto ut = static_cast<std::size_t>(t);
    std::string e;
    if (ut < frame.type_names.size()) e = frame.type_names[ut];
    if (e.empty() && ut < context.types().size()) e = context.types()[ut].element;
    out.push_back(e);
  }
  return out;
}

}  // namespace

FrameResult RdfAnalyzer::compute(const FrameContext& context) const {
  const Frame& frame = context.frame();
  const Box& box = frame.box;
  FrameResult out;
  auto& s = out.summary;
  double min_width = std::numeric_limits<double>::infinity();
  for (int k = 0; k < 3; ++k) {
    if (box.periodic(k)) min_width = std::min(min_width, box.perpendicular_width(k));
  }
  if (params_.r_max > 100.0 * min_width) {
    throw ComputeError(fmt::format(
        "rdf: expected r_max within 100 periodic images of the box, but r_max = {} Å spans "
        "more than 100 images of the {:.6g} Å wide box",
        params_.r_max, min_width));
  }
  if (params_.r_max > 0.5 * min_width) {
    s["warnings"].push_back(fmt::format(
        "r_max = {} Å exceeds half the smallest box width ({:.6g} Å): pairs at r > {:.6g} Å "
        "include periodic images of the same atoms",
        params_.r_max, min_width, 0.5 * min_width));
  }
  if (!box.fully_periodic()) {
    s["warnings"].push_back(
        "the box is not periodic in every direction: g(r) is normalised by the box volume and "
        "falls below 1 where shells reach past the open faces");
  }
  // Elements first: a missing one fails before the pair search.
  const std::set<int> present(frame.type.begin(), frame.type.end());
  const std::vector<int> types(present.begin(), present.end());
  const std::vector<std::string> elements = frame_elements(context, types);
  if (params_.q_bins > 0) {
    for (std::size_t a = 0; a < types.size(); ++a) {
      if (elements[a].empty()) {
        throw ComputeError(fmt::format(
            "rdf: the total S(q) weights atoms by their element, and type {0} has none: name it "
            "in input.types ({{\"{0}\": {{\"element\": \"Zr\"}}}}) or set q_bins to 0",
            types[a]));
      }
      if (atomic_number(elements[a]) == 0) {
        throw ComputeError(fmt::format(
            "rdf: unknown element \"{}\" of type {} (S(q) weights need elements H .. U); "
            "set q_bins to 0 to skip S(q)",
            elements[a], types[a]));
      }
    }
  }
  const PairHistogram h = pair_histogram(frame, context.cells(), params_.r_max, params_.bins);
  // Small per-frame summary: atoms, volume and the total g(r)'s first shell.
  RdfAccumulator one;
  one.add(h);
  std::map<int, std::string> element_of;
  for (std::size_t a = 0; a < h.types.size(); ++a) element_of[h.types[a]] = elements[a];
  const auto names = type_names(h.types, element_of);
  s["volume"] = h.volume;
  s["atoms"] = nlohmann::json::object();
  for (std::size_t a = 0; a < h.types.size(); ++a) s["atoms"][names.at(h.types[a])] = h.atoms[a];
  const auto total = one.total_counts();
  const auto g = normalise(total, one.total_norm(), params_.r_max);
  const FirstShell shell = first_shell(g, one.dr(), params_.smoothing);
  s["first_peak"] = to_json(shell.peak);
  s["first_minimum"] = to_json(shell.minimum);
  s["coordination"] = shell.minimum
                          ? nlohmann::json(coordination_at(running_coordination(total, one.atoms()),
                                                           params_.r_max, shell.minimum->r))
                          : nlohmann::json(nullptr);
  // The counts travel to consume(), which folds them and removes them from the summary.
  s["_histogram"] = {{"types", h.types},
                     {"atoms", h.atoms},
                     {"counts", h.counts},
                     {"volume", h.volume},
                     {"elements", elements}};
  return out;
}

void RdfAnalyzer::consume(const FrameInfo&, FrameResult& result) {
  auto it = result.summary.find("_histogram");
  if (it == result.summary.end()) return;
  PairHistogram h;
  h.bins = params_.bins;
  h.r_max = params_.r_max;
  h.volume = (*it)["volume"].get<double>();
  h.types = (*it)["types"].get<std::vector<int>>();
  h.atoms = (*it)["atoms"].get<std::vector<std::int64_t>>();
  h.counts = (*it)["counts"].get<std::vector<std::int64_t>>();
  const auto elements = (*it)["elements"].get<std::vector<std::string>>();
  for (std::size_t a = 0; a < h.types.size(); ++a) {
    if (!elements[a].empty()) elements_.emplace(h.types[a], elements[a]);
  }
  acc_.add(h);
  result.summary.erase(it);
}

std::optional<FrameResult> RdfAnalyzer::finish() {
  if (acc_.frames() == 0) return std::nullopt;
  const std::vector<int> types = acc_.types();
  const auto names = type_names(types, elements_);
  const double r_max = acc_.r_max();
  const double dr = acc_.dr();
  const auto frames = static_cast<double>(acc_.frames());
  const double rho = acc_.number_density();
  const auto n_all = static_cast<double>(acc_.atoms());
  FrameResult out;
  auto& s = out.summary;
  s["frames"] = acc_.frames();
  s["normalisation"] = normalisation_doc();
  s["number_density"] = rho;
  s["dr"] = dr;
  s["types"] = nlohmann::json::object();
  for (int t : types) {
    nlohmann::json entry = {{"type", t},
                            {"atoms", static_cast<double>(acc_.atoms(t)) / frames},
                            {"concentration", static_cast<double>(acc_.atoms(t)) / n_all}};
    if (const auto it = elements_.find(t); it != elements_.end()) entry["element"] = it->second;
    s["types"][names.at(t)] = std::move(entry);
  }
  std::vector<double> r(static_cast<std::size_t>(acc_.bins()));
  for (std::size_t k = 0; k < r.size(); ++k) r[k] = (static_cast<double>(k) + 0.5) * dr;
  s["r"] = r;

  // Curves, first peaks and minima: the total, then every unordered pair a <= b.
  const auto total_counts = acc_.total_counts();
  const auto g_total = normalise(total_counts, acc_.total_norm(), r_max);
  const auto cn_total = running_coordination(total_counts, acc_.atoms());
  const FirstShell total_shell = first_shell(g_total, dr, params_.smoothing);
  s["g"]["total"] = g_total;
  s["cn"]["total"] = cn_total;
  s["first_peak"]["total"] = to_json(total_shell.peak);
  s["first_minimum"]["total"] = to_json(total_shell.minimum);
  s["coordination"]["total"] =
      total_shell.minimum ? nlohmann::json(coordination_at(cn_total, r_max, total_shell.minimum->r))
                          : nlohmann::json(nullptr);
  std::map<std::pair<int, int>, std::vector<double>> g_pair;
  for (std::size_t ia = 0; ia < types.size(); ++ia) {
    for (std::size_t ib = ia; ib < types.size(); ++ib) {
      const int a = types[ia], b = types[ib];
      const std::string name = names.at(a) + "-" + names.at(b);
      const auto counts = acc_.counts(a, b);
      auto g = normalise(counts, acc_.pair_norm(a, b), r_max);
      const FirstShell shell = first_shell(g, dr, params_.smoothing);
      s["g"][name] = g;
      s["first_peak"][name] = to_json(shell.peak);
      s["first_minimum"][name] = to_json(shell.minimum);
      // cn[a-b]: b neighbours of an a atom, and the reverse.
      for (const auto& [center, other] : {std::pair{a, b}, std::pair{b, a}}) {
        const auto cn = running_coordination(counts, acc_.atoms(center));
        s["cn"][names.at(center) + "-" + names.at(other)] = cn;
        s["coordination"][names.at(center)][names.at(other)] =
            shell.minimum ? nlohmann::json(coordination_at(cn, r_max, shell.minimum->r))
                          : nlohmann::json(nullptr);
        if (a == b) break;
      }
      g_pair[{a, b}] = std::move(g);
    }
  }
  for (int a : types) {
    auto& row = s["coordination"][names.at(a)];
    double sum = 0.0;
    bool complete = true;
    for (int b : types) {
      const auto& v = row[names.at(b)];
      if (v.is_null())
        complete = false;
      else
        sum += v.get<double>();
    }
    row["sum"] = complete ? nlohmann::json(sum) : nlohmann::json(nullptr);
  }

  if (params_.q_bins > 0) {
    std::vector<double> q(static_cast<std::size_t>(params_.q_bins));
    for (std::size_t i = 0; i < q.size(); ++i) {
      q[i] = static_cast<double>(i + 1) * params_.q_max / params_.q_bins;
    }
    s["q"] = q;
    s["weighting"] = params_.weighting == Weighting::Xray ? "xray" : "electron";
    s["window"] = params_.window == Window::Lorch ? "lorch" : "none";
    // Scattering weight of every type at every q.
    std::map<int, std::vector<double>> f;
    for (int t : types) {
      const auto it = elements_.find(t);
      const int z = it == elements_.end() ? 0 : atomic_number(it->second);
      if (z == 0) throw ComputeError(fmt::format("rdf: type {} has no known element for S(q)", t));
      auto& ft = f[t];
      for (double qi : q) {
        ft.push_back(params_.weighting == Weighting::Xray ? static_cast<double>(z)
                                                          : electron_form_factor(z, qi));
      }
      if (params_.weighting == Weighting::Xray)
        s["weights"][names.at(t)] = z;
      else
        s["weights"][names.at(t)] = ft;
    }
    std::vector<double> numerator(q.size(), 0.0), mean_f(q.size(), 0.0);
    for (int a : types) {
      const double ca = static_cast<double>(acc_.atoms(a)) / n_all;
      for (std::size_t i = 0; i < q.size(); ++i) mean_f[i] += ca * f[a][i];
    }
    for (const auto& [key, g] : g_pair) {
      const auto [a, b] = key;
      const auto sq = faber_ziman(g, r_max, rho, q, params_.window);
      s["S"][names.at(a) + "-" + names.at(b)] = sq;
      const double ca = static_cast<double>(acc_.atoms(a)) / n_all;
      const double cb = static_cast<double>(acc_.atoms(b)) / n_all;
      const double mult = a == b ? 1.0 : 2.0;
      for (std::size_t i = 0; i < q.size(); ++i) {
        numerator[i] += mult * ca * cb * f[a][i] * f[b][i] * sq[i];
      }
    }
    std::vector<double> total(q.size());
    for (std::size_t i = 0; i < q.size(); ++i) total[i] = numerator[i] / (mean_f[i] * mean_f[i]);
    s["S"]["total"] = total;
  }
  add_curve_tables(out);
  return out;
}

namespace {

const bool registered = register_analyzer({
    "rdf",
    "Radial distribution functions averaged over frames: partial g_ab(r) for every type pair and "
    "the total g(r) (per ordered pair, as LAMMPS compute rdf), running coordination numbers, "
    "first peaks and minima, coordination numbers to the first minimum, Faber-Ziman partial "
    "S_ab(q) and the X-ray (Z) or electron weighted total S(q). Results are in the summary.",
    {
        ParamSpec("r_max", ParamKind::Number, 10.0, "Å",
                  "largest pair distance; may exceed half the box (periodic images of the same "
                  "atoms then count as partners)")
            .at_least(0),
        ParamSpec("bins", ParamKind::Integer, 200, "", "number of r bins of width r_max / bins")
            .at_least(1)
            .at_most(1000000),
        ParamSpec("q_max", ParamKind::Number, 12.0, "Å^-1",
                  "largest scattering vector of S(q); q = k q_max / q_bins, k = 1 .. q_bins")
            .at_least(0),
        ParamSpec("q_bins", ParamKind::Integer, 240, "",
                  "number of q points of S(q); 0 skips S(q) (then no elements are needed)")
            .at_least(0)
            .at_most(1000000),
        ParamSpec("weighting", ParamKind::String, "xray", "",
                  "total S(q) weights: xray (f = Z) or electron (screened-Coulomb Z / (q^2 + "
                  "R^-2), R = 0.885 a0 Z^(-1/3)); elements come from input.types or the dump")
            .one_of({"xray", "electron"}),
        ParamSpec("window", ParamKind::String, "lorch", "",
                  "window on g(r) - 1 in the S(q) transform: lorch (sin(pi r / r_max) / "
                  "(pi r / r_max), damps truncation ripples) or none")
            .one_of({"lorch", "none"}),
        ParamSpec("smoothing", ParamKind::Number, 0.05, "Å",
                  "Gaussian sigma applied to g(r) only to locate first peaks and minima (the "
                  "reported curves are not smoothed); 0 = none")
            .at_least(0),
    },
    [](const nlohmann::json& p, const std::string& label, const RunContext& run) {
      RdfParams params;
      params.r_max = p["r_max"].get<double>();
      params.bins = p["bins"].get<int>();
      params.q_max = p["q_max"].get<double>();
      params.q_bins = p["q_bins"].get<int>();
      params.weighting = p["weighting"] == "electron" ? Weighting::Electron : Weighting::Xray;
      params.window = p["window"] == "none" ? Window::None : Window::Lorch;
      params.smoothing = p["smoothing"].get<double>();
      if (!(params.r_max > 0.0)) throw ConfigError(label + ".r_max", "must be greater than 0");
      if (params.q_bins > 0 && !(params.q_max > 0.0)) {
        throw ConfigError(label + ".q_max", "must be greater than 0 (or set q_bins to 0)");
      }
      if (params.q_bins > 0) {
        for (std::size_t t = 1; t < run.types.size(); ++t) {
          const std::string& e = run.types[t].element;
          if (!e.empty() && atomic_number(e) == 0) {
            throw ConfigError(fmt::format("input.types.{}.element", t),
                              fmt::format("unknown element \"{}\": the rdf analyzer's S(q) "
                                          "weights need a symbol from H to U (or set {}.q_bins "
                                          "to 0)",
                                          e, label));
          }
        }
      }
      return std::make_unique<RdfAnalyzer>(label, params);
    },
});

}  // namespace

}  // namespace mgs::analyzers
