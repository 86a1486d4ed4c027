#include "hooks/rule.h"

#include <algorithm>

#include "base/url.h"

#include "fhir/reference.h"

namespace cds::hooks {

void RuleOutcome::NeedData(std::string key) {
  if (std::find(needs_.begin(), needs_.end(), key) == needs_.end())
    needs_.push_back(std::move(key));
}

void RuleOutcome::MarkUnavailable(std::string key, std::string reason) {
  for (const auto& u : unavailable_) {
    if (u.key == key) return;
  }
  unavailable_.push_back({std::move(key), std::move(reason)});
}

void RuleOutcome::NoteRead(std::string_view key) {
  if (std::find(reads_.begin(), reads_.end(), key) == reads_.end()) reads_.emplace_back(key);
}

RuleOutcome::Kind RuleOutcome::kind() const {
  if (!unavailable_.empty()) return Kind::kDataUnavailable;
  if (!needs_.empty()) return Kind::kNeedsData;
  if (!cards_.empty()) return Kind::kFired;
  if (!notes_.empty()) return Kind::kInsufficientData;
  return Kind::kNotApplicable;
}

const std::vector<const json::Value*>* RuleContext::Require(std::string_view key,
                                                            RuleOutcome& out) const {
  out.NoteRead(key);
  const DataEntry* e = data_.Find(key);
  if (e == nullptr || e->state == DataState::kNotFetched) {
    out.NeedData(std::string(key));
    return nullptr;
  }
  if (e->state == DataState::kUnavailable) {
    out.MarkUnavailable(std::string(key), e->reason);
    return nullptr;
  }
  return &e->resources;
}

Resolved RuleContext::Resolve(const json::Value& from, std::string_view reference,
                              RuleOutcome& out) const {
  fhir::ParsedReference ref = fhir::ParseReference(reference);
  if (ref.kind == fhir::ReferenceKind::kAbsolute) {
    // Another server's "Medication/9" is not this server's "Medication/9": such a
    // reference resolves only to a request entry with exactly that fullUrl, and is
    // never read from anywhere.
    auto server = request_.fhir_server();
    if (!server || !IsAllowedUrl(reference, {std::string(*server)})) {
      const json::Value* r = data_.index().FindByFullUrl(reference);
      return r != nullptr ? Resolved{Resolution::kFound, r}
                          : Resolved{Resolution::kNotFound, nullptr};
    }
  }
  if (const json::Value* r = data_.index().Resolve(from, reference)) return {Resolution::kFound, r};
  if (ref.kind != fhir::ReferenceKind::kRelative && ref.kind != fhir::ReferenceKind::kAbsolute) {
    return {Resolution::kNotFound, nullptr};
  }
  std::string key = std::string(ref.type) + "/" + std::string(ref.id);
  const auto* resources = Require(key, out);
  if (resources == nullptr) return {Resolution::kPending, nullptr};
  if (resources->empty()) return {Resolution::kNotFound, nullptr};
  return {Resolution::kFound, resources->front()};
}

}  // namespace cds::hooks
