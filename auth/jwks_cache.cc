#include "auth/jwks_cache.h"

#include "base/log.h"
#include "base/status_macros.h"

#include "auth/quote.h"

namespace cds::auth {
namespace {

constexpr int64_t kMillisPerSecond = 1000;

}  // namespace

std::optional<VerificationKey> JwksCache::CachedKeyLocked(const Entry& entry,
                                                          const std::string& kid,
                                                          EpochMillis now) const {
  if (entry.keys == nullptr ||
      now - entry.fetched_at >= options_.max_age_seconds * kMillisPerSecond) {
    return std::nullopt;
  }
  const VerificationKey* key = entry.keys->Find(kid);
  if (key == nullptr) {
    return std::nullopt;
  }
  return *key;
}

StatusOr<VerificationKey> JwksCache::FindKey(const std::string& iss, const std::string& url,
                                             const std::string& kid) {
  if (fetcher_ == nullptr) {
    return UnauthenticatedError("kid " + Quote(kid) + " not configured and no JWKS fetcher");
  }
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::shared_ptr<Entry>& slot = entries_[{iss, url}];
    if (slot == nullptr) {
      slot = std::make_shared<Entry>();
    }
    entry = slot;
    if (std::optional<VerificationKey> key = CachedKeyLocked(*entry, kid, clock_.Now())) {
      return *std::move(key);
    }
  }
  std::lock_guard<std::mutex> fetch_lock(entry->fetch_mu);
  const EpochMillis now = clock_.Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Another thread may have fetched while we waited for fetch_mu.
    if (std::optional<VerificationKey> key = CachedKeyLocked(*entry, kid, now)) {
      return *std::move(key);
    }
    if (entry->last_attempt.has_value() &&
        now - *entry->last_attempt < options_.min_refresh_interval_seconds * kMillisPerSecond) {
      return UnauthenticatedError("kid " + Quote(kid) + " not in JWKS " + Quote(url) +
                                  " (refetch rate-limited)");
    }
    entry->last_attempt = now;
  }
  CDS_ASSIGN_OR_RETURN(std::shared_ptr<const JwkSet> keys, FetchAndParse(iss, url));
  {
    std::lock_guard<std::mutex> lock(mu_);
    entry->keys = keys;
    entry->fetched_at = now;
  }
  if (const VerificationKey* key = keys->Find(kid)) {
    return *key;
  }
  return UnauthenticatedError("kid " + Quote(kid) + " not in JWKS " + Quote(url));
}

StatusOr<std::shared_ptr<const JwkSet>> JwksCache::FetchAndParse(const std::string& iss,
                                                                 const std::string& url) {
  StatusOr<std::string> body = fetcher_->Fetch(url);
  if (!body.ok()) {
    return UnauthenticatedError("fetching JWKS " + Quote(url) +
                                " failed: " + body.status().ToString());
  }
  StatusOr<JwkSet> set = ParseJwkSet(*body);
  if (!set.ok()) {
    return UnauthenticatedError("JWKS " + Quote(url) + ": " + set.status().message());
  }
  for (const std::string& reason : set->skipped) {
    CDS_LOG(kWarn, "auth_jwks_key_skipped")
        .Field("iss", iss)
        .Field("url", url)
        .Field("reason", reason);
  }
  CDS_LOG(kInfo, "auth_jwks_fetched")
      .Field("iss", iss)
      .Field("url", url)
      .Field("keys", set->keys.size());
  return std::make_shared<const JwkSet>(std::move(set).value());
}

}  // namespace cds::auth
