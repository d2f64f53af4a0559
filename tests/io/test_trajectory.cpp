// Trajectories: gzip dumps LAMMPS wrote, random access through the frame index, frame selection,
// globs in natural order and data files as one-frame inputs. References are parsed here with
// istringstream from the decompressed text (gzip -dc), independently of the reader.
#include "io/trajectory.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "io/lammps_dump.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using mgs::Frame;
using mgs::Vec3;

// One frame of a decompressed dump, read with istringstream: timestep, bounds, rows by id.
struct RefFrame {
  std::int64_t timestep = -1;
  std::vector<std::vector<double>> bounds;
  std::vector<std::string> columns;
  std::map<std::int64_t, std::vector<double>> rows;  // id -> all columns as numbers

  double get(std::int64_t id, const std::string& column) const {
    const auto it = std::find(columns.begin(), columns.end(), column);
    REQUIRE(it != columns.end());
    return rows.at(id).at(static_cast<std::size_t>(it - columns.begin()));
  }
  Vec3 vec(std::int64_t id, const char* a, const char* b, const char* c) const {
    return Vec3(get(id, a), get(id, b), get(id, c));
  }
};

std::vector<RefFrame> ref_frames(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<RefFrame> frames;
  std::string line;
  std::size_t atoms = 0;
  while (std::getline(in, line)) {
    if (line == "ITEM: TIMESTEP") {
      frames.emplace_back();
      std::getline(in, line);
      frames.back().timestep = std::stoll(line);
    } else if (line == "ITEM: NUMBER OF ATOMS") {
      std::getline(in, line);
      atoms = std::stoul(line);
    } else if (line.rfind("ITEM: BOX BOUNDS", 0) == 0) {
      for (int k = 0; k < 3; ++k) {
        std::getline(in, line);
        std::istringstream ss(line);
        std::vector<double> v;
        double x;
        while (ss >> x) v.push_back(x);
        frames.back().bounds.push_back(v);
      }
    } else if (line.rfind("ITEM: ATOMS", 0) == 0) {
      auto& f = frames.back();
      std::istringstream ss(line.substr(11));
      std::string w;
      while (ss >> w) f.columns.push_back(w);
      for (std::size_t i = 0; i < atoms; ++i) {
        REQUIRE(std::getline(in, line));
        std::istringstream rs(line);
        std::vector<double> row;
        while (rs >> w) row.push_back(std::stod(w));
        f.rows[static_cast<std::int64_t>(row.at(0))] = row;  // id is the first column here
      }
    }
  }
  return frames;
}

// Decompresses a shared .gz file into the temp dir with the gzip program.
fs::path gunzip(const std::string& name, const std::string& tag) {
  REQUIRE(mgs::test::have_program("gzip"));
  const auto out = mgs::test::temp_dir(tag) / name.substr(0, name.size() - 3);
  std::string log;
  REQUIRE(mgs::test::run_command(
              "gzip -dc '" + mgs::test::shared_data(name).string() + "' > '" + out.string() + "'",
              &log) == 0);
  return out;
}

mgs::io::InputSpec spec_of(const std::vector<std::string>& paths) {
  mgs::io::InputSpec spec;
  spec.paths = paths;
  return spec;
}

std::vector<Frame> read_all(const mgs::io::InputSpec& spec) {
  auto source = mgs::io::open_trajectory(spec);
  std::vector<Frame> out;
  while (auto raw = source->next()) out.push_back(source->parse(*raw));
  REQUIRE(out.size() == source->frame_count());
  return out;
}

void require_same(const Frame& a, const Frame& b) {
  REQUIRE(a.timestep == b.timestep);
  REQUIRE(a.box.cell() == b.box.cell());
  REQUIRE(a.box.origin() == b.box.origin());
  REQUIRE(a.id == b.id);
  REQUIRE(a.type == b.type);
  REQUIRE(a.pos == b.pos);
  REQUIRE(a.image == b.image);
  REQUIRE(a.has_image == b.has_image);
  REQUIRE(a.columns.size() == b.columns.size());
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    REQUIRE(a.columns[c].name == b.columns[c].name);
    REQUIRE(a.columns[c].values == b.columns[c].values);
  }
}

// Lx, Ly, Lz from a data file header.
Vec3 data_lengths(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  Vec3 l = Vec3::Zero();
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    double lo, hi;
    for (int k = 0; k < 3; ++k) {
      const std::string key = std::string(1, "xyz"[k]) + "lo " + std::string(1, "xyz"[k]) + "hi";
      if (line.find(key) != std::string::npos && (ss >> lo >> hi)) l[k] = hi - lo;
    }
  }
  return l;
}

std::string dump_frame(std::int64_t timestep, double x) {
  std::ostringstream t;
  t << "ITEM: TIMESTEP\n"
    << timestep
    << "\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\n"
       "ITEM: ATOMS id type x y z\n1 1 "
    << x << " 1 1\n2 2 5 5 5\n";
  return t.str();
}

}  // namespace

TEST_CASE("trajectory: AQS shear gzip has 25 frames of constant volume and xy = gamma Ly",
          "[dump]") {
  const auto gz = mgs::test::shared_data("cuzr2k_aqs_shear.dump.gz").string();
  const mgs::io::DumpIndex index(gz);
  CHECK(index.compressed());
  REQUIRE(index.frames().size() == 25);
  for (std::size_t k = 0; k < 25; ++k) {
    CHECK(index.frames()[k].timestep == static_cast<std::int64_t>(20 * k));
    CHECK(index.frames()[k].atoms == 2000);
  }
  const Vec3 L = data_lengths(mgs::test::shared_data("cuzr2k_IS.data"));
  REQUIRE(L.prod() > 0);
  const std::vector<Frame> frames = read_all(spec_of({gz}));
  REQUIRE(frames.size() == 25);
  for (const Frame& f : frames) {
    INFO("timestep " << f.timestep);
    REQUIRE(f.size() == 2000);
    const mgs::InputColumn* pe = f.column("c_pe");
    REQUIRE(pe);
    REQUIRE(f.columns.size() == 1);
    // Simple shear keeps Lx, Ly, Lz and the volume of the inherent structure (README).
    CHECK(f.box.volume() == Approx(L.prod()).epsilon(1e-12));
    for (int k = 0; k < 3; ++k) CHECK(f.box.cell()(k, k) == Approx(L[k]).epsilon(1e-12));
    const double gamma = 2.5e-4 * static_cast<double>(f.timestep);
    CHECK(f.box.cell()(0, 1) == Approx(gamma * L[1]).margin(1e-9));
    CHECK(f.box.cell()(0, 2) == 0.0);
    CHECK(f.box.cell()(1, 2) == 0.0);
    // Mean potential energy of a Cu64Zr36 glass near the IS value (-4.42 eV/atom, README).
    double sum = 0;
    for (double e : pe->values) sum += e;
    CHECK(sum / 2000 == Approx(-4.4).margin(0.05));
  }
  CHECK(frames.back().box.cell()(0, 1) == Approx(3.81670).epsilon(1e-5));

  SECTION("positions and c_pe equal the decompressed text") {
    const auto ref = ref_frames(gunzip("cuzr2k_aqs_shear.dump.gz", "aqsref"));
    REQUIRE(ref.size() == 25);
    for (std::size_t k : {0u, 13u, 24u}) {
      const Frame& f = frames[k];
      REQUIRE(ref[k].timestep == f.timestep);
      for (std::size_t i = 0; i < f.size(); ++i) {
        const Vec3 x = ref[k].vec(f.id[i], "x", "y", "z");
        REQUIRE(f.box.minimum_image(f.pos[i] - x).norm() < 1e-9);
        REQUIRE(f.column("c_pe")->values[i] == ref[k].get(f.id[i], "c_pe"));
        REQUIRE(f.type[i] == static_cast<int>(ref[k].get(f.id[i], "type")));
      }
    }
  }
  SECTION("first and last frames are the IS and the final sheared dump") {
    const Frame is =
        mgs::io::read_frame(spec_of({mgs::test::shared_data("cuzr2k_IS.dump").string()}), 0);
    const Frame fin = mgs::io::read_frame(
        spec_of({mgs::test::shared_data("cuzr2k_aqs_final_tric.dump").string()}), 0);
    CHECK(fin.timestep == frames.back().timestep);
    CHECK((fin.box.cell() - frames.back().box.cell()).cwiseAbs().maxCoeff() < 1e-12);
    double worst_is = 0, worst_fin = 0;
    for (std::size_t i = 0; i < 2000; ++i) {
      worst_is =
          std::max(worst_is, frames[0].box.minimum_image(frames[0].pos[i] - is.pos[i]).norm());
      worst_fin = std::max(
          worst_fin, frames.back().box.minimum_image(frames.back().pos[i] - fin.pos[i]).norm());
    }
    CHECK(worst_is < 1e-6);
    CHECK(worst_fin < 1e-6);
  }
  SECTION("the gzip and a plain copy give identical frames") {
    const auto plain = gunzip("cuzr2k_aqs_shear.dump.gz", "aqsplain");
    const mgs::io::DumpIndex plain_index(plain.string());
    CHECK_FALSE(plain_index.compressed());
    REQUIRE(plain_index.frames().size() == 25);
    for (std::size_t k = 0; k < 25; ++k) {
      CHECK(plain_index.frames()[k].offset == index.frames()[k].offset);
      CHECK(plain_index.frames()[k].length == index.frames()[k].length);
      CHECK(plain_index.frames()[k].first_line == index.frames()[k].first_line);
    }
    const auto copy = read_all(spec_of({plain.string()}));
    for (std::size_t k = 0; k < 25; ++k) require_same(copy[k], frames[k]);
  }
}

TEST_CASE("trajectory: NVT gzip, 100 frames, random access equals sequential reading", "[dump]") {
  const auto gz = mgs::test::shared_data("cuzr2k_nvt300.dump.gz").string();
  const auto spec = spec_of({gz});
  const std::vector<Frame> seq = read_all(spec);
  REQUIRE(seq.size() == 100);
  for (std::size_t k = 0; k < 100; ++k) {
    REQUIRE(seq[k].timestep == static_cast<std::int64_t>(25 * k));
    REQUIRE(seq[k].has_image);
  }
  // Out of order: forward skips, then backwards (the gzip stream restarts).
  for (std::size_t k : {57u, 99u, 3u, 57u, 0u}) {
    INFO("frame " << k);
    require_same(mgs::io::read_frame(spec, k), seq[k]);
  }
  const mgs::io::DumpIndex index(gz);
  std::string buffer;
  for (std::size_t k : {80u, 20u, 21u}) {
    const auto& e = index.frames()[k];
    require_same(mgs::io::parse_dump_frame(index.text(k, buffer), gz, e.first_line), seq[k]);
  }

  SECTION("the index of the gzip (decompressed in 4 MB pieces) equals that of a plain copy") {
    const auto plain = gunzip("cuzr2k_nvt300.dump.gz", "nvtplain");
    const mgs::io::DumpIndex plain_index(plain.string());
    REQUIRE(plain_index.frames().size() == 100);
    REQUIRE(fs::file_size(plain) > (std::uintmax_t{8} << 20));
    for (std::size_t k = 0; k < 100; ++k) {
      REQUIRE(plain_index.frames()[k].offset == index.frames()[k].offset);
      REQUIRE(plain_index.frames()[k].length == index.frames()[k].length);
      REQUIRE(plain_index.frames()[k].first_line == index.frames()[k].first_line);
    }
    require_same(mgs::io::read_frame(spec_of({plain.string()}), 99), seq[99]);
  }
  SECTION("frame 0 is the 300 K glass") {
    const Frame glass = mgs::io::read_frame(
        spec_of({mgs::test::shared_data("cuzr2k_300K_unwrapped.dump").string()}), 0);
    double worst = 0;
    for (std::size_t i = 0; i < 2000; ++i) {
      worst = std::max(worst, (seq[0].unwrapped(i) - glass.unwrapped(i)).norm());
    }
    CHECK(worst < 1e-6);
  }
  SECTION("the wrapped copy has the same atoms in every frame") {
    const auto wrapped =
        read_all(spec_of({mgs::test::shared_data("cuzr2k_nvt300_wrapped.dump.gz").string()}));
    REQUIRE(wrapped.size() == 100);
    double worst = 0;
    for (std::size_t k = 0; k < 100; ++k) {
      REQUIRE(wrapped[k].timestep == seq[k].timestep);
      REQUIRE_FALSE(wrapped[k].has_image);
      for (std::size_t i = 0; i < 2000; ++i) {
        worst = std::max(worst, seq[k].box.minimum_image(wrapped[k].pos[i] - seq[k].pos[i]).norm());
      }
    }
    CHECK(worst < 1e-6);
  }
}

TEST_CASE("trajectory: frame selection start, stop, step", "[dump]") {
  const auto gz = mgs::test::shared_data("cuzr2k_aqs_shear.dump.gz").string();
  auto spec = spec_of({gz});
  const auto timesteps = [&](const mgs::io::InputSpec& s) {
    std::vector<std::int64_t> out;
    for (const Frame& f : read_all(s)) out.push_back(f.timestep);
    return out;
  };
  spec.frames = {3, 20, 4};
  CHECK(timesteps(spec) == std::vector<std::int64_t>{60, 140, 220, 300, 380});
  spec.frames = {20, 1000, 1};
  CHECK(timesteps(spec) == std::vector<std::int64_t>{400, 420, 440, 460, 480});
  spec.frames = {0, std::nullopt, 12};
  CHECK(timesteps(spec) == std::vector<std::int64_t>{0, 240, 480});
  spec.frames = {24, std::nullopt, 1};
  CHECK(timesteps(spec) == std::vector<std::int64_t>{480});
  // The RawFrame index counts selected frames.
  {
    spec.frames = {5, 9, 2};
    auto source = mgs::io::open_trajectory(spec);
    CHECK(source->frame_count() == 2);
    auto a = source->next();
    auto b = source->next();
    REQUIRE(a);
    REQUIRE(b);
    CHECK_FALSE(source->next());
    CHECK(a->index == 0);
    CHECK(b->index == 1);
    CHECK(a->file == gz);
    // Parsing out of order (as the parallel pipeline may) gives each frame its own timestep.
    CHECK(source->parse(*b).timestep == 140);
    CHECK(source->parse(*a).timestep == 100);
  }
  // read_frame counts frames before selection.
  spec.frames = {10, std::nullopt, 5};
  CHECK(mgs::io::read_frame(spec, 1).timestep == 20);

  spec.frames = {25, std::nullopt, 1};
  CHECK_THROWS_WITH(mgs::io::open_trajectory(spec), Catch::Contains(gz) &&
                                                        Catch::Contains("selects no frame") &&
                                                        Catch::Contains("25 frames"));
  spec.frames = {5, 5, 1};
  CHECK_THROWS_AS(mgs::io::open_trajectory(spec), mgs::InputError);
  spec.frames = {0, std::nullopt, 0};
  CHECK_THROWS_AS(mgs::io::open_trajectory(spec), mgs::ConfigError);
  spec.frames = {};
  CHECK_THROWS_WITH(mgs::io::read_frame(spec, 25),
                    Catch::Contains("frame 25 requested") && Catch::Contains("25 frames"));
}

TEST_CASE("trajectory: globs expand in natural order across files", "[dump]") {
  const auto dir = mgs::test::temp_dir("glob");
  // Two frames per file; timestep = 100 * file number + frame.
  for (int n : {10, 2, 1, 9}) {
    mgs::test::write_text(dir / ("frames." + std::to_string(n)),
                          dump_frame(100 * n, n) + dump_frame(100 * n + 1, n + 0.5));
  }
  const std::string pattern = (dir / "frames.*").string();
  const auto paths = mgs::io::expand_paths({pattern});
  REQUIRE(paths.size() == 4);
  CHECK(paths[0] == (dir / "frames.1").string());
  CHECK(paths[1] == (dir / "frames.2").string());
  CHECK(paths[2] == (dir / "frames.9").string());
  CHECK(paths[3] == (dir / "frames.10").string());

  auto spec = spec_of({pattern});
  std::vector<std::int64_t> ts;
  for (const Frame& f : read_all(spec)) ts.push_back(f.timestep);
  CHECK(ts == std::vector<std::int64_t>{100, 101, 200, 201, 900, 901, 1000, 1001});
  // Selection and random access run over the frames of all files.
  spec.frames = {1, std::nullopt, 3};
  ts.clear();
  for (const Frame& f : read_all(spec)) ts.push_back(f.timestep);
  CHECK(ts == std::vector<std::int64_t>{101, 900, 1001});
  const Frame f5 = mgs::io::read_frame(spec, 5);
  CHECK(f5.timestep == 901);
  CHECK(f5.pos[0].x() == 9.5);

  // A list mixes plain paths and patterns, in the order given.
  const auto mixed =
      mgs::io::expand_paths({(dir / "frames.10").string(), (dir / "frames.[12]").string()});
  CHECK(mixed == std::vector<std::string>{(dir / "frames.10").string(), (dir / "frames.1").string(),
                                          (dir / "frames.2").string()});
  // Zero-padded numbers sort by value too.
  mgs::test::write_text(dir / "frames.007", dump_frame(7, 1));
  const auto padded = mgs::io::expand_paths({pattern});
  REQUIRE(padded.size() == 5);
  CHECK(padded[2] == (dir / "frames.007").string());

  CHECK_THROWS_WITH(mgs::io::expand_paths({(dir / "nothing.*").string()}),
                    Catch::Contains("nothing.*") && Catch::Contains("matches no file"));
  // A broken file in the middle of a glob names that file.
  mgs::test::write_text(dir / "frames.5", dump_frame(500, 1).substr(0, 60));
  try {
    mgs::io::open_trajectory(spec_of({pattern}));
    FAIL("no error");
  } catch (const mgs::InputError& e) {
    CHECK(e.file() == (dir / "frames.5").string());
  }
}

TEST_CASE("trajectory: a LAMMPS data file is a one-frame input", "[dump]") {
  const auto data = mgs::test::shared_data("cuzr2k_300K.data").string();
  for (const std::string format : {"", "lammps_data"}) {
    auto spec = spec_of({data});
    spec.format = format;
    const auto frames = read_all(spec);
    REQUIRE(frames.size() == 1);
    const Frame dump =
        mgs::io::read_frame(spec_of({mgs::test::shared_data("cuzr2k_300K.dump").string()}), 0);
    const Frame& f = frames[0];
    REQUIRE(f.id == dump.id);
    REQUIRE(f.type == dump.type);
    double worst = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      worst = std::max(worst, f.box.minimum_image(f.pos[i] - dump.pos[i]).norm());
    }
    CHECK(worst < 1e-6);
    CHECK(mgs::io::read_frame(spec, 0).size() == 2000);
  }
  // Names from the run file label the types.
  auto spec = spec_of({data});
  spec.type_elements = {"", "Cu", "Zr"};
  const Frame f = mgs::io::read_frame(spec, 0);
  REQUIRE(f.type_names.size() >= 3);
  CHECK(f.type_names[1] == "Cu");
  CHECK(f.type_names[2] == "Zr");
}

TEST_CASE("trajectory: mapped frames are views, gzip frames are owned", "[dump]") {
  auto plain =
      mgs::io::open_trajectory(spec_of({mgs::test::shared_data("cuzr2k_300K.dump").string()}));
  auto raw = plain->next();
  REQUIRE(raw);
  CHECK(raw->owned.empty());
  CHECK(raw->text().substr(0, 14) == "ITEM: TIMESTEP");
  CHECK(raw->first_line == 1);
  auto gz = mgs::io::open_trajectory(
      spec_of({mgs::test::shared_data("cuzr2k_aqs_shear.dump.gz").string()}));
  gz->next();
  auto raw2 = gz->next();
  REQUIRE(raw2);
  CHECK_FALSE(raw2->owned.empty());
  CHECK(raw2->first_line == 1 + 9 + 2000);
  CHECK(gz->parse(*raw2).timestep == 20);
}
