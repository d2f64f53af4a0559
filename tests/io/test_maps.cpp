// 2-D map files: every reader on small files written here by an independent writer (libtiff,
// libpng, numpy, hand-made PGM and CSV) with values known by construction; the TIFF writer by
// round trip; hostile and broken files by the message they must give; the preprocessing by the
// identities it must keep.
#include <png.h>
#include <tiffio.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <random>

#include "engine/errors.hpp"
#include "engine/map2d.hpp"
#include "engine/map_preprocess.hpp"
#include "io/config.hpp"
#include "io/maps/map_read.hpp"
#include "io/maps/tiff_write.hpp"
#include "support.hpp"

using namespace mgs::test;
using mgs::Map2D;
using mgs::MapReadOptions;
using mgs::io::read_map;

namespace {

// Pixel value known by construction: distinct in every pixel, exact in 8 bits for small maps.
double pattern(int i, int j, int nx) {
  return (j * nx + i) % 251;
}

struct TiffSpec {
  int w = 0, h = 0;
  std::uint16_t bits = 8;
  std::uint16_t samples = 1;
  std::uint16_t format = SAMPLEFORMAT_UINT;
  std::uint32_t rows_per_strip = 3;
  std::uint32_t tile = 0;  // 0: strips; else square tiles of this size (multiple of 16)
  float resolution = 0.0f;
  std::uint16_t unit = RESUNIT_NONE;
  std::string description = {};
};

// A TIFF written by libtiff itself, pixel (i, j) = pattern(i, j) in every sample.
void write_tiff(const std::filesystem::path& path, const TiffSpec& s) {
  TIFF* t = TIFFOpen(path.c_str(), "w");
  REQUIRE(t != nullptr);
  TIFFSetField(t, TIFFTAG_IMAGEWIDTH, static_cast<std::uint32_t>(s.w));
  TIFFSetField(t, TIFFTAG_IMAGELENGTH, static_cast<std::uint32_t>(s.h));
  TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, s.bits);
  TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, s.samples);
  TIFFSetField(t, TIFFTAG_SAMPLEFORMAT, s.format);
  TIFFSetField(t, TIFFTAG_PLANARCONFIG, std::uint16_t{PLANARCONFIG_CONTIG});
  TIFFSetField(
      t, TIFFTAG_PHOTOMETRIC,
      static_cast<std::uint16_t>(s.samples == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK));
  if (s.resolution > 0.0f) {
    TIFFSetField(t, TIFFTAG_XRESOLUTION, s.resolution);
    TIFFSetField(t, TIFFTAG_YRESOLUTION, s.resolution);
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, s.unit);
  }
  if (!s.description.empty()) TIFFSetField(t, TIFFTAG_IMAGEDESCRIPTION, s.description.c_str());
  const std::size_t bytes = s.bits / 8;
  auto put = [&](unsigned char* p, double v) {
    if (s.bits == 8) *p = static_cast<std::uint8_t>(v);
    if (s.bits == 16) {
      const auto x = static_cast<std::uint16_t>(v * 257);  // uses the high byte too
      std::memcpy(p, &x, 2);
    }
  };
  if (s.tile == 0) {
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, s.rows_per_strip);
    std::vector<unsigned char> row(static_cast<std::size_t>(s.w) * s.samples * bytes);
    for (int j = 0; j < s.h; ++j) {
      for (int i = 0; i < s.w; ++i) {
        for (int c = 0; c < s.samples; ++c) {
          put(row.data() + (static_cast<std::size_t>(i) * s.samples + c) * bytes,
              pattern(i, j, s.w));
        }
      }
      REQUIRE(TIFFWriteScanline(t, row.data(), static_cast<std::uint32_t>(j), 0) == 1);
    }
  } else {
    TIFFSetField(t, TIFFTAG_TILEWIDTH, s.tile);
    TIFFSetField(t, TIFFTAG_TILELENGTH, s.tile);
    std::vector<unsigned char> tile(static_cast<std::size_t>(s.tile) * s.tile * bytes);
    for (std::uint32_t y0 = 0; y0 < static_cast<std::uint32_t>(s.h); y0 += s.tile) {
      for (std::uint32_t x0 = 0; x0 < static_cast<std::uint32_t>(s.w); x0 += s.tile) {
        std::fill(tile.begin(), tile.end(), 0);
        for (std::uint32_t r = 0; r < s.tile && y0 + r < static_cast<std::uint32_t>(s.h); ++r) {
          for (std::uint32_t c = 0; c < s.tile && x0 + c < static_cast<std::uint32_t>(s.w); ++c) {
            put(tile.data() + (static_cast<std::size_t>(r) * s.tile + c) * bytes,
                pattern(static_cast<int>(x0 + c), static_cast<int>(y0 + r), s.w));
          }
        }
        REQUIRE(TIFFWriteTile(t, tile.data(), x0, y0, 0, 0) > 0);
      }
    }
  }
  TIFFClose(t);
}

void check_pattern(const Map2D& m, int w, int h, double scale = 1.0) {
  REQUIRE(m.nx == w);
  REQUIRE(m.ny == h);
  REQUIRE(m.values.size() == static_cast<std::size_t>(w * h));
  for (int j = 0; j < h; ++j) {
    for (int i = 0; i < w; ++i) {
      INFO("pixel " << i << ", " << j);
      REQUIRE(m.at(i, j) == pattern(i, j, w) * scale);
    }
  }
}

// A grayscale PNG through libpng's full writer: 8 or 16 bits, pHYs when per_metre > 0.
void write_png(const std::filesystem::path& path, int w, int h, int depth,
               png_uint_32 per_metre = 0, int color = PNG_COLOR_TYPE_GRAY) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, f);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), depth, color,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (per_metre > 0) png_set_pHYs(png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
  png_write_info(png, info);
  const int channels = color == PNG_COLOR_TYPE_RGB ? 3 : 1;
  std::vector<unsigned char> row(static_cast<std::size_t>(w) * channels * (depth / 8));
  for (int j = 0; j < h; ++j) {
    for (int i = 0; i < w * channels; ++i) {
      const auto v = static_cast<unsigned>(pattern(i / channels, j, w));
      if (depth == 8) {
        row[static_cast<std::size_t>(i)] = static_cast<unsigned char>(v);
      } else {
        const unsigned x = v * 257;  // big-endian in the file
        row[2 * static_cast<std::size_t>(i)] = static_cast<unsigned char>(x >> 8);
        row[2 * static_cast<std::size_t>(i) + 1] = static_cast<unsigned char>(x & 0xff);
      }
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  std::fclose(f);
}

// The message of the InputError read_map throws (fails the test when none is thrown).
std::string read_error(const std::filesystem::path& path, const MapReadOptions& options = {}) {
  try {
    read_map(path.string(), options);
  } catch (const mgs::InputError& e) {
    return e.what();
  }
  FAIL("no InputError for " << path);
  return {};
}

Map2D random_map(int nx, int ny, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Map2D m;
  m.nx = nx;
  m.ny = ny;
  m.pixel_size = 0.5;
  m.values.resize(m.size());
  for (double& v : m.values) v = u(rng);
  return m;
}

}  // namespace

TEST_CASE("TIFF float32 round trip keeps values and pixel size exactly", "[maps]") {
  const auto dir = temp_dir("maps_tiff_roundtrip");
  Map2D m = random_map(37, 23, 1);
  for (double& v : m.values) v = static_cast<float>(v * 1e3);  // exact in float32
  for (const double pixel : {0.25, 0.37, 0.0372, 123.456, 1e4}) {
    m.pixel_size = pixel;
    const auto path = dir / "map.tif";
    mgs::io::write_tiff_map(m, path.string());
    REQUIRE(!std::filesystem::exists(dir / "map.tif.tmp"));
    const Map2D r = read_map(path.string());
    CHECK(r.nx == m.nx);
    CHECK(r.ny == m.ny);
    CHECK(r.values == m.values);
    CHECK(r.pixel_size == pixel);
    CHECK(r.source == path.string());
    // The option wins over the file's resolution.
    CHECK(read_map(path.string(), {.pixel_size = 2.0}).pixel_size == 2.0);
  }
  m.pixel_size = 0.0;
  mgs::io::write_tiff_map(m, (dir / "nosize.tif").string());
  CHECK(read_map((dir / "nosize.tif").string()).pixel_size == 0.0);
  m.values[5] = std::nan("");
  CHECK_THROWS_WITH(mgs::io::write_tiff_map(m, (dir / "nan.tif").string()),
                    Catch::Contains("nan.tif") && Catch::Contains("finite"));
  CHECK(!std::filesystem::exists(dir / "nan.tif"));
}

TEST_CASE("TIFF 8 and 16-bit, strips and tiles, resolution units and ImageJ", "[maps]") {
  const auto dir = temp_dir("maps_tiff_int");
  SECTION("8-bit in strips of 3 rows, pixels per centimetre") {
    write_tiff(dir / "a.tif", {.w = 13, .h = 10, .resolution = 1e7f, .unit = RESUNIT_CENTIMETER});
    const Map2D m = read_map((dir / "a.tif").string());
    check_pattern(m, 13, 10);
    CHECK(m.pixel_size == Approx(10.0).epsilon(1e-12));  // 1e8 Å/cm / 1e7 px/cm
  }
  SECTION("16-bit in 16 x 16 tiles (partial tiles at the right and bottom), pixels per inch") {
    write_tiff(
        dir / "b.tiff",
        {.w = 20, .h = 35, .bits = 16, .tile = 16, .resolution = 2.54e7f, .unit = RESUNIT_INCH});
    const Map2D m = read_map((dir / "b.tiff").string());
    check_pattern(m, 20, 35, 257.0);
    CHECK(m.pixel_size == Approx(10.0).epsilon(1e-6));
  }
  SECTION("8-bit tiled") {
    write_tiff(dir / "c.tif", {.w = 33, .h = 17, .tile = 16});
    check_pattern(read_map((dir / "c.tif").string()), 33, 17);
  }
  SECTION("ImageJ: pixels per nm with unit=nm in the description, resolution unit none") {
    write_tiff(dir / "ij.tif", {.w = 4,
                                .h = 3,
                                .resolution = 2.0f,
                                .unit = RESUNIT_NONE,
                                .description = "ImageJ=1.54f\nunit=nm\n"});
    CHECK(read_map((dir / "ij.tif").string()).pixel_size == Approx(5.0));
    write_tiff(dir / "ij_um.tif", {.w = 4,
                                   .h = 3,
                                   .resolution = 1000.0f,
                                   .unit = RESUNIT_NONE,
                                   .description = "ImageJ=1.54f\nunit=micron\n"});
    CHECK(read_map((dir / "ij_um.tif").string()).pixel_size == Approx(10.0));
  }
  SECTION("resolution unit none without ImageJ: size unknown") {
    write_tiff(dir / "none.tif", {.w = 4, .h = 3, .resolution = 2.0f, .unit = RESUNIT_NONE});
    CHECK(read_map((dir / "none.tif").string()).pixel_size == 0.0);
  }
}

TEST_CASE("TIFF errors: RGB, truncated, missing page", "[maps]") {
  const auto dir = temp_dir("maps_tiff_errors");
  write_tiff(dir / "rgb.tif", {.w = 4, .h = 3, .samples = 3});
  const std::string rgb = read_error(dir / "rgb.tif");
  CHECK_THAT(rgb, Catch::Contains("rgb.tif") && Catch::Contains("3 samples per pixel") &&
                      Catch::Contains("single-channel (grayscale)"));

  write_tiff(dir / "whole.tif", {.w = 64, .h = 64, .rows_per_strip = 8});
  const std::string whole = read_text(dir / "whole.tif");
  // libtiff writes the pixels first and the directory last: cut the pixels and the directory
  // (the header then points beyond the end), or keep the directory and zero the pixels' tail.
  write_text(dir / "cut.tif", whole.substr(0, whole.size() / 2));
  CHECK_THAT(read_error(dir / "cut.tif"), Catch::Contains("cut.tif") && Catch::Contains("TIFF"));
  write_text(dir / "header.tif", whole.substr(0, 6));
  CHECK_THAT(read_error(dir / "header.tif"), Catch::Contains("header.tif"));

  CHECK_THAT(read_error(dir / "whole.tif", {.page = 2}),
             Catch::Contains("page 2") && Catch::Contains("1 page"));
  write_text(dir / "fake.tif", "not a tiff\n");
  CHECK_THAT(read_error(dir / "fake.tif"), Catch::Contains("not a TIFF file"));

  // A hand-made little-endian TIFF whose directory is intact but whose one strip (4 x 4 pixels
  // at offset 200) lies beyond the end of the file: the pixels, not the header, are missing.
  std::string t = std::string("II*\0", 4) + std::string("\x08\0\0\0", 4);
  auto u16 = [&](unsigned v) {
    t += static_cast<char>(v & 0xff);
    t += static_cast<char>(v >> 8);
  };
  auto u32 = [&](unsigned v) {
    u16(v & 0xffff);
    u16(v >> 16);
  };
  auto entry = [&](unsigned tag, unsigned type, unsigned value) {
    u16(tag);
    u16(type);
    u32(1);
    if (type == 3) {  // SHORT, left-justified in the 4-byte value field
      u16(value);
      u16(0);
    } else {
      u32(value);
    }
  };
  u16(8);
  entry(256, 3, 4);    // ImageWidth
  entry(257, 3, 4);    // ImageLength
  entry(258, 3, 8);    // BitsPerSample
  entry(259, 3, 1);    // Compression: none
  entry(262, 3, 1);    // Photometric: min-is-black
  entry(273, 4, 200);  // StripOffsets
  entry(278, 3, 4);    // RowsPerStrip
  entry(279, 4, 16);   // StripByteCounts
  u32(0);              // no next directory
  t += std::string(200 - t.size(), '\0');
  write_text(dir / "strip.tif", t + std::string(10, '\x07'));  // 10 of the strip's 16 bytes
  CHECK_THAT(read_error(dir / "strip.tif"),
             Catch::Contains("strip.tif") && Catch::Contains("cannot read strip 0"));
  write_text(dir / "strip_ok.tif", t + std::string(16, '\x07'));
  CHECK(read_map((dir / "strip_ok.tif").string()).values == std::vector<double>(16, 7.0));
}

TEST_CASE("PNG grayscale 8 and 16-bit, pHYs; colour rejected", "[maps]") {
  const auto dir = temp_dir("maps_png");
  write_png(dir / "g8.png", 11, 7, 8, 1'000'000'000);  // 1e9 px/m = 10 Å per pixel
  const Map2D m8 = read_map((dir / "g8.png").string());
  check_pattern(m8, 11, 7);
  CHECK(m8.pixel_size == Approx(10.0));
  write_png(dir / "g16.png", 9, 12, 16);
  const Map2D m16 = read_map((dir / "g16.png").string());
  check_pattern(m16, 9, 12, 257.0);
  CHECK(m16.pixel_size == 0.0);
  write_png(dir / "rgb.png", 5, 4, 8, 0, PNG_COLOR_TYPE_RGB);
  CHECK_THAT(read_error(dir / "rgb.png"),
             Catch::Contains("rgb.png") && Catch::Contains("expected a grayscale image"));
  const std::string bytes = read_text(dir / "g8.png");
  write_text(dir / "cut.png", bytes.substr(0, bytes.size() - 30));
  CHECK_THAT(read_error(dir / "cut.png"), Catch::Contains("cut.png"));
}

TEST_CASE("PGM P2 and P5, 8 and 16-bit, comments", "[maps]") {
  const auto dir = temp_dir("maps_pgm");
  const int w = 6, h = 4;
  std::string p2 = "P2\n# a comment\n6 4\n# another\n255\n";
  std::string p5 = "P5 6 4 255\n";
  std::string p5_16 = "P5\n6 # width\n4\n65535\n";
  for (int j = 0; j < h; ++j) {
    for (int i = 0; i < w; ++i) {
      const auto v = static_cast<unsigned>(pattern(i, j, w));
      p2 += std::to_string(v) + (i + 1 == w ? "\n" : " ");
      p5 += static_cast<char>(v);
      const unsigned x = v * 257;
      p5_16 += static_cast<char>(x >> 8);
      p5_16 += static_cast<char>(x & 0xff);
    }
  }
  write_text(dir / "a.pgm", p2);
  write_text(dir / "b.pgm", p5);
  write_text(dir / "c.pgm", p5_16);
  check_pattern(read_map((dir / "a.pgm").string()), w, h);
  check_pattern(read_map((dir / "b.pgm").string()), w, h);
  check_pattern(read_map((dir / "c.pgm").string()), w, h, 257.0);
  // The signature wins over a lying extension.
  write_text(dir / "pgm_named.tif", p5);
  check_pattern(read_map((dir / "pgm_named.tif").string()), w, h);

  write_text(dir / "short.pgm", p5.substr(0, p5.size() - 3));
  CHECK_THAT(read_error(dir / "short.pgm"),
             Catch::Contains("short.pgm") && Catch::Contains("truncated"));
  write_text(dir / "big.pgm", "P5 4294967295 4294967295 255\n");
  CHECK_THAT(read_error(dir / "big.pgm"), Catch::Contains("width"));
  write_text(dir / "huge.pgm", "P5 1048576 1048576 255\n");
  CHECK_THAT(read_error(dir / "huge.pgm"), Catch::Contains("at most"));
  write_text(dir / "over.pgm", "P2 2 1 10\n3 11\n");
  CHECK_THAT(read_error(dir / "over.pgm"), Catch::Contains("maxval 10"));
}

TEST_CASE("npy maps from numpy: dtypes, byte orders, C and Fortran order", "[maps]") {
  const auto dir = temp_dir("maps_npy");
  const std::string script =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "a = (np.arange(35) % 251).reshape(5, 7)\n"
      "for t in ['<f4', '>f8', '|u1', '<i2', '>u2', '<i4', '>u4', '<i8', '<u8', '|i1']:\n"
      "    np.save(d + '/c_' + t[1:] + ('_be' if t[0] == '>' else '') + '.npy', a.astype(t))\n"
      "np.save(f'{d}/fortran.npy', np.asfortranarray(a.astype('<f8')))\n"
      "np.save(f'{d}/three.npy', np.zeros((2, 3, 4)))\n";
  write_text(dir / "make.py", script);
  std::string out;
  REQUIRE(run_command("/usr/bin/python3 " + (dir / "make.py").string() + " " + dir.string(),
                      &out) == 0);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".npy" || name == "three.npy") continue;
    INFO(name);
    check_pattern(read_map(e.path().string()), 7, 5);
    ++files;
  }
  CHECK(files == 11);
  CHECK_THAT(read_error(dir / "three.npy"),
             Catch::Contains("shape (2, 3, 4)") && Catch::Contains("expected a 2-D array"));
}

TEST_CASE("npy header errors", "[maps]") {
  const auto dir = temp_dir("maps_npy_bad");
  auto npy = [&](const std::string& name, const std::string& header, std::size_t data_bytes) {
    std::string b = "\x93NUMPY\x01";
    b += '\0';
    b += static_cast<char>(header.size() & 0xff);
    b += static_cast<char>(header.size() >> 8);
    b += header + std::string(data_bytes, '\0');
    write_text(dir / name, b);
    return dir / name;
  };
  const std::string good = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n";
  CHECK(read_map(npy("good.npy", good, 48).string()).nx == 3);
  // Hand-made, independent of numpy: big-endian u2 in Fortran order, [j, i] = 10 j + i.
  {
    std::string data;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 2; ++j) {
        data += '\0';
        data += static_cast<char>(10 * j + i);
      }
    }
    const auto path = npy("be.npy", "{'descr': '>u2', 'fortran_order': True, 'shape': (2, 3)}", 0);
    write_text(path, read_text(path) + data);
    CHECK(read_map(path.string()).values == std::vector<double>{0, 1, 2, 10, 11, 12});
  }
  CHECK_THAT(read_error(npy("short.npy", good, 40)),
             Catch::Contains("short.npy") && Catch::Contains("expected 48"));
  CHECK_THAT(
      read_error(
          npy("key.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", 48)),
      Catch::Contains("npy header") && Catch::Contains("\"x\""));
  CHECK_THAT(
      read_error(npy("type.npy", "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 3)}", 96)),
      Catch::Contains("dtype"));
  CHECK_THAT(read_error(npy("huge.npy",
                            "{'descr': '<f8', 'fortran_order': False, "
                            "'shape': (99999999999999999999, 3)}",
                            0)),
             Catch::Contains("npy header"));
  CHECK_THAT(read_error(npy("overflow.npy",
                            "{'descr': '<f8', 'fortran_order': False, "
                            "'shape': (4294967296, 4294967296)}",
                            0)),
             Catch::Contains("at most"));
  CHECK_THAT(read_error(npy("open.npy", "{'descr': '<f8', 'fortran_order': Fals", 0)),
             Catch::Contains("True or False"));
  std::string b = "\x93NUMPY\x01";
  b += '\0';
  b += "\xff\xff{}";
  write_text(dir / "longhdr.npy", b);
  CHECK_THAT(read_error(dir / "longhdr.npy"), Catch::Contains("npy header of 65535 bytes"));
}

TEST_CASE("CSV maps: commas or blanks, comments; ragged rows rejected", "[maps]") {
  const auto dir = temp_dir("maps_csv");
  write_text(dir / "a.csv", "# map\n1, 2.5, -3\n\n4,5,6e-1\r\n");
  const Map2D m = read_map((dir / "a.csv").string(), {.pixel_size = 0.5});
  REQUIRE(m.nx == 3);
  REQUIRE(m.ny == 2);
  CHECK(m.values == std::vector<double>{1, 2.5, -3, 4, 5, 0.6});
  CHECK(m.pixel_size == 0.5);
  write_text(dir / "b.txt", "1 2\n3 4\n");
  CHECK(read_map((dir / "b.txt").string()).values == std::vector<double>{1, 2, 3, 4});

  write_text(dir / "ragged.csv", "1,2,3\n4,5\n");
  CHECK_THAT(read_error(dir / "ragged.csv"),
             Catch::Contains("ragged.csv:2") && Catch::Contains("2 values; expected 3"));
  write_text(dir / "word.csv", "1,2\n3,x\n");
  CHECK_THAT(read_error(dir / "word.csv"),
             Catch::Contains("word.csv:2") && Catch::Contains("expected a number"));
  write_text(dir / "nan.csv", "1,nan\n");
  CHECK_THAT(read_error(dir / "nan.csv"), Catch::Contains("not finite"));
  write_text(dir / "comments.csv", "# only\n\n");
  CHECK_THAT(read_error(dir / "comments.csv"), Catch::Contains("no rows"));
  write_text(dir / "gap.csv", "1,,2\n");
  CHECK_THAT(read_error(dir / "gap.csv"), Catch::Contains("empty field"));
}

TEST_CASE("map files: empty, directory, missing, unknown format, bad options", "[maps]") {
  const auto dir = temp_dir("maps_files");
  write_text(dir / "empty.tif", "");
  CHECK_THAT(read_error(dir / "empty.tif"),
             Catch::Contains("empty.tif") && Catch::Contains("empty file"));
  std::filesystem::create_directories(dir / "folder.png");
  CHECK_THAT(read_error(dir / "folder.png"), Catch::Contains("is a directory"));
  CHECK_THAT(read_error(dir / "missing.csv"), Catch::Contains("no such file"));
  write_text(dir / "map.xyz", "1 2\n");
  CHECK_THAT(read_error(dir / "map.xyz"), Catch::Contains("unknown map format"));
  write_text(dir / "ok.csv", "1 2\n");
  CHECK_THAT(read_error(dir / "ok.csv", {.pixel_size = -1.0}), Catch::Contains("pixel size"));
  CHECK_THAT(read_error(dir / "ok.csv", {.page = 1}), Catch::Contains("only TIFF"));
  // The loader analyzers get through the run context reads the same way.
  const mgs::RunContext run = mgs::io::run_context({});
  REQUIRE(run.load_map);
  CHECK(run.load_map((dir / "ok.csv").string(), {}).values == std::vector<double>{1, 2});
}

TEST_CASE("Map2D to GridField and back", "[maps]") {
  Map2D m = random_map(5, 3, 2);
  m.pixel_size = 0.75;
  const mgs::GridField g = mgs::to_grid_field(m, "exp", "a.u.");
  CHECK(g.dims == std::array<int, 3>{5, 3, 1});
  CHECK(g.binned == std::array<bool, 3>{true, true, false});
  CHECK(g.step(0, 0) == 0.75);
  CHECK(g.step(1, 1) == 0.75);
  CHECK(g.step(0, 1) == 0.0);
  const Map2D back = mgs::map_from_grid_field(g, "exp");
  CHECK(back.nx == 5);
  CHECK(back.ny == 3);
  CHECK(back.pixel_size == 0.75);
  CHECK(back.values == m.values);
  mgs::GridField g3 = g;
  g3.dims[2] = 2;
  CHECK_THROWS_AS(mgs::map_from_grid_field(g3), std::invalid_argument);
}

TEST_CASE("map preprocessing: background, contrast, resampling, crop", "[maps]") {
  SECTION("an order-2 polynomial background added to a random field is removed") {
    const Map2D noise = random_map(40, 31, 3);
    Map2D with = noise;
    for (int j = 0; j < with.ny; ++j) {
      for (int i = 0; i < with.nx; ++i) {
        const double x = i * 0.1, y = j * 0.2;
        with.values[static_cast<std::size_t>(j * with.nx + i)] +=
            50.0 + 3.0 * x - 2.0 * y + 0.7 * x * x - 0.4 * x * y + 0.9 * y * y;
      }
    }
    const Map2D a = mgs::subtract_polynomial_background(noise, 2);
    const Map2D b = mgs::subtract_polynomial_background(with, 2);
    for (std::size_t k = 0; k < a.values.size(); ++k)
      REQUIRE(std::abs(a.values[k] - b.values[k]) < 1e-10);
    // A pure polynomial of order 3 leaves nothing with order 3.
    Map2D cubic = noise;
    for (int j = 0; j < cubic.ny; ++j) {
      for (int i = 0; i < cubic.nx; ++i) {
        cubic.values[static_cast<std::size_t>(j * cubic.nx + i)] = 1.0 + i * i * j * 1e-3 - i * 0.5;
      }
    }
    for (double v : mgs::subtract_polynomial_background(cubic, 3).values)
      REQUIRE(std::abs(v) < 1e-10);
    CHECK_THROWS_AS(mgs::polynomial_background(noise, 4), std::invalid_argument);
  }
  SECTION("relative contrast has mean 0") {
    Map2D m = random_map(20, 10, 4);
    for (double& v : m.values) v += 5.0;
    const Map2D c = mgs::relative_contrast(m);
    double s = 0.0;
    for (double v : c.values) s += v;
    CHECK(std::abs(s / static_cast<double>(c.values.size())) < 1e-14);
    CHECK(c.values[0] == Approx((m.values[0] - 5.0) / 5.0).margin(0.1));
    Map2D zero = m;
    for (double& v : zero.values) v = 0.0;
    CHECK_THROWS_AS(mgs::relative_contrast(zero), std::invalid_argument);
  }
  SECTION("resampling keeps a linear ramp linear and the mean under integer coarsening") {
    Map2D ramp;
    ramp.nx = 24;
    ramp.ny = 18;
    ramp.pixel_size = 0.5;
    // Ramp in physical coordinates of pixel centres: f = 2 + 0.3 X − 0.7 Y.
    auto f = [](double X, double Y) { return 2.0 + 0.3 * X - 0.7 * Y; };
    for (int j = 0; j < ramp.ny; ++j) {
      for (int i = 0; i < ramp.nx; ++i) ramp.values.push_back(f((i + 0.5) * 0.5, (j + 0.5) * 0.5));
    }
    // Exactly linear for integer coarsening factors (1, 2, 3) and any refinement (bilinear).
    for (const double q : {0.5, 1.0, 1.5, 0.2, 0.35, 0.45}) {
      const Map2D r = mgs::resample(ramp, q);
      CHECK(r.nx == static_cast<int>(std::floor(24 * 0.5 / q + 1e-9)));
      CHECK(r.pixel_size == q);
      for (int j = 0; j < r.ny; ++j) {
        for (int i = 0; i < r.nx; ++i) {
          INFO("q " << q << " pixel " << i << ", " << j);
          REQUIRE(r.at(i, j) == Approx(f((i + 0.5) * q, (j + 0.5) * q)).margin(1e-12));
        }
      }
    }
    // A non-integer coarsening averages pixel values over the overlap areas (conserving the
    // intensity, as detector counts need): a ramp is then linear to within half an input pixel
    // of shift, |slope| · p / 2 along each axis.
    const Map2D r = mgs::resample(ramp, 0.7);
    for (int j = 0; j < r.ny; ++j) {
      for (int i = 0; i < r.nx; ++i) {
        REQUIRE(std::abs(r.at(i, j) - f((i + 0.5) * 0.7, (j + 0.5) * 0.7)) <=
                (0.3 + 0.7) * 0.25 + 1e-12);
      }
    }
    const Map2D noise = random_map(24, 18, 5);
    const Map2D coarse = mgs::resample(noise, 3 * noise.pixel_size);
    REQUIRE(coarse.nx == 8);
    REQUIRE(coarse.ny == 6);
    double a = 0.0, b = 0.0;
    for (double v : noise.values) a += v;
    for (double v : coarse.values) b += v;
    CHECK(a / 432.0 == Approx(b / 48.0).margin(1e-14));
    Map2D unknown = noise;
    unknown.pixel_size = 0.0;
    CHECK_THROWS_AS(mgs::resample(unknown, 1.0), std::invalid_argument);
  }
  SECTION("crop") {
    const Map2D m = random_map(6, 5, 6);
    const Map2D c = mgs::crop(m, 2, 1, 3, 2);
    CHECK(c.nx == 3);
    CHECK(c.at(0, 0) == m.at(2, 1));
    CHECK(c.at(2, 1) == m.at(4, 2));
    CHECK_THROWS_AS(mgs::crop(m, 4, 0, 3, 1), std::invalid_argument);
  }
}
