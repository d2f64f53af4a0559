#include "support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mgs::test {

std::filesystem::path source_dir() {
  return MGS_SOURCE_DIR;
}
std::filesystem::path shared_data(const std::string& name) {
  return std::filesystem::path(MGS_SHARED_DIR) / "data" / name;
}
std::filesystem::path example_data(const std::string& name) {
  return source_dir() / "examples" / "data" / name;
}
std::filesystem::path binary() {
  return MGS_BINARY;
}

std::filesystem::path temp_dir(const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mgscope_test_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

int run_command(const std::string& command, std::string* output) {
  const std::string full = command + " 2>&1";
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run: " + command);
  std::array<char, 4096> buf{};
  std::string out;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

bool have_program(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null") == 0;
}

bool lammps_available() {
  if (have_program("lmp")) return true;
  if (std::getenv("CI")) FAIL("lmp is not on PATH, but the LAMMPS reference tests must run in CI");
  WARN("lmp not found: LAMMPS reference test skipped");
  return false;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace mgs::test
