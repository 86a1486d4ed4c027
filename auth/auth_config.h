// Configuration of CDS Client (EHR) authentication, and its one-time validation.
//
// Plain values: the app layer fills an AuthConfig from its config file, calls
// ValidateAuthConfig() once at start-up, and hands it to JwtVerifier::Create() (which
// validates again, so an unvalidated config can never be used). Errors are
// kInvalidArgument and name the offending field as a path, e.g.
// "auth.algorithms[1]: \"HS256\" is a symmetric algorithm ...".
//
// Thread-safety: plain data; share only as const after validation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace cds::auth {

// One CDS Client we trust (the allow-list of iss and jku).
struct TrustedIssuer {
  // Exact "iss" claim value, e.g. "https://fhir-ehr.example.com/". REQUIRED.
  std::string iss;
  // Exact https URLs from which this issuer's JWK Set may be fetched. A token's "jku"
  // is followed only if it is in this list; a token without "jku" uses the first entry.
  std::vector<std::string> jku_allow_list;
  // A JWK Set exchanged out of band (for a client whose tokens name no jku). May be empty when
  // jku_allow_list is not. Keys found here win over fetched ones.
  std::string jwks_json;
  // Accepted "tenant" claim values; empty means any (including none).
  std::vector<std::string> tenants;
};

struct AuthConfig {
  std::vector<TrustedIssuer> issuers;
  // Accepted JWS algorithms. Only "ES384" and "RS384" exist; "none" and "HS*" are refused
  // even if listed (CDS Hooks forbids unsigned tokens and symmetric keys).
  std::vector<std::string> algorithms = {"ES384", "RS384"};
  // Clock skew tolerated on exp/iat/nbf, seconds. 0..300.
  int64_t leeway_seconds = 60;
  // Longest accepted exp - iat, seconds. Bounds how long a stolen token replays and how
  // long a jti must be remembered (CDS Hooks: "typically <= 1 h"). > 0.
  int64_t max_token_lifetime_seconds = 3600;
  // A jku URL is fetched at most once per this many seconds (an unknown kid cannot make
  // us hammer the EHR's key endpoint). >= 0.
  int64_t jwks_min_refresh_interval_seconds = 60;
  // A fetched JWK Set older than this is fetched again before use, so keys the EHR
  // withdraws stop being accepted (a rotating key cache). > 0.
  int64_t jwks_max_age_seconds = 3600;
  // Most (iss, jti) pairs remembered for replay detection. > 0.
  size_t max_replay_cache_entries = 100000;
};

// OK, or the first problem found.
Status ValidateAuthConfig(const AuthConfig& config);

}  // namespace cds::auth
