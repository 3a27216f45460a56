// Helpers shared by the tests: a temporary folder removed at scope end, file I/O, the
// repo's test data, and running the edihub binary as a user would (exit code + output).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace edihub::testing {

// The repo's tests/data folder.
std::filesystem::path data_dir();
std::filesystem::path source_dir();
std::filesystem::path edihub_binary();

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& bytes);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;       // -1 when killed by a signal or timed out
  std::string out;          // stdout
  std::string err;          // stderr
};

// Runs edihub with `args`, bounded by `timeout_seconds` (killed and exit_code -1 after).
RunResult run_edihub(const std::vector<std::string>& args, int timeout_seconds = 120);
// Memory bounds in tests are set for the plain build. Under AddressSanitizer a process
// carries shadow memory and redzones (measured 2.6 to 4.4 times the plain peak here, with
// its quarantine off), so bounds are kMemoryBoundFactor times larger there, and a measured
// child runs with the quarantine off: memory_measured_env() is its ASAN_OPTIONS, for `env`.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr long kMemoryBoundFactor = 5;
#else
inline constexpr long kMemoryBoundFactor = 1;
#endif
std::string memory_measured_env();

// `edihub run --config DIR --once --json`, which must exit 0: its run summary.
nlohmann::json run_once_json(const TempDir& dir, int timeout_seconds = 300);
// The same with the hub's clock fixed at `now` (EDIHUB_NOW, e.g. "2026-11-27T08:00:00Z").
RunResult run_edihub_at(const std::string& now, const std::vector<std::string>& args, int timeout_seconds = 120);
// Runs any program (argv[0] looked up in PATH).
RunResult run_program(const std::vector<std::string>& argv, int timeout_seconds = 120);

// Validates JSON files against a JSON Schema with an independent validator (Ajv, from
// Debian's node-ajv, through tests/validate_schema.js); exit code 0 when all are valid.
RunResult validate_json_files(const std::filesystem::path& schema, const std::vector<std::filesystem::path>& files);

// Starts edihub in the background with its output discarded; returns its pid.
int spawn_edihub(const std::vector<std::string>& args);

// Starts edihub with `args`, kills it with SIGKILL after `delay` and reaps it; true when
// the kill interrupted it (it had not exited by itself).
bool kill_edihub_after(const std::vector<std::string>& args, std::chrono::milliseconds delay);

// A loopback TCP port that was free a moment ago (bound and released), for a peer the
// test starts later on a port it must know in advance.
int free_loopback_port();

// Copies a folder tree (a config folder, say) into `to`.
void copy_tree(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace edihub::testing
