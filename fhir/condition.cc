#include "fhir/condition.h"

#include "fhir/coding.h"

namespace cds::fhir {
namespace {

// The code of a status element (clinicalStatus, verificationStatus): the first coding with a
// non-empty string `code`, or the element itself when it is a plain string. The element's
// required binding leaves no doubt about the system, so a coding that omits it still counts,
// and STU3-era senders write the bare code ("clinicalStatus": "resolved"). Reading either as
// "absent" would turn a resolved or refuted condition into a current one.
std::string_view StatusElementCode(const json::Value& resource, std::string_view key) {
  if (auto plain = json::GetString(resource, key)) return *plain;
  const json::Value* cc = json::GetObject(resource, key);
  const json::Value* codings = cc == nullptr ? nullptr : json::GetArray(*cc, "coding");
  if (codings == nullptr) return "";
  for (const json::Value& c : codings->GetArray()) {
    if (auto code = json::GetString(c, "code"); code && !code->empty()) return *code;
  }
  return "";
}

}  // namespace

std::string_view Condition::clinical_status() const {
  return StatusElementCode(*v_, "clinicalStatus");
}

std::string_view Condition::verification_status() const {
  return StatusElementCode(*v_, "verificationStatus");
}

bool Condition::IsRefutedOrError() const {
  std::string_view v = verification_status();
  return v == "refuted" || v == "entered-in-error";
}

bool Condition::IsCurrent() const {
  if (IsRefutedOrError()) return false;
  std::string_view s = clinical_status();
  if (s.empty()) {
    bool abated = json::Find(*v_, "abatementDateTime") || json::Find(*v_, "abatementPeriod") ||
                  json::Find(*v_, "abatementAge") || json::Find(*v_, "abatementString") ||
                  json::Find(*v_, "abatementRange");
    return !abated;
  }
  return s == "active" || s == "recurrence" || s == "relapse";
}

std::optional<FhirDateTime> Condition::Onset() const {
  if (auto t = GetDateTime(*v_, "onsetDateTime")) return t;
  if (auto p = GetPeriod(*v_, "onsetPeriod"); p && p->start) return p->start;
  return RecordedDate();
}

std::string_view Condition::Text() const {
  const json::Value* cc = code();
  return cc == nullptr ? std::string_view() : ConceptText(*cc);
}

}  // namespace cds::fhir
