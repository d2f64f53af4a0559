#pragma once
// Paths and small helpers shared by the tests.
#include <filesystem>
#include <string>

namespace mgs::test {

// The repository root, the shared reference data folder (../shared) and the CLI binary.
std::filesystem::path source_dir();
std::filesystem::path shared_data(const std::string& name);   // ../shared/data/<name>
std::filesystem::path example_data(const std::string& name);  // examples/data/<name>
std::filesystem::path binary();
// A fresh, empty temporary directory unique to the calling test.
std::filesystem::path temp_dir(const std::string& tag);
// Runs a shell command; returns its exit status and (stdout + stderr) in `output`.
int run_command(const std::string& command, std::string* output = nullptr);
// Whether an executable is on PATH (e.g. lmp, python3).
bool have_program(const std::string& name);
// Whether LAMMPS (`lmp`) can serve as a reference. Missing lmp fails the calling test when the
// environment variable CI is set (CI installs it), and otherwise warns so the test can skip.
bool lammps_available();
std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

}  // namespace mgs::test
