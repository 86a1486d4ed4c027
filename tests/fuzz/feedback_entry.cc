// FuzzFeedback: feedback body parsing (fuzz_entry_points.h).
#include "base/json.h"
#include "base/status.h"

#include "hooks/feedback.h"

#include "tests/fuzz/fuzz_support.h"

namespace cds::fuzz {

void FuzzFeedback(const uint8_t* data, size_t size) {
  QuietLogs();
  auto doc = json::ParseJson(Text(data, size), ServerJsonLimits());
  if (!doc.ok()) return;
  auto items = hooks::ParseFeedback(**doc, "fuzz-service", kFixedNow);
  if (!items.ok()) {
    CDS_FUZZ_CHECK(items.status().code() == StatusCode::kInvalidArgument,
                   "ParseFeedback failed with a code other than InvalidArgument");
    return;
  }
  CDS_FUZZ_CHECK(!items->empty() && items->size() <= hooks::kMaxFeedbackItems,
                 "accepted feedback has no items or too many");
  for (const store::Feedback& f : *items) {
    CDS_FUZZ_CHECK(f.service_id == "fuzz-service" && f.received_at == kFixedNow,
                   "feedback lost its service or receipt time");
    CDS_FUZZ_CHECK(!f.card_uuid.empty() && f.card_uuid.size() <= 128, "bad card id accepted");
    CDS_FUZZ_CHECK(f.outcome == "accepted" || f.outcome == "overridden", "bad outcome accepted");
    CDS_FUZZ_CHECK(f.outcome != "accepted" || !f.accepted_suggestions.empty(),
                   "accepted feedback without suggestions");
    CDS_FUZZ_CHECK(f.user_comment.size() <= hooks::kMaxUserCommentBytes,
                   "overlong comment accepted");
  }
}

}  // namespace cds::fuzz
