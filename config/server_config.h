// ServerConfig: every operational setting of the service, from config/server.json with
// command-line flags applied on top (flags win).
//
// Each default is written once, as the member's initialiser below; ServerConfigSchema()
// declares every key (type, constraints, doc line) and so drives parsing, the refusal of
// misspelt keys, and ValidateServerConfig, which checks the same constraints again after
// flags were applied -- `check-config` runs exactly what `serve` runs before it binds.
// A new group of settings is a struct with its own Schema (config/binder.h), one member
// here and one Object() line in ServerConfigSchema().
//
// Plain values, validated once and then immutable. This layer does not know the FHIR
// client or the JWT verifier; app/ maps these values onto them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

#include "config/binder.h"
#include "config/node.h"
#include "config/storage_config.h"

namespace cds::config {

// What to answer when a rule needs data that could not be read (fetch failed, timed
// out, OperationOutcome): 412 Precondition Failed (the spec's answer, default), or 200
// with an info card saying which check could not be made.
enum class DataUnavailablePolicy { kFail, kCard };

struct LimitsConfig {
  size_t max_body_bytes = 8u << 20;
  json::JsonLimits json;          // depth, string length, value count
  size_t max_resources = 50'000;  // FHIR resources across context and prefetch
  int read_timeout_ms = 5'000;    // per read on a connection
  int write_timeout_ms = 5'000;
  int request_timeout_ms = 15'000;  // whole request (headers + body): stops slowloris
  int keep_alive_timeout_s = 5;
  int keep_alive_max_requests = 100;
  int max_connections = 256;            // beyond this, new connections get 503
  size_t max_header_bytes = 32 * 1024;  // request line + header fields; beyond: 431
  size_t max_header_lines = 100;        // header fields; beyond: 431
};

struct FhirConfig {
  std::vector<std::string> allowed_servers;  // base URLs; empty: never call a FHIR server
  int deadline_ms = 2'500;                   // all fetches for one hook call
  int connect_timeout_ms = 1'000;
  int max_pages = 10;
  size_t max_response_bytes = 16u << 20;
  bool verify_tls = true;
  std::string ca_file;
  int worker_threads = 8;
  bool fetch_without_token = false;  // call fhirServer when fhirAuthorization is absent
};

struct IssuerConfig {
  std::string iss;
  std::vector<std::string> jku_allow_list;
  std::string jwks_file;  // keys configured out of band (JWK Set JSON file)
  std::vector<std::string> tenants;
};

struct AuthConfig {
  std::vector<IssuerConfig> issuers;  // empty: no authentication (loopback only)
  std::vector<std::string> algorithms = {"ES384", "RS384"};
  int64_t leeway_s = 60;
  int64_t max_token_lifetime_s = 3600;
  int64_t jwks_min_refresh_s = 60;
  bool insecure_no_auth = false;  // allow no issuers on a non-loopback address (loudly)
};

struct TlsConfig {
  std::string cert_file;  // both set: serve HTTPS
  std::string key_file;
  bool enabled() const { return !cert_file.empty() && !key_file.empty(); }
};

struct ServerConfig {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;
  std::string public_base_url;  // the base EHRs call; "" = http(s)://listen
  std::string data_dir = "data";
  std::string log_level = "info";  // debug, info, warn, error
  int http_threads = 32;
  DataUnavailablePolicy on_data_unavailable = DataUnavailablePolicy::kFail;
  // "*" allows any origin. The CDS Hooks sandbox by default, so it works out of the box.
  std::vector<std::string> cors_allowed_origins = {"https://sandbox.cds-hooks.org"};
  int issued_card_retention_days = 400;
  LimitsConfig limits;
  FhirConfig fhir;
  AuthConfig auth;
  TlsConfig tls;
  StorageConfig storage;

  // The externally visible base URL: public_base_url, else derived from listen.
  std::string BaseUrl() const;
};

// Every key of server.json.
const Schema<ServerConfig>& ServerConfigSchema();

StatusOr<ServerConfig> ParseServerConfig(const Node& root);
// Every constraint of ServerConfigSchema() again, then the rules between settings (tls
// files together, algorithms, auth on a non-loopback address): run after flags.
Status ValidateServerConfig(const ServerConfig& config);
// "host:port" -> host and port.
Status ParseListen(std::string_view text, std::string* host, int* port);
bool IsLoopbackHost(std::string_view host);

}  // namespace cds::config
