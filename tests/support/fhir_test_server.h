// FhirTestServer: starts and stops the in-memory FHIR R4 server in tests/fhir_server/ (Node.js,
// medplum's FhirRouter over a MemoryRepository) for tests that need a real FHIR server.
//
//   std::string skip_reason;
//   auto server = cds::testing::FhirTestServer::Start(&skip_reason);
//   if (server == nullptr) GTEST_SKIP() << skip_reason;
//   ASSERT_OK(server->Load(bundle_json));
//   ... point the code under test at server->base_url() ...
//
// Start() spawns `node --experimental-websocket tests/fhir_server/server.mjs` (posix_spawn, stdin
// and stdout as pipes) and waits up to 30 s for its `LISTENING <port>` line. It returns nullptr
//   - with *skip_reason saying what to install, when `node` is not on PATH or
//     tests/fhir_server/node_modules is missing (run `npm ci --prefix tests/fhir_server`), unless
//     the environment variable CDS_REQUIRE_FHIR_SERVER is set and not "0", in which case the
//     missing prerequisite is also reported as a test failure (for CI);
//   - after reporting a test failure (ADD_FAILURE), when the server was installed but did not
//     start. A GTEST_SKIP() after that still leaves the test failed.
// Set CDS_FHIR_SERVER_VERBOSE=1 to have the server log every request to stderr.
//
// The server listens on 127.0.0.1 on an ephemeral port; its FHIR base is base_url(). The
// control methods (Load, Reset, ...) use its /__admin/ endpoints, documented at the top of
// tests/fhir_server/server.mjs. They return kUnavailable when the server cannot be reached and
// kInvalidArgument / kInternal when it refuses the request, with the server's answer in the
// message.
//
// The destructor (and Stop()) closes the server's stdin, sends SIGTERM, waits up to 5 s, then
// sends SIGKILL and reaps the process; no zombie or orphan is left behind. The server also exits
// by itself when its stdin closes, so even a crashed test process does not leak it.
//
// Not thread-safe: use one FhirTestServer from one thread (the server itself serves any number
// of concurrent HTTP clients).
#pragma once

#include <memory>
#include <string>

#include "base/status.h"

#include <sys/types.h>

namespace cds::testing {

class FhirTestServer {
 public:
  // See the file comment. `skip_reason` must not be null.
  static std::unique_ptr<FhirTestServer> Start(std::string* skip_reason);

  ~FhirTestServer();
  FhirTestServer(const FhirTestServer&) = delete;
  FhirTestServer& operator=(const FhirTestServer&) = delete;

  // "http://127.0.0.1:<port>/fhir/R4", no trailing slash.
  std::string base_url() const;
  int port() const { return port_; }

  // POST /__admin/load: stores a Bundle's resources (transaction, batch, collection or searchset)
  // or a single resource, each under its own id.
  Status Load(const std::string& resource_or_bundle_json);

  // POST /__admin/reset: empties the repository, clears recorded requests and the config.
  Status Reset();

  // POST /__admin/config with a JSON object, e.g. R"({"delayMs": 200})" or
  // R"({"requireToken": "abc"})"; fields merge into the current config, null resets one.
  Status Configure(const std::string& config_json);

  // GET /__admin/requests: the raw JSON array of FHIR requests received since the last reset or
  // clear, each {"method", "url", "authorization"}.
  StatusOr<std::string> Requests();

  // DELETE /__admin/requests.
  Status ClearRequests();

  // Ends the server now (as the destructor does), so tests can simulate "FHIR server down":
  // afterwards connections to port() are refused. Idempotent.
  void Stop();

  // False after Stop() or once the process has exited on its own.
  bool running();

 private:
  FhirTestServer(pid_t pid, int stdin_fd, int stdout_fd, int port);

  // Sends an admin request; returns the body of a 2xx answer.
  StatusOr<std::string> Admin(const std::string& method, const std::string& path,
                              const std::string& body);

  pid_t pid_;      // -1 once reaped.
  int stdin_fd_;   // Write end of the server's stdin; -1 once closed.
  int stdout_fd_;  // Read end of the server's stdout; -1 once closed.
  int port_;
};

}  // namespace cds::testing
