#include "tests/test_support.h"

#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace edihub::testing {

namespace fs = std::filesystem;

fs::path source_dir() { return fs::path(EDIHUB_SOURCE_DIR); }
fs::path data_dir() { return source_dir() / "tests" / "data"; }
fs::path edihub_binary() { return fs::path(EDIHUB_BIN); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& path, const std::string& bytes) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "edihub-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

RunResult run_program(const std::vector<std::string>& argv, int timeout_seconds) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]); close(out_pipe[1]); close(err_pipe[0]); close(err_pipe[1]);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool timed_out = false;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) { timed_out = true; break; }
    int n = poll(fds, 2, static_cast<int>(left));
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = read(fds[i].fd, buf, sizeof buf);
      if (r <= 0) { close(fds[i].fd); fds[i].fd = -1; --open_fds; continue; }
      (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(r));
    }
  }
  if (timed_out) kill(pid, SIGKILL);
  for (auto& f : fds) if (f.fd >= 0) close(f.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = (!timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return result;
}

RunResult validate_json_files(const fs::path& schema, const std::vector<fs::path>& files) {
  // Debian's node-ajv lives in /usr/share/nodejs, which a node not built by Debian does not search.
  const char* node_path = std::getenv("NODE_PATH");
  std::string paths = std::string(node_path ? node_path : "") + (node_path ? ":" : "") + "/usr/share/nodejs";
  std::vector<std::string> argv{"env", "NODE_PATH=" + paths, "node", (source_dir() / "tests/validate_schema.js").string(),
                                schema.string()};
  for (const auto& f : files) argv.push_back(f.string());
  return run_program(argv, 120);
}

int spawn_edihub(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    std::vector<std::string> argv{edihub_binary().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto& a : argv) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    execv(cargs[0], cargs.data());
    _exit(127);
  }
  return pid;
}

bool kill_edihub_after(const std::vector<std::string>& args, std::chrono::milliseconds delay) {
  int pid = spawn_edihub(args);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

std::string memory_measured_env() {
  const char* options = std::getenv("ASAN_OPTIONS");
  return std::string("ASAN_OPTIONS=") + (options && *options ? std::string(options) + ":" : "") + "quarantine_size_mb=0";
}

nlohmann::json run_once_json(const TempDir& dir, int timeout_seconds) {
  auto r = run_edihub({"run", "--config", dir.path().string(), "--once", "--json"}, timeout_seconds);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

RunResult run_edihub(const std::vector<std::string>& args, int timeout_seconds) {
  std::vector<std::string> argv{edihub_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, timeout_seconds);
}

RunResult run_edihub_at(const std::string& now, const std::vector<std::string>& args, int timeout_seconds) {
  std::vector<std::string> argv{"env", "EDIHUB_NOW=" + now, edihub_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, timeout_seconds);
}

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  if (port == 0) throw std::runtime_error("no free loopback port");
  return port;
}

}  // namespace edihub::testing
