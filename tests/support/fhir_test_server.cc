#include "tests/support/fhir_test_server.h"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cds::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout(30);
constexpr std::chrono::seconds kStopTimeout(5);
constexpr std::string_view kListeningPrefix = "LISTENING ";

std::string ServerDir() { return CDS_SOURCE_DIR "/tests/fhir_server"; }

bool EnvFlag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The first executable `node` on PATH, or "" if there is none.
std::string FindNodeOnPath() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::string_view rest(path);
  while (true) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/node";
    if (IsExecutableFile(candidate)) return candidate;
    if (colon == std::string_view::npos) return "";
    rest.remove_prefix(colon + 1);
  }
}

void CloseFd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// Sends SIGTERM, waits up to kStopTimeout, then SIGKILL; always reaps `pid`.
void TerminateAndReap(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// Reaps `pid` if it exits within `timeout` (without signalling it); true if it did.
bool WaitForExit(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid) return true;
    if ((r < 0 && errno != EINTR) || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

// Reads `fd` until a newline, EOF or the deadline. Returns false on EOF, error or timeout
// (with *error saying which); the line, without its newline, goes to *line.
bool ReadLine(int fd, std::chrono::steady_clock::time_point deadline, std::string* line,
              std::string* error) {
  line->clear();
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *error = "printed no `LISTENING <port>` line within " +
               std::to_string(kStartTimeout.count()) + " s";
      return false;
    }
    pollfd pfd{fd, POLLIN, 0};
    int n = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::string("poll: ") + std::strerror(errno);
      return false;
    }
    if (n == 0) continue;  // The deadline check above ends the loop.
    char c;
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      *error = std::string("read: ") + std::strerror(errno);
      return false;
    }
    if (r == 0) {
      *error = "its stdout closed";
      return false;
    }
    if (c == '\n') return true;
    line->push_back(c);
    if (line->size() > 1024) {
      *error = "its first line is too long";
      return false;
    }
  }
}

// Either a skip (prerequisite missing) or, with CDS_REQUIRE_FHIR_SERVER, a failure as well.
std::unique_ptr<FhirTestServer> Unavailable(std::string* skip_reason, std::string reason) {
  if (EnvFlag("CDS_REQUIRE_FHIR_SERVER")) {
    ADD_FAILURE() << reason << " (CDS_REQUIRE_FHIR_SERVER is set, so this is a failure)";
  }
  *skip_reason = std::move(reason);
  return nullptr;
}

std::unique_ptr<FhirTestServer> Failed(std::string* skip_reason, std::string reason) {
  ADD_FAILURE() << reason;
  *skip_reason = std::move(reason);
  return nullptr;
}

}  // namespace

std::unique_ptr<FhirTestServer> FhirTestServer::Start(std::string* skip_reason) {
  const std::string dir = ServerDir();
  const std::string install_hint = "run `npm ci --prefix tests/fhir_server`";
  const std::string node = FindNodeOnPath();
  if (node.empty()) {
    return Unavailable(skip_reason,
                       "FHIR test server unavailable: `node` (Node.js >= 20.19) is not on PATH; "
                       "install it, then " +
                           install_hint);
  }
  if (!IsRegularFile(dir + "/node_modules/@medplum/fhir-router/package.json")) {
    return Unavailable(skip_reason, "FHIR test server unavailable: " + dir +
                                        "/node_modules is missing or incomplete; " + install_hint);
  }

  // Pipes are close-on-exec; the child gets its ends as fds 0 and 1 through dup2, which clears
  // the flag on the copies.
  int in_pipe[2];
  int out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
    return Failed(skip_reason, std::string("FHIR test server: pipe2: ") + std::strerror(errno));
  }
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return Failed(skip_reason, std::string("FHIR test server: pipe2: ") + std::strerror(e));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);

  const std::string script = dir + "/server.mjs";
  std::vector<std::string> args = {node, "--experimental-websocket", script};
  if (EnvFlag("CDS_FHIR_SERVER_VERBOSE")) args.push_back("--verbose");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // The child starts with no blocked signals and default dispositions, whatever the test
  // process did with its own, so SIGTERM reaches node's handler.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setsigmask(&attr, &no_signals);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP}) sigaddset(&default_signals, sig);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, node.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  int stdin_fd = in_pipe[1];
  int stdout_fd = out_pipe[0];
  if (rc != 0) {
    CloseFd(stdin_fd);
    CloseFd(stdout_fd);
    return Failed(skip_reason, "FHIR test server: posix_spawn " + node + ": " + std::strerror(rc));
  }

  std::string line;
  std::string error;
  bool got_line =
      ReadLine(stdout_fd, std::chrono::steady_clock::now() + kStartTimeout, &line, &error);
  int port = 0;
  if (got_line && line.starts_with(kListeningPrefix)) {
    port = std::atoi(line.c_str() + kListeningPrefix.size());
  }
  if (port <= 0 || port > 65535) {
    CloseFd(stdin_fd);
    int status = 0;
    std::string what;
    if (WaitForExit(pid, got_line ? std::chrono::milliseconds(0) : std::chrono::milliseconds(1000),
                    &status)) {
      what = "the server " + DescribeExit(status) + " (see its stderr above)";
    } else {
      TerminateAndReap(pid);
      what = got_line ? "unexpected first line `" + line + "`" : "the server " + error;
    }
    CloseFd(stdout_fd);
    return Failed(skip_reason, "FHIR test server did not start: " + what + "; command: " + node +
                                   " --experimental-websocket " + script);
  }
  return std::unique_ptr<FhirTestServer>(new FhirTestServer(pid, stdin_fd, stdout_fd, port));
}

FhirTestServer::FhirTestServer(pid_t pid, int stdin_fd, int stdout_fd, int port)
    : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd), port_(port) {}

FhirTestServer::~FhirTestServer() { Stop(); }

void FhirTestServer::Stop() {
  CloseFd(stdin_fd_);
  if (pid_ > 0) {
    TerminateAndReap(pid_);
    pid_ = -1;
  }
  CloseFd(stdout_fd_);
}

bool FhirTestServer::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string FhirTestServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/fhir/R4";
}

StatusOr<std::string> FhirTestServer::Admin(const std::string& method, const std::string& path,
                                            const std::string& body) {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(5);
  client.set_read_timeout(120);  // Loading a large Synthea bundle takes a while.
  client.set_write_timeout(120);
  httplib::Result result = method == "GET"      ? client.Get(path)
                           : method == "DELETE" ? client.Delete(path)
                                                : client.Post(path, body, "application/json");
  const std::string what = "FHIR test server " + method + " " + path;
  if (!result) {
    return UnavailableError(what + ": " + httplib::to_string(result.error()));
  }
  if (result->status < 200 || result->status > 299) {
    std::string message = what + ": HTTP " + std::to_string(result->status) + ": " + result->body;
    if (result->status == 400) return InvalidArgumentError(std::move(message));
    return InternalError(std::move(message));
  }
  return result->body;
}

Status FhirTestServer::Load(const std::string& resource_or_bundle_json) {
  return Admin("POST", "/__admin/load", resource_or_bundle_json).status();
}

Status FhirTestServer::Reset() { return Admin("POST", "/__admin/reset", "{}").status(); }

Status FhirTestServer::Configure(const std::string& config_json) {
  return Admin("POST", "/__admin/config", config_json).status();
}

StatusOr<std::string> FhirTestServer::Requests() { return Admin("GET", "/__admin/requests", ""); }

Status FhirTestServer::ClearRequests() { return Admin("DELETE", "/__admin/requests", "").status(); }

}  // namespace cds::testing
