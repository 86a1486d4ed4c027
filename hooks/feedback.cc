#include "hooks/feedback.h"

#include "base/status_macros.h"

#include "fhir/datetime.h"

namespace cds::hooks {
namespace {

Status ItemError(size_t i, std::string_view what) {
  return InvalidArgumentError("feedback[" + std::to_string(i) + "]." + std::string(what));
}

// Member `key` of `obj`, which is at `where` ("" or "overrideReason.") inside item i.
StatusOr<std::string> ShortString(const json::Value& obj, std::string_view where,
                                  std::string_view key, size_t i, size_t max_len, bool required) {
  std::string name = std::string(where) + std::string(key);
  const json::Value* v = json::Find(obj, key);
  if (v == nullptr) {
    if (required) return ItemError(i, name + " is required");
    return std::string();
  }
  if (!v->IsString() || v->GetStringLength() == 0)
    return ItemError(i, name + " must be a non-empty string");
  if (v->GetStringLength() > max_len) return ItemError(i, name + " is too long");
  return std::string(json::AsStringView(*v));
}

Status ParseAccepted(const json::Value& item, size_t i, store::Feedback& f) {
  const json::Value* list = json::Find(item, "acceptedSuggestions");
  if (list == nullptr)
    return ItemError(i, "acceptedSuggestions is required when outcome is accepted");
  if (!list->IsArray() || list->Empty())
    return ItemError(i, "acceptedSuggestions must be a non-empty array");
  for (const json::Value& s : list->GetArray()) {
    auto id = json::GetString(s, "id");
    if (!id || id->empty() || id->size() > 128)
      return ItemError(i, "acceptedSuggestions[].id must be a string");
    f.accepted_suggestions.emplace_back(*id);
  }
  return OkStatus();
}

Status ParseOverride(const json::Value& item, size_t i, store::Feedback& f) {
  const json::Value* o = json::Find(item, "overrideReason");
  if (o == nullptr) return OkStatus();  // the spec lets a clinician override without a reason
  if (!o->IsObject()) return ItemError(i, "overrideReason must be an object");
  if (const json::Value* r = json::Find(*o, "reason"); r != nullptr) {
    if (!r->IsObject()) return ItemError(i, "overrideReason.reason must be a Coding");
    CDS_ASSIGN_OR_RETURN(f.override_code,
                         ShortString(*r, "overrideReason.reason.", "code", i, 256, true));
    CDS_ASSIGN_OR_RETURN(f.override_system,
                         ShortString(*r, "overrideReason.reason.", "system", i, 1024, false));
    CDS_ASSIGN_OR_RETURN(f.override_display,
                         ShortString(*r, "overrideReason.reason.", "display", i, 1024, false));
  }
  CDS_ASSIGN_OR_RETURN(f.user_comment, ShortString(*o, "overrideReason.", "userComment", i,
                                                   kMaxUserCommentBytes, false));
  return OkStatus();
}

}  // namespace

StatusOr<std::vector<store::Feedback>> ParseFeedback(const json::Value& body,
                                                     std::string_view service_id,
                                                     EpochMillis received_at) {
  if (!body.IsObject()) return InvalidArgumentError("feedback body must be a JSON object");
  const json::Value* list = json::Find(body, "feedback");
  if (list == nullptr) return InvalidArgumentError("feedback is required");
  if (!list->IsArray() || list->Empty())
    return InvalidArgumentError("feedback must be a non-empty array");
  if (list->Size() > kMaxFeedbackItems)
    return InvalidArgumentError("feedback has more than 1000 items");
  std::vector<store::Feedback> out;
  size_t i = 0;
  for (const json::Value& item : list->GetArray()) {
    if (!item.IsObject())
      return InvalidArgumentError("feedback[" + std::to_string(i) + "] must be an object");
    store::Feedback f;
    f.service_id = std::string(service_id);
    f.received_at = received_at;
    CDS_ASSIGN_OR_RETURN(f.card_uuid, ShortString(item, "", "card", i, 128, true));
    CDS_ASSIGN_OR_RETURN(f.outcome, ShortString(item, "", "outcome", i, 32, true));
    CDS_ASSIGN_OR_RETURN(f.outcome_timestamp,
                         ShortString(item, "", "outcomeTimestamp", i, 64, true));
    auto when = fhir::ParseFhirDateTime(f.outcome_timestamp);
    if (!when.ok() || when->precision != fhir::DatePrecision::kTime) {
      return ItemError(
          i, "outcomeTimestamp must be an RFC 3339 date-time such as 2021-12-11T10:05:31Z");
    }
    f.outcome_time = when->begin;
    if (f.outcome == "accepted") {
      CDS_RETURN_IF_ERROR(ParseAccepted(item, i, f));
    } else if (f.outcome == "overridden") {
      CDS_RETURN_IF_ERROR(ParseOverride(item, i, f));
    } else {
      return ItemError(i, "outcome must be \"accepted\" or \"overridden\"");
    }
    out.push_back(std::move(f));
    ++i;
  }
  return out;
}

}  // namespace cds::hooks
