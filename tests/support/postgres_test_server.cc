#include "tests/support/postgres_test_server.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cds::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

constexpr char kUser[] = "cds_test";
// Bumped whenever the template's layout or initdb flags change.
constexpr char kTemplateVersion[] = "v1";
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(30);

bool IsExecutable(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// $CDS_POSTGRES_BINDIR, the newest /usr/lib/postgresql/<major>/bin, or PATH.
std::string FindBinDir() {
  if (const char* dir = std::getenv("CDS_POSTGRES_BINDIR"); dir != nullptr && *dir != '\0') {
    return IsExecutable(std::string(dir) + "/postgres") ? dir : "";
  }
  int best = -1;
  std::string found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string major = entry.path().filename().string();
    if (major.empty() || major.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string bin = entry.path().string() + "/bin";
    if (std::stoi(major) > best && IsExecutable(bin + "/initdb") &&
        IsExecutable(bin + "/postgres")) {
      best = std::stoi(major);
      found = bin;
    }
  }
  if (!found.empty()) return found;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (IsExecutable(dir + "/initdb") && IsExecutable(dir + "/postgres")) return dir;
  }
  return "";
}

std::string TempRoot() {
  const char* dir = std::getenv("CDS_PG_TEST_DIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Tail(const std::string& text, size_t lines) {
  size_t at = text.size();
  for (size_t n = 0; n <= lines && at != std::string::npos && at > 0; ++n) {
    at = text.rfind('\n', at - 1);
  }
  return at == std::string::npos ? text : text.substr(at + 1);
}

std::string RandomHex(size_t n) {
  std::random_device rd;
  std::string out;
  const char* digits = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) out += digits[rd() % 16];
  return out;
}

// The program and arguments that run `argv` as the given user (0: ourselves), dying with
// the calling thread.
std::vector<std::string> Wrapped(uid_t uid, gid_t gid, std::vector<std::string> argv) {
  std::vector<std::string> out = {"/usr/bin/setpriv", "--pdeathsig", "SIGKILL"};
  if (uid != 0) {
    out.push_back("--reuid=" + std::to_string(uid));
    out.push_back("--regid=" + std::to_string(gid));
    out.push_back("--clear-groups");
  }
  out.push_back("--");
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

// Spawns `argv` with stdin from /dev/null and stdout + stderr appended to `log`.
StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return InternalError("spawn " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

// Waits for `pid` to exit; its exit status, or -1 on a signal.
int WaitExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Status Chown(const std::string& path, uid_t uid, gid_t gid) {
  if (uid == 0) return OkStatus();
  if (::chown(path.c_str(), uid, gid) != 0) {
    return InternalError("chown " + path + ": " + std::strerror(errno));
  }
  return OkStatus();
}

// Builds the cluster template at `final_dir` unless it exists.
Status EnsureTemplate(const std::string& bindir, const std::string& final_dir, uid_t uid,
                      gid_t gid) {
  if (fs::exists(final_dir + "/data/PG_VERSION") && fs::exists(final_dir + "/password")) {
    return OkStatus();
  }
  std::string scratch = final_dir + ".tmp-XXXXXX";
  if (::mkdtemp(scratch.data()) == nullptr) {
    return InternalError("mkdtemp " + scratch + ": " + std::strerror(errno));
  }
  std::error_code ec;
  auto cleanup = [&] { fs::remove_all(scratch, ec); };
  const std::string password = "cdssec-pw-" + RandomHex(20);
  {
    std::ofstream pw(scratch + "/password");
    pw << password << "\n";
  }
  ::chmod((scratch + "/password").c_str(), 0600);
  for (const std::string& p : {scratch, scratch + "/password"}) {
    if (Status s = Chown(p, uid, gid); !s.ok()) {
      cleanup();
      return s;
    }
  }
  const std::string log = scratch + "/initdb.log";
  auto pid = Spawn(Wrapped(uid, gid,
                           {bindir + "/initdb", "-D", scratch + "/data", "-U", kUser,
                            "--pwfile=" + scratch + "/password", "-A", "scram-sha-256", "-E",
                            "UTF8", "--no-locale", "--no-sync", "--no-instructions"}),
                   log);
  if (!pid.ok()) {
    cleanup();
    return pid.status();
  }
  if (WaitExit(*pid) != 0) {
    Status failed = InternalError("initdb failed: " + Tail(ReadFile(log), 15));
    cleanup();
    return failed;
  }
  // Whoever renames first wins; a loser's copy is discarded.
  if (::rename(scratch.c_str(), final_dir.c_str()) != 0) cleanup();
  if (!fs::exists(final_dir + "/data/PG_VERSION")) {
    return InternalError("PostgreSQL template " + final_dir + " is incomplete; remove it");
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::unique_ptr<PostgresTestServer>> PostgresTestServer::Start(
    PostgresTestServerOptions options) {
  std::unique_ptr<PostgresTestServer> s(new PostgresTestServer());
  s->options_ = options;
  s->bindir_ = FindBinDir();
  if (s->bindir_.empty()) {
    return NotFoundError(
        "PostgreSQL server binaries (initdb, postgres) not found: install the Debian package "
        "`postgresql` (scripts/setup-debian.sh does) or set CDS_POSTGRES_BINDIR");
  }
  if (!IsExecutable("/usr/bin/setpriv")) {
    return NotFoundError("/usr/bin/setpriv (util-linux) not found");
  }
  if (::geteuid() == 0) {
    // initdb and postgres refuse to run as root.
    const passwd* nobody = ::getpwnam("nobody");
    if (nobody == nullptr) return NotFoundError("running as root and there is no user `nobody`");
    s->run_as_uid_ = nobody->pw_uid;
    s->run_as_gid_ = nobody->pw_gid;
  }
  const std::string major = fs::path(s->bindir_).parent_path().filename().string();
  const std::string owner = std::to_string(s->run_as_uid_ != 0 ? s->run_as_uid_ : ::geteuid());
  const std::string tmpl =
      TempRoot() + "/cds-pgtest-" + major + "-" + owner + "-" + kTemplateVersion;
  if (Status t = EnsureTemplate(s->bindir_, tmpl, s->run_as_uid_, s->run_as_gid_); !t.ok()) {
    return t;
  }
  s->user_ = kUser;
  s->password_ = ReadFile(tmpl + "/password");
  while (!s->password_.empty() && s->password_.back() == '\n') s->password_.pop_back();

  std::string dir = TempRoot() + "/cds_pg_XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    return InternalError("mkdtemp " + dir + ": " + std::strerror(errno));
  }
  s->dir_ = dir;
  if (Status c = Chown(dir, s->run_as_uid_, s->run_as_gid_); !c.ok()) return c;
  // cp -a keeps the owner (as root) and the 0700 mode postgres insists on.
  auto cp = Spawn({"/bin/cp", "-a", tmpl + "/data", dir + "/data"}, dir + "/cp.log");
  if (!cp.ok()) return cp.status();
  if (WaitExit(*cp) != 0) return InternalError("cp failed: " + ReadFile(dir + "/cp.log"));
  if (Status c = Chown(dir + "/cp.log", s->run_as_uid_, s->run_as_gid_); !c.ok()) return c;
  if (Status launched = s->Launch(); !launched.ok()) return launched;
  return s;
}

Status PostgresTestServer::Launch() {
  std::vector<std::string> argv = {bindir_ + "/postgres",
                                   "-D",
                                   dir_ + "/data",
                                   "-k",
                                   dir_,
                                   "-p",
                                   std::to_string(port()),
                                   "-c",
                                   "listen_addresses=",
                                   "-c",
                                   "max_connections=60",
                                   "-c",
                                   "shared_buffers=16MB",
                                   "-c",
                                   std::string("fsync=") + (options_.fsync ? "on" : "off"),
                                   "-c",
                                   "logging_collector=off"};
  const std::string log = dir_ + "/postgres.log";
  // Created by us (root or not) before the child appends to it.
  { std::ofstream touch(log, std::ios::app); }
  if (Status c = Chown(log, run_as_uid_, run_as_gid_); !c.ok()) return c;
  auto pid = Spawn(Wrapped(run_as_uid_, run_as_gid_, argv), log);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  const std::string ping = "host=" + dir_ + " port=" + std::to_string(port()) +
                           " dbname=postgres user=" + user_ + " connect_timeout=2";
  const auto deadline = steady_clock::now() + kStartTimeout;
  while (steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return UnavailableError("postgres exited during start-up: " + LogTail());
    }
    if (PQping(ping.c_str()) == PQPING_OK) return OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  (void)Stop();
  return UnavailableError("postgres did not accept connections within 60 s: " + LogTail());
}

Status PostgresTestServer::Stop() {
  if (pid_ <= 0) return OkStatus();
  ::kill(pid_, SIGINT);  // fast shutdown: disconnects clients, then exits
  const auto deadline = steady_clock::now() + kStopTimeout;
  while (steady_clock::now() < deadline) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno != EINTR)) {
      pid_ = -1;
      return OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  WaitExit(pid_);
  pid_ = -1;
  return UnavailableError("postgres did not stop within 30 s; killed");
}

Status PostgresTestServer::StartAgain() {
  if (pid_ > 0) return OkStatus();
  return Launch();
}

PostgresTestServer::~PostgresTestServer() {
  (void)Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string PostgresTestServer::url_without_password() const {
  return "host=" + dir_ + " port=" + std::to_string(port()) + " dbname=postgres user=" + user_;
}

std::string PostgresTestServer::url() const {
  return url_without_password() + " password=" + password_;
}

store::PostgresOptions PostgresTestServer::StoreOptions() const {
  store::PostgresOptions o;
  o.url = url();
  o.pool_size = 4;
  o.reconnect_backoff_ms = 20;
  o.max_reconnect_backoff_ms = 200;
  return o;
}

StatusOr<std::string> PostgresTestServer::Query(const std::string& sql) const {
  PGconn* conn = PQconnectdb(url().c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string error = PQerrorMessage(conn);
    PQfinish(conn);
    return UnavailableError("connect: " + error);
  }
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    std::string error = PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(conn);
    return InternalError(sql + ": " + error);
  }
  std::string out;
  for (int r = 0; r < PQntuples(result); ++r) {
    if (r > 0) out += '\n';
    out += PQgetvalue(result, r, 0);
  }
  PQclear(result);
  PQfinish(conn);
  return out;
}

std::string PostgresTestServer::LogTail() const {
  return Tail(ReadFile(dir_ + "/postgres.log"), 20);
}

}  // namespace cds::testing
