// JwtAuthenticator: CallerAuthenticator backed by auth::JwtVerifier, with JWK Sets
// fetched over HTTPS from allow-listed jku URLs only (HttpJwksFetcher), and the jti replay
// check in the service's store (StoreReplayLedger), so that a token accepted by one instance
// is refused by every other sharing the database, and after a restart. When the store
// cannot be consulted, Authenticate() fails with kUnavailable (the token is refused; the
// HTTP layer answers 503 with Retry-After), never accepts the token unchecked.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"

#include "auth/jwks_fetcher.h"
#include "auth/replay_ledger.h"
#include "auth/verifier.h"
#include "config/server_config.h"
#include "store/store.h"

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

// The replay ledger in the store (Store::RecordJti). Borrows the store.
class StoreReplayLedger final : public auth::ReplayLedger {
 public:
  explicit StoreReplayLedger(store::Store& store) : store_(store) {}
  StatusOr<Result> Use(std::string_view iss, std::string_view jti, int64_t expires_at,
                       int64_t now_seconds) override;

 private:
  store::Store& store_;
};

class JwtAuthenticator final : public CallerAuthenticator {
 public:
  // Reads each issuer's jwks_file; errors name the file. `replay_store` (borrowed, must
  // outlive the authenticator) holds the used jtis; null keeps them in this process's
  // memory only (auth::ReplayCache).
  static StatusOr<std::unique_ptr<JwtAuthenticator>> Create(const config::ServerConfig& config,
                                                            const Clock& clock,
                                                            store::Store* replay_store = nullptr);
  Status Authenticate(std::string_view authorization_header, std::string_view audience) override;

 private:
  JwtAuthenticator() = default;
  std::unique_ptr<HttpJwksFetcher> fetcher_;
  std::unique_ptr<StoreReplayLedger> ledger_;
  std::unique_ptr<auth::JwtVerifier> verifier_;
};

}  // namespace cds::app
