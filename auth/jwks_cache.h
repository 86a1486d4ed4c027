// JwksCache: JWK Sets fetched from allow-listed "jku" URLs, cached per (issuer, URL).
//
// CDS Hooks asks for a rotating cache of client keys. A set is fetched on first use, again
// when a token names a kid the cached set lacks (key rotation), and again once it is
// older than max_age (so withdrawn keys stop working). Every fetch of one URL, failed or
// not, starts a min_refresh_interval during which that URL is not fetched again: unknown
// kids in forged tokens cannot turn us into a load generator against the EHR. A stale set
// whose refresh fails is not used (fail closed).
//
// Ownership: the fetcher (may be null: then every lookup fails) and the clock are
// borrowed and must outlive the cache. REQUIRES: callers pass only URLs that are on the
// issuer's allow-list; the cache keeps an entry for every (issuer, URL) it is asked for.
//
// Thread-safe. The fetch runs without the cache lock (other lookups proceed); concurrent
// lookups needing the same URL wait for one fetch instead of each fetching. Errors are
// kUnauthenticated with a reason for the log.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "base/clock.h"
#include "base/status.h"

#include "auth/jwk.h"
#include "auth/jwks_fetcher.h"

namespace cds::auth {

class JwksCache {
 public:
  struct Options {
    int64_t min_refresh_interval_seconds = 60;
    int64_t max_age_seconds = 3600;
  };

  JwksCache(JwksFetcher* fetcher, const Clock& clock, Options options)
      : fetcher_(fetcher), clock_(clock), options_(options) {}
  JwksCache(const JwksCache&) = delete;
  JwksCache& operator=(const JwksCache&) = delete;

  // The key `kid` of `iss`'s JWK Set at `url`, fetching as described above.
  StatusOr<VerificationKey> FindKey(const std::string& iss, const std::string& url,
                                    const std::string& kid);

 private:
  struct Entry {
    std::mutex fetch_mu;  // held across one fetch of this URL; taken before mu_
    // Guarded by JwksCache::mu_.
    std::shared_ptr<const JwkSet> keys;  // null until a fetch succeeds
    EpochMillis fetched_at = 0;
    std::optional<EpochMillis> last_attempt;
  };

  // The key from a fresh cached set, or nullopt. REQUIRES: mu_ held.
  std::optional<VerificationKey> CachedKeyLocked(const Entry& entry, const std::string& kid,
                                                 EpochMillis now) const;
  StatusOr<std::shared_ptr<const JwkSet>> FetchAndParse(const std::string& iss,
                                                        const std::string& url);

  JwksFetcher* const fetcher_;
  const Clock& clock_;
  const Options options_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Entry>> entries_;
};

}  // namespace cds::auth
