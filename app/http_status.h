// The one place a Status becomes an HTTP status and a FHIR OperationOutcome body.
//
// 400 invalid request, 401 (no detail, by design), 403, 404, 405, 412 (data the rules
// need cannot be obtained), 413 (a size limit), 415 (not JSON), 503 (overloaded),
// 500 for bugs only -- whose text is replaced by a fixed sentence, never internals.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace cds::app {

int HttpStatusFor(const Status& status);

// Retry-After (seconds) sent with a 503 caused by an unavailable dependency (the database):
// long enough for a restart or fail-over to finish, short enough that feedback and hook
// calls resume promptly.
inline constexpr int kRetryAfterSeconds = 5;

// OperationOutcome JSON for an error. For 401 and 500 the diagnostics are generic.
std::string OperationOutcomeJson(int http_status, std::string_view diagnostics);
std::string OperationOutcomeFor(const Status& status);

}  // namespace cds::app
