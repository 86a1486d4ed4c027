// CdsRequest: one validated hook call, viewing the JSON document it was parsed from.
//
// Parse() takes ownership of the parsed Document and checks the envelope (hook,
// hookInstance, fhirServer, fhirAuthorization) and the context fields of the hook the
// service answers. Shape faults are kInvalidArgument (HTTP 400) with a message naming
// the field. What real clients send is tolerated (fhir-samples/README.md): "Patient/123"
// as patientId, null fhirServer/fhirAuthorization, draftOrders Bundles without `type`,
// unknown context fields and `extension` members (ignored). When patientId is absent,
// the patient is taken from the draft orders' subject if they agree on one.
//
// Views (string_views, Value pointers) point into the owned Document: valid for the
// request's life, which moves with the object. The access token is held only here, in
// memory, for the duration of the call.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"

#include "hooks/hook.h"

namespace cds::hooks {

struct FhirAuthorization {
  std::string_view access_token;
  std::string_view token_type;
  int64_t expires_in = 0;
  std::string_view scope;
  std::string_view subject;
  std::string_view patient;
};

class CdsRequest {
 public:
  // Validates `doc` as a request for a service on `expected_hook`.
  static StatusOr<CdsRequest> Parse(std::unique_ptr<json::Document> doc, Hook expected_hook);

  Hook hook() const { return hook_; }
  std::string_view hook_instance() const { return hook_instance_; }
  // The EHR's FHIR base URL, if given (null and absent are the same).
  std::optional<std::string_view> fhir_server() const { return fhir_server_; }
  const std::optional<FhirAuthorization>& fhir_authorization() const { return fhir_auth_; }

  std::string_view user_id() const { return user_id_; }            // "" if absent
  std::string_view patient_id() const { return patient_id_; }      // bare FHIR id; "" if unknown
  std::string_view encounter_id() const { return encounter_id_; }  // bare id; "" if absent
  // context.draftOrders (a Bundle) or nullptr for patient-view.
  const json::Value* draft_orders() const { return draft_orders_; }
  // context.selections ("MedicationRequest/123"); empty for other hooks.
  const std::vector<std::string_view>& selections() const { return selections_; }
  // The prefetch object, or nullptr when absent.
  const json::Value* prefetch() const { return prefetch_; }
  const json::Value& context() const { return *context_; }

  const json::Document& document() const { return *doc_; }

 private:
  Status ParseEnvelope(Hook expected_hook);
  Status ParseContext();
  Status ParseDraftOrders();
  Status InferPatientFromOrders();

  std::unique_ptr<json::Document> doc_;
  Hook hook_ = Hook::kPatientView;
  std::string_view hook_instance_;
  std::optional<std::string_view> fhir_server_;
  std::optional<FhirAuthorization> fhir_auth_;
  const json::Value* context_ = nullptr;
  std::string_view user_id_;
  std::string_view patient_id_;
  std::string_view encounter_id_;
  const json::Value* draft_orders_ = nullptr;
  std::vector<std::string_view> selections_;
  const json::Value* prefetch_ = nullptr;
};

}  // namespace cds::hooks
