// TestServer: the real app::HttpServer, in-process, on 127.0.0.1 and an ephemeral port, for
// integration tests that talk HTTP to it (httplib::Client) exactly as an EHR would.
//
//   TestServerOptions o;
//   o.config.limits.max_body_bytes = 4096;
//   auto server = cds::testing::TestServer::Start(std::move(o));
//   ASSERT_NE(server, nullptr);
//   auto res = server->Client().Get("/cds-services");
//
// Start() builds the service the way `cds-hooks-server serve` does (app::CreateService: the
// real FHIR client whenever config.fhir.allowed_servers is not empty, the SQLite feedback store
// in a fresh temporary data_dir), binds 127.0.0.1:0, runs Listen() on its own thread and returns
// once the server is accepting. On any failure it reports a test failure (ADD_FAILURE) and
// returns nullptr. The listen address and data_dir of `config` are always replaced.
//
// The destructor (and Stop()) stops the server, joins its thread, closes the store and
// deletes the temporary data_dir.
//
// Also here: small assertion helpers for the HTTP answers (OperationOutcome bodies).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include "base/clock.h"

#include "config/server_config.h"

#include "app/cds_hooks_service.h"
#include "app/http_server.h"

namespace cds::testing {

struct TestServerOptions {
  config::ServerConfig config;               // listen and data_dir are overridden
  std::string config_dir;                    // "" = the bundled config/ of this source tree
  app::CallerAuthenticator* auth = nullptr;  // not owned; must outlive the server
  std::string now = "2026-11-25T12:00:00Z";  // fixed clock (FHIR dateTime); "" = system clock
};

class TestServer {
 public:
  static std::unique_ptr<TestServer> Start(TestServerOptions options);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& data_dir() const { return data_dir_; }
  std::string db_path() const { return data_dir_ + "/cds-hooks.sqlite3"; }
  const config::ServerConfig& config() const { return config_; }
  app::CdsHooksService& service() { return *service_; }

  // A fresh client (no keep-alive) with test-sized timeouts.
  httplib::Client Client() const;

  // Stops serving and joins the server thread. Idempotent.
  void Stop();

 private:
  TestServer() = default;

  config::ServerConfig config_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<app::CdsHooksService> service_;
  std::unique_ptr<app::HttpServer> server_;
  std::thread thread_;
  std::string data_dir_;
  int port_ = 0;
};

// Checks that `res` is an error answer with HTTP `status`, Content-Type application/fhir+json
// and an OperationOutcome body whose issue[0] has severity "error", code `issue_code` and
// diagnostics containing every string in `diagnostics` (case-sensitive).
::testing::AssertionResult IsOperationOutcome(
    const httplib::Result& res, int status, std::string_view issue_code,
    std::initializer_list<std::string_view> diagnostics = {});

// issue[0].diagnostics of an OperationOutcome body, "" when absent or not an OperationOutcome.
std::string DiagnosticsOf(const std::string& body);

// A JSON string literal for `s` (quotes and escapes added).
std::string JsonQuote(std::string_view s);

// Reads a whole file; ADD_FAILURE and "" when it cannot be read.
std::string ReadFileOrFail(const std::string& path);

}  // namespace cds::testing
