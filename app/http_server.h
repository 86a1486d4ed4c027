// HttpServer: the HTTP face of CdsHooksService, on cpp-httplib.
//
// Thin by design: routes, CORS, content-type and size checks, authentication of the
// caller, then parse -> dispatch -> serialise in CdsHooksService. Routes:
//   GET  /cds-services                    discovery
//   POST /cds-services/{id}               a hook call
//   POST /cds-services/{id}/feedback      feedback
//   OPTIONS /cds-services[/...]           CORS preflight (never authenticated)
//   GET  /healthz                         liveness (never authenticated)
//   POST /admin/reload                    reload knowledge (loopback callers only)
// Other methods on these paths get 405 with Allow; unknown paths 404. Every error body is
// an OperationOutcome.
//
// Beneath the routes (GuardedServer, see guarded_server.h): connections are
// capped (503 beyond limits.max_connections); every request must arrive within
// limits.request_timeout_ms (408); its header block is read and checked before cpp-httplib
// parses it (431 beyond limits.max_header_bytes / max_header_lines, 413 when
// Content-Length exceeds limits.max_body_bytes -- before any body byte is read); a
// connection whose body was not read (a request refused before routing) is closed rather
// than reused. With tls.cert_file and tls.key_file the same loop serves HTTPS (tls.h).
//
// Authentication comes first: on /cds-services paths an unauthenticated caller gets a
// bare 401 whatever else is wrong with its request; the reason is logged (never the token).
// A caller whose token could not be checked (kUnavailable: the replay store is down) gets
// 503 with Retry-After instead, and is not served either.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

#include "config/server_config.h"

#include "app/cds_hooks_service.h"

namespace cds::app {

// Checks the caller's credentials. `audience` is the exact URL of the endpoint called.
class GuardedServer;

class CallerAuthenticator {
 public:
  virtual ~CallerAuthenticator() = default;
  // OK, kUnauthenticated (refused: 401), or kUnavailable (could not be checked: 503).
  virtual Status Authenticate(std::string_view authorization_header, std::string_view audience) = 0;
};

class HttpServer {
 public:
  // `auth` may be null: the service then runs open (allowed only on loopback, or with
  // --insecure-no-auth; enforced by config validation).
  HttpServer(CdsHooksService& service, const config::ServerConfig& config,
             CallerAuthenticator* auth);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS certificate and key when configured, then binds the configured host and
  // port (0 = any free port); returns the port. Errors name the file or address.
  StatusOr<int> Bind();
  // Serves until Stop(). Returns false if the listener failed.
  bool Listen();
  void Stop();
  bool IsRunning() const;
  size_t refused_connections() const;

 private:
  void InstallRoutes();

  CdsHooksService& service_;
  const config::ServerConfig& config_;
  CallerAuthenticator* auth_;
  std::unique_ptr<GuardedServer> server_;
};

}  // namespace cds::app
