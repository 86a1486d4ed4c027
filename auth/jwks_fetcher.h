// JwksFetcher: how the verifier obtains a CDS Client's JWK Set from a "jku" URL.
//
// The auth library does no network I/O itself; the app layer implements this with its
// HTTP client (TLS, timeouts, size limits). The verifier only ever passes URLs that are
// on the issuer's jku allow-list, and calls Fetch() without holding its cache lock.
//
// Thread-safety: implementations must allow concurrent Fetch() calls. Errors: any non-OK
// Status (the verifier reports it as kUnauthenticated); the message may be logged, so it
// must not contain credentials.
#pragma once

#include <string>

#include "base/status.h"

namespace cds::auth {

class JwksFetcher {
 public:
  virtual ~JwksFetcher() = default;
  // The body of the document at `url` (expected: a JWK Set, RFC 7517 §5).
  virtual StatusOr<std::string> Fetch(const std::string& url) = 0;
};

}  // namespace cds::auth
