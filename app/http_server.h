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
// an OperationOutcome. Connections are capped and every request must arrive within
// limits.request_timeout_ms (see connection.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "app/cds_hooks_service.h"
#include "base/status.h"
#include "config/server_config.h"

namespace cds::app {

// Checks the caller's credentials. `audience` is the exact URL of the endpoint called.
class CallerAuthenticator {
 public:
  virtual ~CallerAuthenticator() = default;
  virtual Status Authenticate(std::string_view authorization_header, std::string_view audience) = 0;
};

class HttpServer {
 public:
  // `auth` may be null: the service then runs open (allowed only on loopback, or with
  // --insecure-no-auth; enforced by config validation).
  HttpServer(CdsHooksService& service, const config::ServerConfig& config, CallerAuthenticator* auth);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the configured host and port (0 = any free port); returns the port.
  StatusOr<int> Bind();
  // Serves until Stop(). Returns false if the listener failed.
  bool Listen();
  void Stop();
  bool IsRunning() const;
  size_t refused_connections() const;

 private:
  class GuardedServer;
  void InstallRoutes();

  CdsHooksService& service_;
  const config::ServerConfig& config_;
  CallerAuthenticator* auth_;
  std::unique_ptr<GuardedServer> server_;
};

}  // namespace cds::app
