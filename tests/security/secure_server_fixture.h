// Test fixtures for tests/security/: the real HttpServer (GuardedServer, ConnectionPool,
// JwtAuthenticator, HttpFhirClient) on a loopback port 0, and the tools an attacker's test
// needs around it: raw sockets, a connection-counting listener, a self-signed certificate,
// tokens minted by npm `jose`, a log capture and a row count of the feedback database.
//
// Everything runs in-process on 127.0.0.1 (and ::1 when the host has it); nothing touches
// the outside network. Temporary files live in a TempDir removed at the end of each test.
// Not thread-safe unless a member says otherwise.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>

#include "base/clock.h"
#include "base/log.h"

#include "config/server_config.h"

#include "app/cds_hooks_service.h"
#include "app/http_server.h"
#include "app/jwt_authenticator.h"

namespace cds::security_test {

using Ms = std::chrono::milliseconds;

// The rule clock of every test server: the harness's usual "now".
inline constexpr char kServiceNow[] = "2026-11-25T12:00:00Z";
// The service used for normal requests, and the rule its normal request fires.
inline constexpr char kService[] = "rituximab-safety-patient-view";
inline constexpr char kNormalRule[] = "hbv-serology-missing";

// Marker strings planted in requests so that logs can be searched for them (also by CI,
// over a whole test run: see docs/security.md "Checking logs for secrets").
inline constexpr char kAccessTokenMarker[] = "cdssec-at-6d1f0c";  // fhirAuthorization tokens
inline constexpr char kPatientNameMarker[] = "Secrettestfamily";  // resource contents
inline constexpr char kJwtMarker[] = "eyJhbGciOi";                // any JWT, alg first

// A unique directory under $TMPDIR, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A self-signed certificate (EC P-256, SAN IP:127.0.0.1 and DNS:localhost, valid one day)
// written as PEM files into `dir`; it is its own CA for verification.
struct TestCertificate {
  std::string cert_file;
  std::string key_file;
};
TestCertificate MakeSelfSignedCertificate(const std::string& dir);

// Settings for a loopback test server: port 0, short timeouts, no FHIR server, no issuer.
config::ServerConfig TestSettings();

struct ServerSetup {
  config::ServerConfig settings = TestSettings();
  std::string config_dir;  // holds knowledge/; "" = the bundled config/
  // The clock the JWT verifier uses (ms since the epoch); only with issuers.
  EpochMillis auth_now = 0;
};

class SecureServer {
 public:
  // Builds the service, the authenticator (when settings.auth.issuers is not empty), binds
  // and serves on a thread. data_dir defaults to a fresh temporary directory. On failure
  // records a test failure and returns nullptr.
  static std::unique_ptr<SecureServer> Start(ServerSetup setup);
  ~SecureServer();

  int port() const { return port_; }
  const config::ServerConfig& settings() const { return settings_; }
  std::string db_path() const { return settings_.data_dir + "/cds-hooks.sqlite3"; }
  app::HttpServer& http() { return *http_; }
  app::CdsHooksService& service() { return *service_; }
  // A patient-view call for kService. By default (empty `prefetch`) it is the normal
  // request: an active rituximab order under medicationRequests and every other prefetch
  // key null, answered 200 with a kNormalRule card. `prefetch` sets keys to raw JSON.
  std::string RequestBody(const std::map<std::string, std::string>& prefetch = {},
                          std::string_view fhir_server = "", std::string_view token = "",
                          std::string_view hook_instance = "") const;
  std::string NormalRequestBody() const { return RequestBody(); }
  // Prefetch keys of kService.
  std::vector<std::string> PrefetchKeys() const;

 private:
  SecureServer() = default;

  std::unique_ptr<TempDir> data_dir_;
  config::ServerConfig settings_;
  FixedClock service_clock_{0};
  FixedClock auth_clock_{0};
  std::unique_ptr<app::CdsHooksService> service_;
  std::unique_ptr<app::JwtAuthenticator> auth_;
  std::unique_ptr<app::HttpServer> http_;
  std::thread thread_;
  int port_ = 0;
};

// An http client for a loopback server with the test's timeouts.
std::unique_ptr<httplib::Client> LoopbackClient(int port);

// --- Raw sockets -------------------------------------------------------------------

int ConnectLoopback(int port);  // -1 on failure
bool SendAll(int fd, std::string_view data);

struct RawResponse {
  int status = 0;    // 0: no status line arrived
  std::string head;  // status line and headers
  std::string body;
  bool closed = false;  // the server closed the connection (EOF or reset)
  Ms elapsed{0};
};
// Reads one response (headers plus Content-Length body), waiting at most `timeout`; then
// notes whether the server closed the connection (within `close_wait`).
RawResponse ReadResponse(int fd, Ms timeout, Ms close_wait = Ms(0));
// Connects, sends `request`, reads one response, closes.
RawResponse Exchange(int port, std::string_view request, Ms timeout = Ms(5000));

// --- A listener that only counts -------------------------------------------------------

// Accepts and immediately closes every connection on 127.0.0.1:<port> and, when the host
// has IPv6 loopback, on [::1]:<same port>. Thread-safe count().
class ConnectionCounter {
 public:
  ConnectionCounter();
  ~ConnectionCounter();
  int port() const { return port_; }
  bool has_ipv6() const { return fd6_ >= 0; }
  int count() const { return count_.load(); }

 private:
  void Loop();
  int fd4_ = -1;
  int fd6_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<int> count_{0};
  std::thread thread_;
};

// --- Tokens minted by npm jose (tests/security/jose/mint.mjs) --------------------------

struct JoseTokens {
  std::string skip_reason;  // node or the package is missing
  std::string error;        // mint.mjs failed
  std::string jwks;         // the public JWK Set, JSON
  std::map<std::string, std::string> tokens;
};
JoseTokens MintWithJose(int64_t now_s, const std::string& iss, const std::string& base,
                        const std::string& service, const std::string& jku,
                        const std::string& evil_jku, int extra);

// A CDS Client's identity for the tests: a self-signed HTTPS JWKS endpoint on loopback
// (the issuer's only allow-listed jku), a listener standing for a jku that is NOT
// allow-listed, and tokens minted for them by mint.mjs with the clock at kJoseNow.
inline constexpr int64_t kJoseNow = 1'750'000'000;
inline constexpr char kJoseIss[] = "https://ehr.example.org/";
inline constexpr char kPublicBase[] = "https://cds.example.org";

class JoseIssuer {
 public:
  explicit JoseIssuer(int extra_tokens = 4);
  ~JoseIssuer();
  JoseIssuer(const JoseIssuer&) = delete;
  JoseIssuer& operator=(const JoseIssuer&) = delete;

  // Non-empty when node or jose is missing (skip), or minting failed (fail).
  const std::string& skip_reason() const { return minted_.skip_reason; }
  const std::string& error() const { return minted_.error; }
  // Trusts this issuer: auth.issuers, public_base_url, the JWKS certificate as fhir.ca_file
  // and the verifier's clock.
  void Configure(ServerSetup& setup) const;
  // The token minted as `name` (a test failure if there is none).
  const std::string& Token(const std::string& name) const;
  const std::map<std::string, std::string>& tokens() const { return minted_.tokens; }
  int jwks_hits() const { return jwks_hits_.load(); }
  int evil_jku_connections() const { return evil_.count(); }

 private:
  TempDir dir_;
  TestCertificate cert_;
  std::unique_ptr<httplib::SSLServer> jwks_server_;
  std::thread jwks_thread_;
  mutable std::mutex mu_;
  std::string jwks_;
  std::atomic<int> jwks_hits_{0};
  ConnectionCounter evil_;
  std::string jku_;
  JoseTokens minted_;
};

// --- Logs and storage ------------------------------------------------------------------

// Captures every log line at `level` and above while alive; restores stderr and the old
// level after. With `echo`, lines still go to stderr too (so a CI grep over the whole test
// run sees them). Thread-safe.
class LogCapture {
 public:
  explicit LogCapture(LogLevel level = LogLevel::kDebug, bool echo = true);
  ~LogCapture();
  std::vector<std::string> lines() const;
  // Lines containing `needle`.
  std::vector<std::string> Grep(std::string_view needle) const;

 private:
  LogLevel old_level_;
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// SELECT count(*) FROM `table` in the SQLite file at `path`; -1 on error.
int64_t CountRows(const std::string& path, const std::string& table);

// A feedback body of `n` distinct "overridden" items (cards unknown to the store).
std::string FeedbackBody(int n, int first_id);

}  // namespace cds::security_test
