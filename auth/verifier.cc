#include "auth/verifier.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "base/ascii.h"
#include "base/log.h"
#include "base/status_macros.h"

#include "auth/quote.h"

namespace cds::auth {
namespace {

// jti is remembered per token; bounding it bounds the replay cache's memory.
constexpr size_t kMaxJtiBytes = 256;

Status Fail(std::string_view id, std::string reason) {
  return UnauthenticatedError("[CDS-AUTH-" + std::string(id) + "] " + reason);
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive
// (RFC 9110 §11.1).
std::optional<std::string_view> BearerToken(std::string_view value) {
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || value[kScheme.size()] != ' ') {
    return std::nullopt;
  }
  if (!EqualsIgnoreAsciiCase(value.substr(0, kScheme.size()), kScheme)) return std::nullopt;
  std::string_view token = value.substr(kScheme.size());
  token.remove_prefix(std::min(token.find_first_not_of(' '), token.size()));
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) {
    token.remove_suffix(1);
  }
  if (token.empty()) {
    return std::nullopt;
  }
  return token;
}

std::string Who(const DecodedJwt& jwt) {
  return " (iss " + Quote(jwt.claims.iss.value_or("")) + ", kid " + Quote(jwt.header.kid) +
         ", jti " + Quote(jwt.claims.jti.value_or("")) + ")";
}

}  // namespace

StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(AuthConfig config, const Clock& clock,
                                                           JwksFetcher* fetcher,
                                                           ReplayLedger* replay_ledger) {
  CDS_RETURN_IF_ERROR(ValidateAuthConfig(config));
  // Private constructor: make_unique cannot reach it.
  std::unique_ptr<JwtVerifier> verifier(
      new JwtVerifier(std::move(config), clock, fetcher, replay_ledger));
  for (const std::string& alg : verifier->config_.algorithms) {
    verifier->algorithms_.push_back(*ParseAlgorithm(alg));  // validated above
  }
  for (const TrustedIssuer& trusted : verifier->config_.issuers) {
    Issuer issuer{trusted, {}, {trusted.tenants.begin(), trusted.tenants.end()}};
    if (!trusted.jwks_json.empty()) {
      CDS_ASSIGN_OR_RETURN(issuer.configured_keys, ParseJwkSet(trusted.jwks_json));
      for (const std::string& reason : issuer.configured_keys.skipped) {
        CDS_LOG(kWarn, "auth_configured_key_skipped")
            .Field("iss", trusted.iss)
            .Field("reason", reason);
      }
    }
    verifier->issuers_.emplace(trusted.iss, std::move(issuer));
  }
  return verifier;
}

JwtVerifier::JwtVerifier(AuthConfig config, const Clock& clock, JwksFetcher* fetcher,
                         ReplayLedger* replay_ledger)
    : config_(std::move(config)),
      clock_(clock),
      jwks_(fetcher, clock,
            JwksCache::Options{config_.jwks_min_refresh_interval_seconds,
                               config_.jwks_max_age_seconds}),
      own_replay_cache_(config_.max_replay_cache_entries),
      replay_(replay_ledger != nullptr ? *replay_ledger : own_replay_cache_) {}

StatusOr<VerifiedCaller> JwtVerifier::Verify(std::string_view authorization_header_value,
                                             std::string_view expected_audience) {
  std::optional<std::string_view> token = BearerToken(authorization_header_value);
  if (!token.has_value()) {
    return Fail("01", "no Bearer token in Authorization header");
  }
  StatusOr<DecodedJwt> decoded = DecodeJwt(*token);
  if (!decoded.ok()) {
    return Fail("02", "malformed token: " + decoded.status().message());
  }
  const DecodedJwt& jwt = *decoded;
  const std::string& alg_name = jwt.header.alg;
  if (IsForbiddenAlgorithm(alg_name)) {
    return Fail("03", "alg " + Quote(alg_name) + " refused: \"none\" and HMAC are never accepted");
  }
  std::optional<JwsAlgorithm> alg = ParseAlgorithm(alg_name);
  if (!alg.has_value() ||
      std::find(algorithms_.begin(), algorithms_.end(), *alg) == algorithms_.end()) {
    return Fail("04", "alg " + Quote(alg_name) + " not allowed");
  }
  if (!jwt.claims.iss.has_value()) {
    return Fail("05", "claim iss missing");
  }
  auto issuer = issuers_.find(*jwt.claims.iss);
  if (issuer == issuers_.end()) {
    return Fail("06", "untrusted iss " + Quote(*jwt.claims.iss));
  }
  CDS_ASSIGN_OR_RETURN(VerificationKey key, SelectKey(issuer->second, jwt.header));
  Status signature = VerifyJwsSignature(*alg, key, jwt.signing_input, jwt.signature);
  if (!signature.ok()) {
    return Fail("09", "signature rejected: " + signature.message() + Who(jwt));
  }
  const int64_t now = clock_.Now() / 1000;
  CDS_RETURN_IF_ERROR(CheckClaims(issuer->second, jwt.claims, expected_audience, now));
  const std::string& jti = *jwt.claims.jti;  // present: CheckClaims passed
  StatusOr<ReplayLedger::Result> use =
      replay_.Use(*jwt.claims.iss, jti, *jwt.claims.exp + config_.leeway_seconds, now);
  if (!use.ok()) {
    // Fail closed: a token whose jti cannot be checked could be a replay.
    return UnavailableError("[CDS-AUTH-19] replay check unavailable, token refused: " +
                            use.status().message() + Who(jwt));
  }
  switch (*use) {
    case ReplayLedger::Result::kRecorded:
      break;
    case ReplayLedger::Result::kReplay:
      return Fail("17", "jti already used (replay)" + Who(jwt));
    case ReplayLedger::Result::kFull:
      return Fail("18", "replay cache full; refusing new tokens until entries expire" + Who(jwt));
  }
  return VerifiedCaller{*jwt.claims.iss, jwt.claims.tenant, jti, jwt.header.kid};
}

StatusOr<VerificationKey> JwtVerifier::SelectKey(const Issuer& issuer, const JoseHeader& header) {
  const std::string& iss = issuer.config.iss;
  if (const VerificationKey* key = issuer.configured_keys.Find(header.kid)) {
    return *key;  // out-of-band keys win; jku is then only a hint we do not need
  }
  const std::vector<std::string>& allowed = issuer.config.jku_allow_list;
  std::string url;
  if (header.jku.has_value()) {
    // Exact match: the token must not steer us to any other URL (jku allow-list).
    if (std::find(allowed.begin(), allowed.end(), *header.jku) == allowed.end()) {
      return Fail("08",
                  "jku " + Quote(*header.jku) + " not on the allow-list for iss " + Quote(iss));
    }
    url = *header.jku;
  } else if (!allowed.empty()) {
    url = allowed.front();
  } else {
    return Fail("07",
                "kid " + Quote(header.kid) + " not among the configured keys of iss " + Quote(iss));
  }
  StatusOr<VerificationKey> key = jwks_.FindKey(iss, url, header.kid);
  if (!key.ok()) {
    return Fail("07", "no key for iss " + Quote(iss) + ": " + key.status().message());
  }
  return key;
}

Status JwtVerifier::CheckClaims(const Issuer& issuer, const JwtClaims& claims,
                                std::string_view expected_audience, int64_t now) const {
  const int64_t leeway = config_.leeway_seconds;
  const std::string who =
      " (iss " + Quote(issuer.config.iss) + ", jti " + Quote(claims.jti.value_or("")) + ")";
  if (!claims.aud.has_value()) {
    return Fail("10", "claim aud missing" + who);
  }
  if (std::find(claims.aud->begin(), claims.aud->end(), expected_audience) == claims.aud->end()) {
    return Fail("10", "aud does not name this endpoint " + Quote(expected_audience) + who);
  }
  if (!claims.exp.has_value()) {
    return Fail("11", "claim exp missing" + who);
  }
  if (*claims.exp + leeway <= now) {
    return Fail("11", "token expired at " + std::to_string(*claims.exp) + ", now " +
                          std::to_string(now) + who);
  }
  if (!claims.iat.has_value()) {
    return Fail("12", "claim iat missing" + who);
  }
  if (*claims.iat > now + leeway) {
    return Fail("12", "iat " + std::to_string(*claims.iat) + " is in the future, now " +
                          std::to_string(now) + who);
  }
  if (claims.nbf.has_value() && *claims.nbf > now + leeway) {
    return Fail("13", "token not valid before " + std::to_string(*claims.nbf) + who);
  }
  if (*claims.exp < *claims.iat || *claims.exp - *claims.iat > config_.max_token_lifetime_seconds) {
    return Fail("14", "token lifetime exp - iat = " + std::to_string(*claims.exp - *claims.iat) +
                          " s outside 0.." + std::to_string(config_.max_token_lifetime_seconds) +
                          " s" + who);
  }
  if (!claims.jti.has_value() || claims.jti->empty()) {
    return Fail("15", "claim jti missing (REQUIRED for replay protection)" + who);
  }
  if (claims.jti->size() > kMaxJtiBytes) {
    return Fail("15", "claim jti longer than " + std::to_string(kMaxJtiBytes) + " bytes" + who);
  }
  if (!issuer.tenants.empty()) {
    if (!claims.tenant.has_value()) {
      return Fail("16", "claim tenant missing; iss requires one" + who);
    }
    if (!issuer.tenants.contains(*claims.tenant)) {
      return Fail("16", "tenant " + Quote(*claims.tenant) + " not allowed for this iss" + who);
    }
  }
  return OkStatus();
}

}  // namespace cds::auth
