#include "auth/auth_config.h"

#include <optional>
#include <set>

#include "base/url.h"

#include "auth/jwk.h"
#include "auth/jwt.h"
#include "auth/quote.h"

namespace cds::auth {
namespace {

constexpr int64_t kMaxLeewaySeconds = 300;

Status Invalid(const std::string& path, const std::string& what) {
  return InvalidArgumentError(path + ": " + what);
}

Status ValidateAlgorithms(const std::vector<std::string>& algorithms) {
  if (algorithms.empty()) {
    return Invalid("auth.algorithms", "empty; list at least one of ES384, RS384");
  }
  for (size_t i = 0; i < algorithms.size(); ++i) {
    const std::string path = "auth.algorithms[" + std::to_string(i) + "]";
    const std::string& alg = algorithms[i];
    if (IsForbiddenAlgorithm(alg)) {
      return Invalid(path, Quote(alg) +
                               " is forbidden by CDS Hooks 2.0 §Security (no \"none\", no "
                               "symmetric/HMAC algorithms)");
    }
    if (!ParseAlgorithm(alg).has_value()) {
      return Invalid(path, Quote(alg) + " is not supported (ES384, RS384)");
    }
  }
  return OkStatus();
}

Status ValidateIssuer(const TrustedIssuer& issuer, const std::string& path) {
  if (issuer.iss.empty()) {
    return Invalid(path + ".iss", "missing");
  }
  for (size_t j = 0; j < issuer.jku_allow_list.size(); ++j) {
    // Key material travels over TLS only (CDS Hooks requires HTTPS). Tokens' jku values are later
    // compared to these strings exactly, so they must be written the way the EHR sends them.
    std::optional<Url> url = ParseUrl(issuer.jku_allow_list[j]);
    if (!url.has_value() || url->scheme != "https") {
      return Invalid(path + ".jku_allow_list[" + std::to_string(j) + "]",
                     Quote(issuer.jku_allow_list[j]) + " is not an https URL");
    }
  }
  for (size_t j = 0; j < issuer.tenants.size(); ++j) {
    if (issuer.tenants[j].empty()) {
      return Invalid(path + ".tenants[" + std::to_string(j) + "]", "empty");
    }
  }
  if (issuer.jwks_json.empty()) {
    if (issuer.jku_allow_list.empty()) {
      return Invalid(path, "no jwks_json and no jku_allow_list: no key could verify its tokens");
    }
    return OkStatus();
  }
  StatusOr<JwkSet> set = ParseJwkSet(issuer.jwks_json);
  if (!set.ok()) {
    return Invalid(path + ".jwks_json", set.status().message());
  }
  if (set->keys.empty() && issuer.jku_allow_list.empty()) {
    std::string why;
    for (const std::string& skipped : set->skipped) {
      why += "; " + skipped;
    }
    return Invalid(path + ".jwks_json", "no usable key" + why);
  }
  return OkStatus();
}

}  // namespace

Status ValidateAuthConfig(const AuthConfig& config) {
  if (Status s = ValidateAlgorithms(config.algorithms); !s.ok()) {
    return s;
  }
  if (config.leeway_seconds < 0 || config.leeway_seconds > kMaxLeewaySeconds) {
    return Invalid("auth.leeway_seconds", "must be 0.." + std::to_string(kMaxLeewaySeconds));
  }
  if (config.max_token_lifetime_seconds <= 0) {
    return Invalid("auth.max_token_lifetime_seconds", "must be > 0");
  }
  if (config.jwks_min_refresh_interval_seconds < 0) {
    return Invalid("auth.jwks_min_refresh_interval_seconds", "must be >= 0");
  }
  if (config.jwks_max_age_seconds <= 0) {
    return Invalid("auth.jwks_max_age_seconds", "must be > 0");
  }
  if (config.max_replay_cache_entries == 0) {
    return Invalid("auth.max_replay_cache_entries", "must be > 0");
  }
  if (config.issuers.empty()) {
    return Invalid("auth.issuers", "empty; no CDS Client could authenticate");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < config.issuers.size(); ++i) {
    const std::string path = "auth.issuers[" + std::to_string(i) + "]";
    if (Status s = ValidateIssuer(config.issuers[i], path); !s.ok()) {
      return s;
    }
    if (!seen.insert(config.issuers[i].iss).second) {
      return Invalid(path + ".iss", Quote(config.issuers[i].iss) + " is listed twice");
    }
  }
  return OkStatus();
}

}  // namespace cds::auth
