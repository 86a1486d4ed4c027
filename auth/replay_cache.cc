#include "auth/replay_cache.h"

namespace cds::auth {

ReplayCache::Result ReplayCache::Record(std::string_view iss, std::string_view jti,
                                        int64_t expires_at, int64_t now_seconds) {
  std::string key = std::to_string(iss.size()) + ":" + std::string(iss) + std::string(jti);
  std::lock_guard<std::mutex> lock(mu_);
  EvictExpiredLocked(now_seconds);
  if (expiry_by_key_.contains(key)) {
    return Result::kReplay;
  }
  if (expiry_by_key_.size() >= max_entries_) {
    return Result::kFull;
  }
  auto it = expiry_by_key_.emplace(std::move(key), expires_at).first;
  keys_by_expiry_.emplace(expires_at, std::string_view(it->first));
  return Result::kRecorded;
}

size_t ReplayCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return expiry_by_key_.size();
}

void ReplayCache::EvictExpiredLocked(int64_t now_seconds) {
  auto it = keys_by_expiry_.begin();
  while (it != keys_by_expiry_.end() && it->first <= now_seconds) {
    const std::string key(it->second);  // copy: erasing the map entry frees the view
    it = keys_by_expiry_.erase(it);
    expiry_by_key_.erase(key);
  }
}

}  // namespace cds::auth
