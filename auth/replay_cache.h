// ReplayCache: the ReplayLedger (replay_ledger.h) in this process's memory: remembers (iss,
// jti) pairs of accepted tokens until they expire (jti is a nonce for replay protection).
// It protects one process only and forgets on restart; the service uses its store instead
// (shared by instances, durable), and this cache where no store is given (the verifier's
// own tests and users).
//
// Bounded: at most `max_entries` pairs. Expired pairs are dropped on every Record(). When
// the cache is still full, new tokens are refused (kFull) rather than forgetting live
// pairs: forgetting would silently re-open replay for exactly the tokens an attacker is
// flooding us with, and refusing fails closed. Entries live at most
// max_token_lifetime + leeway, so a full cache drains by itself.
//
// Thread-safe: all members lock an internal mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/replay_ledger.h"

namespace cds::auth {

class ReplayCache final : public ReplayLedger {
 public:
  using Result = ReplayLedger::Result;

  explicit ReplayCache(size_t max_entries) : max_entries_(max_entries) {}
  ReplayCache(const ReplayCache&) = delete;
  ReplayCache& operator=(const ReplayCache&) = delete;

  // Records the pair until `expires_at` (epoch seconds) unless it is already live.
  // Entries with expires_at <= now_seconds count as gone.
  Result Record(std::string_view iss, std::string_view jti, int64_t expires_at,
                int64_t now_seconds);

  // ReplayLedger: Record(), which never fails.
  StatusOr<Result> Use(std::string_view iss, std::string_view jti, int64_t expires_at,
                       int64_t now_seconds) override {
    return Record(iss, jti, expires_at, now_seconds);
  }

  size_t size() const;

 private:
  void EvictExpiredLocked(int64_t now_seconds);

  const size_t max_entries_;
  mutable std::mutex mu_;
  // Key: length-prefixed iss followed by jti, so ("a", "bc") and ("ab", "c") differ.
  std::unordered_map<std::string, int64_t> expiry_by_key_;
  // Views point into expiry_by_key_'s keys (node-based, stable until erased).
  std::multimap<int64_t, std::string_view> keys_by_expiry_;
};

}  // namespace cds::auth
