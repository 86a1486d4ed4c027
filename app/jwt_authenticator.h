// JwtAuthenticator: CallerAuthenticator backed by auth::JwtVerifier, with JWK Sets
// fetched over HTTPS from allow-listed jku URLs only (HttpJwksFetcher).
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"

#include "auth/jwks_fetcher.h"
#include "auth/verifier.h"
#include "config/server_config.h"

#include "app/http_server.h"

namespace cds::app {

// Fetches a JWK Set with a short timeout, a size cap, TLS verification and no
// redirects. The verifier only ever asks for allow-listed URLs.
class HttpJwksFetcher final : public auth::JwksFetcher {
 public:
  explicit HttpJwksFetcher(bool verify_tls, std::string ca_file)
      : verify_tls_(verify_tls), ca_file_(std::move(ca_file)) {}
  StatusOr<std::string> Fetch(const std::string& url) override;

 private:
  bool verify_tls_;
  std::string ca_file_;
};

class JwtAuthenticator final : public CallerAuthenticator {
 public:
  // Reads each issuer's jwks_file; errors name the file.
  static StatusOr<std::unique_ptr<JwtAuthenticator>> Create(const config::ServerConfig& config,
                                                            const Clock& clock);
  Status Authenticate(std::string_view authorization_header, std::string_view audience) override;

 private:
  JwtAuthenticator() = default;
  std::unique_ptr<HttpJwksFetcher> fetcher_;
  std::unique_ptr<auth::JwtVerifier> verifier_;
};

}  // namespace cds::app
