#include "hooks/patient_data.h"

#include "base/status_macros.h"

#include "fhir/bundle.h"
#include "fhir/reference.h"

namespace cds::hooks {
namespace {

// cqf-ruler's legacy prefetch shape: {"response": {...}, "resource": {...}}.
const json::Value& Unwrap(const json::Value& v) {
  if (v.IsObject() && json::Find(v, "resourceType") == nullptr) {
    if (const json::Value* r = json::GetObject(v, "resource");
        r != nullptr && json::Find(v, "response")) {
      return *r;
    }
  }
  return v;
}

}  // namespace

bool PatientData::BelongsToPatient(const json::Value& resource) const {
  if (patient_id_.empty()) return true;
  fhir::ResourceView view(resource);
  if (view.resource_type() == "Patient") return view.id().empty() || view.id() == patient_id_;
  std::string_view ref = view.ReferenceOf("subject");
  if (ref.empty()) ref = view.ReferenceOf("patient");
  fhir::ParsedReference p = fhir::ParseReference(ref);
  if (p.type != "Patient") return true;  // no or unresolvable reference: cannot tell, keep
  return p.id == patient_id_;
}

Status PatientData::AddResource(DataEntry& entry, const json::Value& resource,
                                std::string_view full_url) {
  if (++resource_count_ > max_resources_) {
    return ResourceExhaustedError("request carries more than " + std::to_string(max_resources_) +
                                  " FHIR resources");
  }
  if (!BelongsToPatient(resource)) {
    ++foreign_dropped_;
    return OkStatus();
  }
  index_.Add(resource, full_url);
  entry.resources.push_back(&resource);
  return OkStatus();
}

Status PatientData::AddPage(DataEntry& entry, const json::Value& page) {
  if (!fhir::IsResourceOfType(page, "Bundle")) return AddResource(entry, page, "");
  Status status;
  bool error_outcome = false;
  fhir::Bundle(page).ForEachEntry([&](const json::Value& r, std::string_view full_url) {
    if (!status.ok()) return;
    if (fhir::IsResourceOfType(r, "OperationOutcome")) {
      error_outcome = error_outcome || fhir::IsErrorOutcome(r);
      return;  // warnings in a searchset are information, not data
    }
    status = AddResource(entry, r, full_url);
  });
  CDS_RETURN_IF_ERROR(status);
  if (error_outcome) {
    entry.state = DataState::kUnavailable;
    entry.reason = "the search result carries an error OperationOutcome";
  }
  return OkStatus();
}

Status PatientData::AddPrefetchValue(const std::string& key, const json::Value& raw) {
  DataEntry& entry = entries_[key];
  if (raw.IsNull()) {  // null: the client has no data for this query
    entry.state = DataState::kReady;
    return OkStatus();
  }
  const json::Value& value = Unwrap(raw);
  if (!value.IsObject() || !json::GetString(value, "resourceType")) {
    // Not a resource (the spec's own example has "user": "123"): as if absent, so the
    // service fetches it rather than trusting a malformed value.
    entry.state = DataState::kNotFetched;
    return OkStatus();
  }
  if (fhir::IsResourceOfType(value, "OperationOutcome")) {  // the client could not read it
    entry.state = DataState::kUnavailable;
    entry.reason = "the EHR sent an OperationOutcome instead of data (" +
                   fhir::OperationOutcome(value).Summary() + ")";
    return OkStatus();
  }
  entry.state = DataState::kReady;
  CDS_RETURN_IF_ERROR(AddPage(entry, value));
  if (entry.state == DataState::kReady && fhir::IsResourceOfType(value, "Bundle")) {
    if (auto next = fhir::Bundle(value).NextLink()) {  // a paginated prefetch: more pages to fetch
      entry.state = DataState::kNotFetched;
      entry.next_page = std::string(*next);
    }
  }
  return OkStatus();
}

Status PatientData::LoadRequest(const CdsRequest& request, const std::vector<std::string>& keys) {
  if (const json::Value* orders = request.draft_orders()) {
    DataEntry& entry = entries_["context.draftOrders"];
    entry.state = DataState::kReady;
    CDS_RETURN_IF_ERROR(AddPage(entry, *orders));
  }
  const json::Value* prefetch = request.prefetch();
  if (prefetch == nullptr) return OkStatus();
  for (const std::string& key : keys) {
    const json::Value* v = json::Find(*prefetch, key);
    if (v != nullptr) {
      CDS_RETURN_IF_ERROR(AddPrefetchValue(key, *v));
    }
  }
  return OkStatus();
}

const DataEntry* PatientData::Find(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Status PatientData::AddFetched(const std::string& key, fhir::FhirResponse response, bool is_read) {
  DataEntry& entry = entries_[key];
  entry.next_page.clear();
  if (is_read && response.status.code() == StatusCode::kNotFound) {
    entry.state = DataState::kReady;  // the resource does not exist: a real answer
    return OkStatus();
  }
  if (!response.status.ok()) {
    MarkUnavailable(key, response.status.message());
    return OkStatus();
  }
  if (response.truncated) {
    MarkUnavailable(key, "the FHIR search had more pages than the configured page cap");
    return OkStatus();
  }
  entry.state = DataState::kReady;
  for (auto& page : response.pages) {
    // Owned before indexing: on error the index already points into this page.
    owned_.push_back(std::move(page));
    CDS_RETURN_IF_ERROR(AddPage(entry, *owned_.back()));
  }
  return OkStatus();
}

void PatientData::MarkUnavailable(const std::string& key, std::string reason) {
  DataEntry& entry = entries_[key];
  entry.state = DataState::kUnavailable;
  entry.resources.clear();
  entry.reason = std::move(reason);
}

}  // namespace cds::hooks
