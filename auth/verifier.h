// JwtVerifier: authenticates the CDS Client (the EHR) from the JWT bearer token it sends
// with every request, per CDS Hooks 2.0 §Security (docs/security.md).
//
// Verify() accepts a token only if all of these hold, checked in this order:
//   "Bearer" scheme; header typ JWT, kid present, no crit; alg on the configured allow-list
//   (never "none" or HS*); iss a TrustedIssuer; a key for kid, from the issuer's
//   configured keys or else from the JWK Set at an allow-listed jku; the signature, with
//   a key whose type matches alg; aud (string, or array containing it) == the URL of the
//   endpoint called; exp > now - leeway; iat <= now + leeway; nbf (if any) <= now + leeway;
//   exp - iat <= max_token_lifetime; tenant on the issuer's list when it has one; jti
//   present and not seen before for this iss (asked of the ReplayLedger last).
// Claims are checked only after the signature, so every claim in a rejection reason after
// that point was really sent by the issuer's key holder.
//
// Errors: kUnauthenticated for a token that is refused (the HTTP layer answers 401 without
// detail, as CDS Hooks requires for a missing or invalid JWT); kUnavailable when the token passed
// every check but the replay ledger could not be consulted: the token is refused all the same (fail
// closed; the HTTP layer answers 503 with Retry-After). The message starts with a stable id
// "[CDS-AUTH-nn]" and is meant for the log: it may name iss, kid, jti, tenant, alg and jku (bounded
// length), never the token or signature.
//
// Ownership: the Clock, the JwksFetcher (nullable: no fetching) and the ReplayLedger
// (nullable: an in-memory ReplayCache of max_replay_cache_entries is used) are borrowed and
// must outlive the verifier. Thread-safe: Verify() may run concurrently from many threads;
// the JWKS and replay caches lock internally. Not copyable or movable.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

#include "auth/auth_config.h"
#include "auth/jwk.h"
#include "auth/jwks_cache.h"
#include "auth/jwks_fetcher.h"
#include "auth/jwt.h"
#include "auth/replay_cache.h"
#include "auth/replay_ledger.h"

namespace cds::auth {

// Who called, once the token is verified. Safe to log.
struct VerifiedCaller {
  std::string iss;
  std::optional<std::string> tenant;  // nullopt when the token has no tenant claim
  std::string jti;
  std::string kid;
};

class JwtVerifier {
 public:
  // Validates `config` (ValidateAuthConfig) and parses configured keys. Errors are
  // kInvalidArgument naming the config field.
  static StatusOr<std::unique_ptr<JwtVerifier>> Create(AuthConfig config, const Clock& clock,
                                                       JwksFetcher* fetcher,
                                                       ReplayLedger* replay_ledger = nullptr);

  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // `authorization_header_value` is the whole Authorization header value
  // ("Bearer eyJ..."); `expected_audience` is the exact URL of the endpoint called,
  // built by the caller from the configured public base URL (never from request
  // headers such as Host, which the client controls).
  StatusOr<VerifiedCaller> Verify(std::string_view authorization_header_value,
                                  std::string_view expected_audience);

 private:
  struct Issuer {
    TrustedIssuer config;
    JwkSet configured_keys;
    std::set<std::string, std::less<>> tenants;
  };

  JwtVerifier(AuthConfig config, const Clock& clock, JwksFetcher* fetcher,
              ReplayLedger* replay_ledger);

  StatusOr<VerificationKey> SelectKey(const Issuer& issuer, const JoseHeader& header);
  Status CheckClaims(const Issuer& issuer, const JwtClaims& claims,
                     std::string_view expected_audience, int64_t now) const;

  const AuthConfig config_;
  const Clock& clock_;
  std::vector<JwsAlgorithm> algorithms_;
  std::map<std::string, Issuer, std::less<>> issuers_;
  JwksCache jwks_;
  ReplayCache own_replay_cache_;  // used when no ledger was given
  ReplayLedger& replay_;
};

}  // namespace cds::auth
