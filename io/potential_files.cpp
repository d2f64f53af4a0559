#include "io/potential_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

#include "engine/errors.hpp"
#include "engine/lennard_jones.hpp"
#include "io/text_scan.hpp"
#include "io/text_source.hpp"

namespace mgs::io {

namespace {

// Table sizes beyond this are not potentials but damaged headers (they would allocate GBs).
constexpr std::int64_t kMaxTablePoints = 10'000'000;
constexpr std::int64_t kMaxElements = 128;

// Line-oriented reading as LAMMPS's PotentialFileReader does it.
class PotentialText {
 public:
  explicit PotentialText(const std::string& path) : path_(path) {
    auto source = TextSource::open(path);
    source->scan([this](std::string_view chunk, std::uint64_t) { text_.append(chunk); });
  }

  // A raw line (header comments); throws at the end of the file.
  void skip_line(const char* what) {
    if (!next_raw()) fail(fmt::format("the file ends before {}", what));
  }

  // The next line with words after removing '#' comments; throws at the end of the file.
  std::vector<std::string_view> words(const std::string& what) {
    while (next_raw()) {
      std::string_view l = line_;
      if (const auto hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
      auto w = split(l);
      if (!w.empty()) return w;
    }
    fail(fmt::format("the file ends where {} was expected", what));
  }

  // n numbers starting on a new line; numbers left on the last line are ignored (as LAMMPS).
  std::vector<double> table(std::size_t n, const std::string& what) {
    std::vector<double> v;
    v.reserve(n);
    while (v.size() < n) {
      for (std::string_view w :
           words(fmt::format("{} ({} of {} values read)", what, v.size(), n))) {
        if (v.size() == n) break;
        v.push_back(number(w, what));
      }
    }
    return v;
  }

  double number(std::string_view w, const std::string& what) const {
    const auto x = to_double(w);
    if (!x || !std::isfinite(*x))
      fail(fmt::format("expected a finite number in {}, got {}", what, quote(w)));
    return *x;
  }
  std::int64_t integer(std::string_view w, const std::string& what) const {
    const auto x = to_int(w);
    if (!x) fail(fmt::format("expected an integer for {}, got {}", what, quote(w)));
    return *x;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(path_, line_number_, what);
  }

 private:
  bool next_raw() {
    if (pos_ >= text_.size()) return false;
    const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
    line_ = std::string_view(text_).substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_number_;
    return true;
  }

  std::string path_;
  std::string text_;
  std::size_t pos_ = 0;
  std::string_view line_;
  std::int64_t line_number_ = 0;
};

}  // namespace

EamTables read_eam_file(const std::string& path, const std::string& style) {
  const bool fs = style == "eam/fs";
  if (!fs && style != "eam/alloy") throw std::invalid_argument("read_eam_file: style " + style);
  PotentialText in(path);
  EamTables t;
  t.style = style;
  t.file = path;
  for (int k = 0; k < 3; ++k)
    in.skip_line("the element line (a setfl file starts with 3 comment lines)");

  const auto head = in.words("the element line \"N element1 ... elementN\"");
  const std::int64_t ne = in.integer(head[0], "the number of elements");
  if (ne < 1 || ne > kMaxElements) {
    in.fail(fmt::format("expected between 1 and {} elements, got {}", kMaxElements, ne));
  }
  if (static_cast<std::int64_t>(head.size()) != ne + 1) {
    in.fail(fmt::format("expected {} element names after the count, got {}", ne, head.size() - 1));
  }
  for (std::size_t k = 1; k < head.size(); ++k) t.elements.emplace_back(head[k]);

  const auto grid = in.words("\"Nrho drho Nr dr cutoff\"");
  if (grid.size() < 5)
    in.fail(fmt::format("expected \"Nrho drho Nr dr cutoff\" (5 values), got {}", grid.size()));
  const std::int64_t nrho = in.integer(grid[0], "Nrho");
  t.drho = in.number(grid[1], "drho");
  const std::int64_t nr = in.integer(grid[2], "Nr");
  t.dr = in.number(grid[3], "dr");
  t.cutoff = in.number(grid[4], "the cutoff");
  if (nrho < 5 || nrho > kMaxTablePoints || nr < 5 || nr > kMaxTablePoints) {
    in.fail(fmt::format("expected Nrho and Nr between 5 and {}, got {} and {}", kMaxTablePoints,
                        nrho, nr));
  }
  if (!(t.drho > 0.0) || !(t.dr > 0.0) || !(t.cutoff > 0.0)) {
    in.fail("expected positive drho, dr and cutoff");
  }
  t.nrho = static_cast<int>(nrho);
  t.nr = static_cast<int>(nr);

  const auto n = static_cast<std::size_t>(ne);
  t.masses.resize(n);
  t.embedding.resize(n);
  t.density.assign(n, std::vector<std::vector<double>>(n));
  t.r_phi.assign(n, std::vector<std::vector<double>>(n));
  for (std::size_t a = 0; a < n; ++a) {
    const std::string el = t.elements[a];
    const auto line = in.words(fmt::format("the line \"Z mass ...\" of {}", el));
    if (line.size() < 2) in.fail(fmt::format("expected \"Z mass ...\" for {}", el));
    in.integer(line[0], fmt::format("the atomic number of {}", el));
    t.masses[a] = in.number(line[1], fmt::format("the mass of {}", el));
    if (!(t.masses[a] > 0.0)) in.fail(fmt::format("expected a positive mass for {}", el));
    t.embedding[a] = in.table(static_cast<std::size_t>(nrho),
                              fmt::format("the embedding function F(rho) of {}", el));
    if (fs) {
      // Element a's block holds the density a gives to each element b.
      for (std::size_t b = 0; b < n; ++b) {
        t.density[a][b] =
            in.table(static_cast<std::size_t>(nr),
                     fmt::format("the density function of {} at {}", el, t.elements[b]));
      }
    } else {
      const auto rho =
          in.table(static_cast<std::size_t>(nr), fmt::format("the density function of {}", el));
      for (std::size_t b = 0; b < n; ++b) t.density[a][b] = rho;
    }
  }
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b <= a; ++b) {
      t.r_phi[a][b] = in.table(static_cast<std::size_t>(nr),
                               fmt::format("r*phi(r) of {}-{}", t.elements[a], t.elements[b]));
      t.r_phi[b][a] = t.r_phi[a][b];
    }
  }
  return t;
}

PotentialLoader potential_loader() {
  struct Cache {
    std::mutex mutex;
    std::map<std::pair<std::string, std::string>, std::shared_ptr<const EamTables>> tables;
  };
  auto cache = std::make_shared<Cache>();
  return [cache](const PotentialRequest& r) -> std::shared_ptr<const Potential> {
    if (r.style == "lj/cut") return make_lennard_jones(r);
    std::shared_ptr<const EamTables> tables;
    {
      const std::lock_guard lock(cache->mutex);
      auto& slot = cache->tables[{r.style, r.file}];
      if (!slot) slot = std::make_shared<const EamTables>(read_eam_file(r.file, r.style));
      tables = slot;
    }
    // As pair_coeff * * FILE E1 E2 ...: type t is element elements[t-1]; NULL leaves it out.
    std::vector<int> species(r.elements.size() + 1, -1);
    for (std::size_t k = 0; k < r.elements.size(); ++k) {
      if (r.elements[k] == "NULL") continue;
      const auto it = std::find(tables->elements.begin(), tables->elements.end(), r.elements[k]);
      if (it == tables->elements.end()) {
        std::string have;
        for (const auto& e : tables->elements) have += (have.empty() ? "" : ", ") + e;
        throw ConfigError(
            fmt::format("{}.elements[{}]", r.json_path, k),
            fmt::format("element \"{}\" is not in {} (it has {})", r.elements[k], r.file, have));
      }
      species[k + 1] = static_cast<int>(it - tables->elements.begin());
    }
    return std::make_shared<EamPotential>(*tables, std::move(species));
  };
}

}  // namespace mgs::io
