// Feedback (CDS Hooks 2.0 §Feedback): validation of POST /cds-services/{id}/feedback.
//
// Checks every item (card, outcome, acceptedSuggestions when accepted, overrideReason,
// outcomeTimestamp as an RFC 3339 date-time) and returns them ready to store; any bad
// item rejects the whole body (kInvalidArgument naming the item), so a batch is stored
// all or nothing. Lenient where the reference client is: an override reason Coding may
// carry only `code`.
#pragma once

#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"

#include "store/records.h"

namespace cds::hooks {

inline constexpr size_t kMaxFeedbackItems = 1000;
inline constexpr size_t kMaxUserCommentBytes = 4000;

StatusOr<std::vector<store::Feedback>> ParseFeedback(const json::Value& body,
                                                     std::string_view service_id,
                                                     EpochMillis received_at);

}  // namespace cds::hooks
