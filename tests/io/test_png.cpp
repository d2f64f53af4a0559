// The png output: pictures decoded with libpng and checked pixel by pixel against facts known
// without the drawing code (viridis' end colours, the aspect ratio of the cell, grey NaN bins,
// a straight line for a linear table, dark text in the title band).
#include <png.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "engine/errors.hpp"
#include "io/png/curve_plot.hpp"
#include "io/png/font.hpp"
#include "io/png/image.hpp"
#include "io/png/png_encode.hpp"
#include "io/writers/sinks.hpp"
#include "support.hpp"

using namespace mgs::test;
using mgs::io::Rgb;

namespace {

struct Decoded {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgb;
  Rgb at(int x, int y) const {
    const std::size_t k = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                           static_cast<std::size_t>(x)) *
                          3;
    return {rgb[k], rgb[k + 1], rgb[k + 2]};
  }
};

// libpng's simplified reader, whatever the file's colour type, to 8-bit RGB.
Decoded decode(const std::string& bytes) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()) != 0);
  image.format = PNG_FORMAT_RGB;
  Decoded d;
  d.width = static_cast<int>(image.width);
  d.height = static_cast<int>(image.height);
  d.rgb.resize(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, d.rgb.data(), 0, nullptr) != 0);
  return d;
}

Decoded decode_file(const std::filesystem::path& p) {
  return decode(read_text(p));
}

double luminance(Rgb c) {
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}
bool is_white(Rgb c) {
  return c.r == 255 && c.g == 255 && c.b == 255;
}
// Black lines and text; viridis' darkest colour (68, 1, 84) is not dark by this measure.
bool is_dark(Rgb c) {
  return std::max({c.r, c.g, c.b}) < 75;
}

// matplotlib's viridis at 0 and 1, as 8-bit colours (0.267004, 0.004874, 0.329415) and
// (0.993248, 0.906157, 0.143936) times 255.
constexpr Rgb kViridisLow{68, 1, 84};
constexpr Rgb kViridisHigh{253, 231, 37};

mgs::GridField gradient_grid() {
  mgs::GridField g;
  g.name = "gradient";
  g.unit = "Å^3";
  g.dims = {20, 10, 1};
  g.binned = {true, true, false};
  g.step = mgs::Mat3::Identity();
  g.step(0, 0) = 2.0;  // 20 bins of 2 Å: a = 40 Å
  g.step(1, 1) = 3.0;  // 10 bins of 3 Å: b = 30 Å
  g.step(2, 2) = 25.0;
  g.origin = mgs::Vec3(1.0, 1.5, 12.5);
  for (int j = 0; j < 10; ++j) {
    for (int i = 0; i < 20; ++i) g.values.push_back(10.0 + i);  // grows along a
  }
  g.values[10] = NAN;  // bin (10, 0): bottom row, middle column
  return g;
}

std::filesystem::path write_with_sink(const std::filesystem::path& dir,
                                      std::vector<mgs::AnalyzerResult> results) {
  mgs::io::OutputSpec spec;
  spec.format = "png";
  spec.path = dir;
  auto sink = mgs::io::make_sink(spec, {});
  sink->finish(results);
  sink->commit({});
  return dir;
}

}  // namespace

TEST_CASE("png: an encoded image decodes to the same pixels", "[png]") {
  mgs::io::Image img(7, 5, Rgb{10, 20, 30});
  img.set(0, 0, Rgb{255, 0, 0});
  img.set(6, 4, Rgb{0, 0, 255});
  const Decoded d = decode(mgs::io::encode_png(img, "Å title"));
  CHECK(d.width == 7);
  CHECK(d.height == 5);
  CHECK(d.at(0, 0) == Rgb{255, 0, 0});
  CHECK(d.at(6, 4) == Rgb{0, 0, 255});
  CHECK(d.at(3, 2) == Rgb{10, 20, 30});
}

TEST_CASE("png: text is drawn from the DejaVu font, Unicode included", "[png]") {
  const mgs::io::Font font;
  const auto a = font.render("Å", 20);
  CHECK(a.width > 5);
  CHECK(a.height >= 20);
  CHECK(std::count_if(a.alpha.begin(), a.alpha.end(), [](auto v) { return v > 200; }) > 10);
  // ν and ² have glyphs (the missing-glyph box of DejaVu is as wide as a capital).
  CHECK(font.width("g/ν²", 20) > font.width("g/", 20));
  CHECK(font.width("ξξ", 20) > font.width("ξ", 20));
  CHECK_THROWS_AS(mgs::io::Font("/nonexistent/font.ttf"), mgs::InputError);
}

TEST_CASE("png: a map of a linear gradient has viridis colours in order, true aspect, grey NaN",
          "[png]") {
  const auto dir = temp_dir("png_map");
  write_with_sink(dir, {{"bin", {{}, {}, {gradient_grid()}, {}}}});
  REQUIRE(std::filesystem::exists(dir / "bin_gradient_final.png"));
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    CHECK(e.path().extension() != ".tmp");
  }
  const Decoded d = decode_file(dir / "bin_gradient_final.png");
  INFO(d.width << " x " << d.height);
  REQUIRE(d.width > 400);
  REQUIRE(d.height > 300);

  // The middle row crosses the map (low values left) and then the colour bar.
  const int y = d.height / 2;
  int xs = -1;
  for (int x = 0; x < d.width; ++x) {
    if (d.at(x, y) == kViridisLow) {
      xs = x;
      break;
    }
  }
  REQUIRE(xs >= 0);
  int xe = xs;
  while (xe + 1 < d.width && !is_white(d.at(xe + 1, y)) && !is_dark(d.at(xe + 1, y))) ++xe;
  CHECK(d.at(xe, y) == kViridisHigh);
  for (int x = xs + 1; x <= xe; ++x) CHECK(luminance(d.at(x, y)) >= luminance(d.at(x - 1, y)));
  const int map_width = xe - xs + 1;
  CHECK(map_width > 300);

  // 40 Å by 30 Å: the map's height is 3/4 of its width.
  const int xc = xs + map_width / 4;
  int yt = y, yb = y;
  while (yt > 0 && !is_dark(d.at(xc, yt - 1))) --yt;
  while (yb + 1 < d.height && !is_dark(d.at(xc, yb + 1))) ++yb;
  CHECK(std::abs((yb - yt + 1) - 0.75 * map_width) <= 3);

  // Bin (10, 0) is NaN: grey near the bottom of its column, not grey at mid height.
  const int xn = xs + static_cast<int>(10.5 / 20 * map_width);
  const Rgb nan_pixel = d.at(xn, yb - 5);
  CHECK(nan_pixel.r == nan_pixel.g);
  CHECK(nan_pixel.g == nan_pixel.b);
  CHECK(nan_pixel.r > 100);
  CHECK(nan_pixel.r < 200);
  CHECK(d.at(xn, y).r != d.at(xn, y).g);

  // Colour bar right of the map after a white gap: high values at its top, low at its bottom.
  int xb = xe + 1;
  while (xb < d.width && !is_white(d.at(xb, y))) ++xb;  // the map's frame
  while (xb < d.width && is_white(d.at(xb, y))) ++xb;   // the gap
  REQUIRE(xb < d.width - 30);
  const int xbar = xb + 8;
  int bt = y, bb = y;
  while (bt > 0 && !is_dark(d.at(xbar, bt - 1))) --bt;
  while (bb + 1 < d.height && !is_dark(d.at(xbar, bb + 1))) ++bb;
  CHECK(d.at(xbar, bt) == kViridisHigh);
  CHECK(d.at(xbar, bb) == kViridisLow);

  // The title band at the top holds dark (text) pixels; so does the colour bar's label column.
  int dark = 0;
  for (int yy = 0; yy < 50; ++yy) {
    for (int x = 0; x < d.width; ++x) dark += is_dark(d.at(x, yy));
  }
  CHECK(dark > 100);
}

TEST_CASE("png: a signed field uses the diverging map, white at zero", "[png]") {
  auto g = gradient_grid();
  for (std::size_t k = 0; k < g.values.size(); ++k) g.values[k] = static_cast<double>(k % 20) - 9.5;
  g.values[9] = 0.0;
  const auto dir = temp_dir("png_signed");
  write_with_sink(dir, {{"bin", {{}, {}, {g}, {}}}});
  const Decoded d = decode_file(dir / "bin_gradient_final.png");
  const int y = d.height / 2;
  // Left end blue (b > r), right end red (r > b) along the middle row.
  int xs = 0;
  while (xs < d.width &&
         (is_white(d.at(xs, y)) || is_dark(d.at(xs, y)) || d.at(xs, y).r == d.at(xs, y).b)) {
    ++xs;
  }
  REQUIRE(xs < d.width);
  CHECK(d.at(xs, y).b > d.at(xs, y).r);
  int xe = xs;
  while (xe + 1 < d.width && !is_dark(d.at(xe + 1, y)) && !is_white(d.at(xe + 1, y))) ++xe;
  CHECK(d.at(xe, y).r > d.at(xe, y).b);
}

TEST_CASE("png: a table of a straight line is drawn as a straight line", "[png]") {
  mgs::Table t{"line", {"r", "y"}, {{}, {}}};
  for (int i = 0; i <= 100; ++i) {
    t.data[0].push_back(0.1 * i);
    t.data[1].push_back(2.0 + 0.3 * i);  // rises to the right
  }
  const auto dir = temp_dir("png_line");
  write_with_sink(dir, {{"fit", {{}, {t}, {}, {}}}});
  const Decoded d = decode_file(dir / "fit_line_final.png");
  // Pixels of the first line colour (matplotlib's tab10 blue, 31 119 180) at full coverage.
  std::vector<std::pair<double, double>> pts;
  for (int y = 0; y < d.height; ++y) {
    for (int x = 0; x < d.width; ++x) {
      if (d.at(x, y) == Rgb{31, 119, 180}) pts.emplace_back(x, y);
    }
  }
  REQUIRE(pts.size() > 300);
  double mx = 0, my = 0;
  for (auto [x, y] : pts) {
    mx += x;
    my += y;
  }
  mx /= static_cast<double>(pts.size());
  my /= static_cast<double>(pts.size());
  double sxx = 0, sxy = 0, xmin = 1e9, xmax = -1e9;
  for (auto [x, y] : pts) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
    xmin = std::min(xmin, x);
    xmax = std::max(xmax, x);
  }
  const double slope = sxy / sxx;
  double worst = 0;
  for (auto [x, y] : pts) worst = std::max(worst, std::abs(y - (my + slope * (x - mx))));
  CHECK(slope < -0.1);  // image rows grow downwards: a rising line
  CHECK(worst < 2.0);
  CHECK(xmax - xmin > 0.6 * d.width);
}

TEST_CASE("png: the run writes maps, curves and histograms named like the npy output", "[png]") {
  const auto dir = temp_dir("png_run");
  write_text(dir / "run.json",
             R"({"input": {"path": ")" + example_data("cuzr2k_IS.dump").string() + R"(",
      "types": {"1": {"element": "Cu"}, "2": {"element": "Zr"}}},
    "analyzers": [{"type": "voronoi"},
                  {"type": "bin", "axes": "ab", "bins": [8, 8],
                   "slab": {"axis": "c", "from": 0.4, "to": 0.6}, "fields": ["voronoi_volume"]},
                  {"type": "bin", "label": "cube", "bins": 4, "fields": ["voronoi_volume"]},
                  {"type": "bin", "label": "profile", "axes": "c", "bins": 6},
                  {"type": "rdf"}],
    "outputs": [{"format": "png", "path": "png", "fields": ["voronoi_coordination"]}]})");
  std::string out;
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out) ==
          0);
  INFO(out);
  for (const char* name :
       {"bin_voronoi_volume_mean_000000.png", "bin_count_000000.png",
        "cube_voronoi_volume_mean_000000.png", "profile_count_000000.png", "rdf_g_final.png",
        "rdf_S_final.png", "voronoi_coordination_hist_000000.png"}) {
    INFO(name);
    REQUIRE(std::filesystem::exists(dir / "png" / name));
    const Decoded d = decode_file(dir / "png" / name);
    CHECK(d.width > 400);
    CHECK(d.height > 300);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir / "png")) {
    CHECK(e.path().extension() == ".png");
  }
}

TEST_CASE("png: a tilted cell is drawn as its parallelogram", "[png]") {
  auto g = gradient_grid();
  for (double& v : g.values) v = 1.0;  // one colour (viridis' middle, a flat range)
  g.step(0, 1) = 2.0;                  // b leans along a by 10 bins x 2 Å = 20 Å
  const auto dir = temp_dir("png_tilted");
  write_with_sink(dir, {{"bin", {{}, {}, {g}, {}}}});
  const Decoded d = decode_file(dir / "bin_gradient_final.png");
  // a = (40, 0) Å, b = (20, 30) Å: every row of the map is filled over 40 Å, and the filled run
  // starts 20/30 pixel further right per pixel upwards.
  const auto first_filled = [&](int y) {
    for (int x = 0; x < d.width; ++x) {
      const Rgb c = d.at(x, y);
      if (!is_white(c) && !is_dark(c) && !(c.r == c.g && c.g == c.b)) return x;
    }
    return -1;
  };
  int y_top = 0;
  while (y_top < d.height && first_filled(y_top) < 0) ++y_top;
  int y_bottom = y_top;
  while (y_bottom + 1 < d.height && first_filled(y_bottom + 1) >= 0) ++y_bottom;
  REQUIRE(y_bottom - y_top > 100);
  const int x_top = first_filled(y_top + 5), x_bottom = first_filled(y_bottom - 5);
  int run_top = 0;
  while (!is_white(d.at(x_top + run_top, y_top + 5)) && !is_dark(d.at(x_top + run_top, y_top + 5)))
    ++run_top;
  // The same width of fill in every row (the parallelogram's a edge), shifted by the tilt.
  const double shift = x_top - x_bottom;
  CHECK(shift > 0);
  CHECK(std::abs(shift / (y_bottom - y_top - 10) - 20.0 / 30.0) < 0.03);
  CHECK(std::abs(run_top - (y_bottom - y_top + 1) * 40.0 / 30.0) < 0.03 * run_top);
}

TEST_CASE("png: a missing font stops the run with a clear error and no output", "[png]") {
  const auto dir = temp_dir("png_font");
  write_text(dir / "run.json", R"({"input": {"path": ")" +
                                   (source_dir() / "tests/bad_inputs/good/bcc128.dump").string() +
                                   R"("}, "analyzers": [{"type": "bin", "axes": "ab", "bins": 2}],
    "outputs": [{"format": "png", "path": "png"}]})");
  std::string out;
  CHECK(run_command("MGS_FONT=/nonexistent/font.ttf " + binary().string() + " run --quiet " +
                        (dir / "run.json").string(),
                    &out) != 0);
  CHECK_THAT(out, Catch::Contains("/nonexistent/font.ttf") && Catch::Contains("font"));
  CHECK_FALSE(std::filesystem::exists(dir / "png"));
  REQUIRE(run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out) ==
          0);
  CHECK(std::filesystem::exists(dir / "png/bin_count_000000.png"));
}

TEST_CASE("png: a run that fails on its second frame keeps the earlier pictures, no .tmp",
          "[png]") {
  const auto dir = temp_dir("png_fail");
  const auto run = [&](const std::filesystem::path& input) {
    write_text(dir / "run.json", R"({"input": {"path": ")" + input.string() + R"("},
      "analyzers": [{"type": "bin", "axes": "ab", "bins": 2}],
      "outputs": [{"format": "png", "path": "png"}]})");
    std::string out;
    return run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), &out);
  };
  REQUIRE(run(source_dir() / "tests/bad_inputs/good/bcc128.dump") == 0);
  const auto before = read_text(dir / "png/bin_count_000000.png");
  CHECK(run(source_dir() / "tests/bad_inputs/dumps/second_frame_truncated.dump") != 0);
  CHECK(read_text(dir / "png/bin_count_000000.png") == before);
  CHECK_FALSE(std::filesystem::exists(dir / "png/bin_count_000001.png"));
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    CHECK(e.path().extension() != ".tmp");
  }
}

TEST_CASE("png: a map far longer than thick keeps a visible thickness and a full colour bar",
          "[png]") {
  auto g = gradient_grid();
  g.step(1, 1) = 0.1;  // b = 1 Å against a = 40 Å
  const auto dir = temp_dir("png_thin");
  write_with_sink(dir, {{"bin", {{}, {}, {g}, {}}}});
  const Decoded d = decode_file(dir / "bin_gradient_final.png");
  // The column through the map's middle: its filled run (map) and, further right, the bar's.
  const auto filled_rows = [&](int x) {
    int n = 0;
    for (int y = 0; y < d.height; ++y) {
      const Rgb c = d.at(x, y);
      n += !is_white(c) && !is_dark(c) && !(c.r == c.g && c.g == c.b);
    }
    return n;
  };
  int widest_map = 0, bar = 0;
  for (int x = 0; x < d.width; ++x) {
    const int n = filled_rows(x);
    if (n > 0 && n < 100) widest_map = std::max(widest_map, n);
    bar = std::max(bar, n);
  }
  CHECK(widest_map >= 30);  // stretched (true thickness: 14 pixels)
  CHECK(bar >= 200);
}

TEST_CASE("png: a histogram of an integer field has one bar per value, heights as counted",
          "[png]") {
  const mgs::io::Font font;
  // Values 3, 4, 5 counted 2, 6 and 4 times.
  std::vector<double> v;
  for (int k = 0; k < 2; ++k) v.push_back(3);
  for (int k = 0; k < 6; ++k) v.push_back(4);
  for (int k = 0; k < 4; ++k) v.push_back(5);
  const auto img = mgs::io::draw_histogram(v, true, "n", "histogram of n", "frame 0", font);
  const Decoded d = decode(mgs::io::encode_png(img));
  // Bar pixels: blue-dominated, neither white nor black nor grey.
  std::vector<int> heights;
  for (int x = 0; x < d.width; ++x) {
    int n = 0;
    for (int y = 0; y < d.height; ++y) {
      const Rgb c = d.at(x, y);
      n += c.b > 100 && c.b > c.r + 40 && c.b > c.g + 40;
    }
    if (n > 0 && (heights.empty() || std::abs(heights.back() - n) > 2)) heights.push_back(n);
  }
  REQUIRE(heights.size() == 3);
  CHECK(std::abs(heights[0] / static_cast<double>(heights[1]) - 2.0 / 6.0) < 0.02);
  CHECK(std::abs(heights[2] / static_cast<double>(heights[1]) - 4.0 / 6.0) < 0.02);
}

TEST_CASE("png: histograms of fields that only the end of the run returns; a typo is an error",
          "[png]") {
  const auto dir = temp_dir("png_final_fields");
  const auto run = [&](const std::string& field, std::string* out) {
    write_text(dir / "run.json", R"({"input": {"path": ")" +
                                     example_data("cuzr2k_nvt300.dump.gz").string() + R"(",
        "frames": {"stop": 5}},
      "analyzers": [{"type": "vibrational_msd"}],
      "outputs": [{"format": "png", "path": "png", "fields": [")" +
                                     field + R"("]}]})");
    return run_command(binary().string() + " run --quiet " + (dir / "run.json").string(), out);
  };
  std::string out;
  REQUIRE(run("vibrational_msd_value", &out) == 0);
  INFO(out);
  CHECK(decode_file(dir / "png/vibrational_msd_value_hist_final.png").width > 400);
  std::filesystem::remove_all(dir / "png");
  CHECK(run("vibrational_msd_valeu", &out) != 0);
  CHECK_THAT(out,
             Catch::Contains("vibrational_msd_valeu") && Catch::Contains("vibrational_msd_value"));
  CHECK_FALSE(std::filesystem::exists(dir / "png"));
}

TEST_CASE("png: the pictures are the same bytes for any thread count", "[png]") {
  const auto dir = temp_dir("png_threads");
  write_text(dir / "run.json",
             R"({"input": {"path": ")" + example_data("cuzr2k_IS.dump").string() + R"("},
    "analyzers": [{"type": "voronoi"},
                  {"type": "coarse_grain", "axes": "ab", "bin_size": 2.0, "sigma": 2.5,
                   "slab": {"axis": "c", "from": 0.4, "to": 0.6}, "fields": ["voronoi_volume"]}],
    "outputs": [{"format": "png", "path": "png", "fields": ["voronoi_volume"]}]})");
  std::map<int, std::vector<std::string>> files;
  for (int threads : {1, 2}) {
    std::string out;
    REQUIRE(run_command(binary().string() + " run --quiet --threads " + std::to_string(threads) +
                            " " + (dir / "run.json").string(),
                        &out) == 0);
    for (const char* name :
         {"coarse_grain_voronoi_volume_average_000000.png", "voronoi_volume_hist_000000.png"}) {
      files[threads].push_back(read_text(dir / "png" / name));
    }
  }
  CHECK(files[1] == files[2]);
}
