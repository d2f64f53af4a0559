// The bad-input catalogue (tests/bad_inputs/cases.json): runs the mgscope binary on every
// malformed or hostile input and checks that it fails cleanly: the expected exit status (never a
// signal, a sanitizer abort or a timeout), exactly one line on stderr naming the file (and line or
// JSON path) and what was expected, nothing on stdout, and no file created or changed, so that
// neither a partial output nor a `.tmp` file is left and an earlier run's outputs survive.
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace mgs::test;

namespace {

// A hang must fail the case, not the whole suite (ctest's timeout is per test case).
constexpr int kTimeoutSeconds = 60;

struct Outcome {
  int status = -1;  // exit status; 128 + signal when killed; 124 on timeout
  std::string out, err;
};

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// Runs mgscope in `dir` with the given arguments, optionally through a prefix (e.g. setpriv).
Outcome run_mgscope(const fs::path& dir, const std::vector<std::string>& args,
                    const std::string& prefix = "") {
  const fs::path out = dir.parent_path() / (dir.filename().string() + ".stdout");
  const fs::path err = dir.parent_path() / (dir.filename().string() + ".stderr");
  std::string cmd = fmt::format("cd {} && {} timeout -s KILL {} {}", shell_quote(dir.string()),
                                prefix, kTimeoutSeconds, shell_quote(binary().string()));
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += fmt::format(" >{} 2>{}", shell_quote(out.string()), shell_quote(err.string()));
  const int raw = std::system(cmd.c_str());
  Outcome o;
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  o.out = read_text(out);
  o.err = read_text(err);
  fs::remove(out);
  fs::remove(err);
  return o;
}

// Every regular file under dir with its content: what a failed run must leave unchanged.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) {
      const auto rel = fs::relative(e.path(), dir).string();
      // The unreadable case's file (mode 000) is readable by root only.
      files[rel] = ::access(e.path().c_str(), R_OK) == 0 ? read_text(e.path()) : "<unreadable>";
    }
  }
  return files;
}

// Copies the catalogue into dir, with ${SHARED} in run files replaced by the shared data folder.
void copy_catalogue(const fs::path& dir) {
  const fs::path src = source_dir() / "tests" / "bad_inputs";
  fs::copy(src, dir, fs::copy_options::recursive);
  const std::string shared = shared_data("").string();
  for (const auto& e : fs::recursive_directory_iterator(dir / "runs")) {
    if (e.path().extension() != ".json") continue;
    std::string text = read_text(e.path());
    for (std::size_t p; (p = text.find("${SHARED}")) != std::string::npos;) {
      text.replace(p, 9, shared.substr(0, shared.size() - 1));  // without the trailing '/'
    }
    write_text(e.path(), text);
  }
}

// The catalogue runs as root in CI, and root reads any file whatever its mode. Running as
// `nobody` restores the permission check, when setpriv is there and nobody may run the binary.
std::string unprivileged_prefix() {
  if (::geteuid() != 0) return "";
  const std::string prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups";
  if (run_command(prefix + " " + shell_quote(binary().string()) + " --version >/dev/null") != 0) {
    return "unavailable";
  }
  return prefix;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

void run_case(const json& c, const fs::path& dir) {
  const std::string name = c.at("name").get<std::string>();
  INFO("case " << name << ": mgscope " << c.at("args").dump());
  const auto args = c.at("args").get<std::vector<std::string>>();
  const int expected_exit = c.at("exit").get<int>();

  // An earlier good run whose outputs the failed run must not destroy.
  if (c.contains("before")) {
    const Outcome good = run_mgscope(dir, {"run", "--quiet", c["before"].get<std::string>()});
    INFO(good.err);
    REQUIRE(good.status == 0);
  }
  const json setup = c.value("setup", json::object());
  for (const auto& d : setup.value("mkdir", json::array())) {
    fs::create_directories(dir / d.get<std::string>());
  }
  std::string prefix;
  if (setup.contains("unreadable")) {
    const fs::path target = dir / setup["unreadable"].get<std::string>();
    fs::permissions(target, fs::perms::none);
    prefix = unprivileged_prefix();
    if (prefix == "unavailable") {
      WARN(name << ": running as root without a usable setpriv; root reads any file, so the "
                   "permission check is skipped");
      return;
    }
  }
  const auto before = snapshot(dir);
  const Outcome o = run_mgscope(dir, args, prefix);
  INFO("exit " << o.status << "\nstderr:\n" << o.err << "stdout:\n" << o.out);

  CHECK(o.status < 124);  // 124: timeout (a hang); 128 + n: killed by signal n (a crash)
  CHECK(o.status == expected_exit);
  const auto err_lines = lines_of(o.err);
  if (expected_exit == 0) {
    // Not an error but a warned-about condition: it must not pass silently.
    bool warned = false;
    for (const auto& l : err_lines) warned |= l.rfind("mgscope: warning: ", 0) == 0;
    CHECK(warned);
  } else {
    CHECK(o.out.empty());
    CHECK(err_lines.size() == 1);
    CHECK((!o.err.empty() && o.err.back() == '\n'));
    if (!err_lines.empty()) CHECK_THAT(err_lines[0], Catch::StartsWith("mgscope: error: "));
  }
  const std::string message = err_lines.empty() ? "" : (expected_exit == 0 ? o.err : err_lines[0]);
  // The file, then its line or the JSON path right after it where there is one.
  std::string where = c.at("file").get<std::string>();
  if (c.contains("line")) where += fmt::format(":{}:", c["line"].get<int>());
  if (c.contains("json_path")) where += ": " + c["json_path"].get<std::string>() + ":";
  CHECK_THAT(message, Catch::Contains(where));
  for (const auto& f : c.at("expect")) CHECK_THAT(message, Catch::Contains(f.get<std::string>()));

  // Nothing created, nothing changed; cases that succeed may create their declared outputs.
  auto after = snapshot(dir);
  for (const auto& p : c.value("outputs", json::array())) {
    CHECK(after.erase(p.get<std::string>()) == 1);
  }
  for (const auto& [path, text] : after) {
    INFO("file " << path);
    CHECK(before.count(path) == 1);
    if (before.count(path)) CHECK(before.at(path) == text);
  }
  for (const auto& [path, text] : before) {
    INFO("file " << path);
    CHECK(after.count(path) == 1);
  }
}

}  // namespace

TEST_CASE("bad inputs: every catalogue case fails cleanly", "[bad_inputs][cli]") {
  const json manifest = json::parse(read_text(source_dir() / "tests/bad_inputs/cases.json"));
  const auto& cases = manifest.at("cases");
  CHECK(cases.size() >= 40);
  std::map<std::string, int> names;
  for (const auto& c : cases) CHECK(++names[c.at("name").get<std::string>()] == 1);
  // One section per case: Catch2 re-enters the test case for each, so a failed REQUIRE stops
  // only its own case.
  for (const auto& c : cases) {
    const std::string name = c.at("name").get<std::string>();
    DYNAMIC_SECTION(name) {
      const fs::path root = temp_dir("bad_inputs");
      ::chmod(root.c_str(), 0755);  // `nobody` must reach the unreadable-file case
      const fs::path dir = root / name;
      copy_catalogue(dir);
      run_case(c, dir);
      fs::remove_all(root);
    }
  }
}
