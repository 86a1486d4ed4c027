// ReplayLedger: where the (iss, jti) pairs of accepted tokens are remembered until they expire
// (jti is a nonce for replay protection), so that a captured token cannot be presented twice.
//
// Two implementations: ReplayCache (replay_cache.h), in this process's memory, and the
// service's store (app/jwt_authenticator.cc), shared by every instance that uses the same
// database and surviving restarts. The verifier asks the ledger only about tokens whose
// signature and claims already passed.
//
// Errors: kUnavailable when the ledger cannot be consulted (e.g. the database is down). The
// verifier then refuses the token (fail closed) rather than accept it unchecked.
// Thread-safety: implementations must allow concurrent calls.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace cds::auth {

class ReplayLedger {
 public:
  enum class Result { kRecorded, kReplay, kFull };

  virtual ~ReplayLedger() = default;

  // Records the pair until `expires_at` (epoch seconds) unless it is already recorded with an
  // expiry after `now_seconds` (kReplay). kFull: a bounded ledger refuses new pairs.
  virtual StatusOr<Result> Use(std::string_view iss, std::string_view jti, int64_t expires_at,
                               int64_t now_seconds) = 0;
};

}  // namespace cds::auth
