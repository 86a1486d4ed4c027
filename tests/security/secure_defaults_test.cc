// Secure by default, tested on the built binary (issue 4 §1): on a non-loopback address
// with no trusted issuer the server refuses to start unless --insecure-no-auth is given,
// which it then logs loudly; on loopback with no issuer it runs open and says so.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/security/secure_server_fixture.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cds::security_test {
namespace {

using Clock = std::chrono::steady_clock;

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    args.insert(args.begin(), CDS_SERVER_BINARY);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, CDS_SERVER_BINARY, &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    err_ = fds[0];
  }

  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      (void)Wait(Ms(5000));
    }
    if (err_ >= 0) ::close(err_);
  }

  // Reads stderr until `pattern` matches the text so far, EOF, or `timeout`.
  bool WaitForOutput(const std::regex& pattern, Ms timeout) {
    auto until = Clock::now() + timeout;
    char buf[4096];
    while (!std::regex_search(stderr_, pattern)) {
      auto left = std::chrono::duration_cast<Ms>(until - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{err_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      ssize_t n = ::read(err_, buf, sizeof(buf));
      if (n <= 0) return std::regex_search(stderr_, pattern);
      stderr_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  // The exit status, or -1 if the process has not exited within `timeout`.
  int Wait(Ms timeout) {
    auto until = Clock::now() + timeout;
    while (Clock::now() < until) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(Ms(20));
    }
    return -1;
  }

  void Signal(int sig) { ::kill(pid_, sig); }
  bool started() const { return pid_ > 0; }
  const std::string& output() const { return stderr_; }

  int ListeningPort() const {
    std::smatch m;
    static const std::regex kListening(R"re("event":"listening".*"port":(\d+))re");
    return std::regex_search(stderr_, m, kListening) ? std::stoi(m[1]) : 0;
  }

 private:
  pid_t pid_ = -1;
  int err_ = -1;
  std::string stderr_;
};

TEST(SecureDefaultsTest, RefusesNonLoopbackWithoutIssuer) {
  TempDir data;
  ServerProcess p({"--listen", "0.0.0.0:0", "--data-dir", data.path()});
  ASSERT_TRUE(p.started());
  EXPECT_EQ(p.Wait(Ms(10000)), 2);
  p.WaitForOutput(std::regex("refusing"), Ms(1000));
  EXPECT_NE(p.output().find("refusing to listen on 0.0.0.0 without a trusted issuer"),
            std::string::npos)
      << p.output();
  EXPECT_EQ(p.output().find("\"event\":\"listening\""), std::string::npos) << p.output();
}

TEST(SecureDefaultsTest, InsecureNoAuthIsLoud) {
  TempDir data;
  ServerProcess p({"--listen", "0.0.0.0:0", "--insecure-no-auth", "--data-dir", data.path()});
  ASSERT_TRUE(p.started());
  ASSERT_TRUE(p.WaitForOutput(std::regex(R"("event":"listening")"), Ms(15000))) << p.output();
  EXPECT_TRUE(
      std::regex_search(p.output(), std::regex(R"("level":"error","event":"insecure_no_auth")")))
      << p.output();
  int port = p.ListeningPort();
  ASSERT_GT(port, 0) << p.output();
  RawResponse health = Exchange(port, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(health.status, 200);
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(Ms(10000)), 0) << p.output();
}

TEST(SecureDefaultsTest, LoopbackWithoutIssuerRunsOpenAndSaysSo) {
  TempDir data;
  ServerProcess p({"--listen", "127.0.0.1:0", "--data-dir", data.path()});
  ASSERT_TRUE(p.started());
  ASSERT_TRUE(p.WaitForOutput(std::regex(R"("event":"listening")"), Ms(15000))) << p.output();
  EXPECT_TRUE(std::regex_search(p.output(), std::regex(R"("event":"auth_disabled".*loopback)")))
      << p.output();
  EXPECT_TRUE(std::regex_search(p.output(), std::regex(R"("auth":false)"))) << p.output();
  int port = p.ListeningPort();
  ASSERT_GT(port, 0);
  RawResponse discovery = Exchange(port, "GET /cds-services HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(discovery.status, 200) << "open on loopback: no token needed";
  p.Signal(SIGTERM);
  EXPECT_EQ(p.Wait(Ms(10000)), 0) << p.output();
}

TEST(SecureDefaultsTest, BadTlsFilesStopStartUp) {
  TempDir dir;
  std::string config = dir.path() + "/config";
  std::filesystem::create_directories(config);
  std::filesystem::create_directory_symlink(std::string(CDS_SOURCE_DIR "/config/knowledge"),
                                            config + "/knowledge");
  std::ofstream(config + "/server.json")
      << R"({"tls": {"cert_file": ")" << dir.path() << R"(/missing.pem", "key_file": ")"
      << dir.path() << R"(/missing.key"}})";
  ServerProcess p(
      {"--config", config, "--listen", "127.0.0.1:0", "--data-dir", dir.path() + "/data"});
  ASSERT_TRUE(p.started());
  EXPECT_EQ(p.Wait(Ms(10000)), 2);
  p.WaitForOutput(std::regex("tls"), Ms(1000));
  EXPECT_NE(p.output().find("tls.cert_file"), std::string::npos) << p.output();
}

}  // namespace
}  // namespace cds::security_test
