// FhirClient: reads from the EHR's FHIR server what prefetch did not supply.
//
// One call fetches a set of FHIR read/search URLs concurrently under a single deadline
// and returns one FhirResponse per URL, in order. Searches follow `next` links up to a
// page cap. Nothing is attempted after the deadline, and FetchAll does not return while
// any of its calls is still using the caller's access token.
//
// Errors are data, not exceptions: a FhirResponse's status is kUnavailable (network,
// 5xx, redirect, OperationOutcome, malformed body), kDeadlineExceeded, kPermissionDenied
// (401/403, or a URL outside the allow-list), kNotFound (404/410 on a read) or kOk.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace cds::fhir {

// The EHR's FHIR endpoint for one hook call, and its transient access token. The token
// must not be logged, stored, or used after the hook call is answered.
struct FhirServerAccess {
  std::string base_url;
  std::string bearer_token;  // empty: send no Authorization header
};

struct FhirResponse {
  Status status;
  // Parsed bodies: one for a read, one per page for a search.
  std::vector<std::unique_ptr<json::Document>> pages;
  // True when the page cap stopped us while the server still had a `next` page.
  bool truncated = false;
};

using Deadline = std::chrono::steady_clock::time_point;

class FhirClient {
 public:
  virtual ~FhirClient() = default;
  // `urls` are relative to server.base_url ("Observation?patient=1") or absolute URLs
  // under it (a prefetch Bundle's next link).
  virtual std::vector<FhirResponse> FetchAll(const FhirServerAccess& server,
                                             const std::vector<std::string>& urls,
                                             Deadline deadline) = 0;
  // True if calls to this base URL are allowed at all (the allow-list).
  virtual bool IsAllowed(const std::string& base_url) const = 0;
};

}  // namespace cds::fhir
